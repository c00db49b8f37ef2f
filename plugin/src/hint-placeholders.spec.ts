/**
 * Guard: no string the plugin prints holds a placeholder such as `<project>`, `<arch>`,
 * `<target>` or `<triple>`. A fix hint or a printed command is copied and run as it is, and
 * `nx run <project>:validate` fails in every shell (`<` is a redirection). Hints fill in the real
 * value, or say in prose what to put there.
 *
 * Every string literal and template text of plugin/src (specs, test utilities and type
 * declarations left out) is read with the TypeScript parser, so comments and JSDoc, where
 * placeholders document templates, are never looked at. The few strings below that are not
 * hints are allowed by file and text, each with its reason; an allowance that no longer matches
 * anything fails too, so the list stays exact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const SRC = __dirname;

const PLACEHOLDER = /<(project|arch|goarch|goos|os|target|triple|version|dir|sysroot|configuration|package|module)>/g;

const ALLOWED: { file: string; text: string; why: string }[] = [
  { file: 'binary/ar.ts', text: '!<arch>', why: 'the magic bytes of an ar archive' },
  { file: 'binary/detect.ts', text: '!<arch>', why: 'the magic bytes of an ar archive' },
  { file: 'checks/rules/asm-guard.ts', text: 'no _<arch> file-name suffix', why: "the check's description names the file-name convention, no command" },
  { file: 'cli/main.ts', text: '--out <dir>', why: "commander's syntax for an option's argument (the usage line)" },
  { file: 'generators/asm/generator.ts', text: '_<arch>.s on ', why: 'a comment written into the generated Go file' },
  { file: 'platforms/platform.ts', text: 'expected <os>/<arch>[/<variant>]', why: 'the syntax of a platform, in the error for one that does not parse' },
];

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'test-utils' && e.name !== 'node_modules') sources(p, out);
    } else if (/\.ts$/.test(e.name) && !/\.(spec|d)\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

interface Hit {
  file: string;
  line: number;
  text: string;
}

function placeholderStrings(): Hit[] {
  const hits: Hit[] = [];
  for (const file of sources(SRC)) {
    const rel = path.relative(SRC, file).split(path.sep).join('/');
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
        if (n.text.match(PLACEHOLDER)) hits.push({ file: rel, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, text: n.text });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return hits;
}

describe('printed strings hold no placeholders', () => {
  const hits = placeholderStrings();
  const allowedBy = (h: Hit) => ALLOWED.find((a) => a.file === h.file && h.text.includes(a.text));

  it('finds the strings it is meant to find (the scanner itself works)', () => {
    // Allowed strings are real hits: if the scan found none of them, it would find nothing else either.
    expect(hits.filter((h) => allowedBy(h)).length).toBeGreaterThanOrEqual(ALLOWED.length);
  });

  it('no hint, message or printed command has a <project>, <arch>, <target>, <triple> … placeholder', () => {
    const bad = hits.filter((h) => !allowedBy(h)).map((h) => `${h.file}:${h.line}: ${JSON.stringify(h.text)}`);
    expect(bad).toEqual([]);
  });

  it('every allowance still matches a string (no stale entries)', () => {
    const stale = ALLOWED.filter((a) => !hits.some((h) => h.file === a.file && h.text.includes(a.text)));
    expect(stale).toEqual([]);
  });
});
