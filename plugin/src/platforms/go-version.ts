import type * as Semver from 'semver';

// Loaded on first use: the graph plugin imports this module and rarely needs a version compared.
let loaded: typeof Semver | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sv = (): typeof Semver => (loaded ??= require('semver') as typeof Semver);

/**
 * Converts a Go version string to semver: `go1.22.3` → `1.22.3`, `go1.26` → `1.26.0`,
 * `go1.23rc1` → `1.23.0-rc.1`, `devel go1.27-abcdef …` → `1.27.0-devel`. Returns undefined
 * for anything else.
 */
export function goVersionToSemver(v: string): string | undefined {
  const m = /go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?/.exec(v.trim());
  if (!m) return undefined;
  const base = `${m[1]}.${m[2]}.${m[3] ?? '0'}`;
  if (m[4]) return `${base}-${m[4]}.${m[5]}`;
  if (/^devel\b/.test(v.trim())) return `${base}-devel`;
  return sv().valid(base) ?? undefined;
}

/**
 * Whether the Go version `have` (any spelling goVersionToSemver accepts) is at least release
 * `need` (`1.23`). Pre-releases and development builds of a release count as that release: a
 * feature that appears in 1.23 is present in go1.23rc1. An unparseable `have` counts as new
 * enough (the go command itself will reject what it does not know).
 */
export function goVersionAtLeast(have: string | undefined, need: string): boolean {
  if (!have) return true;
  const h = goVersionToSemver(have);
  if (!h) return true;
  const c = sv().coerce(h);
  const n = sv().coerce(need);
  if (!c || !n) return true;
  return sv().gte(c, n);
}
