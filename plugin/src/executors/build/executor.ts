/**
 * `@gocross/nx:build`: one `go build` per main package for one platform, with an explicit
 * environment, atomic outputs and a one-line refusal for input that cannot work.
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageClause } from '../../gowork/header';
import { validatePlatform } from '../../platforms/env';
import { type ConstraintContext } from '../../platforms/constraint-expr';
import { fileMatches } from '../../platforms/constraint-header';
import { formatPlatform } from '../../platforms/platform';
import { isBuildMode, pieProblem } from '../../platforms/buildmode';
import type { PlatformTable } from '../../platforms/table';
import {
  type CToolchain,
  type ToolchainRequest,
  type ToolchainResult,
} from '../../platforms/toolchain';
import type { Platform } from '../../platforms/types';
import { failureReason, hintLinesFor, type FailureHint } from '../shared/explain';
import { buildGoEnv } from '../shared/target-env';
import {
  loadGo,
  runGo,
  which,
  type GoEnv,
  type GoSpawner,
} from '../shared/go';
import { mainPackages, resolveBuildOutputs, type BuildOutputs } from '../../platforms/outputs';
import { recordBuild, removeEarlierProducts, earlierProducts, type BuildRecord } from './record';
import { interpolateOutputs, undeclaredFiles } from './declared';
import { manifestPathFor } from '../../manifest/manifest';
import type { BuildExecutorSchema } from './schema';
import { resolvePlaceholders } from '../../graph/placeholders';

/** The package clause of a Go source text (gowork/header.ts). */
export { packageClause };

export type { CToolchain, ToolchainResult } from '../../platforms/toolchain';
export type { FailureHint } from '../shared/explain';
/** Signature of resolveCToolchain (injectable for tests and other resolvers). */
export type ResolveCToolchain = (req: ToolchainRequest) => ToolchainResult;
/** Signature of explainGoFailure. */
export type ExplainGoFailure = (
  output: string,
  ctx: { goos: string; goarch: string; cgo: boolean; cc?: string },
) => FailureHint[];

// ---------------------------------------------------------------------------------------------
// Planning (pure apart from reading the main package dirs).

export interface PlanContext {
  workspaceRoot: string;
  /** Project root relative to the workspace root. */
  projectRoot: string;
  /** The go command (absolute path). */
  go: string;
  /** GOVERSION of that go. */
  goVersion: string;
  hostGoos: string;
  hostGoarch: string;
  table: PlatformTable;
  /** The caller's environment; only allow-listed variables are passed on. */
  env: NodeJS.ProcessEnv;
  resolveToolchain?: ResolveCToolchain;
  which?: (cmd: string) => string | undefined;
  /** Used for temporary output names; default process.pid. */
  pid?: number;
  /** `project:target[:configuration]` when run by Nx: recorded in the manifests. */
  target?: string;
  /** The target's configured options, which name the default output directory (see resolveBuildOutputs). */
  layout?: BuildExecutorSchema;
}

export interface BuildStep {
  /** Main package dir as given (or `./...` for compileOnly). */
  main: string;
  /** Arguments of `go` (argv without the program). */
  args: string[];
  /** Temporary file go writes (absent for compileOnly). */
  tmpPath?: string;
  /** Final artifact path the temporary file is renamed to. */
  finalPath?: string;
}

export interface BuildPlan {
  go: string;
  cwd: string;
  env: Record<string, string>;
  platform: Platform;
  outputs: BuildOutputs;
  steps: BuildStep[];
  toolchain?: CToolchain;
  /** What the manifests record about the build. */
  record?: BuildRecord;
}

export type PlanResult = ({ ok: true } & BuildPlan) | { ok: false; message: string };

/**
 * Turns options into the exact `go build` invocations and environment, or one sentence saying
 * why the build cannot work. Never runs go.
 */
export function planBuild(options: BuildExecutorSchema, ctx: PlanContext): PlanResult {
  const fail = (message: string): PlanResult => ({ ok: false, message });
  if (!options.goos || !options.goarch) return fail('options goos and goarch are required');

  let outputs: BuildOutputs;
  try {
    outputs = resolveBuildOutputs(options, ctx);
  } catch (e) {
    return fail((e as Error).message);
  }
  const platform = outputs.platform;
  const bad = validatePlatform(platform, ctx.goVersion, ctx.table);
  if (bad) return fail(bad);

  const buildmode = options.buildmode ?? 'exe';
  if (!isBuildMode(buildmode)) {
    return fail(`unsupported buildmode "${buildmode}": use exe, pie, c-shared or c-archive`);
  }
  const cgo = options.cgo === true;
  if ((buildmode === 'c-shared' || buildmode === 'c-archive') && !cgo) {
    return fail(`-buildmode=${buildmode} links C code: set cgo: true`);
  }
  const pie = buildmode === 'pie' ? pieProblem(platform.goos, platform.goarch, cgo) : undefined;
  if (pie) return fail(pie);
  if (options.libc && options.libc !== 'glibc' && options.libc !== 'musl') {
    return fail(`unknown libc "${options.libc}": use glibc or musl`);
  }

  const mains = mainPackages(options);
  if (options.outputPath && mains.length > 1 && !options.compileOnly) {
    return fail(`outputPath names one file but main lists ${mains.length} packages: use outputDir instead`);
  }
  const outside = (p: string) => {
    const rel = path.relative(path.resolve(ctx.workspaceRoot), p);
    return rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel);
  };
  if (options.outputPath && outside(path.resolve(ctx.workspaceRoot, options.outputPath))) {
    return fail(`outputPath "${options.outputPath}" is outside the workspace ${ctx.workspaceRoot}`);
  }
  if (options.outputDir && outside(outputs.dir)) {
    return fail(`outputDir "${options.outputDir}" is outside the workspace ${ctx.workspaceRoot}`);
  }

  const badArg = (options.args ?? []).find((a) => /^--?o(=|$)/.test(a));
  if (badArg !== undefined) {
    return fail(`args must not contain ${badArg}: the output is set by outputPath or outputDir (and written atomically)`);
  }

  const cwd = path.resolve(ctx.workspaceRoot, ctx.projectRoot);
  if (!options.compileOnly) {
    for (const m of mains) {
      const problem = checkMainPackage(path.resolve(cwd, m), m, {
        goos: platform.goos,
        goarch: platform.goarch,
        variant: platform.variant,
        tags: options.tags ?? [],
        cgo: options.cgo === true,
        goVersion: ctx.goVersion,
      });
      if (problem) return fail(problem);
    }
  }

  // Environment: allow-listed pass-through, then options.env, then what the target dictates.
  const goEnv = buildGoEnv(platform, options, ctx);
  if (!goEnv.ok) return fail(goEnv.message);
  const { env, toolchain } = goEnv;

  // Flags common to every step.
  const flags: string[] = [];
  if (options.trimpath !== false) flags.push('-trimpath');
  const reproducible = options.reproducible !== false;
  if (reproducible) flags.push('-buildvcs=false');
  if (buildmode !== 'exe') flags.push(`-buildmode=${buildmode}`);
  if (options.tags && options.tags.length > 0) flags.push(`-tags=${options.tags.join(',')}`);
  const ldflags = mergeLdflags(options.ldflags, reproducible);
  if (ldflags) flags.push(`-ldflags=${ldflags}`);
  if (options.gcflags) flags.push(`-gcflags=${options.gcflags}`);
  if (options.asmflags) flags.push(`-asmflags=${options.asmflags}`);
  flags.push(...(options.args ?? []));

  const steps: BuildStep[] = [];
  if (options.compileOnly) {
    steps.push({ main: './...', args: ['build', ...flags, '-o', os.devNull, './...'] });
  } else {
    const pid = ctx.pid ?? process.pid;
    for (const f of outputs.files) {
      const tmpPath = temporaryPath(f.path, pid);
      steps.push({ main: f.main, args: ['build', ...flags, '-o', tmpPath, goPackageArg(f.main)], tmpPath, finalPath: f.path });
    }
  }
  const record: BuildRecord = {
    target: ctx.target,
    options: { ...options },
    projectRoot: ctx.projectRoot,
    goVersion: ctx.goVersion,
    buildmode,
    cgo,
    libc: options.libc,
    tags: options.tags ?? [],
    ldflags: ldflags ?? '',
    trimpath: options.trimpath !== false,
  };
  return { ok: true, go: ctx.go, cwd, env, platform, outputs, steps, toolchain, record };
}

/** User ldflags plus `-buildid=` for reproducible builds (unless the user set a build id). */
export function mergeLdflags(user: string | undefined, reproducible: boolean): string | undefined {
  const u = (user ?? '').trim();
  if (!reproducible || /(^|\s)-{1,2}buildid(=|\s|$)/.test(u)) return u || undefined;
  return u ? `${u} -buildid=` : '-buildid=';
}

/** `.hello.tmp-1234.exe` next to `hello.exe`: same directory (so rename is atomic), same suffix. */
export function temporaryPath(finalPath: string, pid: number): string {
  const dir = path.dirname(finalPath);
  const base = path.basename(finalPath);
  const ext = /\.(exe|so|dylib|dll|a)$/.exec(base)?.[0] ?? '';
  return path.join(dir, `.${base.slice(0, base.length - ext.length)}.tmp-${pid}${ext}`);
}

/** A main dir as go wants it on the command line: `.`, `./cmd/a`. */
function goPackageArg(main: string): string {
  const m = main.replace(/\\/g, '/').replace(/\/+$/, '') || '.';
  if (m === '.' || m.startsWith('./') || m.startsWith('../')) return m;
  if (path.isAbsolute(main)) return main;
  return `./${m}`;
}

/**
 * Returns an error sentence unless `dir` holds a Go file of `package main` that is built for
 * the platform (test files, and files excluded by their name's GOOS/GOARCH or by their build
 * constraint, are ignored).
 */
export function checkMainPackage(dir: string, given: string, p: ConstraintContext): string | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return `main package "${given}" not found: ${dir} is not a directory`;
  }
  const goFiles = names.filter((n) => n.endsWith('.go') && !n.endsWith('_test.go') && !n.startsWith('.') && !n.startsWith('_'));
  const packages = new Set<string>();
  let candidates = 0;
  for (const n of goFiles) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, n), 'utf8');
    } catch {
      continue;
    }
    let included = true;
    try {
      included = fileMatches(n, text, p);
    } catch {
      // a malformed header is go's to report
    }
    if (!included) continue;
    candidates++;
    const pkg = packageClause(text);
    if (pkg === 'main') return undefined;
    if (pkg) packages.add(pkg);
  }
  if (goFiles.length === 0) return `main package "${given}" not found: no .go files in ${dir}`;
  if (candidates === 0) {
    return `main package "${given}": every .go file in ${dir} is excluded for ${p.goos}/${p.goarch} by its name or build constraint`;
  }
  return `"${given}" is not a main package (package ${[...packages].join(', ') || '?'} in ${dir}): point main at a dir with package main, or set compileOnly for a library`;
}

// ---------------------------------------------------------------------------------------------
// Running.

export interface BuildLogger {
  info(msg: string): void;
  error(msg: string): void;
}

export interface RunDeps {
  spawn?: GoSpawner;
  logger?: BuildLogger;
  explain?: ExplainGoFailure;
  /** Where go's output is streamed; default process.stdout/stderr, null silences. */
  stdout?: NodeJS.WritableStream | null;
  stderr?: NodeJS.WritableStream | null;
  /** First line of `<cc> --version` (default: runs it). */
  ccVersion?: (cc: string, env: Record<string, string>) => string | undefined;
}

export interface BuildRunResult {
  success: boolean;
  /** Artifacts written (absolute paths). */
  artifacts: string[];
}

/** Plain console output (loading @nx/devkit's logger would cost ~150 ms per task process). */
const consoleLogger: BuildLogger = {
  info: (m) => console.log(m),
  error: (m) => console.error(m),
};

/** Executes a plan: each step writes a temporary file that replaces the artifact only on success. */
export async function executePlan(plan: BuildPlan, deps: RunDeps = {}): Promise<BuildRunResult> {
  const spawn = deps.spawn ?? runGo;
  const logger = deps.logger ?? consoleLogger;
  const artifacts: string[] = [];
  if (plan.steps.some((s) => s.finalPath)) fs.mkdirSync(plan.outputs.dir, { recursive: true });
  for (const step of plan.steps) if (step.finalPath) removeStaleTemporaries(step.finalPath);
  const earlier = plan.record && plan.steps.some((s) => s.finalPath) ? earlierProducts(plan.outputs.dir, plan.record.target) : [];
  const written: string[] = [];
  for (const step of plan.steps) {
    const r = await spawn(plan.go, step.args, { cwd: plan.cwd, env: plan.env, stdout: deps.stdout, stderr: deps.stderr });
    if (r.code !== 0 || r.error) {
      cleanup(step);
      const what = step.finalPath ? `${step.main} → ${displayPath(step.finalPath)}` : step.main;
      logger.error(`go build for ${formatPlatform(plan.platform)} failed (${what}): ${failureReason(r)}`);
      if (deps.stderr === null && r.output) logger.error(r.output.trimEnd());
      for (const line of hintLinesFor(r.output, plan.platform, plan.env, deps.explain)) logger.error(line);
      return { success: false, artifacts };
    }
    if (step.tmpPath && step.finalPath) {
      fs.renameSync(step.tmpPath, step.finalPath);
      const tmpHeader = headerOf(step.tmpPath);
      const products = [step.finalPath];
      if (tmpHeader && fs.existsSync(tmpHeader)) {
        fs.renameSync(tmpHeader, headerOf(step.finalPath) as string);
        products.push(headerOf(step.finalPath) as string);
      }
      if (plan.record) written.push(...products, recordBuild(plan, step, products, deps.ccVersion));
      artifacts.push(step.finalPath);
      const size = fs.statSync(step.finalPath).size;
      logger.info(`${formatPlatform(plan.platform)}: ${step.main} → ${displayPath(step.finalPath)} (${formatSize(size)})`);
    }
  }
  if (plan.steps.length > 0 && !plan.steps[0].finalPath) logger.info(`${formatPlatform(plan.platform)}: compiled ./... (no artifact)`);
  for (const f of removeEarlierProducts(plan.outputs.dir, earlier, written)) logger.info(`removed ${displayPath(f)} (written by an earlier build of this target)`);
  return { success: true, artifacts };
}

function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Removes temporary outputs an interrupted build left next to `finalPath` (`.hello.tmp-<pid>`,
 * and its `.h`), unless the process that owns them is still running.
 */
export function removeStaleTemporaries(finalPath: string): string[] {
  const dir = path.dirname(finalPath);
  const base = path.basename(finalPath);
  const ext = /\.(exe|so|dylib|dll|a)$/.exec(base)?.[0] ?? '';
  const stem = base.slice(0, base.length - ext.length);
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  const prefix = `.${stem}.tmp-`;
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const m = /^(\d+)(\.[a-z]+)?$/.exec(n.slice(prefix.length));
    if (!m) continue;
    if (m[2] !== undefined && m[2] !== ext && m[2] !== '.h') continue;
    if (pidAlive(Number(m[1]))) continue;
    fs.rmSync(path.join(dir, n), { force: true });
    removed.push(n);
  }
  return removed;
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** C header go writes next to a c-archive / c-shared output. */
function headerOf(p: string): string | undefined {
  const m = /\.(a|so|dylib|dll)$/.exec(p);
  return m ? p.slice(0, p.length - m[0].length) + '.h' : undefined;
}

function cleanup(step: BuildStep): void {
  for (const f of [step.tmpPath, step.tmpPath && headerOf(step.tmpPath)]) {
    if (f) fs.rmSync(f, { force: true });
  }
}

export interface BuildInput {
  workspaceRoot: string;
  projectRoot: string;
  env?: NodeJS.ProcessEnv;
  /** Overrides for tests and other executors. */
  go?: string;
  table?: PlatformTable;
  resolveToolchain?: ResolveCToolchain;
  /** `project:target[:configuration]`, recorded in the manifests. */
  target?: string;
  /** The target's configured options (see PlanContext.layout). */
  layout?: BuildExecutorSchema;
  /** `go env` of `go` as loadGo read it (with go and table: a batch reads it once for all its tasks). */
  goEnv?: GoEnv;
}

/** Plans and runs a build; refusals are one logger.error line and go is not run. */
export async function runBuild(options: BuildExecutorSchema, input: BuildInput, deps: RunDeps = {}): Promise<BuildRunResult> {
  const logger = deps.logger ?? consoleLogger;
  const env = input.env ?? process.env;
  const loaded =
    input.go && input.goEnv && input.table
      ? { ok: true as const, go: input.go, goEnv: input.goEnv, table: input.table }
      : loadGo(env, { go: input.go, table: input.table, cwd: goEnvDir(input) });
  if (!loaded.ok) {
    logger.error(loaded.message);
    return { success: false, artifacts: [] };
  }
  const { go, goEnv, table } = loaded;
  // {version}, {commit}, {commitDate} in ldflags, gcflags, tags and env values, from git.
  const resolved = resolvePlaceholders(options, goEnvDir(input));
  if (!resolved.ok) {
    logger.error(resolved.message);
    return { success: false, artifacts: [] };
  }
  const plan = planBuild(resolved.options, {
    workspaceRoot: input.workspaceRoot,
    projectRoot: input.projectRoot,
    go,
    goVersion: goEnv.GOVERSION,
    hostGoos: goEnv.GOHOSTOS,
    hostGoarch: goEnv.GOHOSTARCH,
    table,
    env,
    resolveToolchain: input.resolveToolchain,
    which: (cmd) => which(cmd, env),
    target: input.target,
    layout: input.layout,
  });
  if (!plan.ok) {
    logger.error(plan.message);
    return { success: false, artifacts: [] };
  }
  return executePlan(plan, deps);
}

/** The directory `go env` is read in for a build: the project's, when it exists. */
export function goEnvDir(input: Pick<BuildInput, 'workspaceRoot' | 'projectRoot'>): string {
  const projectDir = path.resolve(input.workspaceRoot, input.projectRoot);
  return fs.existsSync(projectDir) ? projectDir : input.workspaceRoot;
}

export default async function buildExecutor(
  options: BuildExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  return buildTask(options, context);
}

/**
 * What the executor does for one task, given its context (the batch implementation builds one
 * per task): the outputs check, then runBuild. `given` passes what the caller already loaded.
 */
export async function buildTask(
  options: BuildExecutorSchema,
  context: ExecutorContext,
  deps: RunDeps = {},
  given: Pick<BuildInput, 'go' | 'goEnv' | 'table' | 'env'> = {},
): Promise<{ success: boolean }> {
  const logger = deps.logger ?? consoleLogger;
  const projectName = context.projectName;
  const project = projectName ? context.projectsConfigurations?.projects?.[projectName] : undefined;
  if (!project) {
    logger.error(`@gocross/nx:build: project ${projectName ?? '(none)'} not found in the workspace`);
    return { success: false };
  }
  const layout = configuredOptions(context);
  const undeclared = undeclaredMessage(options, context, project.root, layout);
  if (undeclared) {
    logger.error(undeclared);
    return { success: false };
  }
  const r = await runBuild(
    options,
    {
      ...given,
      workspaceRoot: context.root,
      projectRoot: project.root,
      target: [projectName, context.targetName, context.configurationName].filter(Boolean).join(':'),
      layout,
    },
    deps,
  );
  return { success: r.success };
}

/** The options the target is configured with (its configuration included, command-line overrides not). */
export function configuredOptions(context: Pick<ExecutorContext, 'target' | 'configurationName'>): BuildExecutorSchema | undefined {
  const t = context.target;
  if (!t?.options) return undefined;
  const conf = context.configurationName ? t.configurations?.[context.configurationName] : undefined;
  return { ...(t.options as BuildExecutorSchema), ...((conf ?? {}) as Partial<BuildExecutorSchema>) };
}

/**
 * For a cached target: one line when a file the build would write (artifact, C header, manifest)
 * is not among the target's outputs, which Nx would then replay from the cache without it.
 */
export function undeclaredMessage(
  options: BuildExecutorSchema,
  context: ExecutorContext,
  projectRoot: string,
  layout?: BuildExecutorSchema,
): string | undefined {
  const t = context.target;
  if (!t || t.cache !== true || options.compileOnly || !options.goos || !options.goarch) return undefined;
  let files: string[];
  try {
    files = resolveBuildOutputs(options, { workspaceRoot: context.root, projectRoot, layout }).files.flatMap((f) => {
      const header = headerOf(f.path);
      return [f.path, ...(header && (options.buildmode === 'c-shared' || options.buildmode === 'c-archive') ? [header] : []), manifestPathFor(f.path)];
    });
  } catch {
    return undefined; // the build reports the options' problem
  }
  // Without `outputs` Nx falls back to outputPath, or to dist/<root> and friends for `build`.
  const configured =
    t.outputs ??
    (options.outputPath
      ? [options.outputPath]
      : context.targetName === 'build' || context.targetName === 'prepare'
        ? [`dist/${projectRoot}`, `${projectRoot}/dist`, `${projectRoot}/build`, `${projectRoot}/public`]
        : []);
  const declared = interpolateOutputs(configured, {
    workspaceRoot: context.root,
    projectRoot,
    projectName: context.projectName ?? '',
    options: options as unknown as Record<string, unknown>,
  });
  const missing = undeclaredFiles(files, declared);
  if (missing.length === 0) return undefined;
  const rel = (p: string) => path.relative(context.root, p) || p;
  const dir = rel(path.dirname(missing[0]));
  return (
    `${context.projectName}:${context.targetName} writes ${rel(missing[0])}${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}, ` +
    `which is not among the target's outputs, so the Nx cache would replay it without that file: ` +
    `set "outputDir": "${dir}" (the targetDefaults of nx g @gocross/nx:init declare {options.outputDir}) or add "{workspaceRoot}/${dir}" to its outputs`
  );
}
