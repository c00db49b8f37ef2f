/** Runs the engine on one artifact for the check tests. */
import { validateArtifacts } from '../engine';
import { defaultPolicy, loadPolicy, type Policy } from '../policy';
import type { SourceFile, ValidationResult } from '../result';
import type { Check } from '../rule';
import type { TargetSpec } from '../types';
import { parsePlatform } from '../../platforms/platform';
import type { Platform } from '../../platforms/types';

export function target(platform: string, extra: Partial<TargetSpec> = {}): TargetSpec {
  const cgo = extra.cgo ?? false;
  return {
    platform: parsePlatform(platform),
    cgo,
    buildmode: 'exe',
    linkmode: cgo ? 'external' : 'internal',
    tags: [],
    trimpath: true,
    ...(cgo ? { libc: 'glibc' as const } : {}),
    ...extra,
  };
}

export async function validate(
  file: string,
  t: TargetSpec,
  opts: { policy?: Policy | object; checks?: readonly Check[]; sources?: SourceFile[]; expectedPlatform?: Platform } = {},
): Promise<ValidationResult> {
  const policy: Policy =
    opts.policy === undefined ? defaultPolicy() : 'sources' in (opts.policy as Policy) ? (opts.policy as Policy) : loadPolicy(opts.policy, 'test-policy.json');
  return validateArtifacts({ artifacts: [{ path: file, target: t, expectedPlatform: opts.expectedPlatform }], policy, checks: opts.checks, sources: opts.sources });
}

/** Compact "checkId: message" lines, for readable failure output. */
export function lines(r: ValidationResult): string[] {
  return r.findings.map((f) => `${f.severity} ${f.checkId}: ${f.message}`);
}
