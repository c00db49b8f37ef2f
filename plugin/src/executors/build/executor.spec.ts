import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { VARIANTS, VARIANT_VARIABLE } from '../../platforms';
import { builtinPlatformTable } from '../../platforms/table';
import { pieProblem } from '../../platforms/buildmode';
import { GO_ENV_PASSTHROUGH, type GoRunResult, type GoSpawner } from '../shared/go';
import type { ExecutorContext } from '@nx/devkit';
import buildExecutor, {
  checkMainPackage,
  mergeLdflags,
  packageClause,
  removeStaleTemporaries,
  planBuild,
  runBuild,
  temporaryPath,
  type BuildLogger,
  type FailureHint,
  type PlanContext,
  type ResolveCToolchain,
} from './executor';
import { resolveBuildOutputs } from '../../platforms/outputs';
import type { BuildExecutorSchema } from './schema';
import { Capture } from './test-utils/capture';
import { all, describeIf, haveGo, haveTools, hostIs, itIf } from '../../test-utils/gates';

// The real builds: skipped with the reason without go, failing under CI.
const describeGo = describeIf(haveGo());
const haveAarch64Gcc = haveTools('aarch64-linux-gnu-gcc');
const hostIsLinuxAmd64 = hostIs('linux', 'x64');
const haveHostGcc = all(hostIsLinuxAmd64, haveTools('gcc'));
const haveMuslGcc = all(hostIsLinuxAmd64, haveTools('musl-gcc'));

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A workspace with apps/hello (module example.com/hello/v2, main at the root, cmd/a and cmd/b) and libs/mathx (library). */
function makeWorkspace(root: string): void {
  write(path.join(root, 'apps/hello/go.mod'), 'module example.com/hello/v2\n\ngo 1.22\n');
  write(
    path.join(root, 'apps/hello/main.go'),
    '// Command hello greets.\npackage main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from", arch()) }\n',
  );
  write(path.join(root, 'apps/hello/arch.go'), 'package main\n\nimport "runtime"\n\nfunc arch() string { return runtime.GOARCH }\n');
  write(path.join(root, 'apps/hello/main_test.go'), 'package main\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n');
  write(path.join(root, 'apps/hello/cmd/a/main.go'), 'package main\n\nfunc main() { println("a") }\n');
  write(path.join(root, 'apps/hello/cmd/b/main.go'), '/* b */\npackage main\n\nfunc main() { println("b") }\n');
  write(path.join(root, 'apps/hello/cmd/winonly/main_windows.go'), 'package main\n\nfunc main() {}\n');
  write(path.join(root, 'apps/hello/cmd/tagged/main.go'), '//go:build special\n\npackage main\n\nfunc main() {}\n');
  write(path.join(root, 'apps/hello/cmd/tagged/other.go'), '//go:build !special\n\npackage other\n');
  write(path.join(root, 'libs/mathx/go.mod'), 'module example.com/mathx\n\ngo 1.22\n');
  write(path.join(root, 'libs/mathx/mathx.go'), 'package mathx\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n');
  write(path.join(root, 'libs/mathx/inner/inner.go'), 'package inner\n\nfunc One() int { return 1 }\n');
}


describe('planBuild', () => {
  let ws: string;
  const callerEnv = {
    PATH: '/usr/local/go/bin:/usr/bin:/bin',
    HOME: '/home/dev',
    GOCACHE: '/cache/go-build',
    GOPROXY: 'https://proxy.golang.org',
    GOOS: 'darwin',
    GOARCH: 'amd64',
    GOARM: '5',
    CGO_ENABLED: '1',
    CC: 'clang',
    CGO_LDFLAGS: '-L/opt/lib',
    AWS_SECRET_ACCESS_KEY: 'do-not-leak',
  };
  let ctx: PlanContext;
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-plan-'));
    makeWorkspace(ws);
    ctx = {
      workspaceRoot: ws,
      projectRoot: 'apps/hello',
      go: '/usr/local/go/bin/go',
      goVersion: 'go1.26.8',
      hostGoos: 'linux',
      hostGoarch: 'amd64',
      table: builtinPlatformTable(),
      env: callerEnv,
      pid: 42,
    };
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  const plan = (o: Partial<BuildExecutorSchema>, c: Partial<PlanContext> = {}) =>
    planBuild({ goos: 'linux', goarch: 'arm64', ...o }, { ...ctx, ...c });

  it('defaults: trimpath, reproducible flags, explicit env without the caller’s target variables', () => {
    const p = plan({});
    if (!p.ok) throw new Error(p.message);
    const dir = path.join(ws, 'dist/apps/hello/linux-arm64');
    expect(p.cwd).toBe(path.join(ws, 'apps/hello'));
    expect(p.steps).toEqual([
      {
        main: '.',
        args: ['build', '-trimpath', '-buildvcs=false', '-ldflags=-buildid=', '-o', path.join(dir, '.hello.tmp-42'), '.'],
        tmpPath: path.join(dir, '.hello.tmp-42'),
        finalPath: path.join(dir, 'hello'),
      },
    ]);
    expect(p.env).toEqual({
      PATH: '/usr/local/go/bin:/usr/bin:/bin',
      HOME: '/home/dev',
      GOCACHE: '/cache/go-build',
      GOPROXY: 'https://proxy.golang.org',
      GOOS: 'linux',
      GOARCH: 'arm64',
      CGO_ENABLED: '0',
    });
  });

  it('variant, tags, flags, args, buildmode and switches', () => {
    const p = plan({
      goarch: 'arm',
      goarm: '7',
      tags: ['netgo', 'osusergo'],
      ldflags: '-s -w -X main.v=1',
      gcflags: 'all=-N -l',
      asmflags: '-trimpath',
      args: ['-v', '-p=1'],
      trimpath: false,
    });
    if (!p.ok) throw new Error(p.message);
    const dir = path.join(ws, 'dist/apps/hello/linux-arm-7');
    expect(p.steps[0].args).toEqual([
      'build',
      '-buildvcs=false',
      '-tags=netgo,osusergo',
      '-ldflags=-s -w -X main.v=1 -buildid=',
      '-gcflags=all=-N -l',
      '-asmflags=-trimpath',
      '-v',
      '-p=1',
      '-o',
      path.join(dir, '.hello.tmp-42'),
      '.',
    ]);
    expect(p.env).toMatchObject({ GOOS: 'linux', GOARCH: 'arm', GOARM: '7', CGO_ENABLED: '0' });
    const q = plan({ reproducible: false, ldflags: '-s' });
    if (!q.ok) throw new Error(q.message);
    expect(q.steps[0].args.slice(0, 3)).toEqual(['build', '-trimpath', '-ldflags=-s']);
  });

  it('buildmode pie without cgo where go links PIEs itself', () => {
    const p = plan({ buildmode: 'pie' });
    if (!p.ok) throw new Error(p.message);
    expect(p.steps[0].args).toContain('-buildmode=pie');
    expect(p.env).toMatchObject({ GOARCH: 'arm64', CGO_ENABLED: '0' });
  });

  it('buildmode pie without cgo is refused exactly where pieProblem says go build fails (checked against go in platforms/buildmode.spec)', () => {
    const linux = builtinPlatformTable().entries.filter((e) => e.goos === 'linux');
    expect(linux.length).toBeGreaterThan(5);
    for (const e of linux) {
      const p = plan({ goos: e.goos, goarch: e.goarch, buildmode: 'pie' });
      const problem = pieProblem(e.goos, e.goarch, false);
      expect({ platform: `${e.goos}/${e.goarch}`, refusal: p.ok ? undefined : p.message }).toEqual({ platform: `${e.goos}/${e.goarch}`, refusal: problem });
    }
  });

  it('ldflags: -buildid= is added once, never over a user build id', () => {
    expect(mergeLdflags(undefined, true)).toBe('-buildid=');
    expect(mergeLdflags('  ', true)).toBe('-buildid=');
    expect(mergeLdflags('-s -w', true)).toBe('-s -w -buildid=');
    expect(mergeLdflags('-buildid=abc -s', true)).toBe('-buildid=abc -s');
    expect(mergeLdflags('-s --buildid xyz', true)).toBe('-s --buildid xyz');
    expect(mergeLdflags('-s', false)).toBe('-s');
    expect(mergeLdflags(undefined, false)).toBeUndefined();
  });

  it('several mains, windows suffix, outputDir and outputPath', () => {
    const p = plan({ goos: 'windows', goarch: 'amd64', goamd64: 'v3', main: ['./cmd/a', 'cmd/b/'], outputDir: 'out/win' });
    if (!p.ok) throw new Error(p.message);
    expect(p.steps.map((s) => [s.args[s.args.length - 1], s.tmpPath, s.finalPath])).toEqual([
      ['./cmd/a', path.join(ws, 'out/win/.a.tmp-42.exe'), path.join(ws, 'out/win/a.exe')],
      ['./cmd/b', path.join(ws, 'out/win/.b.tmp-42.exe'), path.join(ws, 'out/win/b.exe')],
    ]);
    expect(p.env).toMatchObject({ GOOS: 'windows', GOARCH: 'amd64', GOAMD64: 'v3' });
    const q = plan({ outputPath: 'bin/hello-arm64' });
    if (!q.ok) throw new Error(q.message);
    expect(q.steps[0].finalPath).toBe(path.join(ws, 'bin/hello-arm64'));
    expect(q.steps[0].tmpPath).toBe(path.join(ws, 'bin/.hello-arm64.tmp-42'));
  });

  it('resolveBuildOutputs names binaries by module path (major version skipped) or dir, with suffixes', () => {
    const c = { workspaceRoot: ws, projectRoot: 'apps/hello' };
    expect(resolveBuildOutputs({ goos: 'linux', goarch: 'arm64' }, c).files).toEqual([
      { main: '.', path: path.join(ws, 'dist/apps/hello/linux-arm64/hello') },
    ]);
    expect(resolveBuildOutputs({ goos: 'darwin', goarch: 'arm64', cgo: true, buildmode: 'c-shared', main: 'cmd/a' }, c).files[0].path).toBe(
      path.join(ws, 'dist/apps/hello/darwin-arm64-cgo-c-shared/a.dylib'),
    );
    expect(resolveBuildOutputs({ goos: 'linux', goarch: 'arm64', goarm64: 'v8.2,lse' }, c).dir).toBe(
      path.join(ws, 'dist/apps/hello/linux-arm64-v8.2-lse'),
    );
    expect(resolveBuildOutputs({ goos: 'linux', goarch: 'amd64', compileOnly: true }, c).files).toEqual([]);
    expect(temporaryPath('/x/lib.so', 7)).toBe('/x/.lib.tmp-7.so');
  });

  it('compileOnly compiles every package and writes nothing; no main package needed', () => {
    const p = plan({ compileOnly: true }, { projectRoot: 'libs/mathx' });
    if (!p.ok) throw new Error(p.message);
    expect(p.steps).toEqual([
      { main: './...', args: ['build', '-trimpath', '-buildvcs=false', '-ldflags=-buildid=', '-o', os.devNull, './...'] },
    ]);
  });

  it('options.env is passed but cannot override the target', () => {
    const p = plan({ goarch: 'riscv64', env: { GOFLAGS: '-mod=mod', GOARCH: 'amd64', GORISCV64: 'x', CGO_ENABLED: '1' } });
    if (!p.ok) throw new Error(p.message);
    expect(p.env).toMatchObject({ GOFLAGS: '-mod=mod', GOARCH: 'riscv64', CGO_ENABLED: '0' });
    expect(p.env.GORISCV64).toBeUndefined();
  });

  it('cgo: compiler, flags and cgo pass-through variables come from the resolved toolchain', () => {
    const calls: Parameters<ResolveCToolchain>[0][] = [];
    const resolveToolchain: ResolveCToolchain = (req) => {
      calls.push(req);
      return {
        ok: true,
        toolchain: { cc: 'aarch64-linux-gnu-gcc', cxx: 'aarch64-linux-gnu-g++', cflags: ['-march=armv8-a'], source: 'path', description: 'Debian cross gcc' },
      };
    };
    const p = plan({ cgo: true, libc: 'glibc', cflags: ['-O1'] }, { resolveToolchain });
    if (!p.ok) throw new Error(p.message);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ platform: { goos: 'linux', goarch: 'arm64' }, libc: 'glibc', hostGoos: 'linux', hostGoarch: 'amd64' });
    expect(p.env).toMatchObject({
      CGO_ENABLED: '1',
      CC: 'aarch64-linux-gnu-gcc',
      CXX: 'aarch64-linux-gnu-g++',
      CGO_CFLAGS: '-O2 -g -march=armv8-a -O1',
      CGO_LDFLAGS: '-L/opt/lib',
    });
    expect(p.env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
  });

  it.each<[string, Partial<BuildExecutorSchema>, Partial<PlanContext>, RegExp]>([
    ['unknown pair', { goarch: 'sparc64' }, {}, /^unknown platform linux\/sparc64: go1\.26\.8 supports GOOS=linux with GOARCH 386, amd64/],
    ['unknown GOOS', { goos: 'haiku' }, {}, /^unknown GOOS "haiku"/],
    ['variant value', { goarch: 'amd64', goamd64: 'v5' }, {}, /^unknown GOAMD64 value "v5"/],
    ['variant too new', { goarch: 'riscv64', goriscv64: 'rva23u64' }, { goVersion: 'go1.24.3' }, /^GORISCV64=rva23u64 needs Go ≥ 1\.25; the installed Go is go1\.24\.3$/],
    ['variant of another arch', { goarm: '7' }, {}, /^option goarm="7" applies to GOARCH arm, not arm64 \(use goarm64\)$/],
    ['c-shared without cgo', { buildmode: 'c-shared' }, {}, /^-buildmode=c-shared links C code: set cgo: true$/],
    ['pie without cgo where go links PIEs externally', { goarch: 'arm', goarm: '7', buildmode: 'pie' }, {}, /^buildmode: pie on linux\/arm needs external linking, which needs cgo .*: set cgo: true \(with a C cross compiler for linux\/arm\) or use buildmode: exe$/],
    ['pie where go has none', { goarch: 'mips64', buildmode: 'pie' }, {}, /^buildmode: pie is not supported on linux\/mips64 .*use buildmode: exe$/],
    ['no C compiler', { cgo: true }, { resolveToolchain: () => ({ ok: false, message: 'no C compiler for linux/arm64: apt-get install gcc-aarch64-linux-gnu' }) }, /^no C compiler for linux\/arm64/],
    ['cgo unsupported', { goos: 'js', goarch: 'wasm', cgo: true }, {}, /^cgo is not supported for js\/wasm/],
    ['library as main', { main: '../../libs/mathx' }, {}, /is not a main package \(package mathx in .*\): point main at a dir with package main, or set compileOnly/],
    ['missing main dir', { main: './cmd/nope' }, {}, /^main package "\.\/cmd\/nope" not found: .* is not a directory$/],
    ['main excluded by name', { main: './cmd/winonly' }, {}, /every \.go file in .* is excluded for linux\/arm64 by its name or build constraint/],
    ['main excluded by tag', { main: './cmd/tagged' }, {}, /is not a main package \(package other/],
    ['outputPath outside', { outputPath: '../elsewhere/hello' }, {}, /^outputPath "\.\.\/elsewhere\/hello" is outside the workspace/],
    ['outputDir outside', { outputDir: '/tmp/out' }, {}, /^outputDir "\/tmp\/out" is outside the workspace/],
    ['-o in args', { args: ['-v', '-o=/tmp/x'] }, {}, /^args must not contain -o=\/tmp\/x: the output is set by outputPath or outputDir/],
    ['outputPath with two mains', { outputPath: 'bin/x', main: ['./cmd/a', './cmd/b'] }, {}, /^outputPath names one file but main lists 2 packages/],
  ])('refuses: %s', (_name, o, c, msg) => {
    const p = plan(o, c);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toMatch(msg);
  });

  it('property: any platform of the table plans one go build whose env holds only allowed variables', () => {
    const table = builtinPlatformTable();
    const allowed = new Set([...GO_ENV_PASSTHROUGH, 'GOOS', 'GOARCH', 'CGO_ENABLED', ...Object.keys(VARIANTS)]);
    const noisyEnv: NodeJS.ProcessEnv = { ...callerEnv, GOAMD64: 'v4', GORISCV64: 'rva23u64', NPM_TOKEN: 'x', LD_PRELOAD: '/evil.so' };
    const arb = fc.record({
      entry: fc.constantFrom(...table.entries),
      variantIndex: fc.nat(),
      tags: fc.array(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), { maxLength: 3 }),
      trimpath: fc.boolean(),
      reproducible: fc.boolean(),
      ldflags: fc.option(fc.constantFrom('-s', '-s -w', '-X main.v=1'), { nil: undefined }),
    });
    fc.assert(
      fc.property(arb, ({ entry, variantIndex, tags, trimpath, reproducible, ldflags }) => {
        const o: BuildExecutorSchema = { goos: entry.goos, goarch: entry.goarch, tags, trimpath, reproducible, ldflags };
        const variable = VARIANT_VARIABLE[entry.goarch];
        if (variable) {
          const values = Object.keys(VARIANTS[variable].values);
          (o as unknown as Record<string, string>)[variable.toLowerCase()] = values[variantIndex % values.length];
        }
        const p = planBuild(o, { ...ctx, env: noisyEnv });
        if (!p.ok) throw new Error(p.message);
        expect(Object.keys(p.env).filter((k) => !allowed.has(k))).toEqual([]);
        expect(p.env.GOOS).toBe(entry.goos);
        expect(p.env.GOARCH).toBe(entry.goarch);
        expect(p.env.CGO_ENABLED).toBe('0');
        const setVariants = Object.keys(VARIANTS).filter((v) => p.env[v] !== undefined);
        expect(setVariants).toEqual(variable ? [variable] : []);
        expect(p.steps).toHaveLength(1);
        const st = p.steps[0];
        expect(st.args.slice(-3)).toEqual(['-o', st.tmpPath, '.']);
        expect(path.dirname(st.tmpPath as string)).toBe(path.dirname(st.finalPath as string));
        expect(st.args.includes('-trimpath')).toBe(trimpath);
        expect(st.args.includes('-buildvcs=false')).toBe(reproducible);
        expect(st.args.some((a) => a.startsWith('-ldflags=') && a.endsWith('-buildid='))).toBe(reproducible);
        expect(st.finalPath?.endsWith('/hello' + (entry.goos === 'windows' ? '.exe' : ''))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a tagged main is found when its tag is set', () => {
    expect(plan({ main: './cmd/tagged', tags: ['special'] }).ok).toBe(true);
  });

  it('removeStaleTemporaries removes only dead processes’ temporaries of that artifact', () => {
    const dir = path.join(ws, 'stale');
    const keep = [`.hello.tmp-${process.ppid}`, 'hello', '.hello.tmp-x', '.other.tmp-999999999', '.hello.tmp-999999999.so'];
    const gone = ['.hello.tmp-999999999', '.hello.tmp-999999998.h', `.hello.tmp-${process.pid}`];
    for (const n of [...keep, ...gone]) write(path.join(dir, n), 'x');
    expect(removeStaleTemporaries(path.join(dir, 'hello')).sort()).toEqual([...gone].sort());
    expect(fs.readdirSync(dir).sort()).toEqual([...keep].sort());
  });

  it('packageClause skips comments and BOM', () => {
    expect(packageClause('\ufeff// x\n/* y\n*/ package  main // z\n')).toBe('main');
    expect(packageClause('//go:build linux\n\npackage foo_bar\n')).toBe('foo_bar');
    expect(packageClause('/* unterminated')).toBeUndefined();
    expect(packageClause('func main() {}')).toBeUndefined();
    expect(checkMainPackage(path.join(ws, 'apps/hello'), '.', { goos: 'linux', goarch: 'arm64' })).toBeUndefined();
  });
});

describeGo('runBuild', () => {
  let ws: string;
  let cacheDir: string;
  const env = { ...process.env };
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-build-'));
    makeWorkspace(ws);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-table-'));
    env.GOCROSS_CACHE_DIR = cacheDir;
  });
  afterAll(() => {
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  const quiet = { stdout: null, stderr: null };

  describe('refusals never start go', () => {
    it.each<[string, Partial<BuildExecutorSchema>]>([
      ['unknown pair', { goos: 'linux', goarch: 'sparc64' }],
      ['unknown variant', { goos: 'linux', goarch: 'arm', goarm: '8' }],
      ['no main package', { goos: 'linux', goarch: 'arm64', main: './cmd/winonly' }],
      ['outside output', { goos: 'linux', goarch: 'arm64', outputPath: '../../x' }],
      ['c-archive without cgo', { goos: 'linux', goarch: 'amd64', buildmode: 'c-archive' }],
    ])('%s', async (_name, o) => {
      const spawn = jest.fn<Promise<GoRunResult>, Parameters<GoSpawner>>();
      const logger = new Capture();
      const r = await runBuild(o as BuildExecutorSchema, { workspaceRoot: ws, projectRoot: 'apps/hello', env }, { spawn, logger, ...quiet });
      expect(r).toEqual({ success: false, artifacts: [] });
      expect(spawn).not.toHaveBeenCalled();
      expect(logger.errors).toHaveLength(1);
      expect(logger.errors[0]).not.toContain('\n');
    });

    it('cgo for a cross target with no C cross compiler on PATH (real resolver)', async () => {
      const goDir = path.dirname(spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim() + '/bin/go');
      const bare: NodeJS.ProcessEnv = { PATH: goDir, HOME: env.HOME, GOCACHE: spawnSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).stdout.trim(), GOCROSS_CACHE_DIR: cacheDir };
      const spawn = jest.fn<Promise<GoRunResult>, Parameters<GoSpawner>>();
      const logger = new Capture();
      const r = await runBuild(
        { goos: 'linux', goarch: 'riscv64', cgo: true },
        { workspaceRoot: ws, projectRoot: 'apps/hello', env: bare },
        { spawn, logger, ...quiet },
      );
      expect(r.success).toBe(false);
      expect(spawn).not.toHaveBeenCalled();
      expect(logger.errors).toHaveLength(1);
      expect(logger.errors[0]).toMatch(/riscv64/);
    });

    it('go missing from PATH', async () => {
      const spawn = jest.fn<Promise<GoRunResult>, Parameters<GoSpawner>>();
      const logger = new Capture();
      const r = await runBuild(
        { goos: 'linux', goarch: 'arm64' },
        { workspaceRoot: ws, projectRoot: 'apps/hello', env: { PATH: cacheDir } },
        { spawn, logger, ...quiet },
      );
      expect(r.success).toBe(false);
      expect(spawn).not.toHaveBeenCalled();
      expect(logger.errors).toEqual(['go not found: install Go (https://go.dev/dl/) or put it on PATH, or set GOCROSS_GO']);
    });
  });

  /** ELF header fields read straight from the bytes. */
  function elfHeader(file: string): { cls: number; data: number; machine: number; type: number } {
    const b = fs.readFileSync(file);
    expect(b.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    const le = b[5] === 1;
    const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    return { cls: b[4], data: b[5], machine: u16(18), type: u16(16) };
  }

  function goVersionM(file: string): string {
    const r = spawnSync('go', ['version', '-m', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stdout;
  }

  it('linux/arm64 gives an AArch64 ELF (e_machine 183), static, nothing left behind', async () => {
    const logger = new Capture();
    const r = await runBuild({ goos: 'linux', goarch: 'arm64' }, { workspaceRoot: ws, projectRoot: 'apps/hello', env }, { logger, ...quiet });
    expect(logger.errors).toEqual([]);
    expect(logger.infos).toEqual([expect.stringMatching(/^linux\/arm64: \. → .*dist\/apps\/hello\/linux-arm64\/hello \(\d+\.\d MiB\)$/)]);
    const out = path.join(ws, 'dist/apps/hello/linux-arm64/hello');
    expect(r).toEqual({ success: true, artifacts: [out] });
    expect(elfHeader(out)).toEqual({ cls: 2, data: 1, machine: 183, type: 2 });
    expect(fs.readdirSync(path.dirname(out))).toEqual(['hello', 'hello.intoto.json']);
    // the platform table of this Go was cached where GOCROSS_CACHE_DIR points
    expect(fs.readdirSync(cacheDir)).toEqual([expect.stringMatching(/^dist-list-go1\.\d+.*\.json$/)]);
    const m = goVersionM(out);
    expect(m).toMatch(/build\s+GOARCH=arm64/);
    expect(m).toMatch(/build\s+CGO_ENABLED=0/);
    expect(m).toMatch(/build\s+-trimpath=true/);
    expect(m).not.toMatch(/vcs\./);
    // -trimpath keeps -ldflags out of the build info; the build id itself must be empty.
    const id = spawnSync('go', ['tool', 'buildid', out], { encoding: 'utf8' });
    expect(id.status).toBe(0);
    expect(id.stdout.trim()).toBe('');
  });

  /** PT_INTERP of a little-endian ELF64, read from the program headers. */
  function interpreter64(file: string): string | undefined {
    const b = fs.readFileSync(file);
    const phoff = Number(b.readBigUInt64LE(32));
    const phentsize = b.readUInt16LE(54);
    const phnum = b.readUInt16LE(56);
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      if (b.readUInt32LE(o) !== 3) continue;
      const off = Number(b.readBigUInt64LE(o + 8));
      const size = Number(b.readBigUInt64LE(o + 32));
      return b.subarray(off, off + size).toString('latin1').replace(/\0+$/, '');
    }
    return undefined;
  }

  itIf(haveAarch64Gcc)('cgo linux/arm64 links with the cross gcc the resolver finds', async () => {
    write(
      path.join(ws, 'apps/hello/cmd/cgo/main.go'),
      'package main\n\n/*\nstatic int twice(int x) { return 2 * x; }\n*/\nimport "C"\n\nfunc main() { println(int(C.twice(21))) }\n',
    );
    const logger = new Capture();
    const r = await runBuild(
      { goos: 'linux', goarch: 'arm64', cgo: true, main: './cmd/cgo' },
      { workspaceRoot: ws, projectRoot: 'apps/hello', env },
      { logger, ...quiet },
    );
    expect(logger.errors).toEqual([]);
    expect(r.success).toBe(true);
    const out = r.artifacts[0];
    expect(elfHeader(out)).toMatchObject({ cls: 2, machine: 183 });
    expect(interpreter64(out)).toBe('/lib/ld-linux-aarch64.so.1');
    expect(goVersionM(out)).toMatch(/build\s+CGO_ENABLED=1/);
  });

  itIf(haveMuslGcc)('cgo with libc musl links against musl (its loader in PT_INTERP)', async () => {
    write(
      path.join(ws, 'apps/hello/cmd/cgomusl/main.go'),
      'package main\n\n// static int three(void) { return 3; }\nimport "C"\n\nfunc main() { println(int(C.three())) }\n',
    );
    const logger = new Capture();
    const r = await runBuild(
      { goos: 'linux', goarch: 'amd64', cgo: true, libc: 'musl', main: './cmd/cgomusl', outputDir: 'dist/musl' },
      { workspaceRoot: ws, projectRoot: 'apps/hello', env },
      { logger, ...quiet },
    );
    expect(logger.errors).toEqual([]);
    expect(r.success).toBe(true);
    expect(elfHeader(r.artifacts[0])).toMatchObject({ cls: 2, machine: 62 });
    expect(interpreter64(r.artifacts[0])).toBe('/lib/ld-musl-x86_64.so.1');
  });

  itIf(haveHostGcc)('c-archive: the archive and its header are renamed into place together', async () => {
    write(
      path.join(ws, 'apps/hello/cmd/clib/main.go'),
      'package main\n\nimport "C"\n\n//export Twice\nfunc Twice(x C.int) C.int { return 2 * x }\n\nfunc main() {}\n',
    );
    const dir = path.join(ws, 'dist/apps/hello/linux-amd64-cgo-c-archive');
    write(path.join(dir, '.clib.tmp-999999999.a'), 'left by an interrupted build');
    write(path.join(dir, '.clib.tmp-999999999.h'), 'left by an interrupted build');
    const logger = new Capture();
    const r = await runBuild(
      { goos: 'linux', goarch: 'amd64', cgo: true, buildmode: 'c-archive', main: './cmd/clib' },
      { workspaceRoot: ws, projectRoot: 'apps/hello', env },
      { logger, ...quiet },
    );
    expect(logger.errors).toEqual([]);
    expect(r.artifacts).toEqual([path.join(dir, 'clib.a')]);
    expect(fs.readFileSync(path.join(dir, 'clib.a')).subarray(0, 8).toString('latin1')).toBe('!<arch>\n');
    expect(fs.readFileSync(path.join(dir, 'clib.h'), 'utf8')).toMatch(/extern int Twice\(int x\);|Twice\(GoInt32 x\)|Twice\(int/);
    expect(fs.readdirSync(dir).sort()).toEqual(['clib.a', 'clib.a.intoto.json', 'clib.h']);
  });

  it('as an Nx executor: finds the project root in the context', async () => {
    const context = {
      root: ws,
      cwd: ws,
      isVerbose: false,
      projectName: 'hello',
      projectsConfigurations: { version: 2, projects: { hello: { root: 'apps/hello' } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as unknown as ExecutorContext;
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const r = await buildExecutor({ goos: 'linux', goarch: 'arm64', main: './cmd/b', outputPath: 'bin/b-arm64' }, context);
      expect(r).toEqual({ success: true });
      expect(elfHeader(path.join(ws, 'bin/b-arm64')).machine).toBe(183);
      expect(log.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/^linux\/arm64: \.\/cmd\/b → .*bin\/b-arm64 \(/)]);
      const missing = await buildExecutor({ goos: 'linux', goarch: 'arm64' }, { ...context, projectName: 'nope' } as ExecutorContext);
      expect(missing).toEqual({ success: false });
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual(['@gocross/nx:build: project nope not found in the workspace']);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });

  it('linux/arm/7 gives a 32-bit ARM ELF (e_machine 40) with GOARM=7 recorded', async () => {
    const r = await runBuild(
      { goos: 'linux', goarch: 'arm', goarm: '7' },
      { workspaceRoot: ws, projectRoot: 'apps/hello', env },
      { logger: new Capture(), ...quiet },
    );
    expect(r.success).toBe(true);
    const out = path.join(ws, 'dist/apps/hello/linux-arm-7/hello');
    expect(elfHeader(out)).toMatchObject({ cls: 1, data: 1, machine: 40 });
    expect(goVersionM(out)).toMatch(/build\s+GOARM=7/);
  });

  it('windows/amd64 gets .exe and a PE image; several mains each get their artifact', async () => {
    const r = await runBuild(
      { goos: 'windows', goarch: 'amd64', main: ['.', './cmd/a'] },
      { workspaceRoot: ws, projectRoot: 'apps/hello', env },
      { logger: new Capture(), ...quiet },
    );
    const dir = path.join(ws, 'dist/apps/hello/windows-amd64');
    expect(r).toEqual({ success: true, artifacts: [path.join(dir, 'hello.exe'), path.join(dir, 'a.exe')] });
    for (const f of r.artifacts) {
      const b = fs.readFileSync(f);
      expect(b.subarray(0, 2).toString('latin1')).toBe('MZ');
      const pe = b.readUInt32LE(0x3c);
      expect(b.subarray(pe, pe + 4)).toEqual(Buffer.from('PE\0\0', 'latin1'));
      expect(b.readUInt16LE(pe + 4)).toBe(0x8664);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['a.exe', 'a.exe.intoto.json', 'hello.exe', 'hello.exe.intoto.json']);
  });

  it('compileOnly type-checks and compiles a library without writing anything', async () => {
    const r = await runBuild(
      { goos: 'linux', goarch: 'riscv64', compileOnly: true },
      { workspaceRoot: ws, projectRoot: 'libs/mathx', env },
      { logger: new Capture(), ...quiet },
    );
    expect(r).toEqual({ success: true, artifacts: [] });
    expect(fs.existsSync(path.join(ws, 'dist/libs'))).toBe(false);
    expect(fs.readdirSync(path.join(ws, 'libs/mathx')).sort()).toEqual(['go.mod', 'inner', 'mathx.go']);
  });

  it('reproducible: two checkouts in different directories give byte-identical binaries', async () => {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-repro-a-'));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-repro-bb-'));
    try {
      makeWorkspace(a);
      makeWorkspace(b);
      const build = async (root: string, extra: Partial<BuildExecutorSchema> = {}) => {
        const r = await runBuild(
          { goos: 'linux', goarch: 'arm64', ...extra },
          { workspaceRoot: root, projectRoot: 'apps/hello', env },
          { logger: new Capture(), ...quiet },
        );
        expect(r.success).toBe(true);
        return fs.readFileSync(r.artifacts[0]);
      };
      const ba = await build(a);
      const bb = await build(b);
      expect(ba.length).toBeGreaterThan(100_000);
      expect(ba.equals(bb)).toBe(true);
      // Control: without -trimpath the checkout paths end up in the binaries, so they differ.
      const ca = await build(a, { trimpath: false });
      const cb = await build(b, { trimpath: false });
      expect(ca.equals(cb)).toBe(false);
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  });

  it('a failing build keeps the previous good binary, shows go’s output and the hints', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-atomic-'));
    try {
      makeWorkspace(root);
      const input = { workspaceRoot: root, projectRoot: 'apps/hello', env };
      const ok = await runBuild({ goos: 'linux', goarch: 'arm64' }, input, { logger: new Capture(), ...quiet });
      expect(ok.success).toBe(true);
      const out = ok.artifacts[0];
      const good = fs.readFileSync(out);

      write(path.join(root, 'apps/hello/arch.go'), 'package main\n\nfunc arch() string { return undefinedThing }\n');
      const logger = new Capture();
      const seen: string[] = [];
      const explain = (output: string): FailureHint[] => {
        seen.push(output);
        return [{ id: 'demo', message: 'something is undefined', fix: 'define it', docs: 'docs/failures/demo.md' }];
      };
      const bad = await runBuild({ goos: 'linux', goarch: 'arm64' }, input, { logger, explain, ...quiet });
      expect(bad).toEqual({ success: false, artifacts: [] });
      expect(fs.readFileSync(out).equals(good)).toBe(true);
      expect(fs.readdirSync(path.dirname(out))).toEqual(['hello', 'hello.intoto.json']);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatch(/undefined: undefinedThing/);
      expect(logger.errors[0]).toMatch(/^go build for linux\/arm64 failed \(\. → .*hello\): exit status 1$/);
      expect(logger.errors.join('\n')).toMatch(/undefined: undefinedThing/);
      expect(logger.errors[logger.errors.length - 1]).toBe('hint [demo]: something is undefined — define it (https://github.com/gocross/gocross/blob/main/docs/failures/demo.md)');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("cgo's flag allow list reaches go", () => {
  // go refuses a #cgo flag outside its safe list unless CGO_CFLAGS_ALLOW admits it (see
  // https://go.dev/s/invalidflag); the build passes that variable on, and hashes it.
  itIf(haveHostGcc)('a #cgo CFLAGS flag go refuses builds once CGO_CFLAGS_ALLOW admits it', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-allow-'));
    try {
      fs.writeFileSync(path.join(ws, 'go.mod'), 'module example.com/allow\n\ngo 1.22\n');
      fs.writeFileSync(
        path.join(ws, 'main.go'),
        'package main\n\n// #cgo CFLAGS: -fprofile-use=profile.gcda\n// static int one(void) { return 1; }\nimport "C"\n\nimport "fmt"\n\nfunc main() { fmt.Println(C.one()) }\n',
      );
      const build = async (env: NodeJS.ProcessEnv) => {
        const logger = new Capture();
        const out: string[] = [];
        const sink = { write: (c: string | Uint8Array) => (out.push(String(c)), true) } as unknown as NodeJS.WritableStream;
        const r = await runBuild({ goos: 'linux', goarch: 'amd64', cgo: true, outputDir: 'out' }, { workspaceRoot: ws, projectRoot: '.', env }, { logger, stdout: sink, stderr: sink });
        return { success: r.success, output: out.join('') + logger.errors.join('\n') };
      };
      const refused = await build({ ...process.env, CGO_CFLAGS_ALLOW: undefined });
      expect(refused.success).toBe(false);
      expect(refused.output).toContain('invalid flag in #cgo CFLAGS: -fprofile-use=profile.gcda');
      expect((await build({ ...process.env, CGO_CFLAGS_ALLOW: '-fprofile-use=.*' })).success).toBe(true);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  }, 180_000);
});
