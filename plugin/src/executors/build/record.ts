/**
 * Writing the manifest of each artifact a build produced, and removing what an earlier build of
 * the same target left in the output directory (found through that build's manifests, so files
 * nobody recorded are never touched).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openFile, readBuildInfo, type ByteSource, type GoBuildInfo } from '../../binary';
import { formatPlatform } from '../../platforms/platform';
import { findPackageVersion } from '../../report/common';
import { VARIANT_VARIABLE, type BuildMode, type Libc, type Platform } from '../../platforms/types';
import {
  buildStatement,
  ccVersion as runCcVersion,
  linkmodeOf,
  manifestPathFor,
  MANIFEST_SUFFIX,
  parseManifest,
  sha256File,
  writeManifestFile,
  type GocrossBuildParameters,
} from '../../manifest/manifest';

/** What planBuild knows about a build that the manifests record. */
export interface BuildRecord {
  target?: string;
  options: Record<string, unknown>;
  projectRoot: string;
  goVersion: string;
  buildmode: BuildMode;
  cgo: boolean;
  libc?: Libc;
  tags: string[];
  /** Final `-ldflags` value passed to go ('' when none). */
  ldflags: string;
  trimpath: boolean;
}

let pluginVersionMemo: string | undefined;
/** Version of this package, from its package.json wherever this code runs from (findPackageVersion). */
export function pluginVersion(): string {
  return (pluginVersionMemo ??= findPackageVersion(__dirname) ?? 'unknown');
}

function buildInfoOf(file: string): GoBuildInfo | undefined {
  let src: (ByteSource & { close?: () => void }) | undefined;
  try {
    src = openFile(file) as ByteSource & { close?: () => void };
    return readBuildInfo(src);
  } catch {
    return undefined;
  } finally {
    src?.close?.();
  }
}

/** Target variables of go's environment worth recording (no paths of the machine beyond CC). */
const RECORDED_ENV = new Set(['GOOS', 'GOARCH', 'CGO_ENABLED', 'CC', 'CXX', 'CGO_CFLAGS', 'CGO_CXXFLAGS', 'CGO_LDFLAGS', ...Object.values(VARIANT_VARIABLE)]);

/**
 * The artifact as `go` was told to write it, relative to the directory go ran in (the project
 * root): an absolute path would name the machine's workspace, so the same commit built in another
 * checkout, or restored from the cache there, would carry a different manifest.
 */
function relativeToGo(cwd: string, file: string): string {
  return path.relative(cwd, file).split(path.sep).join('/');
}

/** What a manifest records of a build plan (the executor's BuildPlan has these and more). */
export interface RecordedPlan {
  cwd: string;
  env: Record<string, string>;
  platform: Platform;
  record?: BuildRecord;
}

/** What a manifest records of one `go` invocation of the plan. */
export interface RecordedStep {
  main: string;
  args: string[];
  tmpPath?: string;
  finalPath?: string;
}

/** Writes `<artifact>.intoto.json` for one step's products (artifact first); returns its path. */
export function recordBuild(
  plan: RecordedPlan,
  step: RecordedStep,
  products: string[],
  ccVersion: (cc: string, env: Record<string, string>) => string | undefined = runCcVersion,
): string {
  const r = plan.record as BuildRecord;
  const env: Record<string, string> = {};
  for (const k of Object.keys(plan.env).sort()) if (RECORDED_ENV.has(k)) env[k] = plan.env[k];
  const parameters: GocrossBuildParameters = {
    platform: formatPlatform(plan.platform),
    goos: plan.platform.goos,
    goarch: plan.platform.goarch,
    ...(plan.platform.variant !== undefined ? { variant: plan.platform.variant } : {}),
    cgo: r.cgo,
    // The C library is a Linux notion (glibc or musl): a cgo build for windows or darwin has none.
    ...(r.cgo && plan.platform.goos === 'linux' ? { libc: r.libc ?? 'glibc' } : {}),
    ...(r.cgo && plan.env.CC ? { cc: plan.env.CC } : {}),
    buildmode: r.buildmode,
    linkmode: linkmodeOf(r.buildmode, r.cgo, r.ldflags),
    tags: r.tags,
    ldflags: r.ldflags,
    trimpath: r.trimpath,
    goVersion: r.goVersion,
    main: step.main,
    projectRoot: r.projectRoot,
    goArgs: step.args.map((a) => (a === step.tmpPath ? relativeToGo(plan.cwd, step.finalPath as string) : a)),
    env,
  };
  if (r.cgo && plan.env.CC) {
    const v = ccVersion(plan.env.CC, plan.env);
    if (v) parameters.ccVersion = v;
  }
  const statement = buildStatement(
    {
      products,
      target: r.target,
      options: r.options,
      parameters,
      buildInfo: buildInfoOf(products[0]),
      pluginVersion: pluginVersion(),
    },
    (f) => ({ sha256: sha256File(f), size: fs.statSync(f).size }),
  );
  const file = manifestPathFor(products[0]);
  writeManifestFile(file, statement);
  return file;
}

/** Files an earlier build wrote into the directory, as its manifest lists them. */
export interface EarlierProducts {
  manifest: string;
  files: string[];
}

/**
 * The manifests in `dir` written by a build of `target` (or, for `undefined`, by builds run
 * outside Nx), each with the files it lists. Removes manifest temporaries of dead processes. Unreadable manifests and subject names that are not
 * plain file names are ignored: nothing outside `dir`, and nothing unrecorded, is ever listed.
 */
export function earlierProducts(dir: string, target: string | undefined): EarlierProducts[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: EarlierProducts[] = [];
  for (const n of names.sort()) {
    // A manifest temporary of an interrupted build (`.api.intoto.json.tmp-1234`) goes too.
    const tmp = /^\..+\.intoto\.json\.tmp-(\d+)$/.exec(n);
    if (tmp && !pidAlive(Number(tmp[1]))) fs.rmSync(path.join(dir, n), { force: true });
    if (!n.endsWith(MANIFEST_SUFFIX) || n.startsWith('.')) continue;
    const manifest = path.join(dir, n);
    try {
      const st = parseManifest(fs.readFileSync(manifest, 'utf8'), manifest);
      if ((st.predicate.buildDefinition.externalParameters.target ?? undefined) !== target) continue;
      const files = st.subject
        .map((s) => s.name as string)
        .filter((name) => name && name === path.basename(name) && name !== '.' && name !== '..')
        .map((name) => path.join(dir, name));
      out.push({ manifest, files });
    } catch {
      continue;
    }
  }
  return out;
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the earlier products (and their manifests) this build did not write again; returns what was removed. */
export function removeEarlierProducts(dir: string, earlier: EarlierProducts[], written: string[]): string[] {
  const keep = new Set(written.map((f) => path.resolve(f)));
  const removed: string[] = [];
  for (const e of earlier) {
    for (const f of [...e.files, e.manifest]) {
      const abs = path.resolve(f);
      if (keep.has(abs) || path.dirname(abs) !== path.resolve(dir)) continue;
      try {
        if (!fs.lstatSync(abs).isFile()) continue;
      } catch {
        continue;
      }
      fs.rmSync(abs, { force: true });
      removed.push(abs);
    }
  }
  return removed;
}
