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
 *   verify-reproducible    @gocross/nx:verify-reproducible of build (modules with a main package)
 */
import type { TargetConfiguration } from '@nx/devkit';

type InputDefinition = Exclude<NonNullable<TargetConfiguration['inputs']>[number], string>;
import { archAliases } from '../platforms/env';
import { formatPlatform, platformSlug } from '../platforms/platform';
import { Platform, VARIANT_VARIABLE } from '../platforms/types';
import { envInputs, goFileInputs, platformEnvInputs, platformExclusionGlobs } from './inputs';
import type { ResolvedProjectOptions } from './options';
import { buildFlagTargetOptions, placeholderInputs } from './build-flags';
import { QEMU_BY_GOARCH, runsNatively } from '../executors/test/qemu';
import { BUILD_OUTPUT_OPTIONS, defaultOutputDirName } from '../executors/build/outputs';

/**
 * A runtime input naming the qemu-user program that runs `p`'s tests on this Linux host, or
 * nothing when the tests run natively or no qemu could serve them. Without it a test target run
 * without qemu (compiled only, reported as a skip) would be replayed from the cache after qemu
 * is installed instead of running the tests.
 */
export function emulatorInput(p: Platform, host: Platform): { runtime: string }[] {
  if (host.goos !== 'linux' || p.goos !== 'linux' || runsNatively(p, host.goos, host.goarch)) return [];
  const suffix = QEMU_BY_GOARCH[p.goarch];
  return suffix ? [{ runtime: `command -v qemu-${suffix} || echo none` }] : [];
}

export const PLUGIN = '@gocross/nx';

/** Name of the project-level named input holding a platform's Go files, tests included (`gocross-linux-arm64`). */
export const namedInputFor = (p: Platform): string => `gocross-${platformSlug(p)}`;
/** The same without `_test.go` files: what a build reads (`gocross-build-linux-arm64`). */
export const buildInputFor = (p: Platform): string => `gocross-build-${platformSlug(p)}`;
/** Named input with the environment and runtime inputs every Go target of the project has. */
export const ENV_INPUT = 'gocross-env';
/** Named input with the policy files a validate target reads. */
export const POLICY_INPUT = 'gocross-policy';

export function variantOptions(p: Platform): Record<string, string> {
  const v = VARIANT_VARIABLE[p.goarch];
  return v && p.variant !== undefined ? { [v.toLowerCase()]: p.variant } : {};
}

export interface InferredProject {
  targets: Record<string, TargetConfiguration>;
  namedInputs: Record<string, (string | InputDefinition)[]>;
  metadata: Record<string, unknown>;
}

export function inferTargets(
  opts: ResolvedProjectOptions,
  mains: string[],
  host: Platform,
  /** Every platform of any project in the workspace: named inputs exist for all of them so `^` inputs resolve. */
  allPlatforms: readonly Platform[],
): InferredProject {
  const t = (name: string): string => `${opts.prefix}${name}`;
  const library = mains.length === 0;
  const targets: Record<string, TargetConfiguration> = {};
  // Everything shared by several targets lives in a named input, once per project: the size of
  // the project configuration (300 modules × 30 targets) is most of what the graph costs Nx.
  const namedInputs: InferredProject['namedInputs'] = {
    gocross: goFileInputs(undefined),
    [ENV_INPUT]: envInputs(opts.cgo),
    [POLICY_INPUT]: ['{workspaceRoot}/gocross.policy.json', '{projectRoot}/gocross.policy.json'],
  };
  for (const p of allPlatforms) {
    namedInputs[namedInputFor(p)] = ['gocross', ...platformExclusionGlobs(p)];
    namedInputs[buildInputFor(p)] = [namedInputFor(p), '!{projectRoot}/**/*_test.go'];
  }

  const buildOptions = (p: Platform): Record<string, unknown> => {
    const o: Record<string, unknown> = { goos: p.goos, goarch: p.goarch, ...variantOptions(p) };
    if (library) o.compileOnly = true;
    else o.main = mains.length === 1 ? mains[0] : [...mains];
    if (opts.cgo) o.cgo = true;
    if (opts.libc) o.libc = opts.libc;
    if (opts.buildmode && !library) o.buildmode = opts.buildmode;
    if (opts.tags?.length) o.tags = [...opts.tags];
    Object.assign(o, buildFlagTargetOptions(opts, library));
    return o;
  };
  // A build reads no test file, of its own module or of its dependencies; tests read their
  // module's test files and the dependencies' non-test files.
  const buildInputs = (p: Platform) => [buildInputFor(p), `^${buildInputFor(p)}`, ENV_INPUT, ...platformEnvInputs(p, opts.cgo), ...placeholderInputs(opts)];
  const testInputs = (p: Platform) => [namedInputFor(p), `^${buildInputFor(p)}`, ENV_INPUT, ...platformEnvInputs(p, opts.cgo), ...emulatorInput(p, host)];
  // Per-platform targets carry no metadata: their names say what they do, and `build-all`,
  // `build` and the project's metadata.gocross describe the matrix.
  const buildTarget = (p: Platform): TargetConfiguration => ({
    executor: `${PLUGIN}:build`,
    options: buildOptions(p),
    inputs: buildInputs(p),
    outputs: library ? [] : [`{workspaceRoot}/dist/{projectRoot}/${defaultOutputDirName(p, opts)}`, ...BUILD_OUTPUT_OPTIONS],
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
      inputs: [namedInputFor(p), `^${namedInputFor(p)}`, { dependentTasksOutputFiles: '**/*', transitive: false }, POLICY_INPUT],
      outputs: [`{workspaceRoot}/reports/gocross/{projectName}/${slug}`],
      cache: true,
    };
    targets[t(`test-${slug}`)] = {
      executor: `${PLUGIN}:test`,
      options: { goos: p.goos, goarch: p.goarch, ...variantOptions(p), ...(opts.cgo ? { cgo: true } : {}), ...(opts.tags?.length ? { tags: [...opts.tags] } : {}) },
      inputs: testInputs(p),
      cache: true,
    };
    if (!library) {
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
      cache: false,
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
      targets[name] = {
        executor: 'nx:noop',
        dependsOn: [t(`build-${platformSlug(pick)}`)],
        cache: false,
        metadata: { description: `Alias of ${t(`build-${platformSlug(pick)}`)}` },
      };
      if (withArch.length > 1) aliasNotes.push(`${name} → ${formatPlatform(pick)} (the linux entry among ${withArch.map(formatPlatform).join(', ')})`);
    } else if (!pick) {
      aliasNotes.push(`no ${name}: ${withArch.map(formatPlatform).join(', ')} share arch ${arch}; use ${withArch.map((p) => t(`build-${platformSlug(p)}`)).join(' or ')}`);
    }
  }

  targets[t('build-all')] = {
    executor: 'nx:noop',
    dependsOn: buildTargets,
    cache: false,
    metadata: {
      description: `Build every platform: ${opts.platforms.map(formatPlatform).join(', ')}${aliasNotes.length ? `. Aliases: ${aliasNotes.join('; ')}` : ''}`,
    },
  };
  targets[t('validate')] = {
    executor: `${PLUGIN}:validate`,
    options: { buildTargets },
    dependsOn: buildTargets,
    inputs: ['gocross', '^gocross', { dependentTasksOutputFiles: '**/*', transitive: false }, POLICY_INPUT],
    outputs: ['{workspaceRoot}/reports/gocross/{projectName}/all'],
    cache: true,
    metadata: { description: `Validate the builds of every platform` },
  };
  targets[t('doctor')] = {
    executor: `${PLUGIN}:doctor`,
    // The project's cgo and libc (gocross.json or nx.json): a platform needs a C toolchain when its build does.
    options: { platforms: opts.platforms.map(formatPlatform), ...(opts.cgo ? { cgo: true } : {}), ...(opts.libc ? { libc: opts.libc } : {}) },
    cache: false,
    metadata: { description: 'What can be built, linked with cgo and tested here, per platform' },
  };

  return {
    targets,
    namedInputs,
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

