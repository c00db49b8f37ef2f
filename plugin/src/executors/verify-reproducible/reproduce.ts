/**
 * Is a build reproducible? Builds the platform a second time, from a second checkout at another
 * path (a local git clone of HEAD, or a copy of the module and its local replaces when the
 * module is not in a git repository) with an empty GOCACHE, using the build executor's own plan
 * (runBuild), and compares the sha256 of each artifact with the first build's (the artifact in
 * its output directory, or a fresh build). For artifacts that differ, diagnose.ts names why.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isLocalReplacement, parseGoMod, parseGoWork } from '../../gowork/modfile';
import { formatPlatform } from '../../platforms/platform';
import { runBuild, type BuildLogger } from '../build/executor';
import { resolveBuildOutputs } from '../../platforms/outputs';
import { manifestPathFor, recordedOptions } from '../../manifest/manifest';
import { resolvePlaceholders } from '../../graph/placeholders';
import type { BuildExecutorSchema } from '../build/schema';
import { diagnose, type DiffCause } from './diagnose';

export interface ReproduceInput {
  workspaceRoot: string;
  /** Project root relative to the workspace root. */
  projectRoot: string;
  options: BuildExecutorSchema;
  /**
   * Take the first build's artifacts from their output directory when all are there and their
   * build manifests record the same options (default: build them).
   */
  useExisting?: boolean;
  /** Leave the second checkout in place (its path is printed). */
  keepCheckout?: boolean;
  env?: NodeJS.ProcessEnv;
  logger?: BuildLogger;
  /** go command (default: found on PATH). */
  go?: string;
  /** GOCACHE of the second build (default: a new, empty directory). */
  secondGocache?: string;
  /** Where the second checkout is made (default: the OS temp dir). */
  tmpRoot?: string;
  target?: string;
  layout?: BuildExecutorSchema;
}

export interface ArtifactComparison {
  /** Workspace-relative path of the artifact. */
  file: string;
  first: string;
  second: string;
  sha256First: string;
  sha256Second: string;
  identical: boolean;
  causes: DiffCause[];
}

export interface ReproduceResult {
  success: boolean;
  /** Why the check could not run (a build failed, no artifact…); absent when it ran. */
  error?: string;
  checkout?: { method: 'git-clone' | 'copy'; dir: string };
  artifacts: ArtifactComparison[];
}

const consoleLogger: BuildLogger = { info: (m) => console.log(m), error: (m) => console.error(m) };

function git(args: string[], cwd: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  return { ok: !r.error && r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? r.error?.message ?? '').trim() };
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Local directories the module's go.mod replaces modules with (`replace x => ../y`). */
export function localReplaceDirs(goMod: string, moduleDir: string): string[] {
  const dirs = parseGoMod(goMod)
    .replaces.filter((r) => isLocalReplacement(r.newPath) || path.isAbsolute(r.newPath))
    .map((r) => path.resolve(moduleDir, r.newPath));
  return [...new Set(dirs)];
}

/**
 * What a build of the module in `projectDir` may read from the repository (absolute paths): the
 * module, its local replaces, and the workspace's go.work and go.work.sum with the modules it
 * uses and its local replaces (every module of go.work, imported or not: go reads their go.mod).
 */
export function buildReadPaths(workspaceRoot: string, projectDir: string): string[] {
  const read = (f: string): string | undefined => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  const out = [projectDir];
  const goMod = read(path.join(projectDir, 'go.mod'));
  if (goMod !== undefined) out.push(...localReplaceDirs(goMod, projectDir));
  const workFile = path.join(workspaceRoot, 'go.work');
  const goWork = read(workFile);
  if (goWork !== undefined) {
    const work = parseGoWork(goWork);
    const local = work.replaces.filter((r) => isLocalReplacement(r.newPath) || path.isAbsolute(r.newPath)).map((r) => r.newPath);
    out.push(workFile, `${workFile}.sum`, ...[...work.use, ...local].map((u) => path.resolve(workspaceRoot, u)));
  }
  return [...new Set(out)];
}

function commonAncestor(dirs: string[]): string {
  let anc = dirs[0];
  for (const d of dirs.slice(1)) {
    while (anc !== path.dirname(anc) && path.relative(anc, d).startsWith('..')) anc = path.dirname(anc);
  }
  return anc;
}

const SKIP_COPY = new Set(['.git', 'node_modules', '.nx']);

/**
 * A second checkout of the workspace under `dir`: a local clone of HEAD when the project is in
 * a git repository, else a copy of the module and its local replaces (and the workspace's
 * go.work). Returns the second workspace root.
 */
export function makeCheckout(
  workspaceRoot: string,
  projectRoot: string,
  dir: string,
  logger: BuildLogger,
): { ok: true; method: 'git-clone' | 'copy'; workspaceRoot: string; cleanup: () => void; note?: string } | { ok: false; message: string } {
  const ws = fs.realpathSync(workspaceRoot);
  const projectDir = path.join(ws, projectRoot);
  const src = path.join(dir, 'src');
  const top = git(['rev-parse', '--show-toplevel'], projectDir);
  if (top.ok && top.out) {
    // A clone, not `git worktree add`: in a worktree `.git` is a file, and go (1.26) then finds
    // no repository and stamps no vcs information, so -buildvcs builds would differ for that alone.
    const root = fs.realpathSync(top.out);
    const head = git(['rev-parse', 'HEAD'], root);
    if (!head.ok) return { ok: false, message: `git rev-parse HEAD failed in ${root}: ${head.err.split('\n')[0]}` };
    const clone = git(['clone', '--quiet', '--shared', '--no-checkout', root, src], dir);
    const co = clone.ok ? git(['checkout', '--quiet', '--detach', head.out], src) : clone;
    if (!co.ok) return { ok: false, message: `a clone of ${root} at HEAD into ${src} failed: ${co.err.split('\n')[0]}` };
    // Not only the project's directory: the modules of go.work and the local replaces it builds
    // with, and go.work itself, are HEAD's in the second checkout as well.
    const specs = [...new Set(buildReadPaths(ws, fs.realpathSync(projectDir)).map((p) => path.relative(root, p)).filter((r) => !r.startsWith('..') && !path.isAbsolute(r)).map((r) => r || '.'))];
    const dirty = git(['status', '--porcelain=v2', '--untracked-files=normal', '--', ...specs], root);
    let note: string | undefined;
    if (dirty.ok && dirty.out) {
      const paths = porcelainV2Paths(dirty.out);
      note = `note: ${projectRoot || '.'} or what its build reads (go.work, its modules, local replaces) has uncommitted changes; the second checkout is HEAD without them (${paths.length === 1 ? '1 path' : `${paths.length} paths`}: ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''})`;
      logger.info(note);
    }
    return { ok: true, method: 'git-clone', workspaceRoot: path.join(src, path.relative(root, ws)), cleanup: () => undefined, note };
  }
  let goMod = '';
  try {
    goMod = fs.readFileSync(path.join(projectDir, 'go.mod'), 'utf8');
  } catch {
    return { ok: false, message: `${path.join(projectRoot, 'go.mod')} not found: nothing to copy` };
  }
  const dirs = [projectDir, ...localReplaceDirs(goMod, projectDir).filter((d) => fs.existsSync(d))];
  const goWork = ['go.work', 'go.work.sum'].map((n) => path.join(ws, n)).filter((f) => fs.existsSync(f));
  const anc = commonAncestor([ws, ...dirs]);
  for (const d of dirs) {
    fs.cpSync(d, path.join(src, path.relative(anc, d)), { recursive: true, filter: (s) => !SKIP_COPY.has(path.basename(s)) });
  }
  for (const f of goWork) fs.cpSync(f, path.join(src, path.relative(anc, f)));
  return { ok: true, method: 'copy', workspaceRoot: path.join(src, path.relative(anc, ws)), cleanup: () => undefined };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Whether the build manifest next to `artifact` records exactly these options. */
export function builtWith(artifact: string, options: BuildExecutorSchema): boolean {
  try {
    const st = JSON.parse(fs.readFileSync(manifestPathFor(artifact), 'utf8'));
    return canonical(st.predicate.buildDefinition.externalParameters.options) === canonical(recordedOptions({ ...options }));
  } catch {
    return false;
  }
}

/**
 * GOWORK for the second build: the first build's go.work mapped into the second checkout (copied
 * there when the checkout lacks it), `off` when the first used none. Without it, go would look for
 * a go.work above the temporary directory instead.
 */
export function secondGowork(go: string, projectDir: string, env: NodeJS.ProcessEnv, workspaceRoot: string, secondRoot: string): string {
  const r = spawnSync(go, ['env', 'GOWORK'], { cwd: projectDir, env: { ...env }, encoding: 'utf8' });
  const first = r.status === 0 ? r.stdout.trim() : '';
  if (!first || first === 'off') return 'off';
  const inWs = path.relative(workspaceRoot, first);
  if (inWs.startsWith('..') || path.isAbsolute(inWs)) return first;
  const mapped = path.join(secondRoot, inWs);
  for (const [from, to] of [[first, mapped], [`${first}.sum`, `${mapped}.sum`]]) {
    if (fs.existsSync(from) && !fs.existsSync(to)) fs.cpSync(from, to);
  }
  return mapped;
}

function rel(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}

/** Runs the check; the result lists each artifact with its two digests and, when they differ, the causes. */
export async function verifyReproducible(input: ReproduceInput): Promise<ReproduceResult> {
  const logger = input.logger ?? consoleLogger;
  const env = input.env ?? process.env;
  const fail = (error: string): ReproduceResult => {
    logger.error(error);
    return { success: false, error, artifacts: [] };
  };
  if (input.options.compileOnly) return fail('verify-reproducible compares artifacts: a library build (compileOnly) writes none');
  const workspaceRoot = fs.realpathSync(input.workspaceRoot);
  const projectDir = path.join(workspaceRoot, input.projectRoot);

  // Placeholders are resolved once, here, so both builds get the same values.
  const resolved = resolvePlaceholders(input.options, projectDir);
  if (!resolved.ok) return fail(resolved.message);
  const options = resolved.options;

  let expected: string[];
  let platform: string;
  try {
    const outs = resolveBuildOutputs(options, { workspaceRoot, projectRoot: input.projectRoot, layout: input.layout });
    expected = outs.files.map((f) => f.path);
    platform = formatPlatform(outs.platform);
  } catch (e) {
    return fail((e as Error).message);
  }

  let first: string[];
  const existing = input.useExisting === true && expected.length > 0 && expected.every((f) => fs.existsSync(f));
  if (existing && expected.every((f) => builtWith(f, options))) {
    first = expected;
    logger.info(`${platform}: comparing with the artifacts in ${rel(workspaceRoot, path.dirname(expected[0]))}`);
  } else {
    if (existing) logger.info(`${platform}: the build manifest of ${rel(workspaceRoot, expected[0])} records other options (or is missing): building it again first`);
    const r = await runBuild(options, { workspaceRoot, projectRoot: input.projectRoot, env, go: input.go, target: input.target, layout: input.layout }, { logger });
    if (!r.success) return fail(`${platform}: the first build failed`);
    first = r.artifacts;
  }

  const tmp = fs.mkdtempSync(path.join(input.tmpRoot ?? os.tmpdir(), 'gocross-reproduce-'));
  const checkout = makeCheckout(workspaceRoot, input.projectRoot, tmp, logger);
  if (!checkout.ok) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return fail(checkout.message);
  }
  const result: ReproduceResult = { success: false, checkout: { method: checkout.method, dir: checkout.workspaceRoot }, artifacts: [] };
  try {
    const gocache = input.secondGocache ?? path.join(tmp, 'gocache');
    fs.mkdirSync(gocache, { recursive: true });
    logger.info(`${platform}: rebuilding in ${checkout.workspaceRoot} (${checkout.method === 'git-clone' ? 'git clone of HEAD' : 'copy of the module'}) with ${input.secondGocache ? `GOCACHE=${gocache}` : 'an empty GOCACHE'}`);
    const gowork = secondGowork(input.go ?? 'go', projectDir, env, workspaceRoot, checkout.workspaceRoot);
    const prefixed: BuildLogger = { info: (m) => logger.info(`  rebuild: ${m}`), error: (m) => logger.error(`  rebuild: ${m}`) };
    const r = await runBuild(
      options,
      { workspaceRoot: checkout.workspaceRoot, projectRoot: input.projectRoot, env: { ...env, GOCACHE: gocache, GOWORK: gowork }, go: input.go, layout: input.layout },
      { logger: prefixed },
    );
    if (!r.success) {
      result.error = `${platform}: the second build (in ${checkout.workspaceRoot}) failed`;
      logger.error(result.error);
      return result;
    }
    const paths = {
      first: [workspaceRoot, projectDir],
      second: [checkout.workspaceRoot, path.join(checkout.workspaceRoot, input.projectRoot)],
    };
    for (const f of first) {
      const name = rel(workspaceRoot, f);
      const second = r.artifacts.find((g) => rel(checkout.workspaceRoot, g) === name);
      if (!second) {
        result.error = `${platform}: the second build wrote no ${name}`;
        logger.error(result.error);
        return result;
      }
      const ha = sha256File(f);
      const hb = sha256File(second);
      const identical = ha === hb;
      const causes = identical ? [] : diagnose(f, second, paths);
      result.artifacts.push({ file: name, first: f, second, sha256First: ha, sha256Second: hb, identical, causes });
      if (identical) logger.info(`${platform}: ${name} is reproducible (sha256 ${ha})`);
      else {
        logger.error(`${platform}: ${name} is not reproducible: sha256 ${ha} (first build) vs ${hb} (rebuild at another path${input.secondGocache ? '' : ', empty GOCACHE'})`);
        for (const c of causes) logger.error(`  - ${c.message}`);
        if (checkout.note) logger.error(`  - ${checkout.note}`);
      }
    }
    result.success = result.artifacts.length > 0 && result.artifacts.every((a) => a.identical);
    return result;
  } finally {
    if (input.keepCheckout) logger.info(`second checkout kept in ${tmp}`);
    else {
      checkout.cleanup();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

/**
 * The paths `git status --porcelain=v2` lists (relative to the directory it ran in). Every v2 line
 * starts with its kind (`1`, `2`, `u`, `?`, `!`), so no path loses a character to trimming, as
 * v1's leading-space status (` M path`) did.
 */
export function porcelainV2Paths(out: string): string[] {
  const paths: string[] = [];
  for (const line of out.split('\n')) {
    const f = line.split(' ');
    if (f[0] === '?' || f[0] === '!') paths.push(line.slice(2));
    else if (f[0] === '1') paths.push(f.slice(8).join(' '));
    else if (f[0] === '2') paths.push(f.slice(9).join(' ').split('\t')[0]);
    else if (f[0] === 'u') paths.push(f.slice(10).join(' '));
  }
  return paths;
}
