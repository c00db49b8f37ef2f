/**
 * The asmdecl findings of a module the old way (`go vet -asmdecl ./...` for every GOOS/GOARCH
 * of the matrix) and the new way (runAsmdeclMatrix: only where assembly is built, only those
 * packages, in parallel), for tests that prove both find the same.
 */
import { asmdecl } from '../rules/asmdecl';
import type { AsmdeclRun } from '../asmdecl-vet';
import { runAsmdecl, runAsmdeclMatrix } from '../../validate/asmdecl-runner';
import type { AsmdeclPlan } from '../asmdecl-plan';
import type { Platform } from '../../platforms/types';
import { readProjectSources } from '../../executors/validate/executor';

export interface AsmdeclComparison {
  /** Per matrix platform (`linux/arm/7`), the asmdecl check's findings, as sorted JSON lines. */
  oldFindings: string[];
  newFindings: string[];
  /** Diagnostics per GOOS/GOARCH (only those with any), as sorted JSON lines. */
  oldDiagnostics: string[];
  newDiagnostics: string[];
  oldRuns: AsmdeclRun[];
  newRuns: AsmdeclRun[];
  plan: AsmdeclPlan;
  log: string[];
}

function findings(runs: readonly AsmdeclRun[], platforms: readonly Platform[]): string[] {
  const out: string[] = [];
  for (const p of platforms) {
    const target = { platform: p, cgo: false, buildmode: 'exe' as const };
    for (const f of asmdecl.run({ target, platform: p, projectRoot: 'libs/m', sources: [], params: {}, asmdecl: runs })) {
      out.push(JSON.stringify({ platform: [p.goos, p.goarch, p.variant].filter(Boolean).join('/'), ...f }));
    }
  }
  return out.sort();
}

function diagnostics(runs: readonly AsmdeclRun[]): string[] {
  return runs.flatMap((r) => r.diagnostics.map((d) => JSON.stringify({ goos: r.goos, goarch: r.goarch, ...d }))).sort();
}

export async function compareAsmdecl(moduleDir: string, platforms: readonly Platform[], env: Record<string, string | undefined>): Promise<AsmdeclComparison> {
  const seen = new Set<string>();
  const oldRuns: AsmdeclRun[] = [];
  for (const p of platforms) {
    const key = `${p.goos}/${p.goarch}`;
    if (seen.has(key)) continue;
    seen.add(key);
    oldRuns.push(runAsmdecl(moduleDir, p.goarch, { goos: p.goos, env }));
  }
  const log: string[] = [];
  const matrix = await runAsmdeclMatrix(moduleDir, platforms, readProjectSources(moduleDir), { env, log: (l) => log.push(l) });
  return {
    oldFindings: findings(oldRuns, platforms),
    newFindings: findings(matrix.runs, platforms),
    oldDiagnostics: diagnostics(oldRuns),
    newDiagnostics: diagnostics(matrix.runs),
    oldRuns,
    newRuns: matrix.runs,
    plan: matrix.plan,
    log,
  };
}
