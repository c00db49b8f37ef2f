/**
 * `@gocross/nx:test`: `go test` cross-compiled for one platform and run natively or under
 * qemu-user through `go test -exec` (the wrapper in files/qemu-exec.js). Without an emulator
 * the tests are only compiled: a clear skip locally, a failure on CI (CI=true).
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { platformFromOptions, validatePlatform } from '../../platforms/env';
import { formatPlatform } from '../../platforms/platform';
import type { PlatformTable } from '../../platforms/table';
import type { CToolchain } from '../../platforms/toolchain';
import type { Platform } from '../../platforms/types';
import { failureReason, hintLinesFor } from '../shared/explain';
import { buildGoEnv } from '../shared/target-env';
import { loadGo, runGo, which, type GoSpawner } from '../shared/go';
import { execCommand, quoteField, runMethod, type RunMethod } from './qemu';
import type { TestExecutorSchema } from './schema';

export interface Logger {
  info(msg: string): void;
  error(msg: string): void;
}

const consoleLogger: Logger = {
  info: (m) => console.log(m),
  error: (m) => console.error(m),
};

export interface TargetEnvContext {
  hostGoos: string;
  hostGoarch: string;
  goVersion: string;
  table: PlatformTable;
  env: NodeJS.ProcessEnv;
  which: (cmd: string) => string | undefined;
}

export type TargetEnvResult =
  | { ok: true; platform: Platform; env: Record<string, string>; toolchain?: CToolchain }
  | { ok: false; message: string };

/**
 * The environment go runs with for a target's options (platform variables, CGO_ENABLED, the
 * resolved C toolchain), from an allow-listed copy of the caller's environment.
 */
export function targetEnv(
  options: Pick<TestExecutorSchema, 'goos' | 'goarch' | 'cgo' | 'libc' | 'cc' | 'cxx' | 'cflags' | 'env'> &
    Partial<Record<'goarm' | 'goarm64' | 'goamd64' | 'go386' | 'gomips' | 'gomips64' | 'goppc64' | 'goriscv64', string>>,
  ctx: TargetEnvContext,
): TargetEnvResult {
  if (!options.goos || !options.goarch) return { ok: false, message: 'options goos and goarch are required' };
  const pr = platformFromOptions(options);
  if (!pr.ok) return pr;
  const platform = pr.platform;
  const bad = validatePlatform(platform, ctx.goVersion, ctx.table);
  if (bad) return { ok: false, message: bad };
  const goEnv = buildGoEnv(platform, options, ctx);
  if (!goEnv.ok) return goEnv;
  return { ok: true, platform, env: goEnv.env, toolchain: goEnv.toolchain };
}

export interface TestPlan {
  go: string;
  cwd: string;
  env: Record<string, string>;
  platform: Platform;
  method: RunMethod;
  /** `go test` argv (without the program). */
  args: string[];
  /** Set when the tests are only compiled: why they cannot run here. */
  notRun?: { reason: string; fix?: string };
  /** Directory receiving compiled test binaries when they are not run. */
  compileDir?: string;
}

export interface TestPlanContext extends TargetEnvContext {
  workspaceRoot: string;
  projectRoot: string;
  go: string;
  exists?: (p: string) => boolean;
  tmpdir?: string;
}

/** The `go test` invocation for the options, or one sentence why it cannot work. Never runs go. */
export function planTest(options: TestExecutorSchema, ctx: TestPlanContext): { ok: true; plan: TestPlan } | { ok: false; message: string } {
  const te = targetEnv(options, ctx);
  if (!te.ok) return te;
  const { platform, env } = te;
  const method = runMethod({
    platform,
    libc: options.libc,
    hostGoos: ctx.hostGoos,
    hostGoarch: ctx.hostGoarch,
    which: ctx.which,
    qemu: options.qemu,
    sysroot: options.sysroot,
    exists: ctx.exists,
  });
  const flags: string[] = [];
  if (options.tags && options.tags.length > 0) flags.push(`-tags=${options.tags.join(',')}`);
  const packages = options.packages && options.packages.length > 0 ? options.packages : ['./...'];
  const cwd = path.resolve(ctx.workspaceRoot, ctx.projectRoot);
  const plan: TestPlan = { go: ctx.go, cwd, env, platform, method, args: [] };
  if (method.kind === 'unavailable') {
    const compileDir = fs.mkdtempSync(path.join(ctx.tmpdir ?? os.tmpdir(), 'gocross-test-'));
    plan.notRun = { reason: method.reason, fix: method.fix };
    plan.compileDir = compileDir;
    plan.args = ['test', ...flags, '-c', '-o', compileDir + path.sep, ...packages];
    return { ok: true, plan };
  }
  if (options.cpu && method.kind === 'native') {
    return { ok: false, message: `cpu "${options.cpu}" needs qemu, but ${formatPlatform(platform)} runs natively here` };
  }
  if (method.kind === 'qemu') {
    const ex = execCommand(method, options.cpu);
    Object.assign(env, ex.env);
    flags.push(`-exec=${ex.argv.map(quoteField).join(' ')}`);
  }
  plan.args = ['test', ...flags, ...(options.args ?? []), ...packages];
  return { ok: true, plan };
}

export interface TestRunResult {
  success: boolean;
  /** How the tests ran: natively, under qemu, only compiled, or not at all (refused / failed to start). */
  ran: 'native' | 'qemu' | 'compiled' | 'none';
  output: string;
}

export interface TestInput {
  workspaceRoot: string;
  projectRoot: string;
  env?: NodeJS.ProcessEnv;
  go?: string;
  table?: PlatformTable;
}

export interface TestDeps {
  spawn?: GoSpawner;
  logger?: Logger;
  stdout?: NodeJS.WritableStream | null;
  stderr?: NodeJS.WritableStream | null;
}

export async function runTests(options: TestExecutorSchema, input: TestInput, deps: TestDeps = {}): Promise<TestRunResult> {
  const logger = deps.logger ?? consoleLogger;
  const env = input.env ?? process.env;
  const none = (msg: string): TestRunResult => {
    logger.error(msg);
    return { success: false, ran: 'none', output: '' };
  };
  const loaded = loadGo(env, { go: input.go, table: input.table });
  if (!loaded.ok) return none(loaded.message);
  const { go, goEnv, table } = loaded;
  const r = planTest(options, {
    workspaceRoot: input.workspaceRoot,
    projectRoot: input.projectRoot,
    go,
    goVersion: goEnv.GOVERSION,
    hostGoos: goEnv.GOHOSTOS,
    hostGoarch: goEnv.GOHOSTARCH,
    table,
    env,
    which: (cmd) => which(cmd, env),
  });
  if (!r.ok) return none(r.message);
  const plan = r.plan;
  const name = formatPlatform(plan.platform);
  const onCi = env.CI === 'true';
  if (plan.notRun && onCi) {
    if (plan.compileDir) fs.rmSync(plan.compileDir, { recursive: true, force: true });
    return none(`tests for ${name} cannot run: ${plan.notRun.reason}${plan.notRun.fix ? ` — fix: ${plan.notRun.fix}` : ''} (CI=true: not skipped)`);
  }
  const how = plan.method.kind === 'qemu' ? `under ${plan.method.qemu}${options.cpu ? ` -cpu ${options.cpu}` : ''}${plan.method.sysroot ? ` -L ${plan.method.sysroot}` : ''}` : plan.notRun ? 'compile only' : 'natively';
  logger.info(`go test for ${name} (${how})`);
  const spawn = deps.spawn ?? runGo;
  let res;
  try {
    res = await spawn(plan.go, plan.args, { cwd: plan.cwd, env: plan.env, stdout: deps.stdout, stderr: deps.stderr });
  } finally {
    if (plan.compileDir) fs.rmSync(plan.compileDir, { recursive: true, force: true });
  }
  const ok = res.code === 0 && !res.error;
  if (!ok) {
    logger.error(`go test for ${name} failed: ${failureReason(res)}`);
    if (deps.stderr === null && deps.stdout === null && res.output) logger.error(res.output.trimEnd());
    for (const line of hintLinesFor(res.output, plan.platform, plan.env)) logger.error(line);
    return { success: false, ran: plan.notRun ? 'compiled' : plan.method.kind === 'qemu' ? 'qemu' : 'native', output: res.output };
  }
  if (plan.notRun) {
    logger.info(
      `skipped running the tests for ${name}: ${plan.notRun.reason}${plan.notRun.fix ? ` — fix: ${plan.notRun.fix}` : ''}; they were compiled for ${name} only`,
    );
    return { success: true, ran: 'compiled', output: res.output };
  }
  return { success: true, ran: plan.method.kind === 'qemu' ? 'qemu' : 'native', output: res.output };
}

export default async function testExecutor(options: TestExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName;
  const project = projectName ? context.projectsConfigurations?.projects?.[projectName] : undefined;
  if (!project) {
    console.error(`@gocross/nx:test: project ${projectName ?? '(none)'} not found in the workspace`);
    return { success: false };
  }
  const r = await runTests(options, { workspaceRoot: context.root, projectRoot: project.root });
  return { success: r.success };
}
