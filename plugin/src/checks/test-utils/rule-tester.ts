/**
 * A RuleTester for binary rules, after ESLint's: `ruleTester(rule, { valid, invalid })` runs the
 * rule (through the engine, with a policy when a case gives one) on real artifacts and expects
 * no finding from the valid ones and exactly the listed findings from the invalid ones. A case
 * that needs a tool names its gate (../../test-utils/gates): without the tool it is registered
 * as skipped, or as failing under CI.
 */
import { itIf, type Gate } from '../../test-utils/gates';
import type { ValidationResult } from '../result';
import type { Check } from '../rule';
import type { Finding, Severity, SourceFile, TargetSpec } from '../types';
import type { Platform } from '../../platforms/types';
import { validate } from './run';

interface CaseBase {
  name: string;
  /** The artifact (built or derived on first use). */
  artifact: () => string;
  target: TargetSpec;
  /** Tools (or files) the case needs. Default: open. */
  gate?: Gate;
  /** A policy document as in gocross.policy.json. */
  policy?: object;
  sources?: SourceFile[];
  expectedPlatform?: Platform;
  /** Run every rule of the registry, not only this one (the case then asserts on all of them). */
  allRules?: boolean;
}

export type ValidCase = CaseBase;

/** An expected finding: its message (exact, or a pattern), or more of it. */
export type ExpectedFinding =
  | string
  | RegExp
  | { message: string | RegExp; severity?: Severity; checkId?: string; fix?: string | RegExp; line?: number };

export interface InvalidCase extends CaseBase {
  /** The findings, in order (`unordered`: in any order). Severity defaults to 'error', check id to the rule's. */
  errors: ExpectedFinding[];
  unordered?: boolean;
  /** More assertions on the result. */
  assert?: (r: ValidationResult) => void | Promise<void>;
}

const text = (v: string | RegExp) => (typeof v === 'string' ? v : expect.stringMatching(v));

/** A matcher of one finding of rule `checkId` (source rule testers use it too). */
export function findingMatcher(checkId: string, e: ExpectedFinding): unknown {
  const o = typeof e === 'string' || e instanceof RegExp ? { message: e } : e;
  return expect.objectContaining({
    checkId: o.checkId ?? checkId,
    severity: o.severity ?? 'error',
    message: text(o.message),
    ...(o.fix !== undefined ? { fix: text(o.fix) } : {}),
    ...(o.line !== undefined ? { line: o.line } : {}),
  });
}

/** `severity id: message` lines, for readable failure output. */
function lines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.severity} ${f.checkId}: ${f.message}`);
}

async function run(rule: Check, c: CaseBase): Promise<ValidationResult> {
  return validate(c.artifact(), c.target, {
    checks: c.allRules ? undefined : [rule],
    policy: c.policy,
    sources: c.sources,
    expectedPlatform: c.expectedPlatform,
  });
}

export function ruleTester(rule: Check, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`${rule.meta.id} (RuleTester)`, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        itIf(c.gate ?? { ok: true })(c.name, async () => {
          const r = await run(rule, c);
          expect(lines(r.findings)).toEqual([]);
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        itIf(c.gate ?? { ok: true })(c.name, async () => {
          const r = await run(rule, c);
          const want = c.errors.map((e) => findingMatcher(rule.meta.id, e));
          if (c.unordered) {
            expect(r.findings).toHaveLength(want.length);
            expect(r.findings).toEqual(expect.arrayContaining(want));
          } else {
            try {
              expect(r.findings).toEqual(want);
            } catch (e) {
              throw new Error(`${(e as Error).message}\n\nfindings:\n${lines(r.findings).join('\n')}`);
            }
          }
          await c.assert?.(r);
        });
      }
    });
  });
}
