/**
 * Built-in copy of `go tool dist list -json` for go1.26, used when no `go` binary can be run.
 * Produced with:
 *   go tool dist list -json | node -e '…' (one row per entry: goos, goarch, cgoSupported, firstClass)
 * Regenerate when the supported Go version moves; the live list always wins when `go` is available.
 */

/** One row of `go tool dist list -json`. */
export interface DistEntry {
  goos: string;
  goarch: string;
  cgoSupported: boolean;
  firstClass: boolean;
}

export const BUILTIN_GO_VERSION = 'go1.26';

// [goos, goarch, cgoSupported, firstClass]
const ROWS: ReadonlyArray<readonly [string, string, boolean, boolean]> = [
  ['aix', 'ppc64', true, false],
  ['android', '386', true, false],
  ['android', 'amd64', true, false],
  ['android', 'arm', true, false],
  ['android', 'arm64', true, false],
  ['darwin', 'amd64', true, true],
  ['darwin', 'arm64', true, true],
  ['dragonfly', 'amd64', true, false],
  ['freebsd', '386', true, false],
  ['freebsd', 'amd64', true, false],
  ['freebsd', 'arm', true, false],
  ['freebsd', 'arm64', true, false],
  ['illumos', 'amd64', true, false],
  ['ios', 'amd64', true, false],
  ['ios', 'arm64', true, false],
  ['js', 'wasm', false, false],
  ['linux', '386', true, true],
  ['linux', 'amd64', true, true],
  ['linux', 'arm', true, true],
  ['linux', 'arm64', true, true],
  ['linux', 'loong64', true, false],
  ['linux', 'mips', true, false],
  ['linux', 'mips64', true, false],
  ['linux', 'mips64le', true, false],
  ['linux', 'mipsle', true, false],
  ['linux', 'ppc64', false, false],
  ['linux', 'ppc64le', true, false],
  ['linux', 'riscv64', true, false],
  ['linux', 's390x', true, false],
  ['netbsd', '386', true, false],
  ['netbsd', 'amd64', true, false],
  ['netbsd', 'arm', true, false],
  ['netbsd', 'arm64', true, false],
  ['openbsd', '386', true, false],
  ['openbsd', 'amd64', true, false],
  ['openbsd', 'arm', true, false],
  ['openbsd', 'arm64', true, false],
  ['openbsd', 'ppc64', false, false],
  ['openbsd', 'riscv64', true, false],
  ['plan9', '386', false, false],
  ['plan9', 'amd64', false, false],
  ['plan9', 'arm', false, false],
  ['solaris', 'amd64', true, false],
  ['wasip1', 'wasm', false, false],
  ['windows', '386', true, true],
  ['windows', 'amd64', true, true],
  ['windows', 'arm64', true, false],
];

export const BUILTIN_DIST_LIST: readonly DistEntry[] = ROWS.map(([goos, goarch, cgoSupported, firstClass]) => ({
  goos,
  goarch,
  cgoSupported,
  firstClass,
}));
