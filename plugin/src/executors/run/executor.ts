/**
 * `@gocross/nx:run`: runs the binary a build target produced (found through the build
 * executor's output resolution), natively or under qemu-user with the target's sysroot for
 * dynamic binaries. The program gets the target's `args`, then the arguments given after `--` on
 * the command line, and the stdin of the task; its exit status is the target's result. A binary
 * this machine cannot run (another OS, or a Linux arch without its qemu-user) is not run, and the
 * target fails saying so (with the fix, or where it can run): a run target never passes without
 * running the program.
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatPlatform } from '../../platforms/platform';
import { resolveBuildOutputs } from '../../platforms/outputs';
import type { BuildExecutorSchema } from '../build/schema';
import { explainGoFailure, formatHints } from '../shared/explain';
import { passthroughEnv, which, readGoEnv, findGo, runGo, type GoRunOptions, type GoRunResult } from '../shared/go';
import { qemuSuffixForElf } from '../../platforms/qemu';
import { peekElf, runMethod } from '../test/qemu';
import type { Logger } from '../test/executor';
import type { RunExecutorSchema } from './schema';

export interface TargetRef {
  project: string;
  target: string;
  configuration?: string;
}

/** `build-linux-arm64` (in `defaultProject`) or `api:build-linux-arm64[:production]`. */
export function parseTargetRef(text: string, defaultProject: string | undefined): TargetRef | undefined {
  const parts = text.split(':');
  if (parts.length === 1 && parts[0] && defaultProject) return { project: defaultProject, target: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { project: parts[0], target: parts[1] };
  if (parts.length === 3 && parts[0] && parts[1] && parts[2]) return { project: parts[0], target: parts[1], configuration: parts[2] };
  return undefined;
}

/** The part of Nx's projects configuration the executor reads. */
export interface ProjectsLike {
  projects: Record<string, { root: string; targets?: Record<string, { executor?: string; options?: object; configurations?: Record<string, object>; defaultConfiguration?: string }> }>;
}

/** Options of a target (options merged with its configuration), with `{projectRoot}`/`{workspaceRoot}` replaced. */
export function readTargetOptionsFrom(
  projects: ProjectsLike,
  ref: TargetRef,
  workspaceRoot: string,
): { ok: true; options: Record<string, unknown>; projectRoot: string; executor?: string } | { ok: false; message: string } {
  const project = projects.projects[ref.project];
  if (!project) return { ok: false, message: `project "${ref.project}" not found in the workspace` };
  const target = project.targets?.[ref.target];
  if (!target) {
    const names = Object.keys(project.targets ?? {}).filter((t) => t.startsWith('build'));
    return { ok: false, message: `project "${ref.project}" has no target "${ref.target}"${names.length ? ` (build targets: ${names.join(', ')})` : ''}` };
  }
  const configName = ref.configuration ?? target.defaultConfiguration;
  const config = configName ? target.configurations?.[configName] : undefined;
  if (ref.configuration && !config) return { ok: false, message: `target ${ref.project}:${ref.target} has no configuration "${ref.configuration}"` };
  const merged: Record<string, unknown> = { ...(target.options ?? {}), ...(config ?? {}) };
  const subst = (v: unknown): unknown =>
    typeof v === 'string'
      ? v.replace(/\{projectRoot\}/g, project.root).replace(/\{workspaceRoot\}/g, workspaceRoot)
      : Array.isArray(v)
        ? v.map(subst)
        : v;
  for (const k of Object.keys(merged)) merged[k] = subst(merged[k]);
  return { ok: true, options: merged, projectRoot: project.root, executor: target.executor };
}

/** Options of this executor that Nx also accepts on the command line (`--cpu=cortex-a53`). */
const OWN_OPTIONS = ['buildTarget', 'binary', 'args', 'cwd', 'env', 'qemu', 'sysroot', 'cpu'];

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Splits a command line the way a POSIX shell splits words: blanks separate, single quotes keep
 * everything, double quotes keep everything but `\"` and `\\`, a backslash escapes the next
 * character. `--args="--port 8080 --name 'a b'"` gives `--port`, `8080`, `--name`, `a b`.
 */
export function splitCommandLine(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in ${JSON.stringify(text)}`);
      cur += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) j++;
        cur += text[j];
      }
      if (j >= text.length) throw new Error(`unterminated " in ${JSON.stringify(text)}`);
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/**
 * The program's argv after its name. Nx 24 gives an executor the command-line words after the
 * target (everything after `--` when there is one; Nx's own flags removed) as `__unparsed__`
 * (schema `$default: {$source: "unparsed"}`), and also parses them into options (`--flag value`
 * becomes `flag: "value"`, positionals `_`), which loses their order. So the words are read from
 * `__unparsed__`: the ones that set an option of this executor (`--cpu=…`, `--args=…`, `--env.X=…`)
 * are taken out, a literal `--` passes everything after it unchanged, and the rest follows the
 * target's `args` in order. `--args` given on the command line replaces the target's `args` and is
 * split like a shell command line (`--args="--flag value"` is two arguments); `args` written as a
 * string in project.json is split the same way, an array is used as it is.
 */
export function programArgs(options: RunExecutorSchema): string[] {
  const fromOptions = (): string[] => {
    const a = options.args;
    if (a === undefined) return [];
    if (typeof a === 'string') return splitCommandLine(a);
    return a.map(String);
  };
  const words = options.__unparsed__;
  if (!Array.isArray(words)) {
    // Called without Nx's command line (e.g. from code): positionals only.
    return [...fromOptions(), ...(Array.isArray(options._) ? options._.map(String) : [])];
  }
  const rest: string[] = [];
  let cliArgs: string[] | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = String(words[i]);
    if (w === '--') {
      rest.push(...words.slice(i + 1).map(String));
      break;
    }
    const m = /^--([^=]+)(=(.*))?$/s.exec(w);
    const name = m ? camel(m[1]) : undefined;
    const own = name !== undefined && (OWN_OPTIONS.includes(name) || name.startsWith('env.'));
    if (!own) {
      rest.push(w);
      continue;
    }
    let value: string | undefined = m![2] !== undefined ? m![3] : undefined;
    if (value === undefined && i + 1 < words.length && !String(words[i + 1]).startsWith('-')) value = String(words[++i]);
    if (name === 'args' && value !== undefined) cliArgs = [...(cliArgs ?? []), ...splitCommandLine(value)];
  }
  return [...(cliArgs ?? fromOptions()), ...rest];
}

/** What the `stdin` of an fd resolves to (`/proc/<pid>/fd/0`), or undefined off Linux. */
function fd0Of(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/fd/0`);
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When the output of `nx` is a terminal, Nx 24 runs a single task inside a pseudo-terminal of its
 * own and copies what `nx` reads from its stdin into it. Input piped into `nx` (`printf … | nx run …`)
 * then reaches the program as typed text without its end: a program reading to the end of its
 * input waits forever (checked with Nx 24.0.6). This finds that case (Linux): our stdin is a
 * terminal while the nearest process above us with a different stdin (the `nx` command) reads a
 * pipe or a file. Returns what that stdin is, or undefined.
 */
export interface ProcReader {
  /** What fd 0 of a process resolves to (`pipe:[123]`, `/dev/pts/1`), or undefined. */
  fd0(pid: number): string | undefined;
  parent(pid: number): number | undefined;
}

const procFs: ProcReader = { fd0: fd0Of, parent: parentOf };

export function pipedInputNotReaching(pid = process.pid, stdinIsTTY = process.stdin.isTTY === true, proc: ProcReader = procFs): string | undefined {
  if (!stdinIsTTY) return undefined;
  const mine = proc.fd0(pid);
  if (!mine) return undefined;
  let p = proc.parent(pid);
  for (let depth = 0; p !== undefined && depth < 8; depth++) {
    const theirs = proc.fd0(p);
    if (theirs === undefined) return undefined;
    if (theirs !== mine) {
      if (theirs.startsWith('pipe:') || (theirs.startsWith('/') && !theirs.startsWith('/dev/'))) return theirs;
      return undefined;
    }
    p = proc.parent(p);
  }
  return undefined;
}

/**
 * `, and see nx run app:validate-linux-arm64`: the validate target of the build target's
 * platform (`<prefix>build-<slug>` → `<prefix>validate-<slug>`), named only when the project has it.
 */
function validateHint(projects: ProjectsLike, ref: TargetRef): string {
  const m = /^(.*)build-(.+)$/.exec(ref.target);
  const v = m ? `${m[1]}validate-${m[2]}` : undefined;
  if (!v || !projects.projects[ref.project]?.targets?.[v]) return '';
  return `, and see npx nx run ${ref.project}:${v}`;
}

/** Why piped input cannot be used here and how to run the task so that it can. */
export function pipedInputFix(task?: string): string {
  const how = task ? `(… | NX_NATIVE_COMMAND_RUNNER=false npx nx run ${task})` : 'in the environment of the nx command';
  return (
    'Nx runs this task in a pseudo-terminal because the output of nx is a terminal, so a program reading to the end of its input would wait forever. ' +
    `Run it with NX_NATIVE_COMMAND_RUNNER=false ${how}, or send the output of nx to a pipe or a file (… | cat).`
  );
}

export interface ProgramRunOptions extends Omit<GoRunOptions, 'stdin'> {
  /** `inherit` (the default): the program reads the task's stdin. A string or Buffer is written to it, then closed. */
  stdin?: 'inherit' | string | Buffer;
}

export type ProgramSpawner = (file: string, args: string[], opts: ProgramRunOptions) => Promise<GoRunResult>;

/** Output kept for the failure hints: the last part of a long-running program's output is enough. */
const KEEP_OUTPUT = 256 * 1024;

/** Runs the program with the task's stdin, streaming its output and keeping the end of it. */
export const spawnProgram: ProgramSpawner = (file, args, opts) =>
  runGo(file, args, {
    ...opts,
    stdin: opts.stdin === undefined || opts.stdin === 'inherit' ? 'inherit' : { data: opts.stdin },
    keepOutput: KEEP_OUTPUT,
  });

/** An argument as a shell would need it written, for the "running …" line. */
function quoteArg(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export interface RunInput {
  workspaceRoot: string;
  /** Project of the run target (default project of a bare target name). */
  projectName?: string;
  /** The run task (`app:run-linux-arm64`), for messages. */
  task?: string;
  projects: ProjectsLike;
  env?: NodeJS.ProcessEnv;
  hostGoos?: string;
  hostGoarch?: string;
}

export interface RunDeps {
  spawn?: ProgramSpawner;
  /** The program's stdin: `inherit` (default) or the text to feed it. */
  stdin?: 'inherit' | string | Buffer;
  /** Whether input piped into nx fails to reach the task (see pipedInputNotReaching); detected when absent. */
  pipedInputLost?: () => string | undefined;
  logger?: Logger;
  stdout?: NodeJS.WritableStream | null;
  stderr?: NodeJS.WritableStream | null;
}

export interface RunResult {
  success: boolean;
  ran: 'native' | 'qemu' | 'none';
  exitCode?: number | null;
  output: string;
  /** argv that was run. */
  argv?: string[];
}

export async function runBinary(options: RunExecutorSchema, input: RunInput, deps: RunDeps = {}): Promise<RunResult> {
  const logger = deps.logger ?? { info: (m: string) => console.log(m), error: (m: string) => console.error(m) };
  const env = input.env ?? process.env;
  const fail = (msg: string): RunResult => {
    logger.error(msg);
    return { success: false, ran: 'none', output: '' };
  };
  if (!options.buildTarget) return fail('option buildTarget is required (e.g. "build-linux-arm64")');
  let args: string[];
  try {
    args = programArgs(options);
  } catch (e) {
    return fail(`args: ${(e as Error).message}`);
  }
  const ref = parseTargetRef(options.buildTarget, input.projectName);
  if (!ref) return fail(`buildTarget "${options.buildTarget}" is not of the form target or project:target[:configuration]`);
  const t = readTargetOptionsFrom(input.projects, ref, input.workspaceRoot);
  if (!t.ok) return fail(t.message);
  const build = t.options as unknown as BuildExecutorSchema;
  let outputs;
  try {
    outputs = resolveBuildOutputs(build, { workspaceRoot: input.workspaceRoot, projectRoot: t.projectRoot });
  } catch (e) {
    return fail(`${ref.project}:${ref.target}: ${(e as Error).message}`);
  }
  if (outputs.files.length === 0) return fail(`${ref.project}:${ref.target} produces no binary (compileOnly)`);
  let file = outputs.files[0];
  if (options.binary) {
    const want = options.binary;
    const hit = outputs.files.find((f) => f.main === want || path.basename(f.path) === want || path.basename(f.path, path.extname(f.path)) === want);
    if (!hit) return fail(`${ref.project}:${ref.target} builds ${outputs.files.map((f) => path.basename(f.path)).join(', ')}, not "${want}"`);
    file = hit;
  } else if (outputs.files.length > 1) {
    return fail(`${ref.project}:${ref.target} builds ${outputs.files.length} binaries (${outputs.files.map((f) => path.basename(f.path)).join(', ')}): choose one with the binary option`);
  }
  const cmd = `npx nx run ${ref.project}:${ref.target}${ref.configuration ? `:${ref.configuration}` : ''}`;
  if (!fs.existsSync(file.path)) return fail(`${file.path} does not exist: build it first with ${cmd}`);

  const platform = outputs.platform;
  const name = formatPlatform(platform);
  let hostGoos = input.hostGoos;
  let hostGoarch = input.hostGoarch;
  if (!hostGoos || !hostGoarch) {
    const go = findGo(env);
    if (go) {
      const ge = readGoEnv(go, env);
      hostGoos = ge.GOHOSTOS;
      hostGoarch = ge.GOHOSTARCH;
    } else {
      hostGoos = process.platform === 'win32' ? 'windows' : process.platform;
      hostGoarch = ({ x64: 'amd64', ia32: '386' } as Record<string, string>)[process.arch] ?? process.arch;
    }
  }
  const method = runMethod({
    platform,
    libc: build.libc,
    hostGoos,
    hostGoarch,
    which: (c) => which(c, env),
    qemu: options.qemu,
    sysroot: options.sysroot,
  });
  if (method.kind === 'unavailable') {
    // Not run is a failure, here and on CI alike: the user asked for the program to run.
    const built = path.relative(input.workspaceRoot, file.path) || file.path;
    return fail(
      method.fix
        ? `not run: ${path.basename(file.path)} for ${name} needs an emulator here: ${method.reason} — fix: ${method.fix}`
        : `not run: ${method.reason}; it is built (${built}): run it on a ${name} machine`,
    );
  }
  let argv: string[];
  if (options.cpu && method.kind === 'native') return fail(`cpu "${options.cpu}" needs qemu, but ${name} runs natively here`);
  if (method.kind === 'native') {
    argv = [file.path, ...args];
  } else {
    const info = platform.goos === 'linux' ? peekElf(file.path) : undefined;
    if (!info) return fail(`${file.path} is not an ELF file, so qemu-user cannot run it`);
    let qemu = method.qemuPath;
    const elfQemu = qemuSuffixForElf(info);
    if (!options.qemu && elfQemu && `qemu-${elfQemu}` !== method.qemu) {
      return fail(`${file.path} is a ${elfQemu} binary, not ${name}: rebuild it with ${cmd}${validateHint(input.projects, ref)}`);
    }
    if (options.qemu) qemu = which(options.qemu, env) ?? options.qemu;
    argv = [qemu];
    if (options.cpu) argv.push('-cpu', options.cpu);
    if (info.interp && method.sysroot) argv.push('-L', method.sysroot);
    argv.push(file.path, ...args);
  }
  const childEnv: Record<string, string> = { ...passthroughEnv(env), ...(options.env ?? {}) };
  const cwd = path.resolve(input.workspaceRoot, options.cwd ?? t.projectRoot);
  const stdin = deps.stdin ?? 'inherit';
  if (stdin === 'inherit') {
    const lost = (deps.pipedInputLost ?? (() => pipedInputNotReaching()))();
    if (lost) return fail(`the input piped into nx (${lost}) would reach ${path.basename(file.path)} without its end: ${pipedInputFix(input.task)}`);
  }
  logger.info(
    `running ${path.relative(input.workspaceRoot, file.path)}${args.length ? ` ${args.map(quoteArg).join(' ')}` : ''} for ${name}${method.kind === 'qemu' ? ` under ${path.basename(argv[0])}` : ''}`,
  );
  const spawn = deps.spawn ?? spawnProgram;
  const r = await spawn(argv[0], argv.slice(1), { cwd, env: childEnv, stdout: deps.stdout, stderr: deps.stderr, stdin });
  const ok = r.code === 0 && !r.error;
  const ran = method.kind === 'qemu' ? 'qemu' : 'native';
  if (!ok) {
    logger.error(`${path.basename(file.path)} for ${name} ${r.error ? `could not start: ${r.error.message}` : r.signal ? `was killed by ${r.signal}` : `exited with code ${r.code}`}${method.kind === 'qemu' && !r.error ? ` (under ${path.basename(argv[0])})` : ''}`);
    for (const line of formatHints(explainGoFailure(r.output, { goos: platform.goos, goarch: platform.goarch, cgo: build.cgo === true }))) {
      logger.error(line);
    }
  }
  return { success: ok, ran, exitCode: r.code, output: r.output, argv };
}

export default async function runExecutor(options: RunExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  if (!context.projectsConfigurations) {
    console.error('@gocross/nx:run: the workspace project configuration is not available');
    return { success: false };
  }
  const r = await runBinary(options, {
    workspaceRoot: context.root,
    projectName: context.projectName,
    task: context.projectName && context.targetName ? `${context.projectName}:${context.targetName}${context.configurationName ? `:${context.configurationName}` : ''}` : undefined,
    projects: context.projectsConfigurations as unknown as ProjectsLike,
  });
  return { success: r.success };
}
