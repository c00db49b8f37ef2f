/**
 * `@gocross/nx:release`: makes a release directory from the validated binaries of a project's
 * build targets, or (option `sign`) signs one.
 *
 * Two steps, because a signature must never come out of the Nx cache:
 *
 * - `release` (cached): deterministic and key-free. Per platform a goreleaser-named archive
 *   (binary + LICENSE/COPYING/README), its CycloneDX SBOM (`<archive>.sbom.cdx.json`), the build manifest
 *   of its binary as provenance (`<archive>.provenance.intoto.json`, the statement the build
 *   wrote), `smoke.json` when a smoke gate is set, and `checksums.txt` over all of them. Two runs
 *   on the same commit give the same bytes, so the cache can replay it.
 * - `release-sign` (never cached): reads that directory, re-checks it (checksums, and every SBOM
 *   and provenance subject against the binary in its archive), and adds `checksums.txt.sig` and
 *   the DSSE-signed `<archive>.sbom.intoto.jsonl` / `<archive>.provenance.intoto.jsonl`. The key
 *   (a file or an environment variable) is read only here: it is no input of a cached task, and a
 *   cache hit never needs it nor replays a signature made with another key.
 *
 * Both write a complete directory next to the release and rename it into place, so a run that
 * fails or is interrupted leaves the previous release as it was.
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateArtifacts } from '../../checks/engine';
import { resolvePolicy } from '../../checks/policy';
import { ALL_CHECKS } from '../../checks/registry';
import { formatPlatform } from '../../platforms/platform';
import { releaseExtraFileKind } from '../../platforms/outputs';
import { archiveFormatOfName, archiveTargetFromSettings, attestationFileName, CHECKSUMS_FILE, CHECKSUMS_SIGNATURE_FILE, createReleaseArchive, formatChecksums, generateSbom, loadSigningKey, parseAttestationFileName, parseChecksums, readArchive, sbomStatement, sha256Hex, signBlob, signDsse, signStatement, SigningKeyError, verifyRelease, type ArchiveFile } from '../../release';
import { packageVersion } from '../../report/common';
import { engineInputs, PlanError, withPlannedFindings } from '../../validate/plan';
import { parseManifest, subjectDigest } from '../../manifest/manifest';
import type { ProjectsLike } from '../run/executor';
import { findGo, readGoEnv } from '../shared/go';
import { PROJECT_OVERRIDE_FILE } from '../../graph/options';
import { gitVersion, isDirtyVersion, runGit, type GitRunner } from '../../graph/version';
import { planValidation } from '../validate/executor';
import type { ReleaseExecutorSchema } from './schema';
import { smokeTest, type SmokeSubject } from './smoke';

/** Suffixes of the unsigned per-archive files (listed in checksums.txt). */
export const SBOM_SUFFIX = '.sbom.cdx.json';
export const PROVENANCE_SUFFIX = '.provenance.intoto.json';
export const SMOKE_FILE = 'smoke.json';

export interface ReleaseInput {
  workspaceRoot: string;
  projectName: string;
  projects: ProjectsLike;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  error?: (line: string) => void;
  host?: { goos: string; goarch: string };
  /** The running target (`release`, `go-release-sign`): its prefix names the project's other targets in messages. */
  targetName?: string;
  /** Runs git (in the workspace root); default graph/version.ts's runGit. */
  git?: GitRunner;
}

export interface ReleaseOutcome {
  success: boolean;
  /** Absolute release directory. */
  dir?: string;
  files?: string[];
}

class ReleaseError extends Error {}

/** `project:<prefix>name`, with the target prefix of the running target (`go-release` → `go-`). */
function targetOf(input: ReleaseInput, name: string): string {
  const prefix = (input.targetName ?? '').replace(/release(-sign)?$/, '');
  return `${input.projectName}:${prefix}${name}`;
}

export function releaseDir(options: ReleaseExecutorSchema, workspaceRoot: string, projectRoot: string): string {
  return path.resolve(workspaceRoot, options.outputPath ?? path.join('dist', 'release', projectRoot));
}

/** Writes `files` into a fresh directory beside `dir` and renames it into place; the old one goes only after. */
export function replaceDir(dir: string, files: { name: string; data: Buffer }[], pid = process.pid): void {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = path.join(path.dirname(dir), `.${path.basename(dir)}.tmp-${pid}`);
  const old = path.join(path.dirname(dir), `.${path.basename(dir)}.old-${pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(old, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  try {
    for (const f of files) fs.writeFileSync(path.join(tmp, f.name), f.data, { flag: 'wx' });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const had = fs.existsSync(dir);
  if (had) fs.renameSync(dir, old);
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    if (had) fs.renameSync(old, dir);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
}

/**
 * The release version (option, else graph/version.ts's gitVersion, the `{version}` of builds)
 * and the archive mtime (SOURCE_DATE_EPOCH, else the commit time). Git runs in `cwd`.
 */
export function versionAndTime(options: ReleaseExecutorSchema, env: NodeJS.ProcessEnv, cwd: string, git: GitRunner = runGit): { version: string; mtime: number } {
  let version = options.releaseVersion;
  if (version === undefined) {
    const v = gitVersion(cwd, git);
    if (!v.ok) throw new ReleaseError(`no version: set the releaseVersion option, or run in a git repository with a commit (${v.message})`);
    version = v.out;
  }
  if (!version) throw new ReleaseError('no version: the releaseVersion option is empty');
  let mtime: number | undefined;
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde !== undefined && sde !== '') {
    if (!/^\d+$/.test(sde)) throw new ReleaseError(`SOURCE_DATE_EPOCH=${JSON.stringify(sde)} is not a number of seconds`);
    mtime = Number(sde);
  } else {
    const ct = git(['log', '-1', '--format=%ct'], cwd);
    if (ct.ok && /^\d+$/.test(ct.out)) mtime = Number(ct.out);
  }
  if (mtime === undefined) throw new ReleaseError('no commit time for the archive entries: run in a git repository with a commit, or set SOURCE_DATE_EPOCH');
  return { version, mtime };
}

/** Extra archive files: the option's list (must exist), else LICENSE* / LICENCE* / COPYING* (any case) of the project root, else of the workspace root, and README* of the project root. */
export function extraFiles(options: ReleaseExecutorSchema, workspaceRoot: string, projectRoot: string): ArchiveFile[] {
  let paths: string[];
  if (options.files) {
    paths = options.files.map((f) => path.resolve(workspaceRoot, f.replace(/\{projectRoot\}/g, projectRoot).replace(/\{workspaceRoot\}/g, workspaceRoot)));
    for (const p of paths) if (!fs.existsSync(p) || !fs.statSync(p).isFile()) throw new ReleaseError(`extra file ${path.relative(workspaceRoot, p) || p} (option files) does not exist or is not a file`);
  } else {
    /** The default extra files of a directory, by kind (one readdir). */
    const extras = (dir: string) => {
      const out = { licence: [] as string[], readme: [] as string[] };
      try {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const kind = e.isFile() ? releaseExtraFileKind(e.name) : undefined;
          if (kind) out[kind].push(path.join(dir, e.name));
        }
      } catch {
        // no such directory: no extra files
      }
      return out;
    };
    // The licence from the project, else the workspace root's (a licence at the root covers the
    // repository; a project's own README does not leave it out). The README is the project's
    // own: the workspace's describes the workspace.
    const own = extras(path.resolve(workspaceRoot, projectRoot));
    paths = [...(own.licence.length > 0 ? own.licence : extras(workspaceRoot).licence), ...own.readme];
  }
  const seen = new Set<string>();
  return paths.sort().map((p) => {
    const name = path.basename(p);
    if (seen.has(name)) throw new ReleaseError(`two extra files are named ${name}; an archive holds each name once`);
    seen.add(name);
    return { name, data: fs.readFileSync(p), mode: 0o644 };
  });
}

/** The main package a build manifest records, as gocross.json's `mains` spells it (`cmd/api`, `.`). */
function mainOf(manifestBytes: Buffer): string {
  const main = parseManifest(manifestBytes.toString('utf8'), 'manifest').predicate.buildDefinition.internalParameters.main ?? '.';
  let d = main.trim().replace(/\\/g, '/').replace(/\/+$/, '');
  while (d.startsWith('./')) d = d.slice(2);
  return d === '' ? '.' : d;
}

/**
 * Why two binaries cannot share an archive, and how to release one: the main package to keep,
 * written as the `mains` entry of the project's gocross.json (when they are two main packages),
 * or the build target to leave out (when they are one main package built twice for a platform).
 */
export function oneBinaryPerPlatform(c: { ws: string; projectRoot: string; archive: string; first: string; second: string; mains: string[]; firstMain?: string; secondMain?: string }): string[] {
  const display = (p: string) => path.relative(c.ws, p) || p;
  const lines = [`${display(c.first)} and ${display(c.second)} would both go into ${c.archive}: a release archive holds one binary per platform`];
  const mains = [...new Set(c.mains)].sort();
  if (c.firstMain !== undefined && c.firstMain === c.secondMain) {
    lines.push(`both are builds of main package ${c.firstMain}: list only one of their build targets in the release target's buildTargets option`);
    return lines;
  }
  const file = path.posix.join(c.projectRoot.replace(/\\/g, '/'), PROJECT_OVERRIDE_FILE);
  const abs = path.join(c.ws, c.projectRoot, PROJECT_OVERRIDE_FILE);
  let where = `create ${file} with one of these`;
  if (fs.existsSync(abs)) {
    let hasMains = false;
    try {
      const j: unknown = JSON.parse(fs.readFileSync(abs, 'utf8'));
      hasMains = typeof j === 'object' && j !== null && 'mains' in j;
    } catch {
      // an unreadable file is reported by nx itself
    }
    where = hasMains ? `replace "mains" in ${file} with one of these` : `add "mains" to the object in ${file}, one of these`;
  }
  lines.push(`choose the main package to release: ${where}:`);
  for (const m of mains) lines.push(`  {"mains": [${JSON.stringify(m)}]}`);
  lines.push('then the inferred build targets build only that main package, and the release holds its binary');
  return lines;
}

/**
 * How to start the gocross command line from the workspace root: `npx gocross` where the package
 * is installed in the workspace (its node_modules/.bin), else through npx with the package named.
 */
export function gocrossCommand(ws: string): string {
  return fs.existsSync(path.join(ws, 'node_modules', '.bin', 'gocross')) ? 'npx gocross' : 'npx -p @gocross/nx gocross';
}

/** A path as a POSIX shell word. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function hostOf(env: NodeJS.ProcessEnv): { goos: string; goarch: string } {
  const go = findGo(env);
  if (go) {
    try {
      const ge = readGoEnv(go, env);
      return { goos: ge.GOHOSTOS, goarch: ge.GOHOSTARCH };
    } catch {
      // fall through to Node's view
    }
  }
  return { goos: process.platform === 'win32' ? 'windows' : process.platform, goarch: ({ x64: 'amd64', ia32: '386' } as Record<string, string>)[process.arch] ?? process.arch };
}

/** Where a release run logs, its environment and workspace (the input's, else the process's). */
function runContext(input: ReleaseInput) {
  return {
    log: input.log ?? ((l: string) => console.log(l)),
    error: input.error ?? ((l: string) => console.error(l)),
    env: input.env ?? process.env,
    ws: input.workspaceRoot,
  };
}

/** Makes the unsigned release directory. */
export async function makeRelease(options: ReleaseExecutorSchema, input: ReleaseInput): Promise<ReleaseOutcome> {
  const { log, error, env, ws } = runContext(input);
  const display = (p: string) => path.relative(ws, p) || p;
  const project = input.projectName;
  const projectRoot = input.projects.projects[project]?.root;
  const failLines = (lines: string[]): ReleaseOutcome => {
    for (const l of lines) error(`release: ${l}`);
    return { success: false };
  };
  try {
    if (projectRoot === undefined) throw new ReleaseError(`project "${project}" not found in the workspace`);
    const buildTargets = options.buildTargets ?? [];
    if (buildTargets.length === 0) throw new ReleaseError('no buildTargets: name the build targets whose binaries to release');

    // 1. Nothing unvalidated is packaged: the validate planner and the binary checks, here again
    //    (the target also depends on validate), on the files as they are now.
    const ctx = { root: ws, projectName: project, projectsConfigurations: { version: 2, projects: input.projects.projects } } as unknown as ExecutorContext;
    let plan;
    try {
      plan = planValidation({ buildTargets }, ctx);
    } catch (e) {
      throw new ReleaseError(e instanceof PlanError ? e.message : (e as Error).message.replace(/^validate: /, ''));
    }
    const policy = resolvePolicy({ workspaceRoot: ws, projectRoot, extraCheckIds: ALL_CHECKS.map((c) => c.meta.id) });
    const checked = withPlannedFindings(await validateArtifacts({ workspaceRoot: ws, project, projectRoot, artifacts: engineInputs(plan.artifacts), policy }), plan.artifacts);
    const errors = checked.findings.filter((f) => f.severity === 'error');
    if (errors.length) {
      return failLines([...errors.map((f) => `${f.file ?? project}: ${f.checkId}: ${f.message}`), `not released: ${errors.length} validation error(s); see nx run ${targetOf(input, 'validate')}`]);
    }
    const missing: string[] = [];
    for (const a of plan.artifacts) {
      if (!a.manifest) missing.push(`${display(a.path)} has no build manifest (${path.basename(a.path)}.intoto.json): rebuild it with npx nx run ${a.buildTarget ?? project}`);
      else if (a.target.buildmode !== 'exe' && a.target.buildmode !== 'pie') missing.push(`${display(a.path)} is a ${a.target.buildmode} build; a release packages executables`);
    }
    if (missing.length) return failLines(missing);

    const { version, mtime } = versionAndTime(options, env, ws, input.git);
    const extras = extraFiles(options, ws, projectRoot);

    // 2. Smoke gate, before anything is packaged.
    let smokeJson: Buffer | undefined;
    if (options.smoke) {
      const subjects: SmokeSubject[] = plan.artifacts.map((a) => ({ file: a.path, binary: path.basename(a.path), platform: a.target.platform, libc: a.target.libc }));
      const host = input.host ?? hostOf(env);
      const s = smokeTest(options.smoke, subjects, { env, hostGoos: host.goos, hostGoarch: host.goarch });
      for (const l of s.lines) log(l);
      if (s.fatal.length) return failLines([...s.fatal, 'not released: the smoke gate failed']);
      smokeJson = Buffer.from(`${JSON.stringify(s.report, null, 2)}\n`);
    }

    // 3. Archives, SBOMs, provenance: from the bytes read once and checked against the manifest.
    const files: { name: string; data: Buffer }[] = [];
    const archiveOf = new Map<string, string>();
    const lines: string[] = [];
    // Every binary is checked and its archive started before any is awaited: the archives
    // compress at once on the thread pool.
    const prepared: { a: (typeof plan.artifacts)[number]; name: string; sha: string; sbomJson: string; manifestBytes: Buffer; archive: ReturnType<typeof createReleaseArchive> }[] = [];
    for (const a of plan.artifacts) {
      const name = path.basename(a.path);
      const data = fs.readFileSync(a.path);
      const sha = sha256Hex(data);
      const manifestBytes = fs.readFileSync(a.manifest!);
      const recorded = subjectDigest(parseManifest(manifestBytes.toString('utf8'), display(a.manifest!)), name);
      if (recorded !== sha) {
        return failLines([
          `${display(a.path)} changed after it was built and validated: sha256 ${sha.slice(0, 16)}… but its build manifest records ${recorded ? `${recorded.slice(0, 16)}…` : 'no such file'}; rebuild it with npx nx run ${a.buildTarget ?? project}`,
        ]);
      }
      const sbom = generateSbom(data, { binaryName: name, timestamp: new Date(mtime * 1000), tool: { name: '@gocross/nx', version: packageVersion() }, version });
      const archive = createReleaseArchive({
        project,
        version,
        target: archiveTargetFromSettings((k) => sbom.buildInfo.setting(k)),
        binary: { name, data },
        extraFiles: extras,
        mtime,
      });
      archive.catch(() => undefined); // awaited below; a refusal above must not leave it unhandled
      prepared.push({ a, name, sha, sbomJson: sbom.json, manifestBytes, archive });
    }
    const archives = await Promise.all(prepared.map((p) => p.archive));
    for (const [i, { a, name, sha, sbomJson, manifestBytes }] of prepared.entries()) {
      const archive = archives[i];
      const other = archiveOf.get(archive.fileName);
      if (other) {
        const mainAt = (file: string) => mainOf(prepared.find((p) => p.a.path === file)!.manifestBytes);
        return failLines(oneBinaryPerPlatform({ ws, projectRoot, archive: archive.fileName, first: other, second: a.path, mains: prepared.map((p) => mainOf(p.manifestBytes)), firstMain: mainAt(other), secondMain: mainAt(a.path) }));
      }
      archiveOf.set(archive.fileName, a.path);
      files.push({ name: archive.fileName, data: archive.data });
      files.push({ name: archive.fileName + SBOM_SUFFIX, data: Buffer.from(sbomJson) });
      files.push({ name: archive.fileName + PROVENANCE_SUFFIX, data: manifestBytes });
      lines.push(`  ${archive.fileName}  (${formatPlatform(a.target.platform)}, ${name} sha256 ${sha.slice(0, 12)}…)`);
    }
    if (smokeJson) files.push({ name: SMOKE_FILE, data: smokeJson });
    files.push({ name: CHECKSUMS_FILE, data: Buffer.from(formatChecksums(files)) });
    const dir = releaseDir(options, ws, projectRoot);
    replaceDir(dir, files);
    log(`release ${version} of ${project} (entries dated ${new Date(mtime * 1000).toISOString()}) in ${display(dir)}:`);
    for (const l of lines) log(l);
    // Also printed (and replayed from the cache) when release runs as release-sign's dependency:
    // it says what the directory is now, not what the user should run next.
    log(`unsigned until ${targetOf(input, 'release-sign')} runs (it takes --key <private key PEM> or --keyEnv <VARIABLE>)`);
    return { success: true, dir, files: files.map((f) => f.name) };
  } catch (e) {
    if (e instanceof ReleaseError || e instanceof SigningKeyError) return failLines([e.message]);
    return failLines([(e as Error).message.split('\n')[0]]);
  }
}

/** The version the release is labelled with, or the tree's, when it ends in -dirty; else undefined (git failing included). */
function dirtyVersion(options: ReleaseExecutorSchema, ws: string, git: GitRunner = runGit): string | undefined {
  if (options.releaseVersion !== undefined && isDirtyVersion(options.releaseVersion)) return options.releaseVersion;
  const v = gitVersion(ws, git);
  return v.ok && isDirtyVersion(v.out) ? v.out : undefined;
}

/** Signs the release directory `makeRelease` wrote. */
export async function signRelease(options: ReleaseExecutorSchema, input: ReleaseInput): Promise<ReleaseOutcome> {
  const { log, error, env, ws } = runContext(input);
  const project = input.projectName;
  const fail = (line: string): ReleaseOutcome => {
    error(`release-sign: ${line}`);
    return { success: false };
  };
  const projectRoot = input.projects.projects[project]?.root;
  if (projectRoot === undefined) return fail(`project "${project}" not found in the workspace`);
  if (options.key && options.keyEnv) return fail('give one of key and keyEnv, not both');
  if (!options.key && !options.keyEnv) return fail('no signing key: pass --key <ECDSA P-256 private key PEM file> or --keyEnv <VARIABLE holding the PEM>');
  let key;
  try {
    key = loadSigningKey(options.key ? { path: path.resolve(ws, options.key) } : { env: options.keyEnv! }, env);
  } catch (e) {
    return fail((e as Error).message);
  }
  for (const w of key.warnings) log(`release-sign: warning: ${w}`);
  const dirty = dirtyVersion(options, ws, input.git);
  if (dirty) log(`release-sign: warning: signing a dirty release (${dirty}): it was made from a tree with uncommitted changes or untracked files, so it cannot be rebuilt from the repository and whoever installs it cannot check that its binaries come from the source; commit the changes (or add the files to .gitignore) and release again`);
  const dir = releaseDir(options, ws, projectRoot);
  const rel = path.relative(ws, dir) || dir;
  const sumsPath = path.join(dir, CHECKSUMS_FILE);
  if (!fs.existsSync(sumsPath)) return fail(`${rel} holds no release (no ${CHECKSUMS_FILE}): make it first with npx nx run ${targetOf(input, 'release')}`);
  const sums = fs.readFileSync(sumsPath);
  let listed: Map<string, string>;
  try {
    listed = parseChecksums(sums.toString('utf8'));
  } catch (e) {
    return fail(`${rel}/${CHECKSUMS_FILE}: ${(e as Error).message}`);
  }
  // The directory must be exactly what the release target wrote (signatures of an earlier run aside).
  const content = new Map<string, Buffer>();
  for (const n of fs.readdirSync(dir).sort()) {
    if (n === CHECKSUMS_FILE || n === CHECKSUMS_SIGNATURE_FILE || parseAttestationFileName(n)) continue;
    if (!listed.has(n)) return fail(`${rel}/${n} is not listed in ${CHECKSUMS_FILE}: the release was changed after it was made; make it again with npx nx run ${targetOf(input, 'release')}`);
  }
  for (const [n, digest] of listed) {
    const p = path.join(dir, n);
    if (!fs.existsSync(p) || !fs.lstatSync(p).isFile()) return fail(`${rel}/${n} is listed in ${CHECKSUMS_FILE} but missing`);
    const data = fs.readFileSync(p);
    if (sha256Hex(data) !== digest) return fail(`${rel}/${n} does not match ${CHECKSUMS_FILE}: changed after the release was made; make it again with npx nx run ${targetOf(input, 'release')}`);
    content.set(n, data);
  }
  const out: { name: string; data: Buffer }[] = [...content].map(([name, data]) => ({ name, data }));
  const archives = [...content.keys()].filter((n) => archiveFormatOfName(n));
  if (archives.length === 0) return fail(`${rel} holds no archive`);
  for (const a of archives) {
    const sbomText = content.get(a + SBOM_SUFFIX)?.toString('utf8');
    const prov = content.get(a + PROVENANCE_SUFFIX);
    if (!sbomText || !prov) return fail(`${rel}/${a} has no ${!sbomText ? SBOM_SUFFIX : PROVENANCE_SUFFIX} file beside it`);
    const props = ((JSON.parse(sbomText) as { metadata?: { properties?: { name: string; value: string }[] } }).metadata?.properties ?? []);
    const binName = props.find((p) => p.name === 'cdx:gomod:binary:name')?.value;
    const binSha = props.find((p) => p.name === 'cdx:gomod:binary:hash:SHA-256')?.value;
    let entries;
    try {
      entries = await readArchive(content.get(a)!, archiveFormatOfName(a)!);
    } catch (e) {
      return fail(`${rel}/${a}: ${(e as Error).message}`);
    }
    const entry = entries.find((e) => e.name === binName);
    if (!binName || !binSha || !entry) return fail(`${rel}/${a}: its SBOM names binary ${binName ?? '(none)'}, which the archive does not hold`);
    const sha = sha256Hex(entry.data);
    if (sha !== binSha) return fail(`${rel}/${a}${SBOM_SUFFIX}: binary sha256 ${binSha} is not that of ${binName} in the archive (${sha})`);
    let provSha: string | undefined;
    try {
      provSha = subjectDigest(parseManifest(prov.toString('utf8'), a + PROVENANCE_SUFFIX), binName);
    } catch (e) {
      return fail((e as Error).message);
    }
    if (provSha !== sha) return fail(`${rel}/${a}${PROVENANCE_SUFFIX}: subject ${binName} sha256 ${provSha ?? '(none)'} is not that of the binary in the archive (${sha})`);
    out.push({ name: attestationFileName(a, 'sbom'), data: Buffer.from(`${JSON.stringify(signStatement(key, sbomStatement(sbomText, { name: binName, sha256: sha })))}\n`) });
    out.push({ name: attestationFileName(a, 'provenance'), data: Buffer.from(`${JSON.stringify(signDsse(key, prov))}\n`) });
  }
  out.push({ name: CHECKSUMS_FILE, data: sums });
  out.push({ name: CHECKSUMS_SIGNATURE_FILE, data: Buffer.from(`${signBlob(key, sums)}\n`) });
  // Verified with the public half before it replaces the unsigned release.
  const check = path.join(path.dirname(dir), `.${path.basename(dir)}.check-${process.pid}`);
  fs.rmSync(check, { recursive: true, force: true });
  try {
    replaceDir(check, out);
    const v = await verifyRelease(check, { publicKeyPem: key.publicKeyPem, requiredAttestations: ['sbom', 'provenance'] });
    if (!v.ok) return fail(`the signed release does not verify: ${v.problems[0].file}: ${v.problems[0].message}`);
    replaceDir(dir, out);
  } finally {
    fs.rmSync(check, { recursive: true, force: true });
  }
  log(`signed ${rel}: ${CHECKSUMS_SIGNATURE_FILE} and ${archives.length * 2} attestations (key id ${key.keyid.slice(0, 16)}…)`);
  log(`verify it with: ${gocrossCommand(ws)} verify ${shellWord(rel)} --key <public key PEM>`);
  return { success: true, dir, files: out.map((f) => f.name) };
}

export default async function releaseExecutor(options: ReleaseExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  if (!context.projectName || !context.projectsConfigurations) {
    console.error('@gocross/nx:release: no project in the executor context');
    return { success: false };
  }
  const input: ReleaseInput = { workspaceRoot: context.root, projectName: context.projectName, targetName: context.targetName, projects: context.projectsConfigurations as unknown as ProjectsLike };
  const r = options.sign ? await signRelease(options, input) : await makeRelease(options, input);
  return { success: r.success };
}
