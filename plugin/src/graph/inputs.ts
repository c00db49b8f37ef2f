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
import { CGO_ENV_VARIABLES } from '../platforms/env';

/** Source extensions `go build` reads (cgo and assembly included) and binary objects. */
export const GO_SOURCE_EXTENSIONS = ['go', 's', 'S', 'sx', 'c', 'cc', 'cpp', 'cxx', 'h', 'hh', 'hpp', 'hxx', 'm', 'f', 'F', 'for', 'f90', 'syso', 'swig', 'swigcxx'];

const list = (xs: string[]): string => (xs.length === 1 ? xs[0] : `{${xs.join(',')}}`);

/**
 * Negated globs (relative to `root`, e.g. `{projectRoot}`) for files go never builds on `p`: two
 * patterns, one for a foreign OS (optionally followed by any arch) and one for a foreign arch,
 * each with an optional `_test` before the extension. Kept short on purpose: every project
 * carries them, and the size of the project configuration is what Nx pays for.
 *
 * The first depends only on GOOS and the second only on GOARCH (`osExclusionGlobs`,
 * `archExclusionGlobs`), so platforms sharing an OS or an arch can share them.
 *
 * With `embeds` (the project embeds files), the patterns only name source extensions: the name
 * rule does not apply to embedded files (`logo_windows.png` embedded by a linux build is read
 * whatever its name), and a negation removes a file from every pattern of the project's input,
 * embedded files listed one by one included. Without, the shorter `.*` form.
 */
export function platformExclusionGlobs(p: Platform, root = '{projectRoot}', embeds = false): string[] {
  return [...osExclusionGlobs(p.goos, root, embeds), ...archExclusionGlobs(p.goarch, root, embeds)];
}

const exclusionMemo = new Map<string, string[]>();

function memo(key: string, compute: () => string[]): string[] {
  let globs = exclusionMemo.get(key);
  if (!globs) {
    globs = compute();
    exclusionMemo.set(key, globs);
  }
  return [...globs];
}

const extensionGlob = (embeds: boolean): string => (embeds ? `.{,*.}${list(GO_SOURCE_EXTENSIONS)}` : '.*');

/** Files named for another OS than `goos` (`x_windows.go`, `x_windows_amd64_test.go`): none or one negated glob. */
export function osExclusionGlobs(goos: string, root = '{projectRoot}', embeds = false): string[] {
  return memo(`os\0${goos}\0${root}\0${embeds}`, () => {
    // Arch names never match an OS tag, so the arch passed here does not matter.
    const badOs = [...KNOWN_OS].filter((os) => !matchesOsArchTag(os, goos, '')).sort();
    const anyArch = ['', ...[...KNOWN_ARCH].sort().map((a) => `_${a}`)];
    return badOs.length ? [`!${root}/**/*_${list(badOs)}{${anyArch.join(',')}}{,_test}${extensionGlob(embeds)}`] : [];
  });
}

/** Files named for another arch than `goarch` (`x_arm64.s`, `x_linux_arm64_test.go`): none or one negated glob. */
export function archExclusionGlobs(goarch: string, root = '{projectRoot}', embeds = false): string[] {
  return memo(`arch\0${goarch}\0${root}\0${embeds}`, () => {
    // OS names never match an arch tag, so the OS passed here does not matter.
    const badArch = [...KNOWN_ARCH].filter((a) => !matchesOsArchTag(a, '', goarch)).sort();
    return badArch.length ? [`!${root}/**/*_${list(badArch)}{,_test}${extensionGlob(embeds)}`] : [];
  });
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

export const GO_ENV_INPUTS = ['GOFLAGS', 'GOEXPERIMENT', 'GODEBUG', 'GOTOOLCHAIN', 'GOPROXY', 'GOPRIVATE', 'GONOPROXY', 'GOINSECURE', 'GOWORK', 'GOENV'];
/** What a cgo build passes to go from the machine's environment: exactly what it hashes (platforms/env.ts). */
export const CGO_ENV_INPUTS: readonly string[] = CGO_ENV_VARIABLES;

/**
 * What `go` sees, asked from `go` itself: the version, and the variables that change a build
 * whether they come from the environment or from the `go env -w` file (GOENV), which the task's
 * environment does not show.
 */
// Nothing that prints a path of the checkout (`go env GOWORK` does): the key must be the same in
// another clone or on another machine, or the remote cache never hits.
export const GO_ENV_RUNTIME = 'go env GOVERSION GOFLAGS GOEXPERIMENT GODEBUG GOTOOLCHAIN';
export const CGO_ENV_RUNTIME = `${GO_ENV_RUNTIME} CGO_CFLAGS CGO_CPPFLAGS CGO_CXXFLAGS CGO_FFLAGS CGO_LDFLAGS`;

/** The workspace's go.work and go.work.sum: go reads them for every module the workspace uses. */
export const GO_WORK_INPUTS = ['{workspaceRoot}/go.work', '{workspaceRoot}/go.work.sum'];

/**
 * Environment and runtime inputs shared by every Go target of a project (the project's
 * `gocross-env` named input): Go's own variables, cgo's when the project uses cgo, what `go env`
 * reports, and the workspace's go.work files.
 */
export function envInputs(cgo: boolean): (string | { env: string } | { runtime: string })[] {
  if (!cgo) return [...GO_WORK_INPUTS, ...GO_ENV_INPUTS.map((env) => ({ env })), { runtime: GO_ENV_RUNTIME }];
  return [...GO_WORK_INPUTS, ...GO_ENV_INPUTS.map((env) => ({ env })), ...cgoEnvInputs()];
}

/**
 * What `envInputs(true)` has beyond `envInputs(false)`: the inputs a cgo target of a project
 * without cgo (a target written by hand, or with `cgo` set in project.json) adds to its
 * project's `gocross-env`.
 */
export function cgoEnvInputs(): ({ env: string } | { runtime: string })[] {
  return [...[...CGO_ENV_INPUTS, 'CC_FOR_TARGET', 'CXX_FOR_TARGET'].map((env) => ({ env })), { runtime: CGO_ENV_RUNTIME }];
}

/** The embedded files of the given uses, as inputs under `root`. */
export function embedInputs(files: Iterable<string>, root = '{projectRoot}'): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (f.endsWith('/**')) out.push(`${root}/${escapeGlob(f.slice(0, -3))}/**/*`);
    else out.push(`${root}/${escapeGlob(f)}`);
  }
  return out;
}

/** A file name as a literal glob (Nx's engine: `*?[]{}!` and `\\` are special). */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]{}!\\]/g, (c) => `\\${c}`);
}

/** The C compilers a target names by hand (its `cc` and `cxx` options), which cc-identity.js resolves as the build does. */
export interface HandSetCompilers {
  cc?: string;
  cxx?: string;
}

/**
 * The per-platform compiler variables cgo reads (`CC_FOR_linux_arm64`), and the identity of the
 * compiler the build resolves for the platform (path and `--version`, printed by cc-identity.js
 * given as `script`, relative to the workspace root): inputs of that platform's targets only.
 * With `cc`/`cxx` (the target's options), the identity is that of those compilers.
 */
export function platformEnvInputs(p: Platform, cgo: boolean, cc: { libc?: string; script?: string } & HandSetCompilers = {}): ({ env: string } | { runtime: string })[] {
  if (!cgo) return [];
  const out: ({ env: string } | { runtime: string })[] = [
    { env: `CC_FOR_${p.goos}_${p.goarch}` },
    { env: `CXX_FOR_${p.goos}_${p.goarch}` },
    { env: `CC_FOR_${p.goos.toUpperCase()}_${p.goarch.toUpperCase()}` },
    { env: `CXX_FOR_${p.goos.toUpperCase()}_${p.goarch.toUpperCase()}` },
  ];
  if (cc.script) out.push({ runtime: ccIdentityCommand(p, cc.script, cc.libc, cc) });
  return out;
}

/** `node "<script>" linux/arm64 [--libc musl] [--cc <cmd>] [--cxx <cmd>]`, run by Nx in a shell at the workspace root. */
export function ccIdentityCommand(p: Platform, script: string, libc?: string, compilers: HandSetCompilers = {}): string {
  const platform = [p.goos, p.goarch, ...(p.variant !== undefined ? [p.variant] : [])].join('/');
  const words = [`node ${JSON.stringify(script)} ${platform}`];
  if (libc && libc !== 'glibc') words.push(`--libc ${libc}`);
  // As the build reads them: a blank value is no value (toolchain.ts trims them).
  for (const key of ['cc', 'cxx'] as const) {
    const v = compilers[key]?.trim();
    if (v) words.push(`--${key} ${shellWord(v)}`);
  }
  return words.join(' ');
}

/**
 * One word for the shell Nx runs a runtime input in: as it is when it has no character the
 * shell treats specially, else in double quotes (a compiler command with its arguments,
 * `zig cc -target aarch64-linux-musl`, stays one argument of cc-identity.js).
 */
export function shellWord(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `"${s.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
}
