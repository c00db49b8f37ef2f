/**
 * The `gocross` command line as installed from the packed tarball (node_modules/.bin/gocross in
 * the test workspace), on binaries built here by go: good ones, a wrong-arch file under a
 * linux_arm64 path, a cgo binary with a /tmp RUNPATH, a glibc cgo build with its manifest checked
 * against flags that disagree, c-shared libraries (native and cross),
 * universal Mach-O files, and goreleaser's artifacts.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeRun, realGo, run, workspaceRoot, writeFile } from './utils';
import { all, haveTools, hostIs, itIf } from '../plugin/src/test-utils/gates';
import { writeManifestFor } from '../plugin/src/test-utils/manifest';

/** A universal Mach-O of thin images: fat_arch entries (big-endian) and slices aligned to 2^14. */
function universal(images: Buffer[]): Buffer {
  const align = 1 << 14;
  const up = (n: number) => Math.ceil(n / align) * align;
  const offsets: number[] = [];
  let at = up(8 + images.length * 20);
  for (const img of images) {
    offsets.push(at);
    at = up(at + img.length);
  }
  const out = Buffer.alloc(offsets[offsets.length - 1] + images[images.length - 1].length);
  out.writeUInt32BE(0xcafebabe, 0);
  out.writeUInt32BE(images.length, 4);
  images.forEach((img, i) => {
    const o = 8 + i * 20;
    out.writeInt32BE(img.readInt32LE(4), o); // cputype (the thin images are little-endian)
    out.writeInt32BE(img.readInt32LE(8), o + 4); // cpusubtype
    out.writeUInt32BE(offsets[i], o + 8);
    out.writeUInt32BE(img.length, o + 12);
    out.writeUInt32BE(14, o + 16);
    img.copy(out, offsets[i]);
  });
  return out;
}

describe('gocross CLI from the packed package', () => {
  let ws: string;
  let bin: string;
  let dir: string;
  const gocross = (args: string[]) => run(bin, args, { cwd: dir, env: { CI: 'true' } });

  const build = (out: string, env: Record<string, string>, extra: string[] = [], src = 'src') => {
    const r = run(realGo(), ['build', '-trimpath', ...extra, '-o', path.join(dir, out), '.'], {
      cwd: path.join(dir, src),
      env: { GOFLAGS: '', GOWORK: 'off', GOTOOLCHAIN: 'local', GOPROXY: 'off', CGO_ENABLED: '0', ...env },
    });
    if (r.code !== 0) throw new Error(describeRun(`go build ${out}`, r));
  };
  /** The program of src with a C function it calls, built with cgo. */
  const buildCgo = (out: string, env: Record<string, string>, extra: string[] = []) => {
    writeFile(path.join(dir, 'src', 'c.go'), 'package main\n\n// int answer(void) { return 42; }\nimport "C"\n\nvar _ = C.answer()\n');
    try {
      build(out, { CGO_ENABLED: '1', ...env }, extra);
    } finally {
      fs.rmSync(path.join(dir, 'src', 'c.go'));
    }
  };

  beforeAll(() => {
    ws = workspaceRoot();
    bin = path.join(ws, 'node_modules', '.bin', 'gocross');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-cli-e2e-'));
    writeFile(path.join(dir, 'src', 'go.mod'), 'module example.com/cliapp\n\ngo 1.22\n');
    writeFile(
      path.join(dir, 'src', 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"runtime"\n)\n\nfunc main() { fmt.Println(runtime.GOOS + "/" + runtime.GOARCH) }\n',
    );
    build('dist/app_linux_arm64_v8.0/app', { GOOS: 'linux', GOARCH: 'arm64' });
    build('dist/app_linux_amd64_v1/app', { GOOS: 'linux', GOARCH: 'amd64' });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the bin is installed and answers --help', () => {
    expect(fs.existsSync(bin)).toBe(true);
    const r = gocross(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/validate .*inspect .*platforms .*explain/s);
  });

  test('good binaries: exit 0', () => {
    const r = gocross(['validate', 'dist']);
    if (r.code !== 0) throw new Error(describeRun('gocross validate dist', r));
    expect(r.stderr).toContain('2 artifact(s) validated');
  });

  test('an x86-64 binary under a linux_arm64 path: exit 1 with binary-arch', () => {
    fs.mkdirSync(path.join(dir, 'wrong', 'app_linux_arm64'), { recursive: true });
    fs.copyFileSync(path.join(dir, 'dist', 'app_linux_amd64_v1', 'app'), path.join(dir, 'wrong', 'app_linux_arm64', 'app'));
    const r = gocross(['validate', 'wrong']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error\s+binary-arch/);
  });

  test('an amd64 binary copied under linux-arm64/ (no manifest): binary-arch with the GOARCH=arm64 fix, and the fix passes', () => {
    const rel = 'moved/apps/fzf/linux-arm64/fzf';
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.copyFileSync(path.join(dir, 'dist', 'app_linux_amd64_v1', 'app'), path.join(dir, rel));
    const r = gocross(['validate', rel]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+moved\/apps\/fzf\/linux-arm64\/fzf\s+\[linux\/arm64, no cgo\]/);
    expect(r.stdout).toMatch(/error\s+binary-arch\s+built for GOARCH=amd64, target is linux\/arm64 .*\n\s+fix: rebuild with GOARCH=arm64\n/);
    expect(r.stdout).not.toContain('output directory');
    // Run the fix.
    build(rel, { GOOS: 'linux', GOARCH: 'arm64' });
    const fixed = gocross(['validate', rel]);
    if (fixed.code !== 0) throw new Error(describeRun(`gocross validate ${rel} after rebuilding with GOARCH=arm64`, fixed));
  });

  itIf(haveTools('aarch64-linux-gnu-gcc'))('--libc musl and --buildmode pie on a glibc cgo build with its manifest: exit 1 naming both', () => {
    const rel = 'dist/apps/fzf/linux-arm64-cgo/fzf';
    buildCgo(rel, { GOOS: 'linux', GOARCH: 'arm64', CC: 'aarch64-linux-gnu-gcc' });
    writeManifestFor(path.join(dir, rel), { platform: { goos: 'linux', goarch: 'arm64' }, cgo: true, libc: 'glibc', cc: 'aarch64-linux-gnu-gcc', target: 'fzf:build-linux-arm64-cgo' });
    const asBuilt = gocross(['validate', '--cgo', rel]);
    if (asBuilt.code !== 0) throw new Error(describeRun(`gocross validate --cgo ${rel}`, asBuilt));
    expect(asBuilt.stdout).toMatch(/ok\s+dist\/apps\/fzf\/linux-arm64-cgo\/fzf\s+\[linux\/arm64, cgo glibc\]/);

    const musl = gocross(['validate', '--cgo', '--libc', 'musl', rel]);
    expect(musl.code).toBe(1);
    expect(musl.stdout).toContain(`error  input    ${rel} was built as linux/arm64 cgo glibc according to its manifest fzf.intoto.json; --libc musl expects musl\n`);
    expect(musl.stdout).toMatch(/error\s+linkage\s+glibc loader \/lib\/ld-linux-aarch64\.so\.1 but the target expects musl/);

    const pie = gocross(['validate', '--buildmode', 'pie', rel]);
    expect(pie.code).toBe(1);
    expect(pie.stdout).toMatch(/error\s+input\s+.*; --buildmode pie expects -buildmode=pie\n/);
    expect(pie.stdout).toMatch(/error\s+hardening\s+not position independent \(e_type ET_EXEC\) though buildmode is pie/);
    // --help says what the flags mean now.
    expect(gocross(['validate', '--help']).stdout.replace(/\s+/g, ' ')).toContain('--libc <libc> expected C library of cgo builds (a build manifest that disagrees is an error)');
  });

  itIf(haveTools('gcc'))('a cgo binary with a /tmp RUNPATH: exit 1 with rpath', () => {
    buildCgo('cgo/app', { CC: 'gcc' }, ['-ldflags=-extldflags=-Wl,-rpath,/tmp/x']);
    const r = gocross(['validate', '--format', 'text,sarif', '--out', 'reports', 'cgo/app']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error\s+rpath\s+DT_RUNPATH entry "\/tmp\/x"/);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'reports', 'gocross.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('rpath');
  });

  test('goreleaser artifacts.json: each binary against its recorded platform', () => {
    const artifacts = [
      { name: 'app', path: 'dist/app_linux_arm64_v8.0/app', goos: 'linux', goarch: 'arm64', goarm64: 'v8.0', type: 'Binary' },
      { name: 'app', path: 'dist/app_linux_amd64_v1/app', goos: 'linux', goarch: 'amd64', goamd64: 'v1', type: 'Binary' },
      { name: 'checksums.txt', path: 'dist/checksums.txt', type: 'Checksum' },
    ];
    writeFile(path.join(dir, 'dist', 'artifacts.json'), JSON.stringify(artifacts, null, 2));
    const ok = gocross(['validate', '--goreleaser', 'dist/artifacts.json']);
    if (ok.code !== 0) throw new Error(describeRun('gocross validate --goreleaser', ok));
    artifacts[1].goarch = 'arm64';
    writeFile(path.join(dir, 'dist', 'artifacts.json'), JSON.stringify(artifacts, null, 2));
    const bad = gocross(['validate', '--goreleaser', 'dist/artifacts.json']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('binary-arch');

    // goreleaser 2.x records the riscv64 variant only in target
    build('rv/app_linux_riscv64_rva20u64/app', { GOOS: 'linux', GOARCH: 'riscv64', GORISCV64: 'rva20u64' });
    const rv = (target: string) => {
      writeFile(
        path.join(dir, 'rv', 'dist', 'artifacts.json'),
        JSON.stringify([{ name: 'app', path: 'app_linux_riscv64_rva20u64/app', goos: 'linux', goarch: 'riscv64', target, type: 'Binary' }]),
      );
      return gocross(['validate', '--goreleaser', 'rv/dist/artifacts.json']);
    };
    const rvGood = rv('linux_riscv64_rva20u64');
    if (rvGood.code !== 0) throw new Error(describeRun('gocross validate --goreleaser (riscv64 rva20u64)', rvGood));
    expect(rvGood.stdout).toMatch(/\[linux\/riscv64\/rva20u64/);
    const rvBad = rv('linux_riscv64_rva22u64');
    expect(rvBad.code).toBe(1);
    expect(rvBad.stdout).toMatch(/error\s+buildinfo\s+built with GORISCV64=rva20u64, target is GORISCV64=rva22u64/);
  });

  describe('c-shared libraries: //export names from the library and its header, no sources needed', () => {
    const writeLib = (name: string, leak: boolean) => {
      writeFile(path.join(dir, name, 'go.mod'), 'module example.com/libadd\n\ngo 1.22\n');
      writeFile(
        path.join(dir, name, 'helper.c'),
        leak ? 'int helper_add1(int x) { return x + 1; }\n' : '__attribute__((visibility("hidden"))) int helper_add1(int x) { return x + 1; }\n',
      );
      writeFile(
        path.join(dir, name, 'lib.go'),
        'package main\n\n/*\nint helper_add1(int x);\n*/\nimport "C"\n\n//export Add\nfunc Add(a, b C.int) C.int { return C.helper_add1(a) + b - 1 }\n\n//export Hello\nfunc Hello() {}\n\nfunc main() {}\n',
      );
    };
    for (const [goarch, cc] of [
      ['amd64', 'gcc'],
      ['arm64', 'aarch64-linux-gnu-gcc'],
    ]) {
      // gcc is the host compiler: it builds linux/amd64 on a linux/amd64 host only.
      itIf(all(goarch === 'amd64' ? hostIs('linux', 'x64') : { ok: true }, haveTools(cc)))(`linux/${goarch} with ${cc}: a clean library exits 0, a leaked C function exits 1 with exports`, () => {
        writeLib(`libsrc-${goarch}`, false);
        writeLib(`libsrc-${goarch}-leak`, true);
        const env = { CGO_ENABLED: '1', CC: cc, GOOS: 'linux', GOARCH: goarch };
        build(`lib-${goarch}/libadd.so`, env, ['-buildmode=c-shared'], `libsrc-${goarch}`);
        build(`lib-${goarch}-leak/libadd.so`, env, ['-buildmode=c-shared'], `libsrc-${goarch}-leak`);
        expect(fs.existsSync(path.join(dir, `lib-${goarch}`, 'libadd.h'))).toBe(true);
        const good = gocross(['validate', `lib-${goarch}`]);
        if (good.code !== 0) throw new Error(describeRun(`gocross validate lib-${goarch}`, good));
        fs.renameSync(path.join(dir, `lib-${goarch}`, 'libadd.h'), path.join(dir, `lib-${goarch}`, 'libadd.h.off'));
        const noHeader = gocross(['validate', `lib-${goarch}`]);
        if (noHeader.code !== 0) throw new Error(describeRun(`gocross validate lib-${goarch} (no header)`, noHeader));
        const bad = gocross(['validate', `lib-${goarch}-leak`]);
        expect(bad.code).toBe(1);
        expect(bad.stdout).toMatch(/error\s+exports\s+exports function helper_add1, which is not an \/\/export/);
        expect(bad.stdout).not.toMatch(/exports function (Add|Hello)\b/);
      });
    }
  });

  test('a universal Mach-O: amd64 + arm64 exits 0; an x86_64 slice holding arm64 code exits 1', () => {
    build('mac/app-arm64', { GOOS: 'darwin', GOARCH: 'arm64' });
    build('mac/app-amd64', { GOOS: 'darwin', GOARCH: 'amd64' });
    const arm64 = fs.readFileSync(path.join(dir, 'mac', 'app-arm64'));
    const amd64 = fs.readFileSync(path.join(dir, 'mac', 'app-amd64'));
    writeFile(path.join(dir, 'fat', 'good', 'app'), universal([arm64, amd64]));
    const good = gocross(['validate', 'fat/good']);
    if (good.code !== 0) throw new Error(describeRun('gocross validate fat/good', good));
    expect(good.stdout).toMatch(/ok\s+fat\/good\/app\s+\[darwin\/amd64\/v1\+arm64\/v8\.0 universal/);
    const wrong = Buffer.from(arm64);
    wrong.writeInt32LE(0x01000007, 4); // CPU_TYPE_X86_64
    wrong.writeInt32LE(3, 8);
    writeFile(path.join(dir, 'fat', 'bad', 'app'), universal([arm64, wrong]));
    const bad = gocross(['validate', 'fat/bad']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/error\s+buildinfo\s+amd64 slice: built with GOARCH=arm64, target is GOARCH=amd64/);
  });

  test('nothing to validate: exit 2 with one line', () => {
    fs.mkdirSync(path.join(dir, 'empty-dist'), { recursive: true });
    writeFile(path.join(dir, 'empty-dist', 'checksums.txt'), 'x\n');
    for (const [args, msg] of [
      [['validate', 'empty-dist'], 'gocross: nothing to validate: empty-dist holds only 1 non-binary file(s)\n'],
      [['validate', 'no-such-dir'], 'gocross: nothing to validate: no-such-dir does not exist\n'],
      [['validate', ''], 'gocross: validate: an empty path names nothing to validate\n'],
    ] as [string[], string][]) {
      const r = gocross(args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: msg });
    }
  });

  test('--version prints the version of the installed package', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ws, 'node_modules', '@gocross', 'nx', 'package.json'), 'utf8')) as { version: string };
    const r = gocross(['--version']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: `${pkg.version}\n` });
  });

  test('inspect, platforms and explain work from the package (docs travel with it)', () => {
    const i = gocross(['inspect', '--json', 'dist/app_linux_arm64_v8.0/app']);
    expect(i.code).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({ format: 'elf', elf: { machine: 'EM_AARCH64' } });
    expect(gocross(['platforms']).stdout).toMatch(/linux\/riscv64/);
    const e = gocross(['explain', 'archive-arch']);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/^# archive-arch/);
    expect(gocross(['explain', 'input']).stdout).toMatch(/^# input/);
    expect(gocross(['explain', 'cc-not-found']).stdout).toMatch(/^# `cc-not-found`/);
    const nope = gocross(['explain', 'nope']);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toMatch(/unknown id "nope": checks .*exports.*input; build-failure hints .*cc-not-found/);
  });
});
