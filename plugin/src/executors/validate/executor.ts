/**
 * `@gocross/nx:validate`: finds the artifacts of one or several build targets (from their
 * options, through the build executor's output resolution), plus prebuilt files matched by
 * globs, runs the check engine on them and the project's sources, prints findings grouped per
 * binary and writes the requested reports.
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { runAsmdeclMatrix, type AsmdeclRun } from '../../validate/asmdecl-runner';
import { validateArtifacts } from '../../checks/engine';
import { resolvePolicy, type Policy } from '../../checks/policy';
import { ALL_CHECKS } from '../../checks/registry';
import type { SourceFile, ValidationResult } from '../../checks/result';
import { readProjectSources as readGoSources } from '../../gowork/sources';
import type { TargetSpec } from '../../checks/types';
import { platformSlug } from '../../platforms/platform';
import { formatText, writeReports, type TimedValidationResult } from '../../report';
import {
  engineInputs,
  planBuildTarget,
  planFile,
  realFs,
  targetForPath,
  targetSpecFromBuildOptions,
  withPlannedFindings,
  type PlannedArtifact,
} from '../../validate/plan';
import { resolveBuildOutputs } from '../../platforms/outputs';
import type { BuildExecutorSchema } from '../build/schema';
import type { ValidateExecutorSchema } from './schema';

export interface ValidationPlan {
  project: string;
  projectRoot: string;
  /** Each with the target it is judged against (its build manifest's when it has one). */
  artifacts: PlannedArtifact[];
  targets: TargetSpec[];
  /** Report directory, absolute. */
  reportsDir: string;
}

export { targetSpecFromBuildOptions };

function splitTarget(ref: string, project: string): { project: string; target: string; configuration?: string } {
  const parts = ref.split(':');
  if (parts.length === 1) return { project, target: parts[0] };
  return { project: parts[0] || project, target: parts[1], configuration: parts[2] };
}

/**
 * One test for a list of `files` globs (picomatch): `*` and `?` within a path element, `**` across
 * them, `{a,b}` alternatives; dotfiles match, brackets, `!` and extglob characters are literal.
 */
export function globMatcher(globs: readonly string[]): (file: string) => boolean {
  return picomatch([...globs], { dot: true, literalBrackets: true, noextglob: true, nonegate: true });
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.nx', 'testdata']);

/** Files under `dir` (relative, `/`-separated) that prebuilt-artifact globs may match, skipping VCS, node_modules, testdata and hidden dirs. */
function walk(dir: string, rel = '', out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (SKIP_DIRS.has(e.name) || e.name.startsWith('.')) continue;
      walk(dir, r, out);
    } else if (e.isFile()) out.push(r);
  }
  return out;
}

/** Files of the project matching any glob (relative to the project root). */
export function matchGlobs(absProjectRoot: string, globs: string[]): string[] {
  if (globs.length === 0) return [];
  const matches = globMatcher(globs);
  return walk(absProjectRoot).filter(matches).sort();
}

/** Go, assembly and module files of the project, read for source checks and //export names. */
export function readProjectSources(absProjectRoot: string): SourceFile[] {
  // Files go ignores are kept: the source checks say that they are ignored.
  return readGoSources(absProjectRoot, { extensions: ['.go', '.s', '.S'], moduleFiles: true, keepGoIgnored: true });
}

/**
 * Works out what to validate from the executor options and the Nx context: artifacts of the
 * named build targets with their TargetSpec, prebuilt files, and the report directory.
 */
export function planValidation(options: ValidateExecutorSchema, context: ExecutorContext): ValidationPlan {
  const project = context.projectName;
  if (!project) throw new Error('validate: no project in the executor context');
  const projects = context.projectsConfigurations?.projects ?? {};
  const projectConfig = projects[project];
  if (!projectConfig) throw new Error(`validate: project "${project}" not found in the workspace`);
  const projectRoot = projectConfig.root;
  const refs = [...(options.buildTarget ? [options.buildTarget] : []), ...(options.buildTargets ?? [])];
  const artifacts: PlannedArtifact[] = [];
  const targets: TargetSpec[] = [];
  const display = (p: string) => path.relative(context.root, p) || p;
  for (const ref of refs) {
    const { project: p, target, configuration } = splitTarget(ref, project);
    const cfg = projects[p];
    const t = cfg?.targets?.[target];
    if (!cfg || !t) throw new Error(`validate: build target "${p}:${target}" not found`);
    let opts = { ...(t.options ?? {}) } as BuildExecutorSchema;
    const conf = configuration ?? t.defaultConfiguration;
    if (conf && t.configurations?.[conf]) opts = { ...opts, ...(t.configurations[conf] as Partial<BuildExecutorSchema>) };
    if (!opts.goos || !opts.goarch) throw new Error(`validate: build target "${p}:${target}" has no goos/goarch options`);
    const outs = resolveBuildOutputs(opts, { workspaceRoot: context.root, projectRoot: cfg.root });
    const spec = targetSpecFromBuildOptions(opts, outs.platform);
    const planned = planBuildTarget(realFs, { id: `${p}:${target}`, dir: outs.dir, files: outs.files.map((f) => f.path), configured: spec }, display);
    // The fix of a missing artifact names the target (and configuration) that builds it.
    const buildTarget = `${p}:${target}${configuration ? `:${configuration}` : ''}`;
    artifacts.push(...planned.map((a) => ({ ...a, buildTarget })));
    // Source checks run for what was built (a manifest's target), else for what is configured.
    const built = [...new Map(planned.filter((a) => a.manifest).map((a) => [JSON.stringify(a.target), a.target])).values()];
    targets.push(...(built.length > 0 ? built : [spec]));
  }
  const absProjectRoot = path.resolve(context.root, projectRoot);
  for (const rel of matchGlobs(absProjectRoot, options.files ?? [])) {
    const abs = path.join(absProjectRoot, rel);
    const fromPath = targetForPath(rel, targets) ?? (targets.length === 1 ? targets[0] : undefined);
    const a = planFile(realFs, abs, { fromPath, display });
    if (!a) {
      throw new Error(
        `validate: cannot tell the target platform of ${rel}: put it under a platform directory (e.g. linux-arm64/) or name exactly one buildTarget`,
      );
    }
    artifacts.push(a);
  }
  const slug = targets.length === 1 ? platformSlug(targets[0].platform) : 'all';
  const reportsDir = path.resolve(context.root, options.reportsDir ?? path.join('reports', 'gocross', project, slug));
  return { project, projectRoot, artifacts, targets, reportsDir };
}

function severityRank(s: string): number {
  return s === 'error' ? 2 : s === 'warn' ? 1 : 0;
}

/** Runs validation; exported for tests and the CLI. */
export async function runValidation(
  options: ValidateExecutorSchema,
  context: ExecutorContext,
  log: (line: string) => void = (l) => console.log(l),
): Promise<{ success: boolean; result?: ValidationResult; reports: string[]; error?: string }> {
  let plan: ValidationPlan;
  let policy: Policy;
  try {
    plan = planValidation(options, context);
    policy = resolvePolicy({
      workspaceRoot: context.root,
      projectRoot: plan.projectRoot,
      explicit: options.policy,
      extraCheckIds: ALL_CHECKS.map((c) => c.meta.id),
    });
  } catch (e) {
    const msg = (e as Error).message;
    log(msg);
    return { success: false, reports: [], error: msg };
  }
  if (plan.artifacts.length === 0 && plan.targets.length === 0) {
    log('validate: nothing to validate: set buildTarget/buildTargets (with main packages) or files');
    return { success: false, reports: [], error: 'nothing to validate' };
  }
  const absProjectRoot = path.resolve(context.root, plan.projectRoot);
  const sources = readProjectSources(absProjectRoot);
  // go vet -asmdecl, once per GOOS/GOARCH of the targets that builds assembly, on the packages
  // that have it, in parallel.
  let asmdecl: AsmdeclRun[] = [];
  let vetMs = 0;
  if (policy.checks.asmdecl?.setting !== 'off' && sources.some((f) => /\.s$/.test(f.path)) && fs.existsSync(path.join(absProjectRoot, 'go.mod'))) {
    const vetted = await runAsmdeclMatrix(absProjectRoot, plan.targets.map((t) => t.platform), sources, { log });
    asmdecl = vetted.runs;
    vetMs = vetted.durationMs;
  }
  const checked = await validateArtifacts({
    workspaceRoot: context.root,
    project: plan.project,
    projectRoot: plan.projectRoot,
    artifacts: engineInputs(plan.artifacts),
    sources,
    sourceTargets: plan.targets.length ? plan.targets : undefined,
    policy,
    asmdecl,
  });
  const planned = withPlannedFindings(checked, plan.artifacts);
  // The engine times the checks; the vet runs before it belong to the validation too.
  // vetMs is the wall time of the runs (they overlap); each platform keeps its own time.
  const vet = asmdecl.map((r) => ({ platform: `${r.goos}/${r.goarch}`, durationMs: r.durationMs }));
  const result: TimedValidationResult = {
    ...planned,
    durationMs: planned.durationMs + vetMs,
    timing: { checksMs: planned.durationMs, vetMs, vet },
  };
  log(formatText(result).trimEnd());
  const formats = options.formats ?? ['text'];
  const reports = writeReports(result, formats, plan.reportsDir);
  const failOn = options.failOn ?? 'error';
  const worst = Math.max(0, ...result.findings.map((f) => severityRank(f.severity)));
  const success = failOn === 'never' || worst < severityRank(failOn);
  return { success, result, reports };
}

export default async function validateExecutor(
  options: ValidateExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const r = await runValidation(options, context);
  return { success: r.success };
}
