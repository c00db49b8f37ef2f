/**
 * The validate executor end to end: binaries built for real by the build executor pass with
 * zero findings; wrong artifacts (an amd64 binary where arm64 was asked for, an x86-64 object
 * inside an archive of an arm64 project, an unguarded assembly file) fail with the id of the
 * check that caught them, and the reports land on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  copyModule,
  describeRun,
  expectSuccess,
  nx,
  nxTaskFromCache,
  realGo,
  requireTool,
  run,
  showProject,
  uniqueName,
  workspaceRoot,
  writeFile,
} from './utils';
import { all, haveTools, hostIs, itIf } from '../plugin/src/test-utils/gates';

/** The parts of the JSON report (schemaVersion 1) these tests read. */
interface JsonReport {
  schemaVersion: number;
  ok: boolean;
  summary: { errors: number; warnings: number; findings: number; artifacts: number; checksRun: number };
  artifacts: { file: string; platform: string; kind: string; findings: { checkId: string; severity: string }[]; checksRun: string[] }[];
  sources: { platform: string }[];
}

const allFindings = (r: JsonReport) => r.artifacts.flatMap((a) => a.findings);

describe('validate', () => {
  let ws: string;
  let project: string;
  let root: string;

  const reportOf = (slug: string, name = 'gocross.json'): string =>
    path.join(ws, 'reports', 'gocross', project, slug, name);

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('hello-val');
    root = copyModule('apps/hello', `apps/${project}`);
    const targets = {
      'build-arm64x': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64' } },
      'validate-good': {
        executor: '@gocross/nx:validate',
        options: { buildTarget: 'build-arm64x', formats: ['json', 'sarif', 'junit', 'text'] },
      },
      'validate-wrong-arch': {
        executor: '@gocross/nx:validate',
        options: { buildTarget: 'build-arm64x', files: ['prebuilt/linux-arm64/*'], reportsDir: `reports/gocross/${project}/wrong-arch` },
      },
      'build-rpath': {
        executor: '@gocross/nx:build',
        options: {
          goos: 'linux',
          goarch: 'amd64',
          cgo: true,
          main: './cmd/cgohello',
          ldflags: "-extldflags '-Wl,-rpath,/tmp/gocross-evil-lib'",
          outputDir: `dist/${project}/rpath`,
        },
      },
      'validate-rpath': {
        executor: '@gocross/nx:validate',
        options: { buildTarget: 'build-rpath', reportsDir: `reports/gocross/${project}/rpath`, formats: ['json'] },
      },
      'validate-sources': {
        executor: '@gocross/nx:validate',
        options: { buildTarget: 'build-arm64x', reportsDir: `reports/gocross/${project}/sources`, formats: ['json'] },
      },
      'validate-archive': {
        executor: '@gocross/nx:validate',
        options: { buildTarget: 'build-arm64x', files: ['third_party/*.a'], reportsDir: `reports/gocross/${project}/archive`, formats: ['json'] },
      },
    };
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, root, targets }, null, 2) + '\n');
    expectSuccess('build-arm64x', nx(['run', `${project}:build-arm64x`]));
  });

  test('a linux/arm64 binary built by the build executor passes with zero findings', () => {
    const r = nx(['run', `${project}:validate-good`, '--skip-nx-cache']);
    if (r.code !== 0) throw new Error(describeRun('validate-good', r));
    const report = JSON.parse(fs.readFileSync(reportOf('linux-arm64'), 'utf8')) as JsonReport;
    expect(report.schemaVersion).toBe(1);
    expect(report.ok).toBe(true);
    expect(report.summary.errors).toBe(0);
    expect(report.summary.findings).toBe(0);
    expect(report.artifacts).toHaveLength(1);
    expect(report.artifacts[0]).toMatchObject({ platform: 'linux/arm64', kind: 'elf', findings: [] });
    expect(report.artifacts[0].checksRun).toEqual(expect.arrayContaining(['binary-arch', 'linkage', 'rpath']));
    // SARIF 2.1.0, JUnit and text written next to it.
    const sarif = JSON.parse(fs.readFileSync(reportOf('linux-arm64', 'gocross.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toEqual([]);
    expect(fs.readFileSync(reportOf('linux-arm64', 'gocross.junit.xml'), 'utf8')).toMatch(/<testsuites?[\s>]/);
    expect(fs.readFileSync(reportOf('linux-arm64', 'gocross.txt'), 'utf8')).toMatch(/0 error/);
  });

  test('an amd64 binary where linux/arm64 is expected fails with binary-arch', () => {
    const bin = path.join(ws, root, 'prebuilt', 'linux-arm64', 'hello');
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    const b = run(realGo(), ['build', '-trimpath', '-o', bin, '.'], {
      cwd: path.join(ws, root),
      env: { GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '0', GOFLAGS: '' },
    });
    if (b.code !== 0) throw new Error(describeRun('go build amd64', b));
    const r = nx(['run', `${project}:validate-wrong-arch`, '--skip-nx-cache']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/binary-arch/);
    expect(r.output).toMatch(/prebuilt\/linux-arm64\/hello/);
  });

  // The host gcc compiles x86-64 objects on a linux/amd64 host.
  itIf(all(hostIs('linux', 'x64'), haveTools('gcc', 'ar')))('an x86-64 object inside an archive of an arm64 project fails with archive-arch', () => {
    const gcc = requireTool('gcc', 'compile an x86-64 object');
    const ar = requireTool('ar', 'pack a static archive');
    const dir = path.join(ws, root, 'third_party');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'fast.c'), 'int fast_add(int a, int b) { return a + b; }\n');
    expectSuccess('gcc -c', run(gcc, ['-c', '-O2', '-o', path.join(dir, 'fast.o'), path.join(dir, 'fast.c')]));
    expectSuccess('ar rcs', run(ar, ['rcs', path.join(dir, 'libfast.a'), path.join(dir, 'fast.o')]));
    const r = nx(['run', `${project}:validate-archive`, '--skip-nx-cache']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/archive-arch/);
    const report = JSON.parse(fs.readFileSync(path.join(ws, 'reports', 'gocross', project, 'archive', 'gocross.json'), 'utf8')) as JsonReport;
    expect(report.ok).toBe(false);
    expect(allFindings(report).map((f) => f.checkId)).toEqual(['archive-arch']);
    // The binary built for the same target is still clean: the finding is the archive's.
    const clean = report.artifacts.find((a) => a.kind === 'elf');
    expect(clean?.findings).toEqual([]);
  });

  test('an assembly file with no arch suffix, build line or #ifdef guard fails with asm-guard', () => {
    const dir = path.join(ws, root, 'internal', 'fast');
    writeFile(path.join(dir, 'add.go'), 'package fast\n\n// Add is implemented in add.s.\nfunc Add(a, b int64) int64\n');
    writeFile(
      path.join(dir, 'add.s'),
      '#include "textflag.h"\n\n// func Add(a, b int64) int64\nTEXT ·Add(SB), NOSPLIT, $0-24\n\tMOVQ a+0(FP), AX\n\tADDQ b+8(FP), AX\n\tMOVQ AX, ret+16(FP)\n\tRET\n',
    );
    try {
      // go itself agrees the file breaks arm64: the amd64 instructions do not assemble there.
      const b = run(realGo(), ['build', './internal/fast'], { cwd: path.join(ws, root), env: { GOOS: 'linux', GOARCH: 'arm64', GOFLAGS: '' } });
      expect(b.code).not.toBe(0);
      const r = nx(['run', `${project}:validate-sources`, '--skip-nx-cache']);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/asm-guard/);
      expect(r.output).toMatch(/internal\/fast\/add\.s/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('inferred targets: nx run hello:validate checks every platform of the matrix with zero findings', () => {
    const r = nx(['run', 'hello:validate', '--formats=json', '--formats=text']);
    if (r.code !== 0) throw new Error(describeRun('nx run hello:validate', r));
    const report = JSON.parse(fs.readFileSync(path.join(ws, 'reports', 'gocross', 'hello', 'all', 'gocross.json'), 'utf8')) as JsonReport;
    const platforms = report.artifacts.map((a) => a.platform).sort();
    expect(platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']));
    expect(report.summary.artifacts).toBe(platforms.length);
    expect(report.summary.errors).toBe(0);
    expect(allFindings(report)).toEqual([]);
    // Every artifact named in the report exists where the build put it.
    for (const a of report.artifacts) expect(fs.existsSync(path.join(ws, a.file))).toBe(true);
  });

  test('go vet -asmdecl says what it does per platform and how long it took, only where assembly is built; the report time includes it', () => {
    const lib = uniqueName('mathx-vet');
    copyModule('libs/mathx', `libs/${lib}`);
    const r = nx(['run', `${lib}:validate`, '--formats=json', '--formats=text', '--skip-nx-cache']);
    if (r.code !== 0) throw new Error(describeRun(`nx run ${lib}:validate`, r));
    const report = JSON.parse(fs.readFileSync(path.join(ws, 'reports', 'gocross', lib, 'all', 'gocross.json'), 'utf8')) as JsonReport & {
      summary: { durationMs: number };
      timing: { totalMs: number; vetMs: number; vet: { platform: string; durationMs: number }[] };
    };
    // vet runs once per GOOS/GOARCH (linux/arm/7 and linux/arm/6 share linux/arm), and only for
    // those that build mathx's assembly (amd64 and arm64, any GOOS), on its one package.
    const platforms = [...new Set(report.sources.map((s) => s.platform.split('/').slice(0, 2).join('/')))];
    const vetted = platforms.filter((p) => /\/(amd64|arm64)$/.test(p));
    const skipped = platforms.filter((p) => !vetted.includes(p));
    expect(vetted).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']));
    expect(skipped.length).toBeGreaterThan(0);
    expect(r.output).toMatch(
      new RegExp(
        `go vet -asmdecl: ${vetted.length} of ${platforms.length} GOOS/GOARCH pairs build assembly \\(${vetted.join(', ')}\\), vetted up to \\d+ at a time; ` +
          `${skipped.length} skipped as having no assembly \\(${skipped.join(', ')}\\)`,
      ),
    );
    // One start line (with the packages) and one timing line per vetted platform, in the nx output.
    const took: Record<string, number> = {};
    for (const p of vetted) {
      expect(r.output).toContain(`go vet -asmdecl for ${p}: checking the assembly in libs/${lib} (package .) against its Go declarations…`);
      const m = new RegExp(`go vet -asmdecl for ${p.replace('/', '\\/')}: 0 diagnostics in (\\d+) ms`).exec(r.output);
      expect(m).not.toBeNull();
      took[p] = Number(m![1]);
    }
    for (const p of skipped) expect(r.output).not.toContain(`go vet -asmdecl for ${p}:`);
    expect(report.timing.vet).toEqual(vetted.map((p) => ({ platform: p, durationMs: took[p] })));
    // The runs overlap: the vet time of the report is their wall time.
    const times = Object.values(took);
    expect(report.timing.vetMs).toBeGreaterThanOrEqual(Math.max(...times));
    expect(report.timing.vetMs).toBeLessThanOrEqual(times.reduce((a, b) => a + b, 0) + 1000);
    expect(report.summary.durationMs).toBeGreaterThanOrEqual(report.timing.vetMs);
    expect(report.timing.totalMs).toBe(report.summary.durationMs);
  });

  test('an asmdecl finding: its fix command, typed at the workspace root, shows the diagnostic and passes once the fix is applied', () => {
    const lib = uniqueName('mathx-asmdecl');
    const libRoot = copyModule('libs/mathx', `libs/${lib}`);
    const asm = path.join(ws, libRoot, 'sum_arm64.s');
    const good = fs.readFileSync(asm, 'utf8');
    // A wrong argument size in the TEXT line: vet expects $...-32 for func Sum(xs []uint64) uint64.
    fs.writeFileSync(asm, good.replace('$0-32', '$0-24'));
    const r = nx(['run', `${lib}:validate-linux-arm64`, '--formats=json', '--skip-nx-cache']);
    expect(r.code).not.toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(ws, 'reports', 'gocross', lib, 'linux-arm64', 'gocross.json'), 'utf8')) as {
      sources: { findings: { checkId: string; fix: string; file?: string }[] }[];
    };
    const [f, ...more] = report.sources.flatMap((x) => x.findings).filter((x) => x.checkId === 'asmdecl');
    expect(more).toEqual([]);
    expect(f.file).toBe(`${libRoot}/sum_arm64.s`);
    expect(f.fix).toContain('to 32, what the Go signature needs');
    const cmd = /`([^`]+)`/.exec(f.fix)![1];
    expect(cmd).toBe(`cd ${libRoot} && GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go vet -asmdecl ./...`);
    // Typed at the workspace root, as a user would.
    const before = run('sh', ['-c', cmd], { cwd: ws });
    expect(before.code).not.toBe(0);
    expect(before.output).toMatch(/sum_arm64\.s:\d+:\d+: \[arm64\] Sum: wrong argument size 24; expected \$\.\.\.-32/);
    // Apply the fix: the argument size becomes 32.
    fs.writeFileSync(asm, fs.readFileSync(asm, 'utf8').replace('$0-24', '$0-32'));
    const after = run('sh', ['-c', cmd], { cwd: ws });
    if (after.code !== 0) throw new Error(describeRun(cmd, after));
    expectSuccess('validate after the fix', nx(['run', `${lib}:validate-linux-arm64`, '--skip-nx-cache']));
  });

  test('inferred targets: validate-linux-arm64 is cached on a second run', () => {
    expectSuccess('first', nx(['run', 'hello:validate-linux-arm64']));
    const r = expectSuccess('second', nx(['run', 'hello:validate-linux-arm64']));
    expect(nxTaskFromCache(r.output, 'hello:validate-linux-arm64')).toBe(true);
  });

  test('a missing artifact: the fix names the real project and a target that exists, and running it fixes the finding', () => {
    // A project whose matrix has a variant platform: its target is build-linux-arm-7.
    const name = uniqueName('hello-missing');
    const mroot = copyModule('apps/hello', `apps/${name}`);
    writeFile(path.join(ws, mroot, 'project.json'), JSON.stringify({ name, tags: [] }, null, 2) + '\n');
    writeFile(path.join(ws, mroot, 'gocross.json'), JSON.stringify({ platforms: ['linux/arm/7'] }, null, 2) + '\n');
    const targets = Object.keys(showProject(name).targets);
    // Validate without building first: the artifact is not there.
    const r = nx(['run', `${name}:validate-linux-arm-7`, '--exclude-task-dependencies', '--skip-nx-cache', '--formats=json']);
    expect(r.code).not.toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(ws, 'reports', 'gocross', name, 'linux-arm-7', 'gocross.json'), 'utf8')) as {
      artifacts: { findings: { checkId: string; fix: string }[] }[];
    };
    const input = report.artifacts.flatMap((a) => a.findings).filter((f) => f.checkId === 'input');
    expect(input).toHaveLength(1);
    const m = /\(npx nx run ([^:\s]+):([^)\s]+)\)/.exec(input[0].fix);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(name);
    expect(targets).toContain(m![2]);
    // What it says to run, then validate again: the artifact is there and clean.
    expectSuccess(`nx run ${m![1]}:${m![2]}`, nx(['run', `${m![1]}:${m![2]}`]));
    expectSuccess('validate after the build', nx(['run', `${name}:validate-linux-arm-7`, '--exclude-task-dependencies', '--skip-nx-cache']));
  });

  // build-rpath is a linux/amd64 cgo build: the host gcc links it on a linux/amd64 host.
  itIf(all(hostIs('linux', 'x64'), haveTools('gcc')))('a cgo binary with an RPATH into /tmp fails with rpath', () => {
    // cgo-hello's source as a main package of this module (build options take package dirs
    // relative to the project root).
    const dir = path.join(ws, root, 'cmd', 'cgohello');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(ws, 'apps', 'cgo-hello', 'main.go'), path.join(dir, 'main.go'));

    expectSuccess('build-rpath', nx(['run', `${project}:build-rpath`, '--skip-nx-cache']));
    const r = nx(['run', `${project}:validate-rpath`, '--skip-nx-cache']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/\brpath\b/);
    expect(r.output).toMatch(/\/tmp\/gocross-evil-lib/);
    const report = JSON.parse(fs.readFileSync(path.join(ws, 'reports', 'gocross', project, 'rpath', 'gocross.json'), 'utf8')) as JsonReport;
    expect(allFindings(report).map((f) => f.checkId)).toContain('rpath');
  });
});
