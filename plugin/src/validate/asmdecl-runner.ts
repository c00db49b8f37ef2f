/**
 * The half of the asmdecl check that touches the disk: runs `go vet -json -asmdecl` in a
 * module for one GOOS/GOARCH (assembly is checked against the Go declarations of the arch it is
 * built for, so each arch needs its own run) and parses the diagnostics
 * (../checks/asmdecl-vet). `runAsmdeclMatrix` does it for a platform matrix: only the
 * GOOS/GOARCHes and packages that build assembly (../checks/asmdecl-plan), in parallel. The
 * validate executor calls it and hands the runs to the engine; the `asmdecl` rule
 * (../checks/rules/asmdecl.ts) only maps them to findings, like every check, without spawning.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { planAsmdecl, type AsmdeclPlatform, type AsmdeclPlan } from '../checks/asmdecl-plan';
import { asmdeclVetArgs, parseVetJson, type AsmdeclRun } from '../checks/asmdecl-vet';
import type { SourceFile } from '../checks/types';

export type { AsmdeclDiagnostic, AsmdeclRun } from '../checks/asmdecl-vet';
export { asmdeclVetArgs, parseVetJson, splitJsonStream } from '../checks/asmdecl-vet';

export interface RunAsmdeclOptions {
  goos?: string;
  /** Base environment; default process.env. GOOS/GOARCH/CGO_ENABLED are set on top. */
  env?: Record<string, string | undefined>;
  /** The go binary. Default 'go'. */
  go?: string;
  /** Package patterns. Default ['./...']. */
  packages?: string[];
  timeoutMs?: number;
  /**
   * Progress lines: one when vet starts for the platform and one with how long it took. vet
   * type-checks every package for the arch, which takes seconds on a cold cache.
   */
  log?: (line: string) => void;
}

interface Prepared {
  goos: string;
  goarch: string;
  packages: string[];
  env: Record<string, string>;
  what: string;
  started: number;
}

function prepare(moduleDir: string, goarch: string, opts: RunAsmdeclOptions): Prepared {
  const started = Date.now();
  const goos = opts.goos ?? 'linux';
  const packages = opts.packages ?? ['./...'];
  const env = vetEnv(goos, goarch, opts.env);
  const what = `go vet -asmdecl for ${goos}/${goarch}`;
  const shown = path.relative(process.cwd(), moduleDir);
  const where = shown && !shown.startsWith('..') ? shown : moduleDir;
  const pkgs = opts.packages ? ` (${packages.length === 1 ? 'package' : 'packages'} ${packages.join(' ')})` : '';
  opts.log?.(`${what}: checking the assembly in ${where}${pkgs} against its Go declarations…`);
  return { goos, goarch, packages, env, what, started };
}

/** The environment of a vet run: the base environment with GOOS/GOARCH set and cgo off. */
function vetEnv(goos: string, goarch: string, base: Record<string, string | undefined> = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.GOOS = goos;
  env.GOARCH = goarch;
  env.CGO_ENABLED = '0';
  env.GOFLAGS = env.GOFLAGS ?? '';
  return env;
}

function finish(
  p: Prepared,
  moduleDir: string,
  res: { error?: Error; status: number | null; stdout: string; stderr: string },
  log: RunAsmdeclOptions['log'],
): AsmdeclRun {
  const run: AsmdeclRun = {
    goos: p.goos,
    goarch: p.goarch,
    moduleDir,
    packages: p.packages,
    diagnostics: [],
    durationMs: Date.now() - p.started,
  };
  const took = `${run.durationMs} ms`;
  if (res.error) {
    run.error = `cannot run go vet: ${res.error.message}`;
    log?.(`${p.what}: could not run after ${took}: ${res.error.message}`);
    return run;
  }
  run.diagnostics = parseVetJson(`${res.stdout}\n${res.stderr}`, moduleDir);
  if (res.status !== 0) {
    const text = res.stderr
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('{') && !l.startsWith('}') && !/^\s/.test(l))
      .slice(0, 5)
      .join('; ');
    run.error = `go vet -asmdecl (GOOS=${p.goos} GOARCH=${p.goarch}) failed: ${text || `exit status ${res.status}`}`;
  }
  const n = run.diagnostics.length;
  log?.(`${p.what}: ${run.error && n === 0 ? 'failed' : `${n} diagnostic${n === 1 ? '' : 's'}`} in ${took}`);
  return run;
}

/** Runs `go vet -json -asmdecl` for one arch in a module directory (default: on `./...`). */
export function runAsmdecl(moduleDir: string, goarch: string, opts: RunAsmdeclOptions = {}): AsmdeclRun {
  const p = prepare(moduleDir, goarch, opts);
  const res = spawnSync(opts.go ?? 'go', asmdeclVetArgs(p.packages), {
    cwd: moduleDir,
    env: p.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return finish(p, moduleDir, { error: res.error, status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '' }, opts.log);
}

/** `runAsmdecl` without blocking: the child runs while other runs (or the event loop) go on. */
export function runAsmdeclAsync(moduleDir: string, goarch: string, opts: RunAsmdeclOptions = {}): Promise<AsmdeclRun> {
  const p = prepare(moduleDir, goarch, opts);
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let error: Error | undefined;
    let timer: NodeJS.Timeout | undefined;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(opts.go ?? 'go', asmdeclVetArgs(p.packages), { cwd: moduleDir, env: p.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve(finish(p, moduleDir, { error: e as Error, status: null, stdout: '', stderr: '' }, opts.log));
      return;
    }
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      error = e;
    });
    timer = setTimeout(() => {
      error = new Error(`timed out after ${opts.timeoutMs ?? 300_000} ms`);
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 300_000);
    child.on('close', (status) => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      resolve(
        finish(p, moduleDir, { error, status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }, opts.log),
      );
    });
  });
}

export interface RunAsmdeclMatrixOptions extends Omit<RunAsmdeclOptions, 'goos' | 'packages'> {
  /** Most vet runs at a time. Default os.availableParallelism(). */
  parallel?: number;
}

export interface AsmdeclMatrixResult {
  /** One per GOOS/GOARCH that builds assembly, in matrix order. */
  runs: AsmdeclRun[];
  plan: AsmdeclPlan;
  /** Wall time of all runs (they overlap). */
  durationMs: number;
}

/**
 * `go vet -asmdecl` for a platform matrix, on the module's packages that build assembly for
 * each GOOS/GOARCH (see ./asmdecl-plan; `sources` are the module's files relative to
 * moduleDir), up to `parallel` runs at a time. Platforms sharing a GOOS/GOARCH (arm/6, arm/7)
 * run once; those without assembly are skipped, with one line saying which.
 */
export async function runAsmdeclMatrix(
  moduleDir: string,
  platforms: readonly AsmdeclPlatform[],
  sources: readonly SourceFile[],
  opts: RunAsmdeclMatrixOptions = {},
): Promise<AsmdeclMatrixResult> {
  const started = Date.now();
  const plan = planAsmdecl(sources, platforms, { env: opts.env ?? process.env });
  const parallel = Math.max(1, Math.min(opts.parallel ?? os.availableParallelism(), plan.runs.length || 1));
  const list = (ps: readonly AsmdeclPlatform[]) => ps.map((p) => `${p.goos}/${p.goarch}`).join(', ');
  const n = plan.runs.length + plan.skipped.length;
  if (n > 0) {
    const skipped = plan.skipped.length ? `${plan.skipped.length} skipped as having no assembly (${list(plan.skipped)})` : 'none skipped';
    opts.log?.(
      `go vet -asmdecl: ${plan.runs.length} of ${n} GOOS/GOARCH ${n === 1 ? 'pair builds' : 'pairs build'} assembly` +
        `${plan.runs.length ? ` (${list(plan.runs)}), vetted up to ${parallel} at a time` : ''}; ${skipped}`,
    );
  }
  const runs: AsmdeclRun[] = new Array(plan.runs.length);
  let next = 0;
  const worker = async () => {
    while (next < plan.runs.length) {
      const i = next++;
      const r = plan.runs[i];
      runs[i] = await runAsmdeclAsync(moduleDir, r.goarch, { ...opts, goos: r.goos, packages: r.packages });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { runs, plan, durationMs: Date.now() - started };
}
