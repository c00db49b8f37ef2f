import { buildFlagTargetOptions, placeholderInputs, resolveBuildFlags } from './build-flags';
import { resolveProjectOptions } from './options';
import { inferTargets } from './targets';

describe('build flags of the plugin options and gocross.json', () => {
  it('takes gocross.json values over nx.json ones, per key', () => {
    expect(resolveBuildFlags({ ldflags: '-s', gcflags: 'all=-l', env: { A: '1' } }, { ldflags: '-X main.v={version}' })).toEqual({
      ldflags: '-X main.v={version}',
      gcflags: 'all=-l',
      env: { A: '1' },
    });
    expect(resolveBuildFlags(undefined, undefined)).toEqual({});
    expect(resolveBuildFlags({ ldflags: '-s', env: { A: '1' } }, { ldflags: '  ', env: {} })).toEqual({});
  });

  it('adds a runtime input only when a placeholder is used', () => {
    expect(placeholderInputs({ ldflags: '-s -w' }, 'version.js')).toEqual([]);
    expect(placeholderInputs({ ldflags: '-X main.v={version}', tags: ['x{commitDate}'] }, 'node_modules/@gocross/nx/dist/graph/version.js')).toEqual([
      { runtime: 'node "node_modules/@gocross/nx/dist/graph/version.js" && git log -1 --format=%cI' },
    ]);
    expect(buildFlagTargetOptions({ ldflags: '-s', env: { A: 'b' } })).toEqual({ ldflags: '-s', env: { A: 'b' } });
  });

  it('reach the inferred build targets (options and inputs)', () => {
    const opts = resolveProjectOptions({ platforms: ['linux/arm64'], gcflags: 'all=-N' }, { ldflags: '-X main.version={version}' }, 'app/gocross.json');
    const { targets } = inferTargets(opts, ['.'], { goos: 'linux', goarch: 'amd64' }, opts.platforms);
    const b = targets['build-linux-arm64'];
    expect(b.options).toMatchObject({ ldflags: '-X main.version={version}', gcflags: 'all=-N' });
    expect(b.inputs).toContainEqual({ runtime: expect.stringMatching(/^node ".*version\.js"$/) });
    const plain = resolveProjectOptions({ platforms: ['linux/arm64'] }, undefined, 'x');
    const t2 = inferTargets(plain, ['.'], { goos: 'linux', goarch: 'amd64' }, plain.platforms).targets['build-linux-arm64'];
    expect(t2.options).not.toHaveProperty('ldflags');
    expect(JSON.stringify(t2.inputs)).not.toContain('git ');
  });
});

describe('verify-reproducible target', () => {
  it('an application gets one, with the host build options, after build; a library none', () => {
    const opts = resolveProjectOptions({ platforms: ['linux/amd64', 'linux/arm64'], ldflags: '-s' }, undefined, 'x');
    const { targets } = inferTargets(opts, ['.'], { goos: 'linux', goarch: 'amd64' }, opts.platforms);
    expect(targets['verify-reproducible']).toEqual({
      executor: '@gocross/nx:verify-reproducible',
      options: targets['build'].options,
      dependsOn: ['build'],
      metadata: { description: "Rebuild linux/amd64 at another path with an empty GOCACHE and compare with the build's sha256" },
    });
    expect(inferTargets(opts, [], { goos: 'linux', goarch: 'amd64' }, opts.platforms).targets['verify-reproducible']).toBeUndefined();
  });
});
