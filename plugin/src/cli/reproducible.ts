/**
 * `gocross verify-reproducible [module-dir] --platform os/arch[/variant]`: the check of the
 * verify-reproducible executor without Nx. Builds the module for the platform (into
 * dist/<module-dir>/<platform> below the current directory, as the build target does, or takes
 * the artifact there with --existing), rebuilds it from a second checkout at another path with
 * an empty GOCACHE and compares. The module's gocross.json (tags, ldflags, gcflags, env, mains,
 * cgo, libc, buildmode) gives the defaults; the flags override them.
 *
 * Exit codes: 0 reproducible, 1 not reproducible, 2 usage error or a build that failed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildExecutorSchema } from '../executors/build/schema';
import type { BuildMode, Libc } from '../platforms/types';

export interface VerifyReproducibleFlags {
  platform: string;
  main?: string[];
  tags?: string;
  ldflags?: string;
  gcflags?: string;
  cgo?: boolean;
  libc?: Libc;
  buildmode?: BuildMode;
  /** commander's --no-trimpath / --no-reproducible give false. */
  trimpath?: boolean;
  reproducible?: boolean;
  args?: string[];
  existing?: boolean;
  keep?: boolean;
  json?: boolean;
}

export interface ReproducibleIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export async function verifyReproducibleCommand(dir: string | undefined, flags: VerifyReproducibleFlags, io: ReproducibleIo): Promise<number> {
  const { parsePlatform } = await import('../platforms/platform');
  const { readProjectOverride, resolveProjectOptions, GocrossConfigError } = await import('../graph/options');
  const { variantOptions } = await import('../graph/targets');
  const { verifyReproducible } = await import('../executors/verify-reproducible/reproduce');
  const usage = (m: string) => {
    io.stderr(`gocross: ${m}\n`);
    return 2;
  };

  const moduleDir = path.resolve(io.cwd, dir ?? '.');
  if (!fs.existsSync(path.join(moduleDir, 'go.mod'))) return usage(`no go.mod in ${dir ?? '.'}: verify-reproducible takes a Go module directory`);
  let platform;
  try {
    platform = parsePlatform(flags.platform);
  } catch (e) {
    return usage(`--platform: ${(e as Error).message}`);
  }
  // The workspace is the current directory when the module is inside it, else the module itself.
  const inside = !path.relative(io.cwd, moduleDir).startsWith('..') && !path.isAbsolute(path.relative(io.cwd, moduleDir));
  const workspaceRoot = inside ? io.cwd : moduleDir;
  const projectRoot = path.relative(workspaceRoot, moduleDir).split(path.sep).join('/');

  let project;
  try {
    const found = readProjectOverride(workspaceRoot, projectRoot);
    project = resolveProjectOptions({ platforms: [flags.platform] }, found ? { ...found.override, platforms: undefined } : undefined, path.posix.join(projectRoot || '.', 'gocross.json'));
  } catch (e) {
    if (e instanceof GocrossConfigError) return usage(e.message);
    throw e;
  }
  const options: BuildExecutorSchema = { goos: platform.goos, goarch: platform.goarch, ...variantOptions(platform) };
  const mains = flags.main?.length ? flags.main : project.mains;
  if (mains?.length) options.main = mains.length === 1 ? mains[0] : mains;
  const tags = flags.tags !== undefined ? flags.tags.split(',').map((t) => t.trim()).filter(Boolean) : project.tags;
  if (tags?.length) options.tags = tags;
  const ldflags = flags.ldflags ?? project.ldflags;
  if (ldflags) options.ldflags = ldflags;
  const gcflags = flags.gcflags ?? project.gcflags;
  if (gcflags) options.gcflags = gcflags;
  if (project.env) options.env = project.env;
  if (flags.cgo || project.cgo) options.cgo = true;
  const libc = flags.libc ?? project.libc;
  if (libc) options.libc = libc;
  const buildmode = flags.buildmode ?? project.buildmode;
  if (buildmode) options.buildmode = buildmode;
  if (flags.trimpath === false) options.trimpath = false;
  if (flags.reproducible === false) options.reproducible = false;
  if (flags.args?.length) options.args = flags.args;

  const r = await verifyReproducible({
    workspaceRoot,
    projectRoot,
    options,
    useExisting: flags.existing === true,
    keepCheckout: flags.keep === true,
    env: io.env,
    logger: flags.json ? { info: (m) => io.stderr(`${m}\n`), error: (m) => io.stderr(`${m}\n`) } : { info: (m) => io.stdout(`${m}\n`), error: (m) => io.stderr(`${m}\n`) },
  });
  if (flags.json) {
    io.stdout(
      JSON.stringify(
        {
          reproducible: r.success,
          error: r.error,
          checkout: r.checkout?.method,
          artifacts: r.artifacts.map((a) => ({ file: a.file, identical: a.identical, sha256: [a.sha256First, a.sha256Second], causes: a.causes })),
        },
        null,
        2,
      ) + '\n',
    );
  }
  if (r.error || r.artifacts.length === 0) return 2;
  return r.success ? 0 : 1;
}
