/**
 * Plugin options (nx.json) and the per-project override file.
 *
 * nx.json:
 *   { "plugin": "@gocross/nx", "options": { "platforms": ["linux/arm64", ...], "targetPrefix": "go-", "cgo": false } }
 *
 * Per project: a `gocross.json` next to go.mod, e.g.
 *   { "platforms": ["linux/arm/6", "linux/mipsle/softfloat"], "cgo": true, "libc": "musl", "buildmode": "pie" }
 * Its fields replace the workspace ones for that project (platforms replace, they do not add).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlatform } from '../platforms/platform';
import type { BuildMode, Libc, Platform } from '../platforms/types';
import { resolveBuildFlags, type BuildFlagOptions } from './build-flags';

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
}

export class GocrossConfigError extends Error {
  override readonly name = 'GocrossConfigError';
}

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
  Object.assign(r, resolveBuildFlags(o, override, overrideSource));
  return r;
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
