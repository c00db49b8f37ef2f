/**
 * The targets inferred for one Go module. See options.ts for the configuration they come from.
 *
 *   build                  host platform (same options as the matrix entry for the host, if any)
 *   build-<slug>           one per platform of the matrix (`build-linux-arm-7`)
 *   build-<arch>           alias when the arch picks one platform (see archAliases)
 *   build-all              nx:noop depending on every build-<slug> (they run in parallel)
 *   validate-<slug>        @gocross/nx:validate of build-<slug>
 *   validate               @gocross/nx:validate of every build-<slug>
 *   test-<slug>            @gocross/nx:test for the platform
 *   run-<slug>             @gocross/nx:run of build-<slug> (modules with a main package)
 *   doctor                 @gocross/nx:doctor for the matrix
 *   release                @gocross/nx:release of every build-<slug>, after validate (applications)
 *   release-sign           signs that release; never cached, the key is no input of a cached task
 *   verify-reproducible    @gocross/nx:verify-reproducible of build (modules with a main package)
 */
import { isAbsolute, join } from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';

type InputDefinition = Exclude<NonNullable<TargetConfiguration['inputs']>[number], string>;
import { archAliases } from '../platforms/env';
import { formatPlatform, platformSelected, platformSlug } from '../platforms/platform';
import { Platform, VARIANT_VARIABLE } from '../platforms/types';
import { archExclusionGlobs, cgoEnvInputs, embedInputs, envInputs, escapeGlob, goFileInputs, HandSetCompilers, osExclusionGlobs, platformEnvInputs } from './inputs';
import { ModuleFacts, staticFacts } from './module-facts';
import type { ResolvedProjectOptions } from './options';
import { BuildFlagOptions, buildFlagTargetOptions, placeholderInputs } from './build-flags';
import { versionCommand } from './version';
import { applyProjectJsonTargets, union, type ExecutorInputs, type ProjectJsonTarget } from './project-json';
import { qemuProgram, runsNatively } from '../platforms/qemu';
import { BUILD_OUTPUT_OPTIONS, defaultOutputDirName, releaseExtraFileGlobs } from '../platforms/outputs';

/**
 * A runtime input naming the qemu-user program that runs `p`'s tests on this Linux host, or
 * nothing when the tests run natively or no qemu could serve them. Without it a test target run
 * without qemu (compiled only, reported as a skip) would be replayed from the cache after qemu
 * is installed instead of running the tests.
 */
export function emulatorInput(p: Platform, host: Platform): { runtime: string }[] {
  if (host.goos !== 'linux' || p.goos !== 'linux' || runsNatively(p, host.goos, host.goarch)) return [];
  const qemu = qemuProgram(p.goarch);
  return qemu ? [{ runtime: `command -v ${qemu} || echo none` }] : [];
}

export const PLUGIN = '@gocross/nx';
/** The executors whose targets in project.json get the inputs of their options, per platform (see project-json.ts). */
export const HAND_TARGET_EXECUTORS: readonly string[] = [`${PLUGIN}:build`, `${PLUGIN}:test`];

/** Name of the project-level named input holding a platform's Go files, tests included (`gocross-linux-arm64`). */
export const namedInputFor = (p: Platform): string => `gocross-${platformSlug(p)}`;
/** The same without `_test.go` files: what a build reads (`gocross-build-linux-arm64`). */
export const buildInputFor = (p: Platform): string => `gocross-build-${platformSlug(p)}`;
/** Named input excluding the files named for another OS than `goos` (`gocross-os-linux`), shared by that OS's platforms. */
export const osInputFor = (goos: string): string => `gocross-os-${goos}`;
/** Named input excluding the files named for another arch than `goarch` (`gocross-arch-arm64`), shared by that arch's platforms. */
export const archInputFor = (goarch: string): string => `gocross-arch-${goarch}`;
/** Named input with the environment and runtime inputs every Go target of the project has. */
export const ENV_INPUT = 'gocross-env';
/** Named input with the policy files a validate target reads, and its build dependencies' outputs. */
export const POLICY_INPUT = 'gocross-policy';

export function variantOptions(p: Platform): Record<string, string> {
  const v = VARIANT_VARIABLE[p.goarch];
  return v && p.variant !== undefined ? { [v.toLowerCase()]: p.variant } : {};
}

export interface InferredProject {
  targets: Record<string, TargetConfiguration>;
  namedInputs: Record<string, (string | InputDefinition)[]>;
  metadata: Record<string, unknown>;
  /** The platforms of the targets of project.json (ctx.projectTargets) the plugin gave inputs: their named inputs must exist. */
  handPlatforms: Platform[];
}

/** Inputs of a validate target of several platforms: every Go file, the policies and the builds' outputs. */
const validateInputs = (): (string | InputDefinition)[] => ['gocross', '^gocross', POLICY_INPUT, ENV_INPUT];

/**
 * Inputs of a release target: the outputs of the targets it depends on, the extra files, the
 * version the executor labels it with (printed by graph/version.js) and what git and
 * SOURCE_DATE_EPOCH say.
 */
const releaseInputs = (versionScript: string): (string | InputDefinition)[] => [
  { dependentTasksOutputFiles: '**/*', transitive: false },
  ...releaseExtraFileGlobs('{projectRoot}'),
  // the workspace root's licence is packed when the project has none; its README never is
  ...releaseExtraFileGlobs('{workspaceRoot}', 'licence'),
  { runtime: versionCommand(versionScript) },
  { runtime: 'git log -1 --format=%ct 2>/dev/null || echo none' },
  { env: 'SOURCE_DATE_EPOCH' },
];

/**
 * Files an option names (paths, or globs unless `literal`; one or a list), relative to `root`
 * unless they start with `{projectRoot}` or `{workspaceRoot}`: inputs of the target. An absolute
 * path is left out (Nx hashes only the workspace's files).
 */
function optionFileInputs(value: unknown, root: string, literal = false): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
  return list.flatMap((f) => {
    const m = /^(\{(?:projectRoot|workspaceRoot)\})\/*(.*)$/.exec(f.trim());
    const rest = (m ? m[2] : f.trim()).replace(/^(\.\/)+/, '');
    if (!rest || (!m && isAbsolute(rest))) return [];
    return [`${m ? m[1] : root}/${literal ? escapeGlob(rest) : rest}`];
  });
}

/** The build targets a validate or release target names (`buildTarget`, `buildTargets`). */
function buildTargetsOf(o: Record<string, unknown>): string[] {
  return [o.buildTarget, ...(Array.isArray(o.buildTargets) ? o.buildTargets : [])].filter((x): x is string => typeof x === 'string' && x !== '');
}

export interface InferContext {
  /**
   * The npm packages in the targets' cache key (`externalDependencies`): `['@gocross/nx']` when
   * the workspace's lockfile has it, else none. Without this input Nx hashes every npm package.
   */
  externalDependencies?: string[];
  /** Workspace-relative path of cc-identity.js, for the C compiler identity input of cgo targets. */
  ccIdentityScript?: string;
  /**
   * Workspace-relative path of version.js, printing the version in the runtime input of release
   * targets and of builds using `{version}` (default: the one beside this file).
   */
  versionScript?: string;
  /**
   * nx.json's `@gocross/nx:build` target default appends the option outputs to every build
   * target's own (`"..."` and the three entries `init` writes): the inferred targets then leave
   * them out instead of listing them twice.
   */
  optionOutputsFromDefaults?: boolean;
  /**
   * The targets of the module's project.json: those running one of the plugin's cached
   * executors get the inputs of their own options (see project-json.ts).
   */
  projectTargets?: Record<string, ProjectJsonTarget>;
}

/** The options of a build or test target its inputs depend on, besides its platform. */
export interface TargetInputOptions extends BuildFlagOptions, HandSetCompilers {
  cgo?: boolean;
  libc?: string;
  tags?: string[];
}

/**
 * Those options of a target as written in project.json, values of the wrong type left out (Nx
 * refuses them when the target runs; the graph must not fail on them).
 */
export function targetInputOptions(o: Record<string, unknown>): TargetInputOptions {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const out: TargetInputOptions = { cgo: o.cgo === true, libc: str(o.libc), cc: str(o.cc), cxx: str(o.cxx), ldflags: str(o.ldflags), gcflags: str(o.gcflags) };
  if (Array.isArray(o.tags)) out.tags = o.tags.filter((t): t is string => typeof t === 'string');
  if (typeof o.env === 'object' && o.env !== null && !Array.isArray(o.env)) {
    out.env = Object.fromEntries(Object.entries(o.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  return out;
}

/** Whether nx.json's target default for the build executor appends BUILD_OUTPUT_OPTIONS to each build target's outputs. */
export function defaultsAppendOptionOutputs(targetDefaults: Record<string, unknown> | undefined, executor: string): boolean {
  const d = targetDefaults?.[executor] as { outputs?: unknown } | undefined;
  if (!d || Array.isArray(d) || !Array.isArray(d.outputs)) return false;
  const outputs = d.outputs as unknown[];
  return outputs[0] === '...' && BUILD_OUTPUT_OPTIONS.every((o) => outputs.includes(o));
}

export function inferTargets(
  opts: ResolvedProjectOptions,
  /** The module's main packages (the same on every platform), or what its scan says per platform. */
  mainsOrFacts: string[] | ModuleFacts,
  host: Platform,
  /** Every platform of any project in the workspace: named inputs exist for all of them so `^` inputs resolve. */
  allPlatforms: readonly Platform[],
  ctx: InferContext = {},
): InferredProject {
  const t = (name: string): string => `${opts.prefix}${name}`;
  const facts = Array.isArray(mainsOrFacts) ? staticFacts(mainsOrFacts) : mainsOrFacts;
  // The main packages some platform of the matrix builds (a main only for wasm is none of them).
  const built = new Set(opts.platforms.flatMap((p) => facts.mainsFor(p)));
  const mains = facts.mains.filter((m) => built.has(m));
  const library = mains.length === 0;
  const external = { externalDependencies: [...(ctx.externalDependencies ?? [])] };
  const versionScript = ctx.versionScript ?? join(__dirname, 'version.js');
  const targets: Record<string, TargetConfiguration> = {};
  // Everything shared by several targets lives in a named input, once per project: the size of
  // the project configuration (300 modules × 30 targets) is most of what the graph costs Nx.
  const namedInputs: InferredProject['namedInputs'] = {
    gocross: goFileInputs(undefined),
    // The npm packages in the key travel in the named inputs every cached target has (Nx
    // expands named inputs before it looks for an externalDependencies input).
    [ENV_INPUT]: [...envInputs(opts.cgo), external],
    // What a validate target reads besides Go files: the policy files, and the files its build
    // dependencies wrote (the binaries it checks).
    [POLICY_INPUT]: ['{workspaceRoot}/gocross.policy.json', '{projectRoot}/gocross.policy.json', { dependentTasksOutputFiles: '**/*', transitive: false }, external],
  };
  const embeds = allPlatforms.some((p) => facts.embedsFor(p).length > 0 || facts.embedsFor(p, true).length > 0);
  for (const p of allPlatforms) {
    // The exclusions of a platform's OS and of its arch are named inputs of their own, shared by
    // every platform with that OS or arch (the default matrix: seven globs instead of twelve).
    const excluded: string[] = [];
    for (const [name, globs] of [
      [osInputFor(p.goos), osExclusionGlobs(p.goos, '{projectRoot}', embeds)],
      [archInputFor(p.goarch), archExclusionGlobs(p.goarch, '{projectRoot}', embeds)],
    ] as const) {
      if (globs.length === 0) continue;
      namedInputs[name] = globs;
      excluded.push(name);
    }
    namedInputs[namedInputFor(p)] = ['gocross', ...excluded, ...embedInputs(facts.embedsFor(p))];
    namedInputs[buildInputFor(p)] = [namedInputFor(p), '!{projectRoot}/**/*_test.go'];
  }

  const buildOptions = (p: Platform): Record<string, unknown> => {
    const o: Record<string, unknown> = { goos: p.goos, goarch: p.goarch, ...variantOptions(p) };
    const pm = facts.mainsFor(p);
    if (pm.length === 0) o.compileOnly = true;
    else o.main = pm.length === 1 ? pm[0] : [...pm];
    if (opts.cgo) o.cgo = true;
    if (opts.libc) o.libc = opts.libc;
    if (opts.buildmode && pm.length > 0) o.buildmode = opts.buildmode;
    if (opts.tags?.length) o.tags = [...opts.tags];
    Object.assign(o, buildFlagTargetOptions(opts));
    return o;
  };
  // A build reads no test file, of its own module or of its dependencies; tests read their
  // module's test files and the dependencies' non-test files. `o`: the target's options, the
  // project's for inferred targets.
  const platformInputs = (p: Platform, o: TargetInputOptions) => [
    // The project's gocross-env has cgo's variables when the project uses cgo.
    ...(o.cgo === true && !opts.cgo ? cgoEnvInputs() : []),
    ...platformEnvInputs(p, o.cgo === true, { libc: o.libc, script: ctx.ccIdentityScript, cc: o.cc, cxx: o.cxx }),
  ];
  const buildInputs = (p: Platform, o: TargetInputOptions = opts) => [buildInputFor(p), `^${buildInputFor(p)}`, ENV_INPUT, ...platformInputs(p, o), ...placeholderInputs(o, versionScript)];
  const testInputs = (p: Platform, o: TargetInputOptions = opts) => [
    namedInputFor(p),
    ...embedInputs(facts.embedsFor(p, true)),
    `^${buildInputFor(p)}`,
    ENV_INPUT,
    ...platformInputs(p, o),
    ...emulatorInput(p, host),
  ];
  // Per-platform targets carry no metadata: their names say what they do, and `build-all`,
  // `build` and the project's metadata.gocross describe the matrix.
  const buildTarget = (p: Platform): TargetConfiguration => ({
    executor: `${PLUGIN}:build`,
    options: buildOptions(p),
    inputs: buildInputs(p),
    outputs:
      facts.mainsFor(p).length === 0
        ? []
        : [`{workspaceRoot}/dist/{projectRoot}/${defaultOutputDirName(p, opts)}`, ...(ctx.optionOutputsFromDefaults ? [] : BUILD_OUTPUT_OPTIONS)],
    cache: true,
  });

  const slugs: string[] = [];
  for (const p of opts.platforms) {
    const slug = platformSlug(p);
    slugs.push(slug);
    const b = t(`build-${slug}`);
    targets[b] = buildTarget(p);
    targets[t(`validate-${slug}`)] = {
      executor: `${PLUGIN}:validate`,
      options: { buildTarget: b },
      dependsOn: [b],
      // gocross-env: validate runs go vet -asmdecl, whose verdicts are the installed Go's.
      inputs: [namedInputFor(p), `^${namedInputFor(p)}`, POLICY_INPUT, ENV_INPUT],
      outputs: [`{workspaceRoot}/reports/gocross/{projectName}/${slug}`],
      cache: true,
    };
    targets[t(`test-${slug}`)] = {
      executor: `${PLUGIN}:test`,
      // The project's libc too: the tests link with the C toolchain the builds use (and hash).
      options: { goos: p.goos, goarch: p.goarch, ...variantOptions(p), ...(opts.cgo ? { cgo: true, ...(opts.libc ? { libc: opts.libc } : {}) } : {}), ...(opts.tags?.length ? { tags: [...opts.tags] } : {}) },
      inputs: testInputs(p),
      cache: true,
    };
    if (facts.mainsFor(p).length > 0) {
      targets[t(`run-${slug}`)] = {
        executor: `${PLUGIN}:run`,
        options: { buildTarget: b },
        dependsOn: [b],
      };
    }
  }
  const buildTargets = slugs.map((s) => t(`build-${s}`));

  // Host build: same configuration as the matrix entry for this machine when there is one.
  const hostEntry = opts.platforms.find((p) => p.goos === host.goos && p.goarch === host.goarch) ?? host;
  targets[t('build')] = { ...buildTarget(hostEntry), metadata: { description: `Build for this machine (${formatPlatform(hostEntry)})` } };
  if (!library) {
    targets[t('verify-reproducible')] = {
      executor: `${PLUGIN}:verify-reproducible`,
      options: buildOptions(hostEntry),
      dependsOn: [t('build')],
      metadata: { description: `Rebuild ${formatPlatform(hostEntry)} at another path with an empty GOCACHE and compare with the build's sha256` },
    };
  }

  const aliases = archAliases(opts.platforms, `${opts.prefix}build`);
  const aliasNotes: string[] = [];
  const arches = [...new Set(opts.platforms.map((p) => p.goarch))];
  for (const arch of arches) {
    const name = t(`build-${arch}`);
    const pick = aliases.get(name);
    const withArch = opts.platforms.filter((p) => p.goarch === arch);
    if (pick && !targets[name]) {
      // No description: its one dependency says what it is, and build-all's description lists
      // the aliases. Per-project targets are kept small, like the per-platform ones.
      targets[name] = { executor: 'nx:noop', dependsOn: [t(`build-${platformSlug(pick)}`)] };
      if (withArch.length > 1) aliasNotes.push(`${name} → ${formatPlatform(pick)} (the linux entry among ${withArch.map(formatPlatform).join(', ')})`);
    } else if (!pick) {
      aliasNotes.push(`no ${name}: ${withArch.map(formatPlatform).join(', ')} share arch ${arch}; use ${withArch.map((p) => t(`build-${platformSlug(p)}`)).join(' or ')}`);
    }
  }

  targets[t('build-all')] = {
    executor: 'nx:noop',
    dependsOn: buildTargets,
    metadata: {
      description: `Build every platform: ${opts.platforms.map(formatPlatform).join(', ')}${aliasNotes.length ? `. Aliases: ${aliasNotes.join('; ')}` : ''}`,
    },
  };
  targets[t('validate')] = {
    executor: `${PLUGIN}:validate`,
    options: { buildTargets },
    dependsOn: buildTargets,
    inputs: validateInputs(),
    outputs: ['{workspaceRoot}/reports/gocross/{projectName}/all'],
    cache: true,
    metadata: { description: `Validate the builds of every platform` },
  };
  if (!library) {
    // Cached and key-free: the inputs are the validated builds' files, the extra files and the
    // version and commit time git gives. Signing is the separate release-sign task, never cached,
    // so no key is needed for a cache hit and no signature is replayed from the cache.
    targets[t('release')] = {
      executor: `${PLUGIN}:release`,
      options: { buildTargets },
      dependsOn: [...buildTargets, t('validate')],
      inputs: releaseInputs(versionScript),
      outputs: ['{workspaceRoot}/dist/release/{projectRoot}', '{options.outputPath}'],
      cache: true,
      metadata: { description: 'Archives, checksums, SBOMs and provenance of the validated builds (unsigned; see release-sign)' },
    };
    targets[t('release-sign')] = {
      executor: `${PLUGIN}:release`,
      options: { buildTargets, sign: true },
      dependsOn: [t('release')],
      metadata: { description: 'Sign the release: --key <P-256 private key PEM> or --keyEnv <VARIABLE>' },
    };
  }
  targets[t('doctor')] = {
    executor: `${PLUGIN}:doctor`,
    // The project's cgo and libc (gocross.json or nx.json): a platform needs a C toolchain when its build does.
    options: { platforms: opts.platforms.map(formatPlatform), ...(opts.cgo ? { cgo: true } : {}), ...(opts.libc ? { libc: opts.libc } : {}) },
    metadata: { description: 'What can be built, linked with cgo and tested here, per platform' },
  };

  // A release with a smoke gate runs its binaries under qemu-user, and CI=true turns a missing
  // qemu into a failure: both decide what it writes into smoke.json, or whether it releases.
  const smokeInputs = (smoke: unknown): InputDefinition[] => {
    if (!smoke || typeof smoke !== 'object') return [];
    const names = (smoke as { platforms?: unknown }).platforms;
    const selected = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : undefined;
    return [{ env: 'CI' }, ...union(opts.platforms.filter((p) => platformSelected(p, selected)).map((p) => emulatorInput(p, host)))];
  };
  const handPlatforms = ctx.projectTargets
    ? applyProjectJsonTargets(targets, ctx.projectTargets, {
        [`${PLUGIN}:build`]: { perPlatform: true, inputs: (o, p) => buildInputs(p!, targetInputOptions(o)) },
        [`${PLUGIN}:test`]: { perPlatform: true, inputs: (o, p) => testInputs(p!, targetInputOptions(o)) },
        [`${PLUGIN}:validate`]: {
          perPlatform: false,
          inputs: (o, _p, inferred) => [...(inferred?.inputs ?? validateInputs()), ...optionFileInputs(o.files, '{projectRoot}'), ...optionFileInputs(o.policy, '{workspaceRoot}', true)],
          reads: buildTargetsOf,
        },
        [`${PLUGIN}:release`]: {
          perPlatform: false,
          inputs: (o, _p, inferred) => [...(inferred?.inputs ?? releaseInputs(versionScript)), ...optionFileInputs(o.files, '{workspaceRoot}', true), ...smokeInputs(o.smoke)],
          reads: buildTargetsOf,
          skip: (o) => o.sign === true,
        },
      } satisfies Record<string, ExecutorInputs>)
    : [];

  return {
    targets,
    namedInputs,
    handPlatforms,
    metadata: {
      technologies: ['go'],
      gocross: {
        platforms: opts.platforms.map(formatPlatform),
        kind: library ? 'library' : 'application',
        mains,
        aliases: Object.fromEntries([...aliases].map(([k, v]) => [k, formatPlatform(v)])),
        aliasNotes,
      },
    },
  };
}

