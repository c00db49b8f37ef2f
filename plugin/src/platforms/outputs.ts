/**
 * Output naming of builds: the default output directory of a platform (`dist/<root>/linux-arm64`),
 * the binary's name after its main package or module, and the outputs a build target declares.
 * Shared by the build executor, the inferred targets and the generators.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseGoMod } from '../gowork/modfile';
import { binarySuffix, platformFromOptions, type VariantOptions } from './env';
import { platformSlug } from './platform';
import type { BuildMode, Libc, Platform } from './types';

/** The build options that decide where a build's artifacts go (a subset of the build executor's). */
export interface BuildOutputOptions extends VariantOptions {
  goos: string;
  goarch: string;
  cgo?: boolean;
  libc?: Libc;
  buildmode?: BuildMode;
  main?: string | string[];
  outputPath?: string;
  outputDir?: string;
  compileOnly?: boolean;
}

export interface BuildOutputs {
  platform: Platform;
  /** Absolute output directory. */
  dir: string;
  /** One entry per main package (absolute paths); empty for compileOnly. */
  files: { main: string; path: string }[];
}

/** The platform of the configured options, when they name a valid one. */
function layoutPlatform(layout: BuildOutputOptions | undefined): Platform | undefined {
  if (!layout?.goos || !layout.goarch) return undefined;
  const r = platformFromOptions(layout);
  return r.ok ? r.platform : undefined;
}

/** `main` option as a list (default `['.']`). */
export function mainPackages(options: Pick<BuildOutputOptions, 'main'>): string[] {
  const m = options.main ?? '.';
  const list = Array.isArray(m) ? m : [m];
  return list.length === 0 ? ['.'] : list;
}

/** The `module` path declared in a go.mod text, if any. */
export function parseModulePath(goMod: string): string | undefined {
  return parseGoMod(goMod).module;
}

/** Last element of an import path, skipping a major-version suffix (`example.com/tool/v2` → `tool`), as `go build` names outputs. */
export function lastPathElement(importPath: string): string {
  const parts = importPath.split('/').filter(Boolean);
  let last = parts[parts.length - 1] ?? importPath;
  if (parts.length > 1 && /^v[0-9]+$/.test(last)) last = parts[parts.length - 2];
  return last;
}

/**
 * Base name (without suffix) of the binary built from a main package dir. For `.` (or any dir
 * that is a module root) the module path's last element is used, otherwise the dir's own name.
 */
export function binaryBaseName(mainDir: string, absProjectRoot: string): string {
  const abs = path.resolve(absProjectRoot, mainDir);
  try {
    const mod = parseModulePath(fs.readFileSync(path.join(abs, 'go.mod'), 'utf8'));
    if (mod) return lastPathElement(mod);
  } catch {
    // not a module root
  }
  return path.basename(abs);
}

/**
 * Outputs of a build target set by its options: the directory, or the file and its manifest.
 * Entries whose option is not set are dropped by Nx.
 */
export const BUILD_OUTPUT_OPTIONS: readonly string[] = ['{options.outputDir}', '{options.outputPath}', '{options.outputPath}.intoto.json'];

/**
 * Name of a build's default output directory: the platform slug, then what else changes the
 * artifact for that platform, so two targets that differ only there never share files:
 * `linux-arm64`, `linux-arm64-cgo` (cgo, glibc), `linux-arm64-musl` (cgo, musl),
 * `linux-amd64-cgo-c-shared`, `linux-amd64-pie`.
 */
export function defaultOutputDirName(
  platform: Platform,
  o: Pick<BuildOutputOptions, 'cgo' | 'libc' | 'buildmode'>,
): string {
  let name = platformSlug(platform);
  if (o.cgo === true) name += o.libc === 'musl' ? '-musl' : '-cgo';
  if (o.buildmode && o.buildmode !== 'exe') name += `-${o.buildmode}`;
  return name;
}

/**
 * Where a build puts its artifacts: the platform, the output directory and one file per main
 * package. Throws an Error with a one-line message for options that name no valid platform.
 */
export function resolveBuildOutputs(
  options: BuildOutputOptions,
  ctx: {
    workspaceRoot: string;
    projectRoot: string;
    /**
     * The target's configured options (without command-line overrides): the default directory
     * is named after them, so `nx run app:build-linux-arm64 --cgo` writes into the target's own
     * directory, which is the one its `outputs` declare. Default: `options`.
     */
    layout?: BuildOutputOptions;
  },
): BuildOutputs {
  const pr = platformFromOptions(options);
  if (!pr.ok) throw new Error(pr.message);
  const platform = pr.platform;
  const absProjectRoot = path.resolve(ctx.workspaceRoot, ctx.projectRoot);
  if (options.outputPath) {
    const file = path.resolve(ctx.workspaceRoot, options.outputPath);
    const mains = mainPackages(options);
    return {
      platform,
      dir: path.dirname(file),
      files: options.compileOnly ? [] : [{ main: mains[0], path: file }],
    };
  }
  const dir = path.resolve(
    ctx.workspaceRoot,
    options.outputDir ?? path.join('dist', ctx.projectRoot, defaultOutputDirName(layoutPlatform(ctx.layout) ?? platform, ctx.layout ?? options)),
  );
  if (options.compileOnly) return { platform, dir, files: [] };
  const suffix = binarySuffix(platform.goos, options.buildmode ?? 'exe');
  const files = mainPackages(options).map((main) => ({
    main,
    path: path.join(dir, binaryBaseName(main, absProjectRoot) + suffix),
  }));
  return { platform, dir, files };
}

/**
 * The files a release puts into every archive when its `files` option is not set: those whose
 * name starts with one of these words, in any case (`LICENSE`, `License.md`, `readme.txt`).
 */
const RELEASE_EXTRA_FILE_WORDS: readonly string[] = ['license', 'licence', 'copying', 'readme'];

/** Whether a file name is one of the release's default extra files (see RELEASE_EXTRA_FILE_WORDS). */
export function isReleaseExtraFile(name: string): boolean {
  return releaseExtraFileKind(name) !== undefined;
}

/**
 * What a default extra file is: the licence (`LICENSE*`, `LICENCE*`, `COPYING*`) or the readme.
 * A release takes each kind from the project's directory, else from the workspace root.
 */
export function releaseExtraFileKind(name: string): 'licence' | 'readme' | undefined {
  const lower = name.toLowerCase();
  const w = RELEASE_EXTRA_FILE_WORDS.find((x) => lower.startsWith(x));
  return w === undefined ? undefined : w === 'readme' ? 'readme' : 'licence';
}

/**
 * The same files as Nx input globs of `dir` (`{projectRoot}`): Nx's globs are case-sensitive, so
 * each letter is a class of both cases (`[Ll][Ii][Cc][Ee][Nn][Ss][Ee]*`), and a file the release
 * packs is always a file of its cache key.
 */
export function releaseExtraFileGlobs(dir: string, kind?: 'licence' | 'readme'): string[] {
  return RELEASE_EXTRA_FILE_WORDS.filter((w) => kind === undefined || releaseExtraFileKind(w) === kind).map(
    (w) => `${dir}/${[...w].map((c) => `[${c.toUpperCase()}${c}]`).join('')}*`,
  );
}
