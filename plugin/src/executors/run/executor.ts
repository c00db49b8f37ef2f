/**
 * `@gocross/nx:run`: runs the binary a build target produced (found through the build
 * executor's output resolution), natively or under qemu-user with the target's sysroot for
 * dynamic binaries, passing `args`. Without an emulator: a clear skip locally, a failure on CI.
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatPlatform } from '../../platforms/platform';
import { resolveBuildOutputs } from '../build/outputs';
import type { BuildExecutorSchema } from '../build/schema';
import { explainGoFailure, formatHints } from '../shared/explain';
import { passthroughEnv, runGo, which, type GoSpawner, readGoEnv, findGo } from '../shared/go';
import { peekElf, qemuSuffixForElf, runMethod } from '../test/qemu';
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

export interface RunInput {
  workspaceRoot: string;
  /** Project of the run target (default project of a bare target name). */
  projectName?: string;
  projects: ProjectsLike;
  env?: NodeJS.ProcessEnv;
  hostGoos?: string;
  hostGoarch?: string;
}

export interface RunDeps {
  spawn?: GoSpawner;
  logger?: Logger;
  stdout?: NodeJS.WritableStream | null;
  stderr?: NodeJS.WritableStream | null;
}

export interface RunResult {
  success: boolean;
  ran: 'native' | 'qemu' | 'skipped' | 'none';
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
  const cmd = `nx run ${ref.project}:${ref.target}${ref.configuration ? `:${ref.configuration}` : ''}`;
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
    const msg = `cannot run ${path.basename(file.path)} for ${name}: ${method.reason}${method.fix ? ` — fix: ${method.fix}` : ''}`;
    if (env.CI === 'true') return fail(`${msg} (CI=true: not skipped)`);
    logger.info(`skipped: ${msg}`);
    return { success: true, ran: 'skipped', output: '' };
  }
  let argv: string[];
  if (options.cpu && method.kind === 'native') return fail(`cpu "${options.cpu}" needs qemu, but ${name} runs natively here`);
  if (method.kind === 'native') {
    argv = [file.path, ...(options.args ?? [])];
  } else {
    const info = platform.goos === 'linux' ? peekElf(file.path) : undefined;
    if (!info) return fail(`${file.path} is not an ELF file, so qemu-user cannot run it`);
    let qemu = method.qemuPath;
    const elfQemu = qemuSuffixForElf(info);
    if (!options.qemu && elfQemu && `qemu-${elfQemu}` !== method.qemu) {
      return fail(`${file.path} is a ${elfQemu} binary, not ${name}: rebuild it with ${cmd}, and see nx run ${ref.project}:validate`);
    }
    if (options.qemu) qemu = which(options.qemu, env) ?? options.qemu;
    argv = [qemu];
    if (options.cpu) argv.push('-cpu', options.cpu);
    if (info.interp && method.sysroot) argv.push('-L', method.sysroot);
    argv.push(file.path, ...(options.args ?? []));
  }
  const childEnv: Record<string, string> = { ...passthroughEnv(env), ...(options.env ?? {}) };
  const cwd = path.resolve(input.workspaceRoot, options.cwd ?? t.projectRoot);
  logger.info(`running ${path.relative(input.workspaceRoot, file.path)} for ${name}${method.kind === 'qemu' ? ` under ${path.basename(argv[0])}` : ''}`);
  const spawn = deps.spawn ?? runGo;
  const r = await spawn(argv[0], argv.slice(1), { cwd, env: childEnv, stdout: deps.stdout, stderr: deps.stderr });
  const ok = r.code === 0 && !r.error;
  const ran = method.kind === 'qemu' ? 'qemu' : 'native';
  if (!ok) {
    logger.error(`${path.basename(file.path)} for ${name} ${r.error ? `could not start: ${r.error.message}` : r.signal ? `was killed by ${r.signal}` : `exited with status ${r.code}`}`);
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
    projects: context.projectsConfigurations as unknown as ProjectsLike,
  });
  return { success: r.success };
}
