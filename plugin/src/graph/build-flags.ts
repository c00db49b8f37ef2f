/**
 * Build flags the plugin options (nx.json) and a project's gocross.json may carry for its
 * inferred build targets: `ldflags`, `gcflags` and `env` (`tags`, `mains` and `exclude` are read by options.ts). A
 * gocross.json value replaces the nx.json one. Values may use `{version}`, `{commit}` and
 * `{commitDate}` (see graph/placeholders.ts); a target whose flags do gets a runtime
 * input printing what git resolves them to, so the resolved values are part of its cache key.
 */
import type { ProjectConfig } from './config-schema';
import { PLACEHOLDER_COMMANDS, usedPlaceholders } from './placeholders';
import { versionCommand } from './version';

/** The build flags of the settings (config-schema.ts). */
export type BuildFlagOptions = Pick<ProjectConfig, 'ldflags' | 'gcflags' | 'env'>;

/** The build flags of a project: gocross.json's, else nx.json's; both checked settings (options.ts). */
export function resolveBuildFlags(workspace: BuildFlagOptions | undefined, override: BuildFlagOptions | undefined): BuildFlagOptions {
  const out: BuildFlagOptions = {};
  for (const key of ['ldflags', 'gcflags'] as const) {
    const v = override?.[key] !== undefined ? override[key] : workspace?.[key];
    if (v?.trim()) out[key] = v;
  }
  const env = override?.env !== undefined ? override.env : workspace?.env;
  if (env && Object.keys(env).length > 0) out.env = { ...env };
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
 * A runtime input printing the values of the placeholders the flags (and tags) use, one a line
 * in PLACEHOLDERS order, or nothing when they use none. `{version}` is printed by
 * `versionScript` (graph/version.js, the function the build resolves it with).
 */
export function placeholderInputs(f: BuildFlagOptions & { tags?: string[] }, versionScript: string): { runtime: string }[] {
  const used = usedPlaceholders(f);
  if (used.length === 0) return [];
  return [{ runtime: used.map((p) => (p === 'version' ? versionCommand(versionScript) : `git ${PLACEHOLDER_COMMANDS[p].join(' ')}`)).join(' && ') }];
}
