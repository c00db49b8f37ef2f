/**
 * Go's lists of known operating systems and architectures (go/build syslist), and the
 * file-name rule by which `go` restricts a file to an OS and/or arch (`x_linux.go`,
 * `x_amd64.s`, `x_linux_arm64_test.go`).
 */

export const KNOWN_OS: ReadonlySet<string> = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux',
  'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos',
]);

/** GOOS values for which the `unix` build tag is satisfied. */
export const UNIX_OS: ReadonlySet<string> = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'linux',
  'netbsd', 'openbsd', 'solaris',
]);

export const KNOWN_ARCH: ReadonlySet<string> = new Set([
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle',
  'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv',
  'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm',
]);

/**
 * Whether an OS or arch name (as found in a file name or a build constraint) is satisfied by
 * the platform, with Go's implied matches: android satisfies linux, illumos satisfies solaris,
 * ios satisfies darwin, and every Unix-like GOOS satisfies `unix`.
 */
export function matchesOsArchTag(tag: string, goos: string, goarch: string): boolean {
  if (tag === goos || tag === goarch) return true;
  if (tag === 'linux' && goos === 'android') return true;
  if (tag === 'solaris' && goos === 'illumos') return true;
  if (tag === 'darwin' && goos === 'ios') return true;
  if (tag === 'unix' && UNIX_OS.has(goos)) return true;
  return false;
}

/**
 * Go's file-name constraint (go/build goodOSArchFile): `*_GOOS`, `*_GOARCH`, `*_GOOS_GOARCH`,
 * each optionally followed by `_test`, before the first dot. Everything before the first `_`
 * is ignored, so `linux.go` and `amd64.s` are not restricted. Only the base name is looked at.
 */
export function fileNameMatchesPlatform(fileName: string, goos: string, goarch: string): boolean {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const stem = base.split('.', 1)[0];
  const i = stem.indexOf('_');
  if (i < 0) return true;
  let parts = stem.slice(i).split('_');
  if (parts.length > 0 && parts[parts.length - 1] === 'test') parts = parts.slice(0, -1);
  const n = parts.length;
  if (n >= 2 && KNOWN_OS.has(parts[n - 2]) && KNOWN_ARCH.has(parts[n - 1])) {
    return matchesOsArchTag(parts[n - 2], goos, goarch) && matchesOsArchTag(parts[n - 1], goos, goarch);
  }
  if (n >= 1 && (KNOWN_OS.has(parts[n - 1]) || KNOWN_ARCH.has(parts[n - 1]))) {
    return matchesOsArchTag(parts[n - 1], goos, goarch);
  }
  return true;
}
