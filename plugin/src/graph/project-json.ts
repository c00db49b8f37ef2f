/**
 * What a module's `project.json` says about its targets, and the cache inputs the plugin gives
 * them. Nx merges the plugin's targets first, then nx.json's targetDefaults, then project.json:
 * the options of a project.json target win, but its inputs are ours unless it sets its own. So
 * the plugin emits, for the targets of project.json that run one of its cached executors:
 *
 * - an inferred target overridden there (`"build-linux-arm64": { "options": { "cc": … } }`): the
 *   inputs of the options the target really runs with (the inferred ones, project.json's over
 *   them, each configuration over those), e.g. the identity of the hand-set compiler;
 * - a target written there by hand: a target of the same name with the executor and the inputs
 *   an inferred target of those options would have (and, for validate and release, a dependency
 *   on the builds they read). Never options: project.json's win anyway, and the plugin's would
 *   override the targetDefaults the user set.
 *
 * A target whose options name no platform (no goos or goarch) gets nothing: its build fails
 * saying so. A target whose `inputs` are set in project.json keeps them (with `"..."` they
 * extend these).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';
import { platformFromOptions, type VariantOptions } from '../platforms/env';
import { formatPlatform } from '../platforms/platform';
import type { Platform } from '../platforms/types';

type Options = Record<string, unknown>;
type Input = NonNullable<TargetConfiguration['inputs']>[number];

/** A target of project.json, as far as the plugin reads it. */
export interface ProjectJsonTarget {
  executor?: string;
  options?: Options;
  configurations?: Record<string, Options | undefined>;
}

export interface ProjectJson {
  name?: string;
  targets?: Record<string, ProjectJsonTarget>;
}

/** `<root>/project.json`, or undefined when there is none or it is not a JSON object (Nx reports that itself). */
export function readProjectJson(workspaceRoot: string, root: string): ProjectJson | undefined {
  const file = path.join(workspaceRoot, root, 'project.json');
  // Most modules have none: a failed read costs an exception, existsSync does not.
  if (!fs.existsSync(file)) return undefined;
  try {
    const pj = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (!isObject(pj)) return undefined;
    const out: ProjectJson = {};
    if (typeof pj.name === 'string' && pj.name) out.name = pj.name;
    if (isObject(pj.targets)) out.targets = pj.targets as Record<string, ProjectJsonTarget>;
    return out;
  } catch {
    return undefined;
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Every set of options a target runs with: its options over `base` (the inferred target's), and
 * each configuration over those. Over-inclusion only costs a cache miss, so the inputs are the
 * union of those of every set.
 */
export function optionSets(base: Options, t: ProjectJsonTarget): Options[] {
  const options = { ...base, ...(isObject(t.options) ? t.options : {}) };
  const sets = [options];
  if (isObject(t.configurations)) {
    for (const c of Object.values(t.configurations)) if (isObject(c)) sets.push({ ...options, ...c });
  }
  return sets;
}

/** The platform options name (goos, goarch and the arch's variant option), or undefined. */
export function platformOfOptions(o: Options): Platform | undefined {
  if (typeof o.goos !== 'string' || !o.goos || typeof o.goarch !== 'string' || !o.goarch) return undefined;
  const r = platformFromOptions(o as { goos: string; goarch: string } & VariantOptions);
  return r.ok ? r.platform : undefined;
}

/**
 * The platforms the targets of project.json running one of `executors` name in their own options
 * (an override of an inferred target may name one only with the inferred options: see
 * applyProjectJsonTargets, which returns every platform used).
 */
export function projectJsonPlatforms(projectTargets: Record<string, ProjectJsonTarget>, executors: readonly string[]): Platform[] {
  const out: Platform[] = [];
  for (const t of Object.values(projectTargets)) {
    if (!isObject(t) || typeof t.executor !== 'string' || !executors.includes(t.executor)) continue;
    for (const o of optionSets({}, t)) {
      const p = platformOfOptions(o);
      if (p) out.push(p);
    }
  }
  return out;
}

/** How the inputs of one executor's targets follow from their options. */
export interface ExecutorInputs {
  /** Inputs of a target running with `o` (its platform `p`, when the executor has one). */
  inputs(o: Options, p: Platform | undefined, inferred: TargetConfiguration | undefined): Input[];
  /** Whether the target needs a platform (build, test). */
  perPlatform: boolean;
  /** The build targets a target running with `o` reads (validate, release): it depends on them. */
  reads?(o: Options): string[];
  /** Whether the plugin leaves such a target alone (release with `sign`: never cached). */
  skip?(o: Options): boolean;
}

/** The union of lists, in order, without duplicates (inputs compared by value). */
export function union<T>(lists: readonly (readonly T[])[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const l of lists) {
    for (const x of l) {
      const k = typeof x === 'string' ? x : JSON.stringify(x);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(x);
    }
  }
  return out;
}

/** `project:target[:configuration]` or `target` as an entry of dependsOn (`project:target` or `target`). */
function dependencyOf(buildTarget: string): string {
  return buildTarget.split(':').slice(0, 2).join(':');
}

/**
 * Gives the targets of project.json the inputs of their options (see the file comment):
 * changes `targets` (the inferred ones of the project) in place, and returns the platforms
 * whose named inputs those inputs use.
 */
export function applyProjectJsonTargets(
  targets: Record<string, TargetConfiguration>,
  projectTargets: Record<string, ProjectJsonTarget>,
  executors: Readonly<Record<string, ExecutorInputs>>,
): Platform[] {
  const platforms = new Map<string, Platform>();
  for (const [name, t] of Object.entries(projectTargets)) {
    if (!isObject(t)) continue;
    const inferred = targets[name] as TargetConfiguration | undefined;
    const executor = typeof t.executor === 'string' ? t.executor : undefined;
    // An override merges with the inferred target only when it keeps its executor (Nx replaces it otherwise).
    const overrides = inferred !== undefined && (executor === undefined || executor === inferred.executor);
    const exec = overrides ? inferred.executor : executor;
    const how = exec !== undefined ? executors[exec] : undefined;
    if (!how) continue;
    const sets = optionSets(overrides ? (inferred.options ?? {}) : {}, t);
    if (how.skip && sets.some((o) => how.skip!(o))) continue;
    const lists: Input[][] = [];
    for (const o of sets) {
      const p = platformOfOptions(o);
      if (how.perPlatform && !p) continue;
      if (p) platforms.set(formatPlatform(p), p);
      lists.push(how.inputs(o, p, overrides ? inferred : undefined));
    }
    if (lists.length === 0) continue;
    const target: TargetConfiguration = overrides ? { ...inferred } : { executor: exec };
    target.inputs = union(lists);
    if (how.reads) {
      const reads = sets.flatMap((o) => how.reads!(o)).map(dependencyOf);
      const dependsOn = union([overrides ? (inferred.dependsOn ?? []) : [], reads]);
      if (dependsOn.length > 0) target.dependsOn = dependsOn;
    }
    targets[name] = target;
  }
  return [...platforms.values()];
}
