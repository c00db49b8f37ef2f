/**
 * Plugin options (nx.json) and the per-project override file.
 *
 * nx.json:
 *   { "plugin": "@gocross/nx", "options": { "platforms": ["linux/arm64", ...], "targetPrefix": "go-", "cgo": false } }
 *
 * Per project: a `gocross.json` next to go.mod, e.g.
 *   { "platforms": ["linux/arm/6", "linux/mipsle/softfloat"], "cgo": true, "libc": "musl", "buildmode": "pie" }
 * Its fields replace the workspace ones for that project (platforms replace, they do not add).
 * `gocross.json` alone can also choose the main packages built (the default is every package
 * that is `package main` on the platform):
 *   { "mains": ["cmd/*"], "exclude": ["cmd/internal-tool", "tools/**"] }
 * `mains` keeps only the main packages matching one of its entries, `exclude` drops those
 * matching one of its entries; entries are package directories relative to the module (`.`,
 * `cmd/api`, `./cmd/api`) or globs (`*` within one path element, `**` across elements). An
 * entry that matches no main package is an error.
 *
 * The keys of both and their types are defined once, in config-schema.ts; both are checked when
 * the graph is computed (config-check.ts): an unknown key, a value of the wrong type, a libc or
 * buildmode gocross does not know, a platform that is no Go port are errors naming the file,
 * line and column.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlatform } from '../platforms/platform';
import type { BuildMode, Libc, Platform } from '../platforms/types';
import { resolveBuildFlags, type BuildFlagOptions } from './build-flags';
import { checkSettings, type ConfigPath, type ConfigProblem } from './config-check';
import { GocrossConfigError } from './config-error';
import type { ConfigSource } from './config-report';
import { DEFAULT_PLATFORMS, PLUGIN_OPTIONS_SCHEMA, PROJECT_CONFIG_SCHEMA, type PluginOptionsConfig, type ProjectConfig } from './config-schema';

/** The plugin options of nx.json (config-schema.ts PLUGIN_OPTIONS_SCHEMA). */
export type GocrossPluginOptions = PluginOptionsConfig;

/** A project's gocross.json (config-schema.ts PROJECT_CONFIG_SCHEMA). */
export type ProjectOverride = ProjectConfig;

export const PROJECT_OVERRIDE_FILE = 'gocross.json';

export { DEFAULT_PLATFORMS };

/** The package name under which nx.json registers the plugin. */
const PLUGIN_PACKAGE = '@gocross/nx';

export interface ResolvedProjectOptions extends BuildFlagOptions {
  platforms: Platform[];
  prefix: string;
  cgo: boolean;
  libc?: Libc;
  buildmode?: BuildMode;
  tags?: string[];
  mains?: string[];
  exclude?: string[];
}

export { GocrossConfigError };

/** The error-reporting half of the config checks, loaded when there is an error to report. */
function report(): typeof import('./config-report') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./config-report') as typeof import('./config-report');
}

const PROJECT_SOURCE = { schema: PROJECT_CONFIG_SCHEMA, elsewhere: { schema: PLUGIN_OPTIONS_SCHEMA, where: `the ${PLUGIN_PACKAGE} plugin options of nx.json` } };
const PLUGIN_SOURCE = { schema: PLUGIN_OPTIONS_SCHEMA, elsewhere: { schema: PROJECT_CONFIG_SCHEMA, where: `a project's ${PROJECT_OVERRIDE_FILE}` } };

/** Parsed platforms, each once. Throws GocrossConfigError naming `where` for a malformed one. */
function platformList(list: readonly string[], where: string): Platform[] {
  const out: Platform[] = [];
  const seen = new Set<string>();
  for (const s of list) {
    let p: Platform;
    try {
      p = parsePlatform(s);
    } catch (e) {
      throw new GocrossConfigError(`${where}: ${(e as Error).message}`);
    }
    const key = `${p.goos}/${p.goarch}/${p.variant ?? ''}`;
    if (!seen.has(key)) out.push(p);
    seen.add(key);
  }
  return out;
}

/**
 * Reads and checks `<projectRoot>/gocross.json`; undefined when absent. Throws GocrossConfigError
 * when it is not JSON or not valid settings (config-schema.ts), one line per problem, each
 * `<root>/gocross.json:<line>:<column>: …`.
 */
export function readProjectOverride(workspaceRoot: string, root: string): { override: ProjectOverride; text: string } | undefined {
  const file = path.join(workspaceRoot, root, PROJECT_OVERRIDE_FILE);
  // Most modules have none: a failed read costs an exception, existsSync does not.
  if (!fs.existsSync(file)) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const name = path.posix.join(root, PROJECT_OVERRIDE_FILE);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw report().jsonSyntaxError(name, text, e as Error);
  }
  const problems = checkSettings(json, PROJECT_CONFIG_SCHEMA);
  if (problems.length) throw report().configError(problems, { ...PROJECT_SOURCE, file: name, text });
  return { override: json as ProjectOverride, text };
}

/**
 * Checks the plugin options of nx.json. Throws GocrossConfigError naming nx.json (with the line
 * and column of each problem when nx.json can be read) when they are not valid settings.
 */
export function checkPluginOptions(options: unknown, workspaceRoot: string): void {
  const problems: ConfigProblem[] = checkSettings(options ?? {}, PLUGIN_OPTIONS_SCHEMA);
  if (problems.length === 0) return;
  const r = report();
  const source: ConfigSource = { ...PLUGIN_SOURCE, file: 'nx.json', label: `${PLUGIN_PACKAGE} options: ` };
  try {
    const text = fs.readFileSync(path.join(workspaceRoot, 'nx.json'), 'utf8');
    const at = new r.Positions(text).pluginOptions(PLUGIN_PACKAGE, options);
    if (at) Object.assign(source, { text, at });
  } catch {
    // no nx.json to point into (options given another way): the file alone
  }
  throw r.configError(problems, source);
}

/**
 * A project's settings: its gocross.json's (`override`), else the workspace's (`options`), else
 * the defaults. Both are checked settings (readProjectOverride, checkPluginOptions).
 */
export function resolveProjectOptions(
  options: GocrossPluginOptions | undefined,
  override: ProjectOverride | undefined,
  overrideSource: string,
): ResolvedProjectOptions {
  const o = options ?? {};
  const platforms =
    override?.platforms !== undefined
      ? platformList(override.platforms, overrideSource)
      : platformList(o.platforms ?? DEFAULT_PLATFORMS, `nx.json ${PLUGIN_PACKAGE} options`);
  const r: ResolvedProjectOptions = {
    platforms,
    prefix: o.targetPrefix ?? '',
    cgo: override?.cgo ?? o.cgo ?? false,
  };
  const libc = override?.libc ?? o.libc;
  if (libc) r.libc = libc;
  const buildmode = override?.buildmode ?? o.buildmode;
  if (buildmode) r.buildmode = buildmode;
  const tags = override?.tags ?? o.tags;
  if (tags) r.tags = tags;
  if (override?.mains) r.mains = override.mains;
  if (override?.exclude) r.exclude = override.exclude;
  Object.assign(r, resolveBuildFlags(o, override));
  return r;
}

/** `./cmd/api/` → `cmd/api`; `./` and `` → `.`. */
function normalisePackageDir(s: string): string {
  let d = s.trim().replace(/\\/g, '/').replace(/\/+$/, '');
  while (d.startsWith('./')) d = d.slice(2);
  return d === '' ? '.' : d;
}

/** A package-directory glob as a RegExp: `*` within one element, `**` any number of elements. */
export function packageGlob(pattern: string): RegExp {
  const d = normalisePackageDir(pattern);
  if (d === '.') return /^\.$/;
  let re = '';
  const parts = d.split('/');
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') {
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    re += part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
    if (!last) re += '/';
  });
  return new RegExp(`^${re}$`);
}

/**
 * The main packages to build: `candidates` (in the `main` option's spelling, `.` / `./cmd/api`)
 * filtered by the project's `mains` and `exclude` lists. Throws GocrossConfigError naming the
 * file (`source`; with the line and column of each entry when its `text` is given) when an
 * entry matches no candidate.
 */
export function selectMains(
  candidates: readonly string[],
  opts: Pick<ResolvedProjectOptions, 'mains' | 'exclude'>,
  source: string,
  text?: string,
): string[] {
  const dirs = candidates.map(normalisePackageDir);
  const matching = (entry: string): Set<number> => {
    const re = packageGlob(entry);
    return new Set(dirs.flatMap((d, i) => (re.test(d) ? [i] : [])));
  };
  const problems: { path: ConfigPath; message: string }[] = [];
  let keep = new Set(dirs.map((_, i) => i));
  if (opts.mains) {
    keep = new Set();
    opts.mains.forEach((e, i) => {
      const m = matching(e);
      if (m.size === 0) problems.push({ path: ['mains', i], message: `"mains" entry "${e}" matches no main package` });
      for (const j of m) keep.add(j);
    });
  }
  (opts.exclude ?? []).forEach((e, i) => {
    const m = matching(e);
    if (m.size === 0) problems.push({ path: ['exclude', i], message: `"exclude" entry "${e}" matches no main package` });
    for (const j of m) keep.delete(j);
  });
  if (problems.length) {
    const known = dirs.length ? `main packages found: ${dirs.join(', ')}` : 'the module has no main package';
    const positions = text === undefined ? undefined : new (report().Positions)(text);
    const where = (p: ConfigPath) => {
      const pos = positions?.at(p);
      return pos ? `${source}:${pos}` : source;
    };
    throw new GocrossConfigError(problems.map((p) => `${where(p.path)}: ${p.message} (${known})`).join('\n'));
  }
  return candidates.filter((_, i) => keep.has(i));
}

