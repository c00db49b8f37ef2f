/**
 * Running the go command: finding it, reading `go env -json` once per process, building a
 * controlled environment, and spawning go with an argv array (never a shell) while both
 * streaming and capturing its output. Shared by every executor that runs go.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadPlatformTable, type PlatformTable } from '../../platforms/table';
import { which } from '../../platforms/which';
import { CGO_ENV_VARIABLES } from '../../platforms/env';

/**
 * Variables passed from the caller's environment to go. Everything else (in particular GOOS,
 * GOARCH, the variant variables, CGO_ENABLED, CC) is set explicitly per target or not at all.
 */
export const GO_ENV_PASSTHROUGH: readonly string[] = [
  // process basics
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TEMP', 'TMP',
  'XDG_CACHE_HOME', 'XDG_CONFIG_HOME',
  // windows
  'SystemRoot', 'SYSTEMROOT', 'ComSpec', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'ProgramData',
  // go's own settings that describe the machine, not the target
  'GOROOT', 'GOPATH', 'GOCACHE', 'GOMODCACHE', 'GOTMPDIR', 'GOENV', 'GOTOOLCHAIN', 'GOFLAGS', 'GOWORK',
  'GOPROXY', 'GONOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GOSUMDB', 'GOINSECURE', 'GOVCS', 'GOAUTH',
  'GOEXPERIMENT', 'GODEBUG', 'GOTELEMETRY',
  // network and git for module downloads
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_CONFIG_GLOBAL', 'SSH_AUTH_SOCK', 'NETRC',
];

/** Extra variables passed through only for cgo builds (hashed by the cgo targets too). */
export const CGO_ENV_PASSTHROUGH: readonly string[] = CGO_ENV_VARIABLES;

/** The allow-listed subset of an environment. */
export function passthroughEnv(
  from: NodeJS.ProcessEnv,
  names: readonly string[] = GO_ENV_PASSTHROUGH,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = from[n];
    if (v !== undefined) out[n] = v;
  }
  return out;
}

/** Finds an executable on PATH (platforms/which.ts). */
export { which };

/** The go command to use: $GOCROSS_GO, else `go` from PATH, else $GOROOT/bin/go. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GOCROSS_GO) return which(env.GOCROSS_GO, env);
  const onPath = which('go', env);
  if (onPath) return onPath;
  if (env.GOROOT) return which(path.join(env.GOROOT, 'bin', 'go'), env);
  return undefined;
}

/** Parsed `go env -json`. */
export type GoEnv = Record<string, string>;

const goEnvMemo = new Map<string, GoEnv>();

/**
 * `go env -json` of a go binary, read once per process (per go binary, directory and
 * caller-visible go settings). Run it in the module's directory when that matters: a go.mod or
 * go.work there can select another toolchain (GOTOOLCHAIN). Throws with go's own message when
 * it fails.
 */
export function readGoEnv(go: string, env: NodeJS.ProcessEnv = process.env, cwd?: string): GoEnv {
  const base = passthroughEnv(env);
  const key = JSON.stringify([go, cwd, base.GOROOT, base.GOTOOLCHAIN, base.GOENV, base.GOFLAGS, base.GOWORK, base.PATH]);
  const hit = goEnvMemo.get(key);
  if (hit) return hit;
  const r = spawnSync(go, ['env', '-json'], { env: base, cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`cannot run ${go}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${go} env -json failed: ${(r.stderr || r.stdout).trim()}`);
  const parsed = JSON.parse(r.stdout) as GoEnv;
  goEnvMemo.set(key, parsed);
  return parsed;
}

/** GOVERSION of a go binary (`go1.26.8`), read once per process. */
export function readGoVersion(go: string, env: NodeJS.ProcessEnv = process.env, cwd?: string): string {
  return readGoEnv(go, env, cwd).GOVERSION;
}

/** Forgets memoized `go env` answers (tests). */
export function clearGoEnvMemo(): void {
  goEnvMemo.clear();
}

export interface GoRunOptions {
  cwd: string;
  /** The complete environment of the child (not merged with process.env). */
  env: Record<string, string>;
  /** Where to stream output as it arrives; default process.stdout / process.stderr. `null` silences. */
  stdout?: NodeJS.WritableStream | null;
  stderr?: NodeJS.WritableStream | null;
  /** The child's stdin: closed (`ignore`, the default), the caller's (`inherit`), or `data` written to it and closed. */
  stdin?: 'ignore' | 'inherit' | { data: string | Buffer };
  /** Keep only the last this many characters of each captured stream. */
  keepOutput?: number;
}

export interface GoRunResult {
  /** Exit code; null when killed by a signal or when go could not be started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
  /** Set when the process could not be started. */
  error?: Error;
}

/** Spawns a program with an argv array; the signature every executor's spawner follows. */
export type GoSpawner = (file: string, args: string[], opts: GoRunOptions) => Promise<GoRunResult>;

/**
 * Runs a command (normally go) with argv + explicit env, streaming and capturing its output.
 * stdin is closed unless `stdin` says otherwise; with `keepOutput`, only the last that many
 * characters of each captured stream are kept (for programs that may print without end).
 */
export const runGo: GoSpawner = (file, args, opts) =>
  new Promise((resolve) => {
    const out = opts.stdout === undefined ? process.stdout : opts.stdout;
    const err = opts.stderr === undefined ? process.stderr : opts.stderr;
    const input = opts.stdin ?? 'ignore';
    const limit = opts.keepOutput;
    const keep = (s: string): string => (limit !== undefined && s.length > limit ? s.slice(s.length - limit) : s);
    let stdout = '';
    let stderr = '';
    let output = '';
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: [typeof input === 'string' ? input : 'pipe', 'pipe', 'pipe'] });
    if (typeof input !== 'string') {
      child.stdin!.on('error', () => undefined); // the program may exit without reading it all
      child.stdin!.end(input.data);
    }
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      stdout = keep(stdout + d);
      output = keep(output + d);
      out?.write(d);
    });
    child.stderr!.on('data', (d: string) => {
      stderr = keep(stderr + d);
      output = keep(output + d);
      err?.write(d);
    });
    let done = false;
    child.on('error', (e) => {
      if (done) return;
      done = true;
      resolve({ code: null, signal: null, stdout, stderr, output, error: e });
    });
    child.on('close', (code, signal) => {
      if (done) return;
      done = true;
      resolve({ code, signal, stdout, stderr, output });
    });
  });

/**
 * The platform table for the Go at `go` (version `goVersion`), as every executor loads it: the
 * go command sees only the Go variables of `env`, and the on-disk cache goes to
 * $GOCROSS_CACHE_DIR when `env` sets it.
 */
export function platformTableFor(go: string, env: NodeJS.ProcessEnv, goVersion: string | undefined): PlatformTable {
  return loadPlatformTable({ go, env: passthroughEnv(env), goVersion, cacheDir: env.GOCROSS_CACHE_DIR });
}

export const GO_NOT_FOUND = 'go not found: install Go (https://go.dev/dl/) or put it on PATH, or set GOCROSS_GO';

/**
 * What every executor needs of Go before planning: the go command, `go env` (read in `cwd` when
 * given, so the module's toolchain line counts) and the platform table; or the one-line reason
 * why not.
 */
export function loadGo(
  env: NodeJS.ProcessEnv,
  given: { go?: string; table?: PlatformTable; cwd?: string } = {},
): { ok: true; go: string; goEnv: GoEnv; table: PlatformTable } | { ok: false; message: string } {
  const go = given.go ?? findGo(env);
  if (!go) return { ok: false, message: GO_NOT_FOUND };
  let goEnv: GoEnv;
  try {
    goEnv = readGoEnv(go, env, given.cwd);
  } catch (e) {
    return { ok: false, message: (e as Error).message.split('\n')[0] };
  }
  return { ok: true, go, goEnv, table: given.table ?? platformTableFor(go, env, goEnv.GOVERSION) };
}
