/**
 * What to validate, and against what: the one planner behind the validate executor and the
 * `gocross validate` CLI. Pure except for the file system it is handed.
 *
 * An artifact with a build manifest (`<artifact>.intoto.json`, written by the build executor) is
 * judged against the manifest: what was actually built (a `--cgo` override included), not what
 * the target's options say today. A manifest whose digest does not match the file is an error
 * finding (the file was replaced after the build); a manifest that cannot be parsed stops the
 * run with one line naming it (PlanError).
 *
 * What the caller states explicitly (the CLI's --platform, --cgo/--no-cgo, --libc, --buildmode)
 * is the expectation; a manifest says what was built. When they disagree, that is an error
 * finding naming both, and the artifact is judged against the statement.
 *
 * Without a manifest the target comes, in order, from the caller's statement, the build target's
 * options, or the binary's Go build info; a platform named by the path is expected over the one
 * the build info records (the build info still gives the rest).
 */
import type * as Crypto from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import {
  linkmodeOf,
  manifestPathFor,
  MANIFEST_SUFFIX,
  ManifestError,
  parseManifest,
  platformOfParameters,
  subjectDigest,
  type BuildStatement,
} from '../manifest/manifest';
import { defaultOutputDirName } from '../platforms/outputs';
import type { ArtifactInput, ValidationResult } from '../checks/result';
import type { Finding, TargetSpec } from '../checks/types';
import { KNOWN_ARCH, KNOWN_OS } from '../platforms/known';
import { formatPlatform, platformSlug } from '../platforms/platform';
import { VARIANT_VARIABLE, type BuildMode, type Libc, type Platform } from '../platforms/types';

/** The file system the planner reads (node:fs by default; a fake in tests). */
export interface PlanFs {
  existsSync(p: string): boolean;
  readFileSync(p: string, encoding: 'utf8'): string;
  readdirSync(p: string): string[];
  /** Lowercase hex sha256 of a file's bytes. */
  sha256(p: string): string;
}

export const realFs: PlanFs = {
  existsSync: (p) => nodeFs.existsSync(p),
  readFileSync: (p, e) => nodeFs.readFileSync(p, e),
  readdirSync: (p) => nodeFs.readdirSync(p),
  sha256: (p) => (require('node:crypto') as typeof Crypto).createHash('sha256').update(nodeFs.readFileSync(p)).digest('hex'),
};

/** A manifest that cannot be used: one line naming the file. */
export class PlanError extends Error {
  override readonly name = 'PlanError';
}

/** One artifact with the target it is judged against and, when there is one, its manifest. */
export interface PlannedArtifact extends ArtifactInput {
  /** Absolute path of the manifest the target comes from. */
  manifest?: string;
  /** Findings about the artifact the planner already knows (a digest that does not match its manifest). */
  findings?: Finding[];
}

// ---------------------------------------------------------------------------------------------
// Targets from options, manifests and paths.

/** The build executor's options a TargetSpec is derived from (its schema.json has them all). */
export interface BuildTargetOptions {
  buildmode?: BuildMode;
  cgo?: boolean;
  libc?: Libc;
  ldflags?: string;
  tags?: string[];
  trimpath?: boolean;
  /** The platform comes as an argument (the target's goos/goarch/variant options resolved). */
  goos?: string;
  goarch?: string;
}

/** The TargetSpec a build target's options describe. */
export function targetSpecFromBuildOptions(o: BuildTargetOptions, platform: Platform): TargetSpec {
  const buildmode = o.buildmode ?? 'exe';
  const spec: TargetSpec = {
    platform,
    cgo: o.cgo === true,
    buildmode,
    linkmode: linkmodeOf(buildmode, o.cgo === true, o.ldflags),
    tags: o.tags ?? [],
    trimpath: o.trimpath ?? true,
  };
  if (o.cgo) spec.libc = o.libc ?? 'glibc';
  return spec;
}

/** The TargetSpec a manifest records: what was built. */
export function targetFromManifest(st: BuildStatement): TargetSpec {
  const p = st.predicate.buildDefinition.internalParameters;
  const spec: TargetSpec = {
    platform: platformOfParameters(p),
    cgo: p.cgo,
    buildmode: p.buildmode,
    linkmode: p.linkmode,
    tags: [...p.tags],
    trimpath: p.trimpath !== false,
  };
  if (p.cgo) spec.libc = p.libc ?? 'glibc';
  return spec;
}

const LAYOUT_SUFFIX = /-(?:cgo|musl)(?:-(?:pie|c-shared|c-archive))?$|-(?:pie|c-shared|c-archive)$/;

/**
 * The platform a path names through one of its directory names, if any: goreleaser's
 * `<name>_<os>_<arch>[_<variant>]` (`app_linux_arm64`, `app_linux_arm_7`, `app_linux_amd64_v1`)
 * or gocross's own `<os>-<arch>[-<variant>]` with the build's suffix (`linux-arm64`,
 * `linux-arm-7`, `linux-arm64-musl`, `linux-amd64-cgo-c-shared`). The innermost directory that
 * names one wins.
 */
export function platformFromPath(filePath: string): Platform | undefined {
  const dirs = filePath.split(/[\\/]/).slice(0, -1).reverse();
  for (const dir of dirs) {
    for (const sep of ['_', '-']) {
      const name = sep === '-' ? dir.replace(LAYOUT_SUFFIX, '') : dir;
      const parts = name.split(sep);
      for (let i = 0; i + 1 < parts.length; i++) {
        if (!KNOWN_OS.has(parts[i]) || !KNOWN_ARCH.has(parts[i + 1])) continue;
        const rest = parts.slice(i + 2);
        // Anything after the arch must be one variant value and nothing else.
        if (rest.length > 1) continue;
        const p: Platform = { goos: parts[i], goarch: parts[i + 1] };
        if (rest.length === 1 && rest[0] !== '' && VARIANT_VARIABLE[p.goarch]) p.variant = rest[0];
        else if (rest.length === 1) continue;
        return p;
      }
    }
  }
  return undefined;
}

/**
 * The target of a file found by a glob: the build target whose output directory (or platform
 * slug) is one of its directories, else the platform its path names.
 */
export function targetForPath(rel: string, targets: TargetSpec[]): TargetSpec | undefined {
  const segs = rel.split(/[\\/]/).slice(0, -1);
  for (const t of targets) if (segs.includes(defaultOutputDirName(t.platform, t))) return t;
  for (const t of targets) if (segs.includes(platformSlug(t.platform))) return t;
  const p = platformFromPath(rel);
  return p ? { platform: p, cgo: false, buildmode: 'exe', linkmode: 'internal' } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Manifests.

function readStatement(fsx: PlanFs, manifest: string, display: (p: string) => string): BuildStatement {
  let text: string;
  try {
    text = fsx.readFileSync(manifest, 'utf8');
  } catch (e) {
    throw new PlanError(`cannot read the build manifest ${display(manifest)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseManifest(text, display(manifest));
  } catch (e) {
    if (e instanceof ManifestError) throw new PlanError(`${e.message}; rebuild the artifact or delete the manifest`);
    throw e;
  }
}

/**
 * The artifact judged against its manifest when `<artifact>.intoto.json` exists: the target it
 * records, and an error finding when the file's sha256 is not the one recorded. Undefined when
 * there is no manifest.
 */
export function judgeByManifest(
  fsx: PlanFs,
  abs: string,
  opts: { display?: (p: string) => string; statement?: BuildStatement; manifest?: string } = {},
): { target: TargetSpec; manifest: string; statement: BuildStatement; findings: Finding[] } | undefined {
  const display = opts.display ?? ((p: string) => p);
  const manifest = opts.manifest ?? manifestPathFor(abs);
  if (!opts.statement && !fsx.existsSync(manifest)) return undefined;
  const st = opts.statement ?? readStatement(fsx, manifest, display);
  const findings: Finding[] = [];
  if (fsx.existsSync(abs)) {
    const recorded = subjectDigest(st, path.basename(abs));
    const actual = fsx.sha256(abs);
    if (recorded !== actual) {
      findings.push({
        checkId: 'input',
        severity: 'error',
        message: recorded
          ? `${display(abs)} is not the file its build wrote: sha256 ${actual.slice(0, 16)}… but the manifest ${path.basename(manifest)} records ${recorded.slice(0, 16)}… (replaced or modified after the build)`
          : `${display(abs)} is not listed in its build manifest ${path.basename(manifest)} (renamed or replaced after the build)`,
        fix: 'rebuild it with its build target (the manifest is rewritten with it), or delete the stale manifest if the file is meant to replace the build',
        file: display(abs),
        data: { manifest: display(manifest), recorded: recorded ?? null, actual },
      });
    }
  }
  return { target: targetFromManifest(st), manifest, statement: st, findings };
}

/** A build target to plan: where its artifacts are expected and what its options describe. */
export interface BuildTargetRef {
  /** `project:target`, as the build executor records it. */
  id: string;
  /** Absolute output directory. */
  dir: string;
  /** Absolute paths the options name (one per main package). */
  files: string[];
  /** What the options describe. */
  configured: TargetSpec;
}

/**
 * The artifacts of one build target. When manifests of that target are in its output directory,
 * the artifacts they list are judged against them (what was built, e.g. `app.a` after a
 * `--buildmode=c-archive` run). Otherwise the files the options name are judged against their
 * manifest when they have one, else against the options.
 */
export function planBuildTarget(fsx: PlanFs, ref: BuildTargetRef, display: (p: string) => string = (p) => p): PlannedArtifact[] {
  const ofTarget: { manifest: string; statement: BuildStatement }[] = [];
  let names: string[] = [];
  try {
    names = fsx.readdirSync(ref.dir);
  } catch {
    names = [];
  }
  for (const n of [...names].sort()) {
    if (!n.endsWith(MANIFEST_SUFFIX) || n.startsWith('.')) continue;
    const manifest = path.join(ref.dir, n);
    const statement = readStatement(fsx, manifest, display);
    const recorded = statement.predicate.buildDefinition.externalParameters.target;
    if (recorded !== undefined && sameTarget(recorded, ref.id)) ofTarget.push({ manifest, statement });
  }
  const out: PlannedArtifact[] = [];
  if (ofTarget.length > 0) {
    for (const { manifest, statement } of ofTarget) {
      const abs = manifest.slice(0, manifest.length - MANIFEST_SUFFIX.length);
      const j = judgeByManifest(fsx, abs, { display, statement, manifest }) as NonNullable<ReturnType<typeof judgeByManifest>>;
      // The directory is the target's: a binary for another platform in it (a --goarch override) is a binary-arch finding.
      out.push({ path: abs, target: j.target, expectedPlatform: ref.configured.platform, manifest, findings: j.findings });
    }
    return out;
  }
  for (const f of ref.files) {
    const j = judgeByManifest(fsx, f, { display });
    if (j) out.push({ path: f, target: j.target, expectedPlatform: ref.configured.platform, manifest: j.manifest, findings: j.findings });
    else out.push({ path: f, target: ref.configured, expectedPlatform: ref.configured.platform });
  }
  return out;
}

/** `app:build-linux-arm64` and `app:build-linux-arm64:production` name the same target. */
function sameTarget(a: string, b: string): boolean {
  const pt = (s: string) => s.split(':').slice(0, 2).join(':');
  return pt(a) === pt(b);
}

/**
 * What the caller states explicitly about the artifacts (the CLI's --platform, --cgo/--no-cgo,
 * --libc, --buildmode): the expectation, over anything the planner reads.
 */
export interface StatedTarget {
  platform?: Platform;
  cgo?: boolean;
  libc?: Libc;
  buildmode?: BuildMode;
}

/**
 * A target with the stated fields put in (the platform too unless `platform: false`). A changed
 * cgo or build mode drops the recorded linkmode: the checks then take it from the binary.
 */
export function withStated(t: TargetSpec, stated: StatedTarget, opts: { platform?: boolean } = {}): TargetSpec {
  const out: TargetSpec = { ...t };
  if (stated.platform && opts.platform !== false) out.platform = stated.platform;
  if (stated.cgo !== undefined) out.cgo = stated.cgo;
  if (stated.buildmode) out.buildmode = stated.buildmode;
  if (out.cgo !== t.cgo || out.buildmode !== t.buildmode) delete out.linkmode;
  if (stated.libc) out.libc = stated.libc;
  else if (out.cgo && !t.cgo) out.libc = 'glibc';
  return out;
}

/** `linux/arm64 cgo glibc`, `linux/amd64 without cgo, -buildmode=pie`. */
function describeBuild(t: TargetSpec): string {
  const cgo = t.cgo ? (t.platform.goos === 'linux' ? `cgo ${t.libc ?? 'glibc'}` : 'cgo') : 'without cgo';
  return `${formatPlatform(t.platform)} ${cgo}${t.buildmode !== 'exe' ? `, -buildmode=${t.buildmode}` : ''}`;
}

/**
 * The input finding when what was stated disagrees with what the manifest records as built: the
 * platform (GOOS/GOARCH, and the variant when both name one), cgo, the C library of a cgo build
 * and the build mode. Undefined when they agree.
 */
export function statedVersusManifest(
  built: TargetSpec,
  stated: StatedTarget,
  where: { file: string; manifest: string; buildTarget?: string },
): Finding | undefined {
  const flags: string[] = [];
  const expects: string[] = [];
  const rebuild: string[] = [];
  const sp = stated.platform;
  const bp = built.platform;
  if (sp && (sp.goos !== bp.goos || sp.goarch !== bp.goarch || (sp.variant !== undefined && bp.variant !== undefined && sp.variant !== bp.variant))) {
    const p = formatPlatform(sp);
    flags.push(`--platform ${p}`);
    expects.push(`--platform ${p} expects a ${p} binary`);
    rebuild.push(`goos: ${sp.goos}, goarch: ${sp.goarch}${sp.variant ? `, variant: ${sp.variant}` : ''}`);
  }
  if (stated.cgo !== undefined && stated.cgo !== built.cgo) {
    flags.push(stated.cgo ? '--cgo' : '--no-cgo');
    expects.push(stated.cgo ? '--cgo expects a cgo build' : '--no-cgo expects a build without cgo');
    rebuild.push(`cgo: ${stated.cgo}`);
  }
  const builtLibc = built.cgo ? (built.libc ?? 'glibc') : undefined;
  if (stated.libc && builtLibc && stated.cgo !== false && stated.libc !== builtLibc) {
    flags.push(`--libc ${stated.libc}`);
    expects.push(`--libc ${stated.libc} expects ${stated.libc}`);
    rebuild.push(`libc: ${stated.libc}`);
  }
  if (stated.buildmode && stated.buildmode !== built.buildmode) {
    flags.push(`--buildmode ${stated.buildmode}`);
    expects.push(`--buildmode ${stated.buildmode} expects -buildmode=${stated.buildmode}`);
    rebuild.push(`buildmode: ${stated.buildmode}`);
  }
  if (flags.length === 0) return undefined;
  const of = where.buildTarget ? `options of its build target ${where.buildTarget}` : 'options of its build target';
  return {
    checkId: 'input',
    severity: 'error',
    message: `${where.file} was built as ${describeBuild(built)} according to its manifest ${path.basename(where.manifest)}; ${expects.join('; ')}`,
    fix: `rebuild it with ${rebuild.join(', ')} (${of}), or leave out ${flags.join(' ')} if the build the manifest records is the intended one`,
    file: where.file,
    data: { manifest: where.manifest, built: describeBuild(built), stated: flags },
  };
}

/**
 * A file named on the command line or found by a glob. With a manifest, the target is what it
 * records, or what `stated` says when that disagrees (with an error finding naming both).
 * Without one: `stated` with its platform, else the build info (`fromBuildInfo`) expected on the
 * platform `fromPath` names, else `fromPath`; the rest of `stated` is put in either way.
 */
export function planFile(
  fsx: PlanFs,
  abs: string,
  sources: {
    stated?: StatedTarget;
    fromBuildInfo?: () => TargetSpec | undefined;
    fromPath?: TargetSpec;
    expectedPlatform?: Platform;
    displayPath?: string;
    display?: (p: string) => string;
  },
): PlannedArtifact | undefined {
  const stated = sources.stated ?? {};
  const display = sources.display ?? ((p: string) => p);
  const base = { path: abs, expectedPlatform: sources.expectedPlatform, ...(sources.displayPath ? { displayPath: sources.displayPath } : {}) };
  const j = judgeByManifest(fsx, abs, { display });
  if (j) {
    const buildTarget = j.statement.predicate.buildDefinition.externalParameters.target;
    const clash = statedVersusManifest(j.target, stated, { file: display(abs), manifest: display(j.manifest), buildTarget });
    if (!clash) {
      // A variant stated for a build that records none (Go's default) is judged by the checks.
      const sp = stated.platform;
      const target = sp?.variant !== undefined && j.target.platform.variant === undefined ? { ...j.target, platform: sp } : j.target;
      return { ...base, target, manifest: j.manifest, findings: j.findings };
    }
    return { ...base, target: withStated(j.target, stated), manifest: j.manifest, findings: [...j.findings, clash] };
  }
  if (stated.platform) return { ...base, target: withStated({ platform: stated.platform, cgo: false, buildmode: 'exe' }, stated) };
  const info = sources.fromBuildInfo?.();
  const named = sources.fromPath?.platform;
  let t = info ?? sources.fromPath;
  if (info && named) t = { ...info, platform: expectedOn(named, info.platform) };
  return t ? { ...base, target: withStated(t, stated) } : undefined;
}

/** The platform a path names, with the variant the build records when the path names none for that arch. */
function expectedOn(named: Platform, recorded: Platform): Platform {
  const sameArch = named.goos === recorded.goos && named.goarch === recorded.goarch;
  return sameArch && named.variant === undefined && recorded.variant !== undefined ? { ...named, variant: recorded.variant } : named;
}

/** The planner's own findings added to an engine result (counts recomputed). */
export function withPlannedFindings(result: ValidationResult, planned: PlannedArtifact[]): ValidationResult {
  const extra = new Map<string, Finding[]>();
  for (const a of planned) if (a.findings?.length) extra.set(path.resolve(a.path), a.findings);
  if (extra.size === 0) return result;
  for (const a of result.artifacts) {
    const more = extra.get(path.resolve(a.path));
    if (more) a.findings = [...more.map((f) => ({ ...f, file: a.file })), ...a.findings];
  }
  const findings = [...result.artifacts.flatMap((a) => a.findings), ...result.sources.flatMap((s) => s.findings)];
  return {
    ...result,
    findings,
    counts: {
      ...result.counts,
      error: findings.filter((f) => f.severity === 'error').length,
      warn: findings.filter((f) => f.severity === 'warn').length,
      total: findings.length,
    },
  };
}

/** Plain artifact inputs for the engine (the planner's extra fields dropped). */
export function engineInputs(planned: PlannedArtifact[]): ArtifactInput[] {
  return planned.map(({ manifest: _m, findings: _f, ...a }) => a);
}
