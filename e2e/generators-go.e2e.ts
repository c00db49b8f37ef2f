/**
 * Generators end to end: `nx g @gocross/nx:<generator>` in the shared workspace, then the
 * generated Go code is judged by `go` itself (vet per arch, test natively and under qemu) and
 * by the inferred build targets.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  describeRun,
  expectSuccess,
  goVersionM,
  nx,
  realGo,
  requireTool,
  run,
  uniqueName,
  workspaceRoot,
} from './utils';
import { haveTools, itIf } from '../plugin/src/test-utils/gates';

describe('application and library generators', () => {
  let ws: string;
  let appName: string;
  let libName: string;
  let appBin: string | undefined;
  let libRoot: string | undefined;
  let outerName: string;
  const go = (args: string[], cwd: string, env: Record<string, string | undefined> = {}) =>
    run(realGo(), args, { cwd, env: { GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', CGO_ENABLED: '0', ...env } });

  beforeAll(() => {
    ws = workspaceRoot();
    appName = uniqueName('gen-app');
    libName = uniqueName('gen-lib');
    outerName = uniqueName('gen-outer');
  });

  // The workspace is shared: take the generated modules out of go.work again, so whatever they
  // contain cannot affect the other test files.
  afterAll(() => {
    for (const dir of [`apps/${appName}`, `libs/${libName}`, `libs/${outerName}`]) {
      run(realGo(), ['work', 'edit', `-dropuse=./${dir}`], { cwd: ws, env: { GOFLAGS: '' } });
      fs.rmSync(path.join(ws, dir), { recursive: true, force: true });
    }
  });

  test('application: a new module in go.work that vets on three arches and builds for linux/arm64', () => {
    const dir = `apps/${appName}`;
    const r = nx([
      'g',
      '@gocross/nx:application',
      appName,
      `--directory=${dir}`,
      `--modulePath=gocross.example/${dir}`,
      '--no-interactive',
    ]);
    expectSuccess('nx g application', r);
    const root = path.join(ws, dir);
    expect(fs.readFileSync(path.join(root, 'go.mod'), 'utf8')).toMatch(new RegExp(`^module gocross\\.example/${dir}$`, 'm'));
    // go itself sees the module as part of the workspace.
    const list = expectSuccess('go list -m (in the workspace)', go(['list', '-m'], ws));
    expect(list.stdout.split('\n')).toContain(`gocross.example/${dir}`);
    for (const arch of ['amd64', 'arm64', 'riscv64']) {
      const v = go(['vet', './...'], root, { GOOS: 'linux', GOARCH: arch });
      if (v.code !== 0) throw new Error(describeRun(`go vet (${arch})`, v));
    }
    const t = go(['test', '-count=1', './...'], root);
    if (t.code !== 0) throw new Error(describeRun('go test', t));

    const projects = expectSuccess('nx show projects', nx(['show', 'projects', '--json']));
    expect(JSON.parse(projects.stdout.slice(projects.stdout.indexOf('[')))).toContain(appName);

    expectSuccess(`nx run ${appName}:build-linux-arm64`, nx(['run', `${appName}:build-linux-arm64`]));
    const bin = path.join(ws, 'dist', dir, 'linux-arm64', appName);
    expect(goVersionM(bin).settings.GOARCH).toBe('arm64');
    appBin = bin;
  });

  itIf(haveTools('qemu-aarch64'))('application: the linux/arm64 binary runs under qemu-aarch64', () => {
    expect(appBin).toBeDefined();
    const qemu = requireTool('qemu-aarch64', 'run the generated application');
    expect(run(qemu, [appBin as string]).code).toBe(0);
  });

  test('library: a new module whose tests pass natively and under qemu-aarch64', () => {
    const dir = `libs/${libName}`;
    const r = nx(['g', '@gocross/nx:library', libName, `--directory=${dir}`, `--modulePath=gocross.example/${dir}`, '--no-interactive']);
    expectSuccess('nx g library', r);
    const root = path.join(ws, dir);
    const t = go(['test', '-count=1', './...'], root);
    if (t.code !== 0) throw new Error(describeRun('go test', t));
    expect(t.stdout).toMatch(/^ok\s/m);
    libRoot = root;
  });

  itIf(haveTools('qemu-aarch64'))('library: its tests pass under qemu-aarch64', () => {
    expect(libRoot).toBeDefined();
    const qemu = requireTool('qemu-aarch64', 'run the generated library tests for arm64');
    const q = go(['test', '-count=1', '-exec', qemu, './...'], libRoot as string, { GOOS: 'linux', GOARCH: 'arm64' });
    if (q.code !== 0) throw new Error(describeRun('go test under qemu-aarch64', q));
  });

  test('a module inside another one: the refusal names an nx g command that adds the package instead, and it runs', () => {
    const dir = `libs/${outerName}`;
    expectSuccess('nx g library', nx(['g', '@gocross/nx:library', outerName, `--directory=${dir}`, `--modulePath=gocross.example/${dir}`, '--no-interactive']));
    const refused = nx(['g', '@gocross/nx:application', 'tool', `--directory=${dir}/cmd/tool`, '--modulePath=gocross.example/tool', '--no-interactive']);
    expect(refused.code).not.toBe(0);
    const m = /(nx g @gocross\/nx:application \S+ --module \S+ --directory \S+) adds a package to it/.exec(refused.output);
    if (!m) throw new Error(describeRun('nx g application inside a module', refused));
    expect(m[1]).toBe(`nx g @gocross/nx:application tool --module ${outerName} --directory cmd/tool`);
    // Typed at the workspace root, as printed.
    expectSuccess(m[1], nx([...m[1].split(' ').slice(1), '--no-interactive']));
    const root = path.join(ws, dir);
    expect(fs.existsSync(path.join(root, 'cmd', 'tool', 'main.go'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'cmd', 'tool', 'go.mod'))).toBe(false);
    const v = go(['vet', './...'], root);
    if (v.code !== 0) throw new Error(describeRun('go vet', v));
  });
});
