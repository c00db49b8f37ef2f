import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { BUILD_TYPE, BUILDER_ID, PROVENANCE_TYPE, STATEMENT_TYPE } from '../manifest/manifest';
import type { ValidationResult } from '../checks/result';
import {
  judgeByManifest,
  planBuildTarget,
  planFile,
  platformFromPath,
  PlanError,
  targetForPath,
  targetSpecFromBuildOptions,
  withPlannedFindings,
  type PlanFs,
} from './plan';

/** An in-memory file system: path → content. */
function memFs(files: Record<string, string>): PlanFs {
  const abs = (p: string) => path.resolve('/', p);
  const map = new Map(Object.entries(files).map(([k, v]) => [abs(k), v]));
  return {
    existsSync: (p) => map.has(abs(p)) || [...map.keys()].some((k) => k.startsWith(abs(p) + '/')),
    readFileSync: (p) => {
      const v = map.get(abs(p));
      if (v === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return v;
    },
    readdirSync: (p) => {
      const dir = abs(p) + '/';
      const names = [...map.keys()].filter((k) => k.startsWith(dir)).map((k) => k.slice(dir.length).split('/')[0]);
      if (names.length === 0) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return [...new Set(names)];
    },
    sha256: (p) => crypto.createHash('sha256').update(map.get(abs(p)) ?? '').digest('hex'),
  };
}
const hex = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

function statement(o: { name: string; content: string; target?: string; cgo?: boolean; libc?: string; buildmode?: string; goarch?: string }): string {
  return JSON.stringify({
    _type: STATEMENT_TYPE,
    subject: [{ name: o.name, digest: { sha256: hex(o.content) } }],
    predicateType: PROVENANCE_TYPE,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: { ...(o.target ? { target: o.target } : {}), options: {} },
        internalParameters: {
          goos: 'linux',
          goarch: o.goarch ?? 'arm64',
          cgo: o.cgo ?? false,
          ...(o.libc ? { libc: o.libc } : {}),
          buildmode: o.buildmode ?? 'exe',
          linkmode: o.cgo ? 'external' : 'internal',
          tags: [],
          trimpath: true,
          goVersion: 'go1.26.0',
        },
      },
      runDetails: { builder: { id: BUILDER_ID } },
    },
  });
}

describe('validate planner', () => {
  const configured = targetSpecFromBuildOptions({ goos: 'linux', goarch: 'arm64' }, { goos: 'linux', goarch: 'arm64' });

  it('judges an artifact by its manifest (a cgo build stays a cgo build), else by the options', () => {
    const fsx = memFs({
      '/ws/dist/app/linux-arm64/app': 'ELF-cgo',
      '/ws/dist/app/linux-arm64/app.intoto.json': statement({ name: 'app', content: 'ELF-cgo', cgo: true }),
      '/ws/dist/b/linux-arm64/b': 'ELF',
    });
    const [a] = planBuildTarget(fsx, { id: 'app:build-linux-arm64', dir: '/ws/dist/app/linux-arm64', files: ['/ws/dist/app/linux-arm64/app'], configured });
    expect(a).toMatchObject({ path: '/ws/dist/app/linux-arm64/app', manifest: '/ws/dist/app/linux-arm64/app.intoto.json', findings: [] });
    expect(a.target).toMatchObject({ cgo: true, libc: 'glibc', linkmode: 'external', platform: { goos: 'linux', goarch: 'arm64' } });
    const [b] = planBuildTarget(fsx, { id: 'b:build-linux-arm64', dir: '/ws/dist/b/linux-arm64', files: ['/ws/dist/b/linux-arm64/b'], configured });
    expect(b.target).toBe(configured);
    expect(b.manifest).toBeUndefined();
  });

  it('a file that is not the one its manifest records is an error finding naming it', () => {
    const fsx = memFs({
      '/ws/dist/app/app': 'replaced',
      '/ws/dist/app/app.intoto.json': statement({ name: 'app', content: 'built' }),
    });
    const j = judgeByManifest(fsx, '/ws/dist/app/app', { display: (p) => path.relative('/ws', p) })!;
    expect(j.findings).toEqual([
      expect.objectContaining({
        checkId: 'input',
        severity: 'error',
        file: 'dist/app/app',
        message: expect.stringMatching(/^dist\/app\/app is not the file its build wrote: sha256 [0-9a-f]{16}… but the manifest app\.intoto\.json records [0-9a-f]{16}… \(replaced or modified after the build\)$/),
      }),
    ]);
    expect(j.findings[0].data).toEqual({ manifest: 'dist/app/app.intoto.json', recorded: hex('built'), actual: hex('replaced') });
  });

  it('a manifest that cannot be parsed stops the plan with one line naming it', () => {
    const fsx = memFs({ '/ws/d/app': 'x', '/ws/d/app.intoto.json': '{"_type": ' });
    expect(() => planFile(fsx, '/ws/d/app', { display: (p) => path.relative('/ws', p) })).toThrow(PlanError);
    expect(() => planFile(fsx, '/ws/d/app', { display: (p) => path.relative('/ws', p) })).toThrow(
      /^d\/app\.intoto\.json: not valid JSON \(.*\); rebuild the artifact or delete the manifest$/,
    );
  });

  it('the manifests of the target in its directory name what was built (c-archive after an override), others are not taken', () => {
    const fsx = memFs({
      '/ws/dist/l/libx.a': 'AR',
      '/ws/dist/l/libx.a.intoto.json': statement({ name: 'libx.a', content: 'AR', target: 'l:build-lib', cgo: true, buildmode: 'c-archive' }),
      '/ws/dist/l/other': 'O',
      '/ws/dist/l/other.intoto.json': statement({ name: 'other', content: 'O', target: 'l:build-other' }),
    });
    const planned = planBuildTarget(fsx, { id: 'l:build-lib', dir: '/ws/dist/l', files: ['/ws/dist/l/libx.so'], configured });
    expect(planned.map((a) => [a.path, a.target.buildmode])).toEqual([['/ws/dist/l/libx.a', 'c-archive']]);
    // Judged as what was built, expected where the target's directory says.
    const amd64 = targetSpecFromBuildOptions({ goos: 'linux', goarch: 'amd64' }, { goos: 'linux', goarch: 'amd64' });
    const [x] = planBuildTarget(fsx, { id: 'l:build-lib', dir: '/ws/dist/l', files: [], configured: amd64 });
    expect([x.target.platform, x.expectedPlatform]).toEqual([{ goos: 'linux', goarch: 'arm64' }, { goos: 'linux', goarch: 'amd64' }]);
  });

  it('what is stated is the expectation: a manifest that disagrees is an error naming both, and the statement is judged', () => {
    const fsx = memFs({ '/d/app': 'x', '/d/app.intoto.json': statement({ name: 'app', content: 'x', cgo: true, target: 'app:build-linux-arm64-cgo' }) });
    const agreed = planFile(fsx, '/d/app', { stated: { platform: { goos: 'linux', goarch: 'arm64' }, cgo: true, libc: 'glibc' } })!;
    expect(agreed.findings).toEqual([]);
    expect(agreed.target).toMatchObject({ cgo: true, libc: 'glibc', linkmode: 'external', platform: { goos: 'linux', goarch: 'arm64' } });
    expect(planFile(fsx, '/d/app', {})!.target).toEqual(agreed.target);

    const musl = planFile(fsx, '/d/app', { stated: { cgo: true, libc: 'musl', buildmode: 'pie' } })!;
    expect(musl.target).toMatchObject({ cgo: true, libc: 'musl', buildmode: 'pie', platform: { goos: 'linux', goarch: 'arm64' } });
    expect(musl.target.linkmode).toBeUndefined();
    expect(musl.findings).toEqual([
      {
        checkId: 'input',
        severity: 'error',
        file: '/d/app',
        message: '/d/app was built as linux/arm64 cgo glibc according to its manifest app.intoto.json; --libc musl expects musl; --buildmode pie expects -buildmode=pie',
        fix: 'rebuild it with libc: musl, buildmode: pie (options of its build target app:build-linux-arm64-cgo), or leave out --libc musl --buildmode pie if the build the manifest records is the intended one',
        data: { manifest: '/d/app.intoto.json', built: 'linux/arm64 cgo glibc', stated: ['--libc musl', '--buildmode pie'] },
      },
    ]);

    const other = planFile(fsx, '/d/app', { stated: { platform: { goos: 'linux', goarch: 'amd64' }, cgo: false } })!;
    expect(other.target).toMatchObject({ cgo: false, platform: { goos: 'linux', goarch: 'amd64' } });
    expect(other.findings?.[0].message).toBe(
      '/d/app was built as linux/arm64 cgo glibc according to its manifest app.intoto.json; --platform linux/amd64 expects a linux/amd64 binary; --no-cgo expects a build without cgo',
    );
    // --libc alone says nothing about a build without cgo.
    const plain = memFs({ '/d/app': 'x', '/d/app.intoto.json': statement({ name: 'app', content: 'x' }) });
    expect(planFile(plain, '/d/app', { stated: { libc: 'musl' } })!.findings).toEqual([]);
    // A variant stated for a build that records none is what the checks judge (buildinfo compares GOARM64).
    const v9 = planFile(plain, '/d/app', { stated: { platform: { goos: 'linux', goarch: 'arm64', variant: 'v9.0' } } })!;
    expect([v9.findings, v9.target.platform]).toEqual([[], { goos: 'linux', goarch: 'arm64', variant: 'v9.0' }]);
  });

  it('without a manifest: the statement, else the build info expected on the platform the path names, else the path', () => {
    const bare = memFs({ '/d/app': 'x' });
    const amd64 = { platform: { goos: 'linux', goarch: 'amd64', variant: 'v1' }, cgo: false, buildmode: 'exe' as const };
    const arm64Dir = { platform: { goos: 'linux', goarch: 'arm64' }, cgo: false, buildmode: 'exe' as const };
    expect(planFile(bare, '/d/app', { stated: { platform: { goos: 'linux', goarch: 'riscv64' } }, fromBuildInfo: () => amd64, fromPath: arm64Dir })!.target.platform).toEqual({
      goos: 'linux',
      goarch: 'riscv64',
    });
    expect(planFile(bare, '/d/app', { fromBuildInfo: () => amd64, fromPath: arm64Dir })!.target.platform).toEqual({ goos: 'linux', goarch: 'arm64' });
    // The variant the build records stays when the path names the same arch without one.
    const amd64Dir = { ...arm64Dir, platform: { goos: 'linux', goarch: 'amd64' } };
    expect(planFile(bare, '/d/app', { fromBuildInfo: () => amd64, fromPath: amd64Dir })!.target.platform).toEqual(amd64.platform);
    expect(planFile(bare, '/d/app', { fromBuildInfo: () => amd64, stated: { cgo: true } })!.target).toMatchObject({ ...amd64, cgo: true, libc: 'glibc' });
    expect(planFile(bare, '/d/app', { fromBuildInfo: () => undefined, fromPath: arm64Dir })!.target).toEqual(arm64Dir);
    expect(planFile(bare, '/d/app', {})).toBeUndefined();
  });

  it('platformFromPath reads gocross directories with their suffixes and goreleaser directories', () => {
    expect(platformFromPath('dist/apps/api/linux-arm64-musl/api')).toEqual({ goos: 'linux', goarch: 'arm64' });
    expect(platformFromPath('dist/apps/api/linux-arm-7-cgo-c-shared/api.so')).toEqual({ goos: 'linux', goarch: 'arm', variant: '7' });
    expect(platformFromPath('dist/apps/api/linux-amd64-pie/api')).toEqual({ goos: 'linux', goarch: 'amd64' });
    expect(platformFromPath('dist/app_linux_arm_7/app')).toEqual({ goos: 'linux', goarch: 'arm', variant: '7' });
    expect(platformFromPath('dist/apps/api/api')).toBeUndefined();
    const musl = targetSpecFromBuildOptions({ goos: 'linux', goarch: 'arm64', cgo: true, libc: 'musl' }, { goos: 'linux', goarch: 'arm64' });
    expect(targetForPath('prebuilt/linux-arm64-musl/x', [configured, musl])).toBe(musl);
    expect(targetForPath('prebuilt/linux-arm64/x', [configured, musl])).toBe(configured);
  });

  it('withPlannedFindings adds the planner findings to their artifact and recounts', () => {
    const result = {
      artifacts: [{ path: '/d/app', file: 'd/app', findings: [] }],
      sources: [],
      findings: [],
      counts: { error: 0, warn: 0, total: 0, artifacts: 1, checksRun: 3 },
    } as unknown as ValidationResult;
    const f = { checkId: 'input', severity: 'error' as const, message: 'm', fix: 'f', file: 'x' };
    const out = withPlannedFindings(result, [{ path: '/d/app', target: configured, findings: [f] }]);
    expect(out.artifacts[0].findings).toEqual([{ ...f, file: 'd/app' }]);
    expect(out.counts).toEqual({ error: 1, warn: 0, total: 1, artifacts: 1, checksRun: 3 });
  });
});
