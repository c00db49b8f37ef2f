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
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlatform } from '../platforms/platform';
import type { BuildMode, Libc, Platform } from '../platforms/types';
import { resolveBuildFlags, type BuildFlagOptions } from './build-flags';
import { GocrossConfigError } from './config-error';

export interface GocrossPluginOptions extends BuildFlagOptions {
  /** Platform matrix, `os/arch[/variant]`. */
  platforms?: string[];
  /** Prepended to every inferred target name (`go-` → `go-build-linux-arm64`). Default none. */
  targetPrefix?: string;
  cgo?: boolean;
  libc?: Libc;
  buildmode?: BuildMode;
  tags?: string[];
}

export interface ProjectOverride extends BuildFlagOptions {
  platforms?: string[];
  cgo?: boolean;
  libc?: Libc;
  buildmode?: BuildMode;
  tags?: string[];
  /** Main packages to build (dirs or globs); default every main package. */
  mains?: string[];
  /** Main packages not to build (dirs or globs). */
  exclude?: string[];
}

export const PROJECT_OVERRIDE_FILE = 'gocross.json';

export const DEFAULT_PLATFORMS: readonly string[] = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/7',
  'linux/riscv64',
  'darwin/arm64',
  'windows/amd64',
];

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

function platformList(list: unknown, where: string): Platform[] {
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
    throw new GocrossConfigError(`${where}: "platforms" must be an array of "os/arch[/variant]" strings`);
  }
  const out: Platform[] = [];
  const seen = new Set<string>();
  for (const s of list as string[]) {
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

/** Reads `<projectRoot>/gocross.json`; undefined when absent. Throws GocrossConfigError when malformed. */
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GocrossConfigError(`${path.posix.join(root, PROJECT_OVERRIDE_FILE)}: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GocrossConfigError(`${path.posix.join(root, PROJECT_OVERRIDE_FILE)}: expected a JSON object`);
  }
  return { override: json as ProjectOverride, text };
}

export function resolveProjectOptions(
  options: GocrossPluginOptions | undefined,
  override: ProjectOverride | undefined,
  overrideSource: string,
): ResolvedProjectOptions {
  const o = options ?? {};
  const platforms =
    override?.platforms !== undefined
      ? platformList(override.platforms, overrideSource)
      : platformList(o.platforms ?? [...DEFAULT_PLATFORMS], 'nx.json @gocross/nx options');
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
  for (const key of ['mains', 'exclude'] as const) {
    const v = override?.[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.trim() === '')) {
      throw new GocrossConfigError(`${overrideSource}: "${key}" must be an array of package directories or globs (e.g. ["cmd/*"])`);
    }
    r[key] = v;
  }
  Object.assign(r, resolveBuildFlags(o, override, overrideSource));
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
 * file when an entry matches no candidate.
 */
export function selectMains(candidates: readonly string[], opts: Pick<ResolvedProjectOptions, 'mains' | 'exclude'>, source: string): string[] {
  const dirs = candidates.map(normalisePackageDir);
  const matching = (entry: string): Set<number> => {
    const re = packageGlob(entry);
    return new Set(dirs.flatMap((d, i) => (re.test(d) ? [i] : [])));
  };
  const problems: string[] = [];
  let keep = new Set(dirs.map((_, i) => i));
  if (opts.mains) {
    keep = new Set();
    for (const e of opts.mains) {
      const m = matching(e);
      if (m.size === 0) problems.push(`"mains" entry "${e}" matches no main package`);
      for (const i of m) keep.add(i);
    }
  }
  for (const e of opts.exclude ?? []) {
    const m = matching(e);
    if (m.size === 0) problems.push(`"exclude" entry "${e}" matches no main package`);
    for (const i of m) keep.delete(i);
  }
  if (problems.length) {
    const known = dirs.length ? `main packages found: ${dirs.join(', ')}` : 'the module has no main package';
    throw new GocrossConfigError(`${source}: ${problems.join('; ')} (${known})`);
  }
  return candidates.filter((_, i) => keep.has(i));
}

/** The GOOS/GOARCH of the machine running Nx. */
export function hostPlatform(platform: string = process.platform, arch: string = process.arch): Platform {
  const goos = platform === 'win32' ? 'windows' : platform === 'sunos' ? 'solaris' : platform;
  const archMap: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm: 'arm',
    arm64: 'arm64',
    riscv64: 'riscv64',
    s390x: 's390x',
    ppc64: process.platform === 'aix' ? 'ppc64' : 'ppc64le',
    loong64: 'loong64',
    mips: 'mips',
    mipsel: 'mipsle',
  };
  return { goos, goarch: archMap[arch] ?? arch };
}
