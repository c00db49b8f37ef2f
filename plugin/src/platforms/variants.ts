import { compareGoVersions, goVersionAtLeast } from './go-version';
import { VARIANT_VARIABLE } from './types';

/**
 * Values each variant variable accepts, with the first Go release that accepts them.
 * Value sets: internal/buildcfg/cfg.go of Go 1.26 (and the tests check every value against the
 * installed go). First releases: GO386=softfloat 1.16 (Go 1.16 release notes); GOARM64 1.23
 * (documented for the 1.23 release, CL 591875); GORISCV64=rva23u64 1.25 (Go 1.25 release notes);
 * GOAMD64 1.18, the GOARM `,softfloat`/`,hardfloat` suffix 1.22 and GORISCV64 rva20u64/rva22u64
 * 1.23 as recorded in the project's reference sheet. Values with no `since` are not gated:
 * either they predate every Go release the plugin supports, or their first release is not
 * established here (GOPPC64 power9/power10); the go command still refuses values it does not
 * know.
 */
export interface VariantSpec {
  variable: string;
  /** Go release that introduced the variable itself, if gated. */
  since?: string;
  /** Accepted base values and their first release. */
  values: Readonly<Record<string, string | undefined>>;
  /** Accepted `,suffix` options and their first release. */
  suffixes: Readonly<Record<string, string | undefined>>;
  /** At most one suffix (GOARM), or any combination (GOARM64). */
  multipleSuffixes: boolean;
}

const arm64Versions: Record<string, string> = {};
for (let i = 0; i <= 9; i++) arm64Versions[`v8.${i}`] = '1.23';
for (let i = 0; i <= 5; i++) arm64Versions[`v9.${i}`] = '1.23';

export const VARIANTS: Readonly<Record<string, VariantSpec>> = {
  GOARM: {
    variable: 'GOARM',
    values: { '5': undefined, '6': undefined, '7': undefined },
    suffixes: { softfloat: '1.22', hardfloat: '1.22' },
    multipleSuffixes: false,
  },
  GOARM64: {
    variable: 'GOARM64',
    since: '1.23',
    values: arm64Versions,
    suffixes: { lse: '1.23', crypto: '1.23' },
    multipleSuffixes: true,
  },
  GOAMD64: {
    variable: 'GOAMD64',
    since: '1.18',
    values: { v1: '1.18', v2: '1.18', v3: '1.18', v4: '1.18' },
    suffixes: {},
    multipleSuffixes: false,
  },
  GO386: {
    variable: 'GO386',
    values: { sse2: undefined, softfloat: '1.16' },
    suffixes: {},
    multipleSuffixes: false,
  },
  GOMIPS: {
    variable: 'GOMIPS',
    values: { hardfloat: undefined, softfloat: undefined },
    suffixes: {},
    multipleSuffixes: false,
  },
  GOMIPS64: {
    variable: 'GOMIPS64',
    values: { hardfloat: undefined, softfloat: undefined },
    suffixes: {},
    multipleSuffixes: false,
  },
  GOPPC64: {
    variable: 'GOPPC64',
    values: { power8: undefined, power9: undefined, power10: undefined },
    suffixes: {},
    multipleSuffixes: false,
  },
  GORISCV64: {
    variable: 'GORISCV64',
    since: '1.23',
    values: { rva20u64: '1.23', rva22u64: '1.23', rva23u64: '1.25' },
    suffixes: {},
    multipleSuffixes: false,
  },
};

/** Option names of the build executor for each variant variable (`GOARM` → `goarm`). */
export const VARIANT_OPTION: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(VARIANTS).map((v) => [v, v.toLowerCase()]),
);

/** The variant variable of a GOARCH, if it has one. */
export function variantVariable(goarch: string): string | undefined {
  return VARIANT_VARIABLE[goarch];
}

/**
 * Checks a variant value for a GOARCH against the installed Go version. Returns an error
 * sentence, or undefined when the value is accepted.
 */
export function validateVariant(goarch: string, value: string, goVersion?: string): string | undefined {
  const variable = variantVariable(goarch);
  if (!variable) return `GOARCH=${goarch} has no variant variable, so variant "${value}" means nothing`;
  const spec = VARIANTS[variable];
  const parts = value.split(',');
  const base = parts[0];
  const suffixes = parts.slice(1);
  const known = Object.keys(spec.values);
  if (!Object.prototype.hasOwnProperty.call(spec.values, base)) {
    return `unknown ${variable} value "${value}": must be one of ${known.join(', ')}${describeSuffixes(spec)}`;
  }
  if (suffixes.length > 1 && !spec.multipleSuffixes) {
    return `invalid ${variable} value "${value}": at most one of ${Object.keys(spec.suffixes).map((s) => ',' + s).join(', ')}`;
  }
  const seen = new Set<string>();
  for (const s of suffixes) {
    if (!Object.prototype.hasOwnProperty.call(spec.suffixes, s)) {
      return Object.keys(spec.suffixes).length === 0
        ? `invalid ${variable} value "${value}": ${variable} takes no ",${s}" option`
        : `invalid ${variable} value "${value}": unknown option ",${s}"${describeSuffixes(spec)}`;
    }
    if (seen.has(s)) return `invalid ${variable} value "${value}": ",${s}" given twice`;
    seen.add(s);
  }
  const needs: string[] = [];
  if (spec.since) needs.push(spec.since);
  const vs = spec.values[base];
  if (vs) needs.push(vs);
  for (const s of suffixes) {
    const ss = spec.suffixes[s];
    if (ss) needs.push(ss);
  }
  const need = needs.sort(cmpRelease).pop();
  if (need && !goVersionAtLeast(goVersion, need)) {
    return `${variable}=${value} needs Go ≥ ${need}; the installed Go is ${goVersion}`;
  }
  return undefined;
}

function describeSuffixes(spec: VariantSpec): string {
  const s = Object.keys(spec.suffixes);
  if (s.length === 0) return '';
  return `, optionally followed by ${s.map((x) => ',' + x).join(spec.multipleSuffixes ? ' and/or ' : ' or ')}`;
}

const cmpRelease = compareGoVersions;
