/**
 * The registry as a whole: one rule per file under ./rules, named by its id, with one docs page
 * per id under docs/checks/ and no page without a rule; and every rule together on each good
 * build of the default matrix and beyond: zero findings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { itIf } from '../test-utils/gates';
import { INPUT_CHECK_ID } from './engine';
import { ALL_CHECKS, BINARY_CHECKS, findCheck, resolveCheckId, SOURCE_CHECKS } from './registry';
import { GOOD } from './test-utils/artifacts';
import { lines, validate } from './test-utils/run';

const RULES_DIR = path.join(__dirname, 'rules');
const DOCS_DIR = path.join(__dirname, '..', '..', '..', 'docs', 'checks');
const ids = ALL_CHECKS.map((c) => c.meta.id);

describe('registry', () => {
  it('lists every rule file of rules/ once, and nothing else; the file name is the rule id', () => {
    const files = fs
      .readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
      .map((f) => f.slice(0, -'.ts'.length))
      .sort();
    expect(files).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has a spec beside every rule', () => {
    for (const id of ids) expect({ id, spec: fs.existsSync(path.join(RULES_DIR, `${id}.spec.ts`)) }).toEqual({ id, spec: true });
  });

  it('docs/checks/ has exactly one page per rule id (and the input pseudo-check), each named in its rule meta', () => {
    const pages = fs
      .readdirSync(DOCS_DIR)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -'.md'.length))
      .sort();
    // every rule has its page …
    for (const c of ALL_CHECKS) {
      expect({ id: c.meta.id, docs: c.meta.docs, page: pages.includes(c.meta.id) }).toEqual({ id: c.meta.id, docs: `docs/checks/${c.meta.id}.md`, page: true });
      expect(fs.readFileSync(path.join(DOCS_DIR, `${c.meta.id}.md`), 'utf8').split('\n')[0]).toBe(`# ${c.meta.id}`);
    }
    // … and every page is a rule's (former ids have none)
    expect(pages).toEqual([...ids, INPUT_CHECK_ID].sort());
  });

  it('binary rules come first, then source rules; kinds and schemas fit', () => {
    expect(ALL_CHECKS).toEqual([...BINARY_CHECKS, ...SOURCE_CHECKS]);
    for (const c of BINARY_CHECKS) {
      expect(c.meta.kind).toBe('binary');
      expect(c.meta.schema).toMatchObject({ type: 'object', additionalProperties: false });
    }
    for (const c of SOURCE_CHECKS) expect(c.meta.kind).toBe('source');
  });

  it('former ids resolve to their rule and are no rule id of their own', () => {
    const aliases = ALL_CHECKS.flatMap((c) => (c.meta.aliases ?? []).map((a) => [a, c.meta.id] as const));
    expect(aliases).toEqual([['elf-arch', 'binary-arch']]);
    for (const [alias, id] of aliases) {
      expect(ids).not.toContain(alias);
      expect(findCheck(alias)?.meta.id).toBe(id);
      expect(resolveCheckId(alias)).toBe(id);
    }
    expect(resolveCheckId('rpath')).toBe('rpath');
    expect(resolveCheckId('no-such')).toBeUndefined();
  });
});

describe('layers of checks/', () => {
  /** Module specifiers a file imports (import/export … from, require). */
  const importsOf = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(/(?:from|require\()\s*'([^']+)'/g)].map((m) => m[1]);
  const files = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')).map((f) => path.join(dir, f));
  /** The files above the rules: they run them, read policies and artifacts. */
  const TOP = new Set(['engine.ts', 'policy.ts', 'registry.ts', 'index.ts']);
  const PROCESS_OR_DISK = /^(node:)?(fs|child_process|fs\/promises)$/;

  it('rules never touch the disk or spawn, and import nothing above them', () => {
    for (const f of files(RULES_DIR)) {
      const bad = importsOf(f).filter((m) => PROCESS_OR_DISK.test(m) || /^\.\.\/(engine|policy|registry|index)$/.test(m) || /^\.\.\/\.\.\/(validate|executors|cli|report)\//.test(m) || /^\.\/(?!\.)/.test(m));
      expect({ file: path.basename(f), bad }).toEqual({ file: path.basename(f), bad: [] });
    }
  });

  it('below the engine and the policy loader, nothing imports them, the registry, the disk or a process', () => {
    for (const f of files(__dirname).filter((x) => !TOP.has(path.basename(x)))) {
      const bad = importsOf(f).filter((m) => PROCESS_OR_DISK.test(m) || /^\.\/(engine|policy|registry|index)$/.test(m) || /^\.\.\/(validate|executors|cli|report)\//.test(m));
      expect({ file: path.basename(f), bad }).toEqual({ file: path.basename(f), bad: [] });
    }
  });

  it('result.ts, the shapes every layer shares, depends only on the contract types', () => {
    expect([...new Set(importsOf(path.join(__dirname, 'result.ts')))].sort()).toEqual(['../binary/types', '../platforms/types', './asmdecl-vet', './rule', './types']);
  });
});

describe('every rule on good builds: zero findings', () => {
  for (const g of GOOD) {
    itIf(g.gate)(g.name, async () => {
      const r = await validate(g.artifact(), g.target);
      expect(lines(r)).toEqual([]);
      expect(r.artifacts[0].checksRun).toEqual(BINARY_CHECKS.map((c) => c.meta.id));
      const goos = g.target.platform.goos;
      expect(r.artifacts[0].kind).toBe(goos === 'darwin' ? 'macho' : goos === 'windows' ? 'pe' : 'elf');
    });
  }
});
