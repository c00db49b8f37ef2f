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

/**
 * Negated globs (relative to `root`, e.g. `{projectRoot}`) for files go never builds on `p`: two
 * patterns, one for a foreign OS (optionally followed by any arch) and one for a foreign arch,
 * each with an optional `_test` before the extension. Kept short on purpose: every project
 * carries them once per platform, and the size of the project configuration is what Nx pays for.
 */
const exclusionMemo = new Map<string, string[]>();

export function platformExclusionGlobs(p: Platform, root = '{projectRoot}'): string[] {
  const key = `${p.goos}/${p.goarch}\0${root}`;
  let globs = exclusionMemo.get(key);
  if (!globs) {
    globs = computeExclusionGlobs(p, root);
    exclusionMemo.set(key, globs);
  }
  return [...globs];
}

function computeExclusionGlobs(p: Platform, root: string): string[] {
  const badOs = [...KNOWN_OS].filter((os) => !matchesOsArchTag(os, p.goos, p.goarch)).sort();
  const badArch = [...KNOWN_ARCH].filter((a) => !matchesOsArchTag(a, p.goos, p.goarch)).sort();
  const anyArch = ['', ...[...KNOWN_ARCH].sort().map((a) => `_${a}`)];
  const out: string[] = [];
  if (badOs.length) out.push(`!${root}/**/*_${list(badOs)}{${anyArch.join(',')}}{,_test}.*`);
  if (badArch.length) out.push(`!${root}/**/*_${list(badArch)}{,_test}.*`);
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

/**
 * Environment and runtime inputs shared by every Go target of a project (the project's
 * `gocross-env` named input): Go's own variables, cgo's when the project uses cgo, and the Go
 * version.
 */
export function envInputs(cgo: boolean): ({ env: string } | { runtime: string })[] {
  const names = [...GO_ENV_INPUTS];
  if (cgo) names.push(...CGO_ENV_INPUTS, 'CC_FOR_TARGET', 'CXX_FOR_TARGET');
  return [...names.map((env) => ({ env })), { runtime: 'go env GOVERSION' }];
}

/** The per-platform compiler variables cgo reads (`CC_FOR_linux_arm64`): inputs of that platform's targets only. */
export function platformEnvInputs(p: Platform, cgo: boolean): { env: string }[] {
  return cgo ? [{ env: `CC_FOR_${p.goos}_${p.goarch}` }, { env: `CXX_FOR_${p.goos}_${p.goarch}` }] : [];
}
