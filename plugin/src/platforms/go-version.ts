import type * as Semver from 'semver';

// Loaded on first use: the graph plugin imports this module and rarely needs a version compared.
let loaded: typeof Semver | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sv = (): typeof Semver => (loaded ??= require('semver') as typeof Semver);

/**
 * Converts a Go version string to semver: `go1.22.3` → `1.22.3`, `go1.26` → `1.26.0`,
 * `go1.23rc1` → `1.23.0-rc.1`, `devel go1.27-abcdef …` → `1.27.0-devel`, and the `go`-less
 * spellings of go.mod and go.work lines (`1.22` → `1.22.0`). Returns undefined for anything else.
 * (Go orders a language version `1.21` before `1.21rc1`; here both `1.21` and `1.21.0` are 1.21.0.)
 */
export function goVersionToSemver(v: string): string | undefined {
  const m = /(?:^|go)(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?/.exec(v.trim());
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

/**
 * Orders two Go versions in any spelling goVersionToSemver reads (`1.22`, `go1.22.3`, `1.21rc1`):
 * negative when a is older. A pre-release sorts before its release; an unreadable version sorts
 * before every readable one.
 */
export function compareGoVersions(a: string, b: string): number {
  const x = goVersionToSemver(a);
  const y = goVersionToSemver(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  return sv().compare(x, y);
}

/** The newer of two Go versions (a when they are equal). */
export function maxGoVersion(a: string, b: string): string {
  return compareGoVersions(a, b) >= 0 ? a : b;
}
