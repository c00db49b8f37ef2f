/**
 * The RuleTester of source rules: `sourceRuleTester(rule, { valid, invalid })` runs the rule on a
 * module's files (and, for asmdecl, the vet runs of the module) for one platform and expects no finding from the valid cases and exactly the
 * listed findings from the invalid ones. Files are real Go and assembly sources: a module of the
 * examples workspace (`examplesModule`) or files a spec writes out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { itIf, type Gate } from '../../test-utils/gates';
import { parsePlatform } from '../../platforms/platform';
import type { AsmdeclRun } from '../asmdecl-vet';
import type { SourceCheck } from '../rule';
import type { Finding, SourceFile, TargetSpec } from '../types';
import { findingMatcher, type ExpectedFinding } from './rule-tester';

export interface SourceCase {
  name: string;
  /** The module's files, relative path → content (on first use). */
  files: () => Record<string, string>;
  /** `linux/amd64`, `linux/arm/7`… */
  platform: string;
  /** Project root relative to the workspace root, prefixing finding paths. Default `libs/m`. */
  projectRoot?: string;
  tags?: string[];
  /** `go vet -asmdecl` runs handed to the rule (the asmdecl rule reads them). */
  asmdecl?: () => readonly AsmdeclRun[];
  gate?: Gate;
}

export interface SourceInvalidCase extends SourceCase {
  errors: ExpectedFinding[];
}

const EXAMPLES = path.join(__dirname, '..', '..', '..', '..', 'examples');

/** The directory of a module of the examples workspace (`libs/mathx`). */
export const examplesDir = (rel: string): string => path.join(EXAMPLES, rel);

/** The `.go`, `.s` and `go.mod` files of a module of the examples workspace (`libs/mathx`). */
export function examplesModule(rel: string): Record<string, string> {
  const dir = examplesDir(rel);
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(go|s)$|^go\.mod$/.test(e.name)) out[path.relative(dir, p).split(path.sep).join('/')] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function run(rule: SourceCheck, c: SourceCase): Finding[] {
  const target: TargetSpec = { platform: parsePlatform(c.platform), cgo: false, buildmode: 'exe', tags: c.tags ?? [] };
  const sources: SourceFile[] = Object.entries(c.files()).map(([p, content]) => ({ path: p, content }));
  return rule.run({ target, platform: target.platform, projectRoot: c.projectRoot ?? 'libs/m', sources, params: {}, asmdecl: c.asmdecl?.() });
}

export function sourceRuleTester(rule: SourceCheck, cases: { valid: SourceCase[]; invalid: SourceInvalidCase[] }): void {
  describe(`${rule.meta.id} (RuleTester)`, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        itIf(c.gate ?? { ok: true })(`${c.name} [${c.platform}]`, () => {
          expect(run(rule, c).map((f) => `${f.file}:${f.line ?? ''} ${f.message}`)).toEqual([]);
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        itIf(c.gate ?? { ok: true })(`${c.name} [${c.platform}]`, () => {
          expect(run(rule, c)).toEqual(c.errors.map((e) => findingMatcher(rule.meta.id, e)));
        });
      }
    });
  });
}

/** The platforms of the examples' default matrix. */
export const MATRIX_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'];

/** `libs/mathx` of the examples (amd64 and arm64 assembly, a pure-Go fallback), with some files replaced or removed (`null`). */
export function mathx(changes: Record<string, string | null> = {}): Record<string, string> {
  const files = { ...examplesModule('libs/mathx') };
  for (const [p, content] of Object.entries(changes)) {
    if (content === null) delete files[p];
    else files[p] = content;
  }
  return files;
}
