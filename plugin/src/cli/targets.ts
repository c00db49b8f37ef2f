/**
 * Where the CLI's targets come from when no Nx build target describes them: the `--platform`
 * flags, the binary's own Go build info, the directory names build tools use for platforms, and
 * goreleaser's `dist/artifacts.json`.
 */
import { VARIANT_VARIABLE, type Platform } from '../platforms/types';
import { isBuildMode } from '../platforms/buildmode';
import { KNOWN_ARCH, KNOWN_OS } from '../platforms/known';
import type { GoBuildInfo } from '../binary/types';
import type { TargetSpec } from '../checks/types';

/** Shared with the validate executor: see ../validate/plan.ts. */
export { platformFromPath } from '../validate/plan';

/** The target a Go binary says it was built for (GOOS, GOARCH, variant, CGO_ENABLED, -buildmode, -tags, -trimpath). */
export function targetFromBuildInfo(info: GoBuildInfo): TargetSpec | undefined {
  const goos = info.setting('GOOS');
  const goarch = info.setting('GOARCH');
  if (!goos || !goarch) return undefined;
  const platform: Platform = { goos, goarch };
  const variable = VARIANT_VARIABLE[goarch];
  const variant = variable ? info.setting(variable) : undefined;
  if (variant) platform.variant = variant;
  const mode = info.setting('-buildmode') ?? 'exe';
  const tags = info.setting('-tags');
  return {
    platform,
    cgo: info.setting('CGO_ENABLED') === '1',
    buildmode: isBuildMode(mode) ? mode : 'exe',
    tags: tags ? tags.split(',').filter(Boolean) : undefined,
    trimpath: info.setting('-trimpath') === 'true',
  };
}

/** One binary listed in goreleaser's artifacts.json. */
export interface GoreleaserBinary {
  name: string;
  path: string;
  platform: Platform;
  /**
   * A macOS universal binary (goreleaser's universal_binaries: type "Binary", goarch "all"),
   * holding one slice per platform listed here; `platform` is the first.
   */
  universal?: Platform[];
}

/** goreleaser's field for each variant variable, as written to artifacts.json. */
const GORELEASER_VARIANT_FIELD: Readonly<Record<string, string>> = {
  GOARM: 'goarm',
  GOARM64: 'goarm64',
  GOAMD64: 'goamd64',
  GO386: 'go386',
  GOMIPS: 'gomips',
  GOMIPS64: 'gomips',
  GOPPC64: 'goppc64',
  GORISCV64: 'goriscv64',
};

/**
 * The platform in goreleaser's `target` of a Go build: `<goos>_<goarch>[_<variant>]`, the
 * variant being the value of the arch's variable (`linux_arm_7`, `linux_arm_7,softfloat`,
 * `linux_amd64_v3`, `linux_arm64_v8.0`, `linux_mips_softfloat`, `linux_ppc64le_power9`,
 * `linux_riscv64_rva22u64`, `linux_386_sse2`). Undefined for anything else (other builders
 * record a C triple such as `x86_64-unknown-linux-gnu` there).
 */
export function parseGoreleaserTarget(target: string): Platform | undefined {
  const parts = target.split('_');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) return undefined;
  const [goos, goarch, variant] = parts;
  if (!KNOWN_OS.has(goos) || !KNOWN_ARCH.has(goarch)) return undefined;
  if (variant !== undefined && !VARIANT_VARIABLE[goarch]) return undefined;
  return variant === undefined ? { goos, goarch } : { goos, goarch, variant };
}

export class ArtifactsJsonError extends Error {
  override readonly name = 'ArtifactsJsonError';
}

/**
 * The binaries of goreleaser's `dist/artifacts.json` (entries of type "Binary"), each with the
 * platform goreleaser recorded for it. Errors name the JSON path of the bad entry.
 */
export function parseGoreleaserArtifacts(text: string, source: string): GoreleaserBinary[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ArtifactsJsonError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(doc)) throw new ArtifactsJsonError(`${source}: $ must be an array of artifacts`);
  const out: GoreleaserBinary[] = [];
  doc.forEach((entry: unknown, i) => {
    const where = `${source}: $[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ArtifactsJsonError(`${where} must be an object`);
    const e = entry as Record<string, unknown>;
    if (e.type !== 'Binary') return;
    for (const key of ['path', 'goos', 'goarch']) {
      if (typeof e[key] !== 'string' || e[key] === '') throw new ArtifactsJsonError(`${where}.${key} must be a non-empty string`);
    }
    if (e.goarch === 'all') {
      // universal_binaries lipo the darwin amd64 and arm64 builds together
      const universal = ['amd64', 'arm64'].map((goarch) => ({ goos: e.goos as string, goarch }));
      out.push({ name: typeof e.name === 'string' ? e.name : (e.path as string), path: e.path as string, platform: universal[0], universal });
      return;
    }
    const platform: Platform = { goos: e.goos as string, goarch: e.goarch as string };
    const variable = VARIANT_VARIABLE[platform.goarch];
    const field = variable ? GORELEASER_VARIANT_FIELD[variable] : undefined;
    const fromField = field && typeof e[field] === 'string' && e[field] !== '' ? (e[field] as string) : undefined;
    // goreleaser 2.x writes some variants only into `target` (riscv64's), and GOARM's float ABI
    // (`7,softfloat`) only there too: the field has the version alone.
    const fromTarget = typeof e.target === 'string' ? parseGoreleaserTarget(e.target) : undefined;
    const sameArch = fromTarget && fromTarget.goos === platform.goos && fromTarget.goarch === platform.goarch;
    const targetVariant = sameArch ? fromTarget.variant : undefined;
    if (fromField && targetVariant && targetVariant !== fromField && !targetVariant.startsWith(`${fromField},`)) {
      throw new ArtifactsJsonError(`${where}: ${field} "${fromField}" and target "${e.target as string}" name different variants`);
    }
    const variant = targetVariant ?? fromField;
    if (variant) platform.variant = variant;
    out.push({ name: typeof e.name === 'string' ? e.name : (e.path as string), path: e.path as string, platform });
  });
  return out;
}
