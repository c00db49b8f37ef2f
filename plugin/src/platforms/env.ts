import type { PlatformTable } from './table';
import { BuildMode, Platform, VARIANT_VARIABLE } from './types';
import { platformSlug } from './platform';
import { VARIANTS, validateVariant } from './variants';

/**
 * The environment variables of the machine a cgo build passes to go (besides the C toolchain it
 * resolves and sets itself): the C flags, cgo's flag allow and deny lists, and pkg-config's
 * settings. Every one can change the artifact or whether it builds, so the same list is in the
 * cgo targets' cache key (graph/inputs.ts). Plain CC and CXX are not among them: the build
 * resolves its compiler per platform (platforms/toolchain.ts).
 */
export const CGO_ENV_VARIABLES: readonly string[] = [
  'CGO_CPPFLAGS', 'CGO_CFLAGS', 'CGO_CXXFLAGS', 'CGO_FFLAGS', 'CGO_LDFLAGS',
  ...['CGO_CPPFLAGS', 'CGO_CFLAGS', 'CGO_CXXFLAGS', 'CGO_FFLAGS', 'CGO_LDFLAGS'].flatMap((v) => [`${v}_ALLOW`, `${v}_DISALLOW`]),
  'PKG_CONFIG', 'PKG_CONFIG_PATH', 'PKG_CONFIG_LIBDIR', 'PKG_CONFIG_SYSROOT_DIR',
];

/**
 * Checks a platform against a Go toolchain's table and version. Returns one sentence naming
 * the problem (unknown pair, unknown variant value, variant too new for the installed Go), or
 * undefined when the platform can be built.
 */
export function validatePlatform(p: Platform, goVersion: string | undefined, table: PlatformTable): string | undefined {
  if (!table.find(p.goos, p.goarch)) {
    const ver = goVersion ?? table.goVersion;
    const arches = table.arches(p.goos);
    if (arches.length === 0) {
      return `unknown GOOS "${p.goos}": ${ver} supports ${table.oses().join(', ')}`;
    }
    return `unknown platform ${p.goos}/${p.goarch}: ${ver} supports GOOS=${p.goos} with GOARCH ${arches.join(', ')}`;
  }
  if (p.variant !== undefined) return validateVariant(p.goarch, p.variant, goVersion ?? table.goVersion);
  return undefined;
}

/** GOOS, GOARCH and the variant variable (when the platform has a variant) as environment entries. */
export function platformEnv(p: Platform): Record<string, string> {
  const env: Record<string, string> = { GOOS: p.goos, GOARCH: p.goarch };
  const v = VARIANT_VARIABLE[p.goarch];
  if (v && p.variant !== undefined) env[v] = p.variant;
  return env;
}

/** Every variant variable name (the ones a build should not inherit from the caller's environment). */
export const ALL_VARIANT_VARIABLES: readonly string[] = Object.keys(VARIANTS);

/** File suffix of a build artifact: `.exe` for windows programs, `.so`/`.dylib`/`.dll` for c-shared, `.a` for c-archive. */
export function binarySuffix(goos: string, buildmode: BuildMode = 'exe'): string {
  switch (buildmode) {
    case 'c-archive':
      return '.a';
    case 'c-shared':
      if (goos === 'windows') return '.dll';
      if (goos === 'darwin' || goos === 'ios') return '.dylib';
      return '.so';
    default:
      return goos === 'windows' ? '.exe' : '';
  }
}

/** Name of a per-platform target: `build-linux-arm-7`. */
export function platformTargetName(p: Platform, prefix = 'build'): string {
  return `${prefix}-${platformSlug(p)}`;
}

/** Short alias of a per-platform target by arch only: `build-arm64`. */
export function archAlias(p: Platform | string, prefix = 'build'): string {
  const arch = typeof p === 'string' ? p : p.goarch;
  return `${prefix}-${arch}`;
}

/**
 * Arch-only aliases for a matrix (`build-arm64` → linux/arm64). An arch gets an alias when one
 * platform of the matrix has it, or else when exactly one linux platform without a variant has
 * it (linux/arm64 wins over darwin/arm64); otherwise the alias would be ambiguous and none is
 * given. Returns alias → platform, in matrix order.
 */
export function archAliases(platforms: readonly Platform[], prefix = 'build'): Map<string, Platform> {
  const byArch = new Map<string, Platform[]>();
  for (const p of platforms) {
    const list = byArch.get(p.goarch) ?? [];
    if (!list.some((q) => q.goos === p.goos && (q.variant ?? '') === (p.variant ?? ''))) list.push(p);
    byArch.set(p.goarch, list);
  }
  const out = new Map<string, Platform>();
  for (const [arch, list] of byArch) {
    let pick: Platform | undefined;
    if (list.length === 1) pick = list[0];
    else {
      const linux = list.filter((p) => p.goos === 'linux' && p.variant === undefined);
      if (linux.length === 1) pick = linux[0];
    }
    const name = archAlias(arch, prefix);
    if (pick) out.set(name, pick);
  }
  return out;
}

/** Option fields carrying variant values (`goarm`, `goarm64`, …), as the build executor spells them. */
export type VariantOptions = Partial<
  Record<'goarm' | 'goarm64' | 'goamd64' | 'go386' | 'gomips' | 'gomips64' | 'goppc64' | 'goriscv64', string>
>;

/**
 * The platform described by executor options. Returns an error sentence when a variant option
 * is set for an arch it does not apply to (e.g. `goarm` with GOARCH=arm64).
 */
export function platformFromOptions(
  o: { goos: string; goarch: string } & VariantOptions,
): { ok: true; platform: Platform } | { ok: false; message: string } {
  const own = VARIANT_VARIABLE[o.goarch];
  const p: Platform = { goos: o.goos, goarch: o.goarch };
  for (const variable of ALL_VARIANT_VARIABLES) {
    const opt = variable.toLowerCase() as keyof VariantOptions;
    const value = o[opt];
    if (value === undefined || value === '') continue;
    if (variable !== own) {
      const fits = Object.entries(VARIANT_VARIABLE)
        .filter(([, v]) => v === variable)
        .map(([a]) => a);
      return {
        ok: false,
        message: `option ${opt}="${value}" applies to GOARCH ${fits.join('/')}, not ${o.goarch}${own ? ` (use ${own.toLowerCase()})` : ''}`,
      };
    }
    p.variant = value;
  }
  return { ok: true, platform: p };
}
