/**
 * Helpers shared by the end-to-end tests. Every process is spawned with an argv array and an
 * explicit environment; nothing goes through a shell.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const IN_CI = process.env.CI === 'true';

/** The shared Nx workspace created by setup/global-setup.js. */
export function workspaceRoot(): string {
  let ws = process.env.GOCROSS_E2E_WORKSPACE;
  if (!ws) {
    const info = path.join(os.tmpdir(), 'gocross-e2e-current.json');
    if (fs.existsSync(info)) ws = JSON.parse(fs.readFileSync(info, 'utf8')).workspace as string;
  }
  if (!ws || !fs.existsSync(path.join(ws, 'nx.json'))) {
    throw new Error('e2e workspace not found: run the e2e suite through e2e/jest.config.js (its global setup creates it)');
  }
  return ws;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout + stderr, ANSI escapes removed. */
  output: string;
  ms: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

export interface RunOptions {
  cwd?: string;
  /** Variables added to (or, with value undefined, removed from) the base environment. */
  env?: Record<string, string | undefined>;
  /** Replace the base environment entirely (still merged with `env`). */
  baseEnv?: Record<string, string | undefined>;
  timeoutMs?: number;
  input?: string;
}

function buildEnv(opts: RunOptions): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...(opts.baseEnv ?? process.env), ...(opts.env ?? {}) };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(merged)) if (v !== undefined) out[k] = v;
  return out;
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): RunResult {
  const started = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: buildEnv(opts),
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 10 * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
    input: opts.input,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`cannot run ${cmd}: not found`);
  }
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return {
    code: r.status,
    signal: r.signal,
    stdout,
    stderr,
    output: stripAnsi(stdout + (stdout && stderr ? '\n' : '') + stderr),
    ms: Date.now() - started,
  };
}

/** Environment under which Nx runs in the tests: no daemon, no cloud, no colours, no TUI. */
export function nxEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_INTERACTIVE: 'false',
    NX_SKIP_NX_CACHE: undefined,
    NX_VERBOSE_LOGGING: undefined,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    ...extra,
  };
}

/** The `nx` CLI script of the Nx installed in a workspace (from nx's package.json `bin`). */
export function nxBinIn(ws: string): string {
  const pkgDir = path.join(ws, 'node_modules', 'nx');
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  const rel = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.nx;
  return path.join(pkgDir, rel);
}

/** Runs the workspace's own Nx (`node node_modules/nx/bin/nx.js …`). */
export function nx(args: string[], opts: RunOptions = {}): RunResult {
  const ws = opts.cwd ?? workspaceRoot();
  const nxBin = nxBinIn(workspaceRoot());
  return run(process.execPath, [nxBin, ...args], { ...opts, cwd: ws, env: nxEnv(opts.env) });
}

/** A readable dump of a failed run for assertion messages. */
export function describeRun(what: string, r: RunResult): string {
  const tail = r.output.length > 6000 ? '…' + r.output.slice(-6000) : r.output;
  return `${what}: exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''} after ${r.ms} ms\n${tail}`;
}

export function expectSuccess(what: string, r: RunResult): RunResult {
  if (r.code !== 0) throw new Error(describeRun(what, r));
  return r;
}

/** Nx 24's wording when a task is restored from (or already matches) the local cache. */
export function nxTaskFromCache(output: string, taskId: string): boolean {
  const lines = stripAnsi(output).split('\n');
  return lines.some(
    (l) =>
      l.includes(taskId) &&
      (l.includes('[local cache]') || l.includes('[existing outputs match the cache, left as is]') || l.includes('[remote cache]')),
  );
}

// ---------------------------------------------------------------------------------------------
// External tools used as independent oracles

/** Absolute path of a program on PATH, or undefined. */
export function which(cmd: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/**
 * The path of a tool a test needs. The test is registered behind a gate on that tool
 * (`itIf(haveTools(...))`, plugin/src/test-utils/gates: skipped with the reason outside CI,
 * failing under CI=true), so the tool is there when it runs; missing anyway, this throws.
 */
export function requireTool(cmd: string, why: string): string {
  const p = which(cmd);
  if (p) return p;
  throw new Error(`${cmd} not found on PATH (needed to ${why}); install it (Debian: see .ci/run)`);
}

export function realGo(): string {
  const p = which('go');
  if (!p) throw new Error('go not found on PATH: the end-to-end tests need a Go toolchain');
  return fs.realpathSync(p);
}

export interface GoVersionM {
  goVersion: string;
  path?: string;
  mod?: string;
  deps: string[];
  settings: Record<string, string>;
}

/** `go version -m <file>`: the Go toolchain's own reading of the build info. */
export function goVersionM(file: string): GoVersionM {
  const r = expectSuccess(`go version -m ${file}`, run(realGo(), ['version', '-m', file]));
  const lines = r.stdout.split('\n');
  const head = lines[0] ?? '';
  const out: GoVersionM = { goVersion: head.slice(head.indexOf(': ') + 2).trim(), deps: [], settings: {} };
  for (const line of lines.slice(1)) {
    const f = line.trim().split('\t');
    if (f[0] === 'path') out.path = f[1];
    else if (f[0] === 'mod') out.mod = f[1];
    else if (f[0] === 'dep') out.deps.push(f[1]);
    else if (f[0] === 'build') {
      const kv = f.slice(1).join('\t');
      const eq = kv.indexOf('=');
      if (eq > 0) out.settings[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
  }
  return out;
}

export interface ReadelfHeader {
  class: string;
  data: string;
  type: string;
  machine: string;
  flags: string;
}

/** `readelf -h` (binutils-multiarch): class, data, type and machine as binutils names them. */
export function readelfHeader(readelf: string, file: string): ReadelfHeader {
  const r = expectSuccess(`readelf -h ${file}`, run(readelf, ['-h', '-W', file], { env: { LC_ALL: 'C' } }));
  const get = (key: string): string => {
    const m = new RegExp(`^\\s*${key}:\\s*(.*)$`, 'm').exec(r.stdout);
    if (!m) throw new Error(`readelf -h ${file}: no "${key}" line\n${r.stdout}`);
    return m[1].trim();
  };
  return { class: get('Class'), data: get('Data'), type: get('Type'), machine: get('Machine'), flags: get('Flags') };
}

/** `readelf -l`: the program interpreter, or undefined for a static binary. */
export function readelfInterpreter(readelf: string, file: string): string | undefined {
  const r = expectSuccess(`readelf -l ${file}`, run(readelf, ['-l', '-W', file], { env: { LC_ALL: 'C' } }));
  const m = /\[Requesting program interpreter: ([^\]]+)\]/.exec(r.stdout);
  return m ? m[1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Go call recorder: proves whether `go build` ran

export interface GoRecorder {
  /** Directory to put first on PATH. */
  binDir: string;
  /** argv of each `go` call recorded so far (one array per call). */
  calls(): string[][];
  /** Calls whose subcommand is build/install/test/vet (what a build task would run). */
  buildCalls(): string[][];
  reset(): void;
}

/**
 * A `go` wrapper that records each call's arguments in a log file and then runs the real go.
 * The log path is baked into the wrapper, so it works whatever environment the executor builds.
 */
export function makeGoRecorder(dir: string): GoRecorder {
  const binDir = path.join(dir, 'go-recorder-bin');
  const log = path.join(dir, 'go-calls.log');
  fs.mkdirSync(binDir, { recursive: true });
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = [
    '#!/bin/sh',
    '# Records the arguments of every go invocation (unit-separator between arguments, one call per line), then runs go.',
    `{ printf 'CALL'; for a in "$@"; do printf '\\037%s' "$a"; done; printf '\\n'; } >> ${q(log)}`,
    `exec ${q(realGo())} "$@"`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(binDir, 'go'), script, { mode: 0o755 });
  fs.writeFileSync(log, '');
  const calls = (): string[][] =>
    fs
      .readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('CALL'))
      .map((l) => l.split('\x1f').slice(1));
  return {
    binDir,
    calls,
    buildCalls: () => calls().filter((argv) => ['build', 'install', 'test', 'vet'].includes(argv[0])),
    reset: () => fs.writeFileSync(log, ''),
  };
}

/**
 * A PATH holding only the go recorder, go's own bin directory and a directory with `sh` (Nx
 * runs runtime inputs such as `go env GOVERSION` through it): no C compilers, no qemu.
 */
export function minimalPath(rec: GoRecorder): string {
  const sbx = path.join(path.dirname(rec.binDir), 'sh-only-bin');
  fs.mkdirSync(sbx, { recursive: true });
  const sh = path.join(sbx, 'sh');
  if (!fs.existsSync(sh)) fs.symlinkSync(fs.realpathSync('/bin/sh'), sh);
  return [rec.binDir, path.dirname(realGo()), sbx].join(path.delimiter);
}

/** PATH with `dirs` first, then the current PATH. */
export function pathWith(...dirs: string[]): string {
  return [...dirs, process.env.PATH ?? ''].join(path.delimiter);
}

// ---------------------------------------------------------------------------------------------
// Fresh projects per test

let counter = 0;

/** A name unique in this run, e.g. `hello-cache-3kq1`. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}${counter}`;
}

function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walkFiles(p));
    else out.push(p);
  }
  return out;
}

/**
 * Copies an example module (`apps/hello`, `libs/mathx`) to a new directory of the workspace,
 * gives it a new module path, applies `rewrites` (old → new text, e.g. import paths) to every
 * copied file, and adds it to go.work. Returns the new project root (relative to the workspace).
 */
export function copyModule(
  from: string,
  to: string,
  rewrites: Record<string, string> = {},
  ws = workspaceRoot(),
): string {
  const src = path.join(REPO_ROOT, 'examples', from);
  const dest = path.join(ws, to);
  if (fs.existsSync(dest)) throw new Error(`copyModule: ${to} already exists`);
  fs.cpSync(src, dest, { recursive: true });
  const oldModule = /^module\s+(\S+)/m.exec(fs.readFileSync(path.join(src, 'go.mod'), 'utf8'))![1];
  const newModule = `gocross.example/${to}`;
  const all: [string, string][] = [[oldModule, newModule], ...Object.entries(rewrites)];
  for (const f of walkFiles(dest)) {
    let text = fs.readFileSync(f, 'utf8');
    for (const [a, b] of all) text = text.split(a).join(b);
    fs.writeFileSync(f, text);
  }
  // Relative replace targets (../../libs/x) stay valid when the copy sits at the same depth.
  goWorkUse(to, ws);
  return to;
}

/** Adds a module directory to the workspace's go.work with `go work use`. */
export function goWorkUse(dir: string, ws = workspaceRoot()): void {
  expectSuccess(`go work use ${dir}`, run(realGo(), ['work', 'use', `./${dir}`], { cwd: ws, env: { GOFLAGS: '' } }));
}

/** Writes a file atomically (temp + rename), creating directories. */
export function writeFile(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Nx project configuration as Nx resolved it (`nx show project <name> --json`). */
export function showProject(name: string, opts: RunOptions = {}): {
  name: string;
  root: string;
  targets: Record<string, { executor?: string; options?: Record<string, unknown>; outputs?: string[]; inputs?: unknown[] }>;
} {
  const r = expectSuccess(`nx show project ${name}`, nx(['show', 'project', name, '--json'], opts));
  const start = r.stdout.indexOf('{');
  return JSON.parse(r.stdout.slice(start));
}

/** What `nx show target inputs <id> --json` lists. */
export interface TargetInputs {
  files: string[];
  runtime?: string[];
  environment?: string[];
  external?: string[];
}

/** `nx show target inputs <id> --json`, parsed; `runNx` runs nx (default: in the shared workspace). */
export function targetInputs(id: string, opts: RunOptions = {}, runNx: (args: string[], opts: RunOptions) => RunResult = nx): TargetInputs {
  const r = expectSuccess(`nx show target inputs ${id}`, runNx(['show', 'target', 'inputs', id, '--json'], opts));
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as TargetInputs;
}
