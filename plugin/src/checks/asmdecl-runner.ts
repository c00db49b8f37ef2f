/**
 * The half of the asmdecl check that touches the disk: runs `go vet -json -asmdecl ./...` in a
 * module for one GOOS/GOARCH (assembly is checked against the Go declarations of the arch it is
 * built for, so each arch of the matrix needs its own run) and parses the diagnostics. The
 * validate executor / CLI calls this and hands the runs to the engine; the `asmdecl` check
 * itself (./asmdecl.ts) only maps them to findings, like every check, without spawning.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface AsmdeclDiagnostic {
  /** Import path of the package. */
  package: string;
  /** File path relative to the module directory, `/`-separated. */
  file: string;
  line: number;
  column: number;
  /** vet's message without the `[arch]` prefix, e.g. `Add: invalid MOVQ of a+0(FP); int32 is 4-byte value`. */
  message: string;
  /** The function the message is about, when vet names one. */
  function?: string;
}

export interface AsmdeclRun {
  goos: string;
  goarch: string;
  moduleDir: string;
  diagnostics: AsmdeclDiagnostic[];
  /** Set when vet could not check the packages at all (type errors, missing go). */
  error?: string;
  durationMs: number;
}

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

/** Splits a stream of concatenated JSON values (what `go vet -json` prints, one per package). */
export function splitJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && depth > 0) {
      if (--depth === 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          // not JSON (e.g. a brace in an error message)
        }
      }
    }
  }
  return out;
}

/** Parses `go vet -json` output into asmdecl diagnostics, with paths relative to moduleDir. */
export function parseVetJson(output: string, moduleDir: string): AsmdeclDiagnostic[] {
  const diags: AsmdeclDiagnostic[] = [];
  for (const v of splitJsonStream(output)) {
    if (!v || typeof v !== 'object') continue;
    for (const [pkg, analyzers] of Object.entries(v as Record<string, unknown>)) {
      const list = (analyzers as Record<string, unknown> | null)?.asmdecl;
      if (!Array.isArray(list)) continue;
      for (const d of list as { posn?: string; message?: string }[]) {
        const m = /^(.*):(\d+):(\d+)$/.exec(d.posn ?? '');
        const file = m ? m[1] : (d.posn ?? '');
        const rel = path.isAbsolute(file) ? path.relative(moduleDir, file) : file;
        const msg = (d.message ?? '').replace(/^\[[a-z0-9]+\]\s*/, '');
        const fn = /^([\p{L}\p{Nd}_.·]+): /u.exec(msg)?.[1];
        diags.push({
          package: pkg,
          file: rel.split(path.sep).join('/'),
          line: m ? Number(m[2]) : 0,
          column: m ? Number(m[3]) : 0,
          message: msg,
          ...(fn ? { function: fn } : {}),
        });
      }
    }
  }
  return diags;
}

/** Runs `go vet -json -asmdecl` for one arch in a module directory. */
export function runAsmdecl(moduleDir: string, goarch: string, opts: RunAsmdeclOptions = {}): AsmdeclRun {
  const started = Date.now();
  const goos = opts.goos ?? 'linux';
  const base = opts.env ?? process.env;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.GOOS = goos;
  env.GOARCH = goarch;
  env.CGO_ENABLED = '0';
  env.GOFLAGS = env.GOFLAGS ?? '';
  const what = `go vet -asmdecl for ${goos}/${goarch}`;
  const shown = path.relative(process.cwd(), moduleDir);
  opts.log?.(`${what}: checking the assembly in ${shown && !shown.startsWith('..') ? shown : moduleDir} against its Go declarations…`);
  const res = spawnSync(opts.go ?? 'go', ['vet', '-json', '-asmdecl', ...(opts.packages ?? ['./...'])], {
    cwd: moduleDir,
    env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const run: AsmdeclRun = {
    goos,
    goarch,
    moduleDir,
    diagnostics: [],
    durationMs: Date.now() - started,
  };
  const took = `${run.durationMs} ms`;
  if (res.error) {
    run.error = `cannot run go vet: ${res.error.message}`;
    opts.log?.(`${what}: could not run after ${took}: ${res.error.message}`);
    return run;
  }
  const output = `${res.stdout ?? ''}\n${res.stderr ?? ''}`;
  run.diagnostics = parseVetJson(output, moduleDir);
  if (res.status !== 0) {
    const text = (res.stderr ?? '')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('{') && !l.startsWith('}') && !/^\s/.test(l))
      .slice(0, 5)
      .join('; ');
    run.error = `go vet -asmdecl (GOOS=${goos} GOARCH=${goarch}) failed: ${text || `exit status ${res.status}`}`;
  }
  const n = run.diagnostics.length;
  opts.log?.(`${what}: ${run.error && n === 0 ? 'failed' : `${n} diagnostic${n === 1 ? '' : 's'}`} in ${took}`);
  return run;
}
