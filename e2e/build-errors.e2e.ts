/**
 * Wrong build options fail with a one-line message and a non-zero exit before `go build` runs.
 * Each case is an explicit target of the build executor in a project.json; a `go` wrapper first
 * on PATH records every go invocation, and a control target with valid options proves that the
 * wrapper does see builds.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compilerWithoutTargetLibc } from '../plugin/src/executors/doctor/test-utils/hidden-libc';
import {
  copyModule,
  expectSuccess,
  goVersionM,
  makeGoRecorder,
  minimalPath,
  nx,
  pathWith,
  uniqueName,
  which,
  workspaceRoot,
  writeFile,
} from './utils';
import { all, haveTools, itIf } from '../plugin/src/test-utils/gates';

/** Default artifact of a main package at a project root: dist/<root>/<slug>/<name>. */
function artifact(ws: string, projectRoot: string, slug: string, name: string): string {
  return path.join(ws, 'dist', projectRoot, slug, name);
}

describe('bad inputs fail before go runs, with a message', () => {
  let ws: string;
  let project: string;
  let rec: ReturnType<typeof makeGoRecorder>;

  /** Explicit targets using the build executor directly, each with one wrong option. */
  const badTargets: Record<string, { options: Record<string, unknown>; messages: RegExp[] }> = {
    'bad-pair': { options: { goos: 'windows', goarch: 's390x' }, messages: [/windows\/s390x/] },
    'bad-goamd64': { options: { goos: 'linux', goarch: 'amd64', goamd64: 'v9' }, messages: [/GOAMD64/, /"?v9"?/] },
    'bad-goriscv64': {
      options: { goos: 'linux', goarch: 'riscv64', goriscv64: 'rva99u64' },
      messages: [/GORISCV64/, /rva99u64/],
    },
    'bad-main-missing': { options: { goos: 'linux', goarch: 'arm64', main: './cmd/nope' }, messages: [/cmd\/nope/] },
    'bad-main-library': {
      options: { goos: 'linux', goarch: 'arm64', main: './internal/greet' },
      messages: [/internal\/greet/, /not a main package|package greet/],
    },
    'bad-output': {
      options: { goos: 'linux', goarch: 'arm64', outputPath: '../outside/hello' },
      messages: [/outputPath/, /outside/],
    },
  };

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('hello-bad');
    const root = copyModule('apps/hello', `apps/${project}`);
    const targets: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(badTargets)) targets[name] = { executor: '@gocross/nx:build', options: t.options };
    targets['good'] = { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64' } };
    targets['cgo-cross'] = { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cgo: true } };
    writeFile(path.join(ws, root, 'internal', 'greet', 'greet.go'), 'package greet\n\nfunc Hello() string { return "hi" }\n');
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, root, targets }, null, 2) + '\n');
    rec = makeGoRecorder(path.join(ws, 'tmp', `recorder-${project}`));
  });

  test('control: the same project with valid options builds, and the recorder sees go build', () => {
    rec.reset();
    const r = nx(['run', `${project}:good`, '--skip-nx-cache'], { env: { PATH: pathWith(rec.binDir) } });
    expectSuccess('good target', r);
    expect(rec.buildCalls().length).toBeGreaterThanOrEqual(1);
    expect(goVersionM(artifact(ws, `apps/${project}`, 'linux-arm64', project)).settings.GOARCH).toBe('arm64');
  });

  for (const [name, t] of Object.entries(badTargets)) {
    test(`${name}: ${JSON.stringify(t.options)}`, () => {
      rec.reset();
      const r = nx(['run', `${project}:${name}`, '--skip-nx-cache'], { env: { PATH: pathWith(rec.binDir) } });
      expect(r.code).not.toBe(0);
      for (const m of t.messages) expect(r.output).toMatch(m);
      expect(rec.buildCalls()).toEqual([]);
    });
  }

  test('cgo: true for linux/arm64 with no C cross compiler on PATH', () => {
    // A PATH holding only the go recorder, go's bin directory and sh: no gcc, no cross gcc, no zig.
    rec.reset();
    const r = nx(['run', `${project}:cgo-cross`, '--skip-nx-cache'], {
      env: { PATH: minimalPath(rec), CC: undefined, CXX: undefined, CC_FOR_TARGET: undefined },
    });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/linux\/arm64/);
    expect(r.output).toMatch(/gcc-aarch64-linux-gnu/); // the Debian package to install
    expect(r.output).toMatch(/\bCC\b|C (cross[- ])?compiler|cross[- ]compiler/i);
    expect(rec.buildCalls()).toEqual([]);
  });
});

describe('a cgo cross build whose target C library is not installed', () => {
  const armGcc = haveTools('arm-linux-gnueabihf-gcc');
  let missingHeader: string | undefined;
  itIf(armGcc)('cgo-hello:build-linux-arm-7 with arm-linux-gnueabihf-gcc but no libc6-dev-armhf-cross: all of gcc\'s output, then the hint naming the package', () => {
    const ws = workspaceRoot();
    // The real cross gcc, relocated to a prefix without <triple>/include and <triple>/lib: what a
    // machine with gcc-arm-linux-gnueabihf and without its Recommends has.
    const cc = compilerWithoutTargetLibc('arm-linux-gnueabihf', path.join(ws, 'tmp', 'build-hidden-libc'), (c) => which(c)) as string;
    const r = nx(['run', 'cgo-hello:build-linux-arm-7', '--skip-nx-cache'], { env: { CC_FOR_linux_arm: cc } });
    expect(r.code).not.toBe(0);
    const lines = r.output.split('\n');
    const gccErrors = lines.flatMap((l, i) => (/fatal error: \S+\.h: No such file or directory/.test(l) ? [i] : []));
    // go's whole output is there (runtime/cgo fails in several files), not cut down to the hint.
    expect(gccErrors.length).toBeGreaterThan(1);
    const hintAt = lines.findIndex((l) => l.includes('hint [cross-libc-missing]'));
    expect(hintAt).toBeGreaterThan(gccErrors[gccErrors.length - 1]);
    const hint = lines[hintAt];
    expect(hint).toContain('apt-get install -y libc6-dev-armhf-cross');
    expect(hint).toContain('docs/failures/cross-libc-missing.md');
    // The package named is the one that owns the header gcc did not find.
    const header = /the header (\S+) is missing/.exec(hint) as RegExpExecArray;
    expect(header).not.toBeNull();
    missingHeader = header[1];
  });

  itIf(all(armGcc, haveTools('dpkg')))('the package the hint names owns the header gcc did not find (dpkg -S)', () => {
    expect(missingHeader).toBeDefined();
    const owner = spawnSync('dpkg', ['-S', `/usr/arm-linux-gnueabihf/include/${missingHeader}`], { encoding: 'utf8' });
    expect(owner.stdout.split(':')[0]).toBe('libc6-dev-armhf-cross');
  });
});

describe('a go.mod the go command rejects', () => {
  let ws: string;
  let root: string;
  let project: string;
  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('badmod');
    root = copyModule('apps/hello', `apps/${project}`);
    writeFile(path.join(ws, root, 'go.mod'), `module gocross.example/${root}\n\ngo 1.22\n\nfrobnicate foo\n`);
  });
  afterAll(() => {
    if (!root) return;
    // go.work must lose the module before go can read go.work again.
    spawnSync('go', ['work', 'edit', `-dropuse=./${root}`], { cwd: ws });
    spawnSync('rm', ['-rf', path.join(ws, root)]);
  });

  it("is a warning naming the file and line: nx still shows every project, and a build fails with go's own message", () => {
    const shown = expectSuccess('nx show projects', nx(['show', 'projects']));
    expect(shown.stdout.split('\n')).toEqual(expect.arrayContaining(['hello', project]));
    expect(shown.output).toContain(`gocross: ${root}/go.mod:5: unknown directive: frobnicate (the go command rejects this go.mod: every module go.work uses fails to build until it is fixed)`);
    // What the warning says, by go itself: under go.work, a build of another module fails too.
    const other = nx(['run', 'hello:build-linux-amd64', '--skip-nx-cache']);
    expect(other.code).not.toBe(0);
    expect(other.output).toContain(`${project}/go.mod:5: unknown directive: frobnicate`);
  });
});

describe('a go.work the go command rejects', () => {
  let ws: string;
  let before: string;
  let missing: string;
  beforeAll(() => {
    ws = workspaceRoot();
    missing = `apps/${uniqueName('gone')}`;
    before = fs.readFileSync(path.join(ws, 'go.work'), 'utf8');
    fs.writeFileSync(path.join(ws, 'go.work'), `${before.endsWith('\n') ? before : `${before}\n`}use ./${missing}\n`);
  });
  afterAll(() => {
    if (before !== undefined) fs.writeFileSync(path.join(ws, 'go.work'), before);
  });

  it("is a warning naming go.work and the line: nx still shows every project, and a build fails with go's own message", () => {
    const line = fs.readFileSync(path.join(ws, 'go.work'), 'utf8').split('\n').indexOf(`use ./${missing}`) + 1;
    const shown = expectSuccess('nx show projects', nx(['show', 'projects']));
    expect(shown.stdout.split('\n')).toContain('hello');
    expect(shown.output).toContain(`gocross: go.work:${line}: use ./${missing}: there is no go.mod in ./${missing} (the go command rejects this go.work: every module it uses fails to build until it is fixed)`);
    const build = nx(['run', 'hello:build-linux-amd64', '--skip-nx-cache']);
    expect(build.code).not.toBe(0);
    expect(build.output).toContain(`cannot load module`);
    expect(build.output).toContain(`${path.basename(missing)} listed in go.work file`);
  });
});
