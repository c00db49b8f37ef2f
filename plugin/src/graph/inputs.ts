/**
 * Cache inputs of the inferred targets. A file whose name restricts it to another OS or arch
 * (`x_amd64.s`, `x_windows.go`, `x_linux_arm64_test.go`, Go's file-name rule) is not an input of
 * a platform's targets, so editing it leaves the other platforms' builds cache hits. The
 * exclusions are negated globs built from Go's known GOOS/GOARCH lists; Nx's glob engine expands
 * `{a,b}` alternatives and applies `!` patterns to the whole file set of the input.
 *
 * Limitation: `*` also spans dots, so a file like `x.y_amd64.go` (whose Go stem is `x`, hence not
 * restricted) is excluded from non-amd64 platforms too. Go file names with a dot before an
 * OS/arch suffix are not seen in practice.
 */
import { KNOWN_ARCH, KNOWN_OS, matchesOsArchTag } from '../platforms/known';
import type { Platform } from '../platforms/types';

/** Source extensions `go build` reads (cgo and assembly included) and binary objects. */
export const GO_SOURCE_EXTENSIONS = ['go', 's', 'S', 'sx', 'c', 'cc', 'cpp', 'cxx', 'h', 'hh', 'hpp', 'hxx', 'm', 'f', 'F', 'for', 'f90', 'syso', 'swig', 'swigcxx'];

const list = (xs: string[]): string => (xs.length === 1 ? xs[0] : `{${xs.join(',')}}`);

/** Negated globs (relative to `root`, e.g. `{projectRoot}`) for files go never builds on `p`. */
export function platformExclusionGlobs(p: Platform, root = '{projectRoot}'): string[] {
  const badOs = [...KNOWN_OS].filter((os) => !matchesOsArchTag(os, p.goos, p.goarch)).sort();
  const badArch = [...KNOWN_ARCH].filter((a) => !matchesOsArchTag(a, p.goos, p.goarch)).sort();
  const allArch = [...KNOWN_ARCH].sort();
  const out: string[] = [];
  for (const suffix of ['', '_test']) {
    if (badOs.length) out.push(`!${root}/**/*_${list(badOs)}${suffix}.*`);
    if (badArch.length) out.push(`!${root}/**/*_${list(badArch)}${suffix}.*`);
    if (badOs.length) out.push(`!${root}/**/*_${list(badOs)}_${list(allArch)}${suffix}.*`);
  }
  return out;
}

/** File inputs of a Go module for one platform (or for every platform when `p` is undefined). */
export function goFileInputs(p: Platform | undefined, root = '{projectRoot}'): string[] {
  return [
    `${root}/**/*.${list(GO_SOURCE_EXTENSIONS)}`,
    `${root}/go.mod`,
    `${root}/go.sum`,
    `${root}/vendor/**/*`,
    `${root}/gocross.json`,
    ...(p ? platformExclusionGlobs(p, root) : []),
  ];
}

export const GO_ENV_INPUTS = ['GOFLAGS', 'GOEXPERIMENT', 'GOTOOLCHAIN', 'GOPROXY', 'GOPRIVATE', 'GONOPROXY', 'GOINSECURE'];
export const CGO_ENV_INPUTS = ['CC', 'CXX', 'CGO_CFLAGS', 'CGO_CPPFLAGS', 'CGO_CXXFLAGS', 'CGO_LDFLAGS', 'PKG_CONFIG_PATH'];

/** Environment and runtime inputs of a target for platform `p`. */
export function envInputs(p: Platform | undefined, cgo: boolean): ({ env: string } | { runtime: string })[] {
  const names = [...GO_ENV_INPUTS];
  if (cgo) {
    names.push(...CGO_ENV_INPUTS);
    if (p) names.push(`CC_FOR_${p.goos}_${p.goarch}`, `CXX_FOR_${p.goos}_${p.goarch}`);
    names.push('CC_FOR_TARGET', 'CXX_FOR_TARGET');
  }
  return [...names.map((env) => ({ env })), { runtime: 'go env GOVERSION' }];
}
