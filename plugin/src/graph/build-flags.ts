/**
 * Build flags the plugin options (nx.json) and a project's gocross.json may carry for its
 * inferred build targets: `ldflags`, `gcflags` and `env` (`tags`, `mains` and `exclude` are read by options.ts). A
 * gocross.json value replaces the nx.json one. Values may use `{version}`, `{commit}` and
 * `{commitDate}` (see graph/placeholders.ts); a target whose flags do gets a runtime
 * input printing what git resolves them to, so the resolved values are part of its cache key.
 */
import { GocrossConfigError } from './config-error';
import { PLACEHOLDER_COMMANDS, usedPlaceholders } from './placeholders';

export interface BuildFlagOptions {
  ldflags?: string;
  gcflags?: string;
  env?: Record<string, string>;
}

/** The build flags of a project: gocross.json's, else nx.json's. Throws GocrossConfigError when malformed. */
export function resolveBuildFlags(
  workspace: BuildFlagOptions | undefined,
  override: BuildFlagOptions | undefined,
  overrideSource: string,
): BuildFlagOptions {
  const out: BuildFlagOptions = {};
  for (const key of ['ldflags', 'gcflags'] as const) {
    const fromOverride = override?.[key] !== undefined;
    const v = fromOverride ? override?.[key] : workspace?.[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new GocrossConfigError(`${fromOverride ? overrideSource : 'nx.json @gocross/nx options'}: "${key}" must be a string`);
    if (v.trim()) out[key] = v;
  }
  const fromOverride = override?.env !== undefined;
  const env = fromOverride ? override?.env : workspace?.env;
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null || Array.isArray(env) || Object.values(env).some((v) => typeof v !== 'string')) {
      throw new GocrossConfigError(`${fromOverride ? overrideSource : 'nx.json @gocross/nx options'}: "env" must be an object of string values`);
    }
    if (Object.keys(env).length > 0) out.env = { ...env };
  }
  return out;
}

/** The options a build target gets from the flags (copies). */
export function buildFlagTargetOptions(f: BuildFlagOptions): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (f.ldflags) o.ldflags = f.ldflags;
  if (f.gcflags) o.gcflags = f.gcflags;
  if (f.env) o.env = { ...f.env };
  return o;
}

/**
 * A runtime input printing the values of the placeholders the flags (and tags) use, or nothing
 * when they use none.
 */
export function placeholderInputs(f: BuildFlagOptions & { tags?: string[] }): { runtime: string }[] {
  const used = usedPlaceholders(f);
  if (used.length === 0) return [];
  return [{ runtime: used.map((p) => `git ${PLACEHOLDER_COMMANDS[p].join(' ')}`).join(' && ') }];
}
