import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildFixture, compileC, HELLO, REPRO } from '../../checks/test-utils/fixtures';
import { haveTools, itIf } from '../../test-utils/gates';
import type { TimedValidationResult } from '../../report';
import * as crypto from 'node:crypto';
import { BUILD_TYPE, BUILDER_ID, PROVENANCE_TYPE, STATEMENT_TYPE } from '../../manifest/manifest';
import { matchGlobs, planValidation, runValidation, targetSpecFromBuildOptions } from './executor';

function context(root: string, targets: Record<string, { options: Record<string, unknown>; configurations?: Record<string, Record<string, unknown>> }>): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName: 'api',
    targetName: 'validate',
    projectsConfigurations: {
      version: 2,
      projects: {
        api: { root: 'apps/api', targets: Object.fromEntries(Object.entries(targets).map(([k, v]) => [k, { executor: '@gocross/nx:build', ...v }])) },
      },
    },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as unknown as ExecutorContext;
}

const TARGETS = {
  'build-linux-arm64': { options: { goos: 'linux', goarch: 'arm64' } },
  'build-linux-amd64': { options: { goos: 'linux', goarch: 'amd64' } },
  'build-linux-riscv64': { options: { goos: 'linux', goarch: 'riscv64' } },
};

describe('validate executor', () => {
  let root: string;
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-validate-'));
    const proj = path.join(root, 'apps/api');
    fs.mkdirSync(proj, { recursive: true });
    for (const [f, c] of Object.entries(HELLO)) fs.writeFileSync(path.join(proj, f), c);
    for (const arch of ['arm64', 'amd64']) {
      const built = buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: arch }, args: REPRO });
      const dest = path.join(root, 'dist/apps/api', `linux-${arch}`, 'hello');
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(built, dest);
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(() => {
    logs.length = 0;
    fs.rmSync(path.join(root, 'apps/api/gocross.policy.json'), { force: true });
  });

  it('validates a build target\'s artifact and writes the reports under reports/gocross/<project>/<slug>', async () => {
    const r = await runValidation({ buildTarget: 'build-linux-arm64', formats: ['text', 'json', 'sarif', 'junit'] }, context(root, TARGETS), log);
    expect(r.success).toBe(true);
    expect(r.result!.artifacts.map((a) => a.file)).toEqual(['dist/apps/api/linux-arm64/hello']);
    expect(r.result!.counts.total).toBe(0);
    const dir = path.join(root, 'reports/gocross/api/linux-arm64');
    expect(r.reports).toHaveLength(4);
    for (const f of r.reports) {
      expect(path.dirname(f)).toBe(dir);
      expect(fs.statSync(f).size).toBeGreaterThan(0);
    }
    const json = JSON.parse(fs.readFileSync(r.reports.find((f) => f.endsWith('.json'))!, 'utf8'));
    expect(JSON.stringify(json)).toContain('dist/apps/api/linux-arm64/hello');
    expect(logs.join('\n')).toMatch(/^ok +dist\/apps\/api\/linux-arm64\/hello .*\d+ checks passed$/m);
  });

  it('several build targets go to the "all" report dir; project policy applies; failOn decides success', async () => {
    fs.writeFileSync(path.join(root, 'apps/api/gocross.policy.json'), JSON.stringify({ checks: { 'build-id': ['warn', { require: 'present' }] } }));
    const ctx = context(root, TARGETS);
    const opts = { buildTargets: ['build-linux-arm64', 'build-linux-amd64'], formats: ['json' as const] };
    const warnOnly = await runValidation(opts, ctx, log);
    expect(warnOnly.success).toBe(true);
    expect(warnOnly.result!.counts).toMatchObject({ warn: 2, error: 0, artifacts: 2 });
    expect(warnOnly.result!.policySources).toEqual(['apps/api/gocross.policy.json']);
    expect(warnOnly.reports).toEqual([path.join(root, 'reports/gocross/api/all/gocross.json')]);
    expect(logs.join('\n')).toMatch(/^WARN +dist\/apps\/api\/linux-amd64\/hello[^\n]*\n +warn +build-id +has no Go build id/m);
    expect((await runValidation({ ...opts, failOn: 'warn' }, ctx, log)).success).toBe(false);
    expect((await runValidation({ ...opts, failOn: 'never' }, ctx, log)).success).toBe(true);
  });

  it('a build target whose artifact was never built fails with a clear input error', async () => {
    const r = await runValidation({ buildTarget: 'build-linux-riscv64' }, context(root, TARGETS), log);
    expect(r.success).toBe(false);
    expect(r.result!.findings).toEqual([
      expect.objectContaining({ checkId: 'input', message: 'cannot open dist/apps/api/linux-riscv64/hello: no such file' }),
    ]);
  });

  it('a bad policy file fails before validating, naming the JSON path', async () => {
    fs.writeFileSync(path.join(root, 'apps/api/gocross.policy.json'), '{"checks": {"glibc-version": ["error", {"max": 2.17}]}}');
    const r = await runValidation({ buildTarget: 'build-linux-arm64' }, context(root, TARGETS), log);
    expect(r.success).toBe(false);
    expect(r.error).toBe('apps/api/gocross.policy.json: $.checks["glibc-version"][1].max: expected a string, got number 2.17');
  });

  itIf(haveTools('gcc', 'ar'))('prebuilt files matched by globs get the platform of their directory', async () => {
    const a = compileC('gcc', 'int vendored(void) { return 1; }\n', 'libvendor.a');
    const dest = path.join(root, 'apps/api/prebuilt/linux-arm64/libvendor.a');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(a, dest);
    try {
      const r = await runValidation(
        { buildTargets: ['build-linux-arm64', 'build-linux-amd64'], files: ['prebuilt/**/*.a'] },
        context(root, TARGETS),
        log,
      );
      expect(r.success).toBe(false);
      const art = r.result!.artifacts.find((x) => x.file.endsWith('libvendor.a'))!;
      expect(art.target.platform).toEqual({ goos: 'linux', goarch: 'arm64' });
      expect(art.findings.map((f) => f.message)).toEqual(['member x.o is an amd64 ELF object, target is linux/arm64']);
    } finally {
      fs.rmSync(path.join(root, 'apps/api/prebuilt'), { recursive: true, force: true });
    }
  });

  itIf(haveTools('go'))('a library (compileOnly) gets the source checks, go vet -asmdecl included, per platform', async () => {
    const lib = path.join(root, 'libs/m');
    fs.mkdirSync(lib, { recursive: true });
    fs.writeFileSync(path.join(lib, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
    fs.writeFileSync(path.join(lib, 'decl_amd64.go'), 'package m\n\nfunc Add(a, b int64) int64\n');
    fs.writeFileSync(path.join(lib, 'generic.go'), '//go:build !amd64\n\npackage m\n\nfunc Add(a, b int64) int64 { return a + b }\n');
    fs.writeFileSync(
      path.join(lib, 'add_amd64.s'),
      '#include "textflag.h"\n\nTEXT ·Add(SB),NOSPLIT,$0-16\n\tMOVQ a+0(FP), AX\n\tADDQ b+8(FP), AX\n\tMOVQ AX, ret+16(FP)\n\tRET\n',
    );
    const ctx = context(root, {});
    (ctx.projectsConfigurations.projects as Record<string, unknown>).m = {
      root: 'libs/m',
      targets: {
        'build-linux-amd64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'amd64', compileOnly: true } },
        'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', compileOnly: true } },
      },
    };
    ctx.projectName = 'm';
    const r = await runValidation({ buildTargets: ['build-linux-amd64', 'build-linux-arm64'], formats: ['text', 'json'] }, ctx, log);
    expect(r.result!.artifacts).toEqual([]);
    expect(r.result!.sources.map((s) => s.target.platform.goarch)).toEqual(['amd64', 'arm64']);
    const asm = r.result!.findings.filter((f) => f.checkId === 'asmdecl');
    expect(asm).toEqual([expect.objectContaining({ severity: 'error', file: 'libs/m/add_amd64.s', message: expect.stringMatching(/wrong argument size 16; expected \$\.\.\.-24/) })]);
    expect(r.success).toBe(false);
    // Only linux/amd64 builds assembly: vet runs there, on the package that has it, and says
    // which platform it skipped; the run says what it does, then how long it took.
    expect(logs).toContain('go vet -asmdecl: 1 of 2 GOOS/GOARCH pairs build assembly (linux/amd64), vetted up to 1 at a time; 1 skipped as having no assembly (linux/arm64)');
    const vetLines = logs.filter((l) => l.startsWith('go vet -asmdecl for '));
    expect(vetLines).toEqual([
      expect.stringMatching(/^go vet -asmdecl for linux\/amd64: checking the assembly in \S*libs\/m \(package \.\) against its Go declarations…$/),
      expect.stringMatching(/^go vet -asmdecl for linux\/amd64: 1 diagnostic in \d+ ms$/),
    ]);
    const took = Number(/in (\d+) ms$/.exec(vetLines[1])![1]);
    // The time of the validation includes vet: the text summary, the result and the JSON report.
    const timing = (r.result as TimedValidationResult).timing!;
    expect(timing.vet).toEqual([{ platform: 'linux/amd64', durationMs: took }]);
    expect(timing.vetMs).toBeGreaterThanOrEqual(took);
    expect(r.result!.durationMs).toBeCloseTo(timing.checksMs + timing.vetMs, 6);
    expect(logs.join('\n')).toMatch(new RegExp(`go vet -asmdecl ${timing.vetMs} ms of it \\(linux/amd64 ${took} ms\\)\\)`));
    const json = JSON.parse(fs.readFileSync(path.join(root, 'reports/gocross/m/all/gocross.json'), 'utf8'));
    expect(json.timing).toMatchObject({ vetMs: timing.vetMs, vet: timing.vet });
    expect(json.summary.durationMs).toBeGreaterThanOrEqual(timing.vetMs);
  });

  it('planValidation: artifacts with manifests of the build target are judged by them, one source target per build', () => {
    const ctx = context(root, { 'build-linux-arm64': { options: { goos: 'linux', goarch: 'arm64', main: ['cmd/a', 'cmd/b'] } } });
    const dir = path.join(root, 'dist/apps/api/linux-arm64');
    fs.mkdirSync(dir, { recursive: true });
    for (const name of ['a', 'b']) {
      fs.writeFileSync(path.join(dir, name), `binary ${name}`);
      const digest = crypto.createHash('sha256').update(`binary ${name}`).digest('hex');
      fs.writeFileSync(
        path.join(dir, `${name}.intoto.json`),
        JSON.stringify({
          _type: STATEMENT_TYPE,
          predicateType: PROVENANCE_TYPE,
          subject: [{ name, digest: { sha256: digest } }],
          predicate: {
            buildDefinition: {
              buildType: BUILD_TYPE,
              externalParameters: { target: 'api:build-linux-arm64', options: {} },
              internalParameters: { goos: 'linux', goarch: 'arm64', cgo: true, buildmode: 'exe', linkmode: 'external', tags: [], goVersion: 'go1.26.0' },
            },
            runDetails: { builder: { id: BUILDER_ID } },
          },
        }),
      );
    }
    try {
      const p = planValidation({ buildTarget: 'build-linux-arm64' }, ctx);
      expect(p.artifacts.map((a) => [path.basename(a.path), a.target.cgo, a.manifest && path.basename(a.manifest)])).toEqual([
        ['a', true, 'a.intoto.json'],
        ['b', true, 'b.intoto.json'],
      ]);
      expect(p.targets).toEqual([expect.objectContaining({ cgo: true, libc: 'glibc' })]);
      expect(p.reportsDir).toBe(path.join(root, 'reports/gocross/api/linux-arm64'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('planValidation: project:target references, configurations, unknown targets', () => {
    const ctx = context(root, {
      'build-linux-arm': { options: { goos: 'linux', goarch: 'arm', goarm: '6' }, configurations: { v7: { goarm: '7', cgo: true } } },
    });
    const p = planValidation({ buildTarget: 'api:build-linux-arm:v7' }, ctx);
    expect(p.targets[0]).toMatchObject({ platform: { goos: 'linux', goarch: 'arm', variant: '7' }, cgo: true, libc: 'glibc', linkmode: 'external' });
    expect(p.artifacts[0].path).toBe(path.join(root, 'dist/apps/api/linux-arm-7-cgo/hello'));
    expect(p.reportsDir).toBe(path.join(root, 'reports/gocross/api/linux-arm-7'));
    expect(() => planValidation({ buildTarget: 'build-nope' }, ctx)).toThrow('validate: build target "api:build-nope" not found');
  });

  it('targetSpecFromBuildOptions: link mode from cgo, buildmode and -linkmode', () => {
    const p = { goos: 'linux', goarch: 'amd64' };
    expect(targetSpecFromBuildOptions({ ...p }, p)).toMatchObject({ cgo: false, linkmode: 'internal', buildmode: 'exe', trimpath: true });
    expect(targetSpecFromBuildOptions({ ...p, cgo: true, libc: 'musl' }, p)).toMatchObject({ cgo: true, libc: 'musl', linkmode: 'external' });
    expect(targetSpecFromBuildOptions({ ...p, ldflags: '-s -linkmode=external' }, p).linkmode).toBe('external');
    expect(targetSpecFromBuildOptions({ ...p, cgo: true, ldflags: '-linkmode internal' }, p).linkmode).toBe('internal');
    expect(targetSpecFromBuildOptions({ ...p, buildmode: 'c-shared', cgo: true, tags: ['netgo'] }, p)).toMatchObject({ linkmode: 'external', tags: ['netgo'] });
  });

  it('matchGlobs: *, ** and {a,b}', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-glob-'));
    for (const f of ['a.syso', 'x/b.a', 'x/y/c.a', 'x/y/d.txt', '.git/e.a']) {
      fs.mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
      fs.writeFileSync(path.join(d, f), '');
    }
    expect(matchGlobs(d, ['**/*.a'])).toEqual(['x/b.a', 'x/y/c.a']);
    expect(matchGlobs(d, ['*.{syso,a}'])).toEqual(['a.syso']);
    expect(matchGlobs(d, ['x/*/?.a'])).toEqual(['x/y/c.a']);
    fs.rmSync(d, { recursive: true });
  });
});
