/**
 * `nx g @gocross/nx:asm` end to end, judged by `go` itself: the generated assembly has the
 * frame sizes `go vet` (asmdecl) expects on each arch, every arch without assembly builds with
 * the fallback, the tests pass natively and under qemu, and the project's validate targets
 * (asm-guard, asm-coverage, asmdecl) find nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  copyModule,
  describeRun,
  expectSuccess,
  nx,
  realGo,
  requireTool,
  run,
  uniqueName,
  workspaceRoot,
  writeFile,
} from './utils';
import { haveTools, itIf } from '../plugin/src/test-utils/gates';

describe('asm generator', () => {
  let ws: string;
  let project: string;
  let root: string;
  /** What `nx g @gocross/nx:asm` printed. */
  let generated: string;
  const go = (args: string[], env: Record<string, string | undefined> = {}) =>
    run(realGo(), args, {
      cwd: path.join(ws, root),
      env: { GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', CGO_ENABLED: '0', ...env },
    });

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('mathx-asm');
    // A module that already has hand-written assembly (Sum): the generator must fit in.
    root = copyModule('libs/mathx', `libs/${project}`);
    // The project.json the library generator writes (name and tags only; targets stay inferred).
    // The asm generator finding a project that has no project.json at all is tested in
    // generator-asm-inferred.e2e.ts.
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, tags: [] }, null, 2) + '\n');
    const r = nx([
      'g',
      '@gocross/nx:asm',
      'Dot',
      `--project=${project}`,
      '--signature=func Dot(a, b []float64) float64',
      '--arches=amd64,arm64,riscv64',
      '--no-interactive',
    ]);
    expectSuccess('nx g @gocross/nx:asm', r);
    generated = r.output;
  });

  test('the printed vet command works from the workspace root and vets every arch of the set', () => {
    const m = /Check the frames with: (.*)$/m.exec(generated);
    if (!m) throw new Error(`no vet command in the generator output:\n${generated}`);
    const cmd = m[1].trim();
    for (const arch of ['amd64', 'arm64', 'riscv64']) expect(cmd).toContain(`GOARCH=${arch} go vet`);
    // As typed after nx g: from the workspace root, with the user's environment.
    const r = run('sh', ['-c', cmd], { cwd: ws, env: { GOFLAGS: '', GOWORK: undefined, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' } });
    if (r.code !== 0) throw new Error(describeRun(cmd, r));
  });

  test('writes one guarded .s per requested arch and a fallback', () => {
    const files = fs.readdirSync(path.join(ws, root));
    // Sum has hand-written amd64 and arm64 bodies; Dot adds riscv64.
    for (const arch of ['amd64', 'arm64']) {
      expect(files.filter((f) => f.endsWith(`_${arch}.s`)).sort()).toEqual([`dot_${arch}.s`, `sum_${arch}.s`]);
    }
    expect(files.filter((f) => f.endsWith('_riscv64.s'))).toEqual(['dot_riscv64.s']);
    // go decides which files belong to which platform: assembly only where asked for.
    const sfiles = (arch: string) =>
      go(['list', '-f', '{{join .SFiles " "}}', '.'], { GOOS: 'linux', GOARCH: arch }).stdout.trim().split(' ').filter(Boolean);
    expect(sfiles('riscv64').length).toBe(1);
    expect(sfiles('386')).toEqual([]);
    expect(sfiles('s390x')).toEqual([]);
  });

  test.each(['amd64', 'arm64', 'riscv64', '386', 's390x', 'mips'])('go vet and go build pass for linux/%s', (arch) => {
    for (const tags of [[], ['-tags', 'purego']]) {
      const v = go(['vet', ...tags, './...'], { GOOS: 'linux', GOARCH: arch });
      if (v.code !== 0) throw new Error(describeRun(`go vet ${tags.join(' ')} (${arch})`, v));
      const b = go(['build', ...tags, './...'], { GOOS: 'linux', GOARCH: arch });
      if (b.code !== 0) throw new Error(describeRun(`go build ${tags.join(' ')} (${arch})`, b));
    }
  });

  test('generated tests pass natively', () => {
    const native = go(['test', '-count=1', '-v', './...']);
    if (native.code !== 0) throw new Error(describeRun('go test', native));
    expect(native.stdout).toMatch(/--- PASS: Test\w*Dot/);
  });

  for (const [arch, emu] of [
    ['arm64', 'qemu-aarch64'],
    ['riscv64', 'qemu-riscv64'],
  ]) {
    itIf(haveTools(emu))(`generated tests pass under ${emu}`, () => {
      const qemu = requireTool(emu, `run the ${arch} tests`);
      const t = go(['test', '-count=1', '-v', '-exec', qemu, './...'], { GOOS: 'linux', GOARCH: arch });
      if (t.code !== 0) throw new Error(describeRun(`go test under ${emu}`, t));
      expect(t.stdout).toMatch(/--- PASS: Test\w*Dot/);
    });
  }

  test('the project validates with no source findings on the matrix', () => {
    const r = nx(['run', `${project}:validate`, '--formats=json']);
    if (r.code !== 0) throw new Error(describeRun(`nx run ${project}:validate`, r));
    const report = JSON.parse(fs.readFileSync(path.join(ws, 'reports', 'gocross', project, 'all', 'gocross.json'), 'utf8')) as {
      summary: { errors: number; warnings: number };
    };
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
  });
});
