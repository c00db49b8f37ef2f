/**
 * Where `go build -buildmode=pie` works, as the Go toolchain decides it (Go 1.26,
 * src/internal/platform/supported.go: BuildModeSupported "pie" and InternalLinkPIESupported).
 *
 * On a platform that supports PIE but cannot link it internally, the go command switches to
 * external linking, which needs cgo and a C toolchain for the target: with CGO_ENABLED=0 it
 * stops with "-buildmode=pie requires external (cgo) linking, but cgo is not enabled".
 */
import type { BuildMode } from './types';

/** The `-buildmode` values gocross builds and validates, in the order they are offered. */
export const BUILDMODES: readonly BuildMode[] = ['exe', 'pie', 'c-shared', 'c-archive'];

/** Whether a string is one of BUILDMODES. */
export function isBuildMode(mode: string): mode is BuildMode {
  return (BUILDMODES as readonly string[]).includes(mode);
}

/** Platforms for which BuildModeSupported(gc, "pie") is true. */
const PIE_SUPPORTED: ReadonlySet<string> = new Set([
  'linux/386', 'linux/amd64', 'linux/arm', 'linux/arm64', 'linux/loong64', 'linux/ppc64le', 'linux/riscv64', 'linux/s390x',
  'android/amd64', 'android/arm', 'android/arm64', 'android/386',
  'freebsd/amd64',
  'darwin/amd64', 'darwin/arm64',
  'ios/amd64', 'ios/arm64',
  'aix/ppc64',
  'openbsd/arm64',
  'windows/386', 'windows/amd64', 'windows/arm64',
]);

/** Platforms for which InternalLinkPIESupported is true: the Go linker writes the PIE itself. */
const PIE_INTERNAL_LINK: ReadonlySet<string> = new Set([
  'android/arm64',
  'darwin/amd64', 'darwin/arm64',
  'linux/amd64', 'linux/arm64', 'linux/loong64', 'linux/ppc64le',
  'windows/386', 'windows/amd64', 'windows/arm64',
]);

/** Whether the gc toolchain can build `-buildmode=pie` for goos/goarch at all. */
export function pieSupported(goos: string, goarch: string): boolean {
  return PIE_SUPPORTED.has(`${goos}/${goarch}`);
}

/** Whether a PIE for goos/goarch must be linked by an external (C) linker, so needs cgo. */
export function pieNeedsExternalLink(goos: string, goarch: string): boolean {
  return pieSupported(goos, goarch) && !PIE_INTERNAL_LINK.has(`${goos}/${goarch}`);
}

/**
 * One sentence saying why `-buildmode=pie` cannot be built for the platform with this cgo
 * setting, and what to change; undefined when go can build it.
 */
export function pieProblem(goos: string, goarch: string, cgo: boolean): string | undefined {
  const platform = `${goos}/${goarch}`;
  if (!pieSupported(goos, goarch)) {
    return `buildmode: pie is not supported on ${platform} (go build -buildmode=pie refuses it): use buildmode: exe`;
  }
  if (!cgo && pieNeedsExternalLink(goos, goarch)) {
    return (
      `buildmode: pie on ${platform} needs external linking, which needs cgo (go's own linker writes PIEs only for ` +
      `${[...PIE_INTERNAL_LINK].filter((p) => p.startsWith(`${goos}/`)).join(', ') || `no ${goos} platform`}): ` +
      `set cgo: true (with a C cross compiler for ${platform}) or use buildmode: exe`
    );
  }
  return undefined;
}
