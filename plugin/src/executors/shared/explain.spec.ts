import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compilerWithoutTargetLibc } from '../doctor/test-utils/hidden-libc';
import { explainGoFailure, ExplainContext, FAILURE_IDS, formatHints } from './explain';
import { which } from './go';
import { all, gate, haveTools, hostIs, itIf, lackFiles } from '../../test-utils/gates';
import { goTestEnv } from '../../test-utils/go';

/**
 * Every signature is reproduced for real: go (or qemu) is run with a bad setup in a temp module,
 * and the explainer is fed its actual output.
 */

const workspace = path.resolve(__dirname, '../../../..');
let root: string;
const go = which('go');

function module(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), `module example.com/${name}\n\ngo 1.22\n`);
  for (const [f, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), content);
  return dir;
}

const baseEnv = goTestEnv;

/** Runs go, expects it to fail, returns stdout+stderr. */
function goFails(dir: string, env: Record<string, string>, args: string[] = ['build', '-o', os.devNull, '.']): string {
  if (!go) throw new Error('go is required');
  const r = spawnSync(go, args, { cwd: dir, env: baseEnv(env), encoding: 'utf8' });
  expect(r.status).not.toBe(0);
  return `${r.stdout}${r.stderr}`;
}

function ids(output: string, ctx: ExplainContext): string[] {
  return explainGoFailure(output, ctx).map((h) => h.id);
}

const CGO_MAIN = 'package main\n\n/*\nstatic int add(int a, int b) { return a + b; }\n*/\nimport "C"\n\nimport "fmt"\n\nfunc main() { fmt.Println(C.add(1, 2)) }\n';

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-explain-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('compiler for the wrong architecture', () => {
  itIf(haveTools('gcc'))('host gcc assembling runtime/cgo gcc_arm64.S', () => {
    const dir = module('foreignasm', { 'main.go': CGO_MAIN });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'arm64', CC: 'gcc' });
    expect(out).toMatch(/gcc_arm64\.S/);
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'arm64', cgo: true, cc: 'gcc' });
    expect(hints.map((h) => h.id)).toEqual(['cgo-foreign-asm']);
    expect(hints[0].message).toContain('"gcc"');
    expect(hints[0].docs).toBe('docs/failures/cgo-foreign-asm.md');
    // Where the platform's cross gcc is not installed: install it.
    const none = explainGoFailure(out, { goos: 'linux', goarch: 'arm64', cgo: true, cc: 'gcc', which: () => undefined })[0].fix;
    expect(none).toMatch(/^use a C compiler for linux\/arm64 instead of "gcc": apt-get install -y gcc-aarch64-linux-gnu \(gocross then picks aarch64-linux-gnu-gcc unless/);
    // Where it is installed, a setting chose gcc: naming the package to install would be no fix.
    const here = explainGoFailure(out, { goos: 'linux', goarch: 'arm64', cgo: true, cc: 'gcc', which: (c) => `/usr/bin/${c}` })[0].fix;
    expect(here).toMatch(/^aarch64-linux-gnu-gcc is installed here, but "gcc" was used: set cc \/ CC_FOR_linux_arm64 to aarch64-linux-gnu-gcc, or remove the setting/);
    expect(here).not.toContain('apt-get');
  });

  itIf(haveTools('gcc', 'aarch64-linux-gnu-gcc'))('the fix for an installed cross gcc, followed: the same build with cc set as it says succeeds', () => {
    const dir = module('foreignasm-fixed', { 'main.go': CGO_MAIN });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'arm64', CC: 'gcc' });
    const fix = explainGoFailure(out, { goos: 'linux', goarch: 'arm64', cgo: true, cc: 'gcc' })[0].fix;
    const cc = /to (\S+), or remove/.exec(fix)?.[1];
    expect(cc).toBe('aarch64-linux-gnu-gcc');
    const r = spawnSync('go', ['build', '-o', path.join(dir, 'out'), '.'], { cwd: dir, env: baseEnv({ CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'arm64', CC: cc as string }), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  itIf(haveTools('gcc'))("host gcc given -marm for GOARCH=arm", () => {
    const dir = module('marm', { 'main.go': CGO_MAIN });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'arm', GOARM: '7', CC: 'gcc' });
    expect(out).toContain("unrecognized command-line option '-marm'");
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'arm', cgo: true, cc: 'gcc' });
    expect(hints.map((h) => h.id)).toEqual(['cgo-wrong-cc']);
    expect(hints[0].message).toContain('-marm');
    expect(hints[0].fix).toContain('arm-linux-gnueabihf-gcc');
    expect(explainGoFailure(out, { goos: 'linux', goarch: 'arm', cgo: true, cc: 'gcc', which: () => undefined })[0].fix).toContain('apt-get install -y gcc-arm-linux-gnueabihf');
  });

  itIf(haveTools('aarch64-linux-gnu-gcc'))('aarch64 gcc given -m64 for GOARCH=amd64', () => {
    const dir = module('m64', { 'main.go': CGO_MAIN });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'amd64', CC: 'aarch64-linux-gnu-gcc' });
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'amd64', cgo: true, cc: 'aarch64-linux-gnu-gcc' });
    expect(hints.map((h) => h.id)).toEqual(['cgo-wrong-cc']);
    expect(hints[0].message).toContain('-m64');
    // amd64 is this machine's own platform on an amd64 host: Debian's package is gcc there.
    const fix = explainGoFailure(out, { goos: 'linux', goarch: 'amd64', cgo: true, cc: 'aarch64-linux-gnu-gcc', which: () => undefined })[0].fix;
    expect(fix).toContain(process.arch === 'x64' ? 'apt-get install -y gcc (gocross then picks x86_64-linux-gnu-gcc' : 'apt-get install -y gcc-x86-64-linux-gnu ');
  });

  it('a C compiler that is not installed', () => {
    const dir = module('nocc', { 'main.go': CGO_MAIN });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'riscv64', CC: 'riscv64-nowhere-gcc' });
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'riscv64', cgo: true, cc: 'riscv64-nowhere-gcc' });
    expect(hints.map((h) => h.id)).toEqual(['cc-not-found']);
    expect(hints[0].message).toContain('riscv64-nowhere-gcc');
    expect(explainGoFailure(out, { goos: 'linux', goarch: 'riscv64', cgo: true, cc: 'riscv64-linux-gnu-gcc' })[0].fix).toMatch(/^apt-get install/);
    expect(hints[0].fix).toContain('riscv64-linux-gnu-gcc');
    expect(explainGoFailure(out, { goos: 'linux', goarch: 'riscv64', cgo: true, cc: 'riscv64-nowhere-gcc', which: () => undefined })[0].fix).toContain('apt-get install -y gcc-riscv64-linux-gnu');
  });
});

describe('cross compiler without the target C library (libc6-dev-<arch>-cross not installed)', () => {
  /** The package a fix installs, checked against apt's own lists and against dpkg's owner of the missing file. */
  function packageOf(fix: string): string {
    const m = /apt-get install -y (\S+)/.exec(fix);
    if (!m) throw new Error(`no apt-get install in: ${fix}`);
    return m[1];
  }
  function expectPackageOwns(pkg: string, file: string): void {
    const show = spawnSync('apt-cache', ['show', pkg], { encoding: 'utf8' });
    expect(show.status).toBe(0);
    expect(show.stdout).toContain(`Package: ${pkg}`);
    const owner = spawnSync('dpkg', ['-S', file], { encoding: 'utf8' });
    expect(owner.status).toBe(0);
    expect(owner.stdout.split(':')[0]).toBe(pkg);
  }

  /** The file each case found missing, for the apt/dpkg cross-check. */
  const missingFile: Record<string, string> = {};
  for (const [goarch, goarm, triple, expected] of [
    ['arm', '7', 'arm-linux-gnueabihf', 'libc6-dev-armhf-cross'],
    ['riscv64', undefined, 'riscv64-linux-gnu', 'libc6-dev-riscv64-cross'],
  ] as [string, string | undefined, string, string][]) {
  itIf(haveTools(`${triple}-gcc`))(`GOARCH=${goarch}: missing headers name the package (real gcc, real go)`, () => {
    const cc = compilerWithoutTargetLibc(triple, root, which) as string;
    const dir = module(`nolibc-${goarch}`, { 'main.go': CGO_MAIN });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: goarch, ...(goarm ? { GOARM: goarm } : {}), CC: cc });
    const header = /fatal error: ([\w/.-]+\.h): No such file or directory/.exec(out);
    expect(header).not.toBeNull();
    const hints = explainGoFailure(out, { goos: 'linux', goarch, cgo: true, cc });
    expect(hints.map((h) => h.id)).toEqual(['cross-libc-missing']);
    expect(hints[0].message).toContain(`header ${(header as RegExpExecArray)[1]} is missing`);
    expect(hints[0].message).toContain(`(${triple})`);
    expect(hints[0].fix).toMatch(/^apt-get install -y /);
    expect(packageOf(hints[0].fix)).toBe(expected);
    missingFile[`headers-${goarch}`] = `/usr/${triple}/include/${(header as RegExpExecArray)[1]}`;
  });
  itIf(haveTools(`${triple}-gcc`, 'apt-cache', 'dpkg'))(`GOARCH=${goarch}: the package named for the missing header owns it (apt-cache, dpkg)`, () => {
    expect(missingFile[`headers-${goarch}`]).toBeDefined();
    expectPackageOwns(expected, missingFile[`headers-${goarch}`]);
  });
  }

  itIf(haveTools('arm-linux-gnueabihf-gcc'))('GOARCH=arm: missing crt files at link time name the package', () => {
    const triple = 'arm-linux-gnueabihf';
    const cc = compilerWithoutTargetLibc(triple, root, which) as string;
    const dir = module('nocrt-arm', { 'main.go': CGO_MAIN });
    // The headers are found (compiling works), the startup files and libc are not (linking fails).
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'arm', GOARM: '7', CC: cc, CGO_CFLAGS: `-O2 -g -isystem /usr/${triple}/include` });
    const crt = /cannot find (\S+?\.o): No such file or directory/.exec(out);
    expect(crt).not.toBeNull();
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'arm', cgo: true, cc });
    expect(hints.map((h) => h.id)).toEqual(['cross-libc-missing']);
    expect(hints[0].message).toContain(`startup file or library ${(crt as RegExpExecArray)[1]} is missing`);
    expect(packageOf(hints[0].fix)).toBe('libc6-dev-armhf-cross');
    missingFile['crt-arm'] = `/usr/${triple}/lib/${(crt as RegExpExecArray)[1]}`;
  });
  itIf(haveTools('arm-linux-gnueabihf-gcc', 'apt-cache', 'dpkg'))('GOARCH=arm: the package named for the missing crt file owns it (apt-cache, dpkg)', () => {
    expect(missingFile['crt-arm']).toBeDefined();
    expectPackageOwns('libc6-dev-armhf-cross', missingFile['crt-arm']);
  });

  it('names armel for the soft-float compiler and libc6-dev for the host gcc', () => {
    const armel = explainGoFailure('ld: cannot find crt1.o: No such file or directory\n', { goos: 'linux', goarch: 'arm', cgo: true, cc: '/opt/x/bin/arm-linux-gnueabi-gcc' });
    expect(packageOf(armel[0].fix)).toBe('libc6-dev-armel-cross');
    const goarm5 = explainGoFailure('x.c:1:10: fatal error: stdio.h: No such file or directory\n', { goos: 'linux', goarch: 'arm', variant: '5', cgo: true });
    expect(packageOf(goarm5[0].fix)).toBe('libc6-dev-armel-cross');
    const host = explainGoFailure('/usr/bin/ld: cannot find -lc: No such file or directory\n', { goos: 'linux', goarch: 'amd64', cgo: true, cc: 'gcc' });
    expect(packageOf(host[0].fix)).toBe('libc6-dev');
    const clang = explainGoFailure("x.c:1:10: fatal error: 'stdio.h' file not found\n", { goos: 'linux', goarch: 'riscv64', cgo: true, cc: 'clang --target=riscv64-linux-gnu' });
    expect(packageOf(clang[0].fix)).toBe('libc6-dev-riscv64-cross');
    const musl = explainGoFailure('x.c:1:10: fatal error: stdlib.h: No such file or directory\n', { goos: 'linux', goarch: 'amd64', cgo: true, cc: 'musl-gcc' });
    expect(packageOf(musl[0].fix)).toBe('musl-tools');
  });
  // Debian's native gcc is also named after the machine's own triple: its libc is libc6-dev.
  const own = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch as string];
  itIf(gate(own !== undefined, `needs an amd64 or arm64 host (this is ${process.arch})`))('names libc6-dev for the native gcc named after the host triple', () => {
    const native = explainGoFailure('/usr/bin/ld: cannot find crt1.o: No such file or directory\n', { goos: 'linux', goarch: process.arch === 'x64' ? 'amd64' : 'arm64', cgo: true, cc: `${own}-gcc` });
    expect(packageOf(native[0].fix)).toBe('libc6-dev');
  });
  itIf(haveTools('apt-cache'))('armel, libc6-dev, riscv64 and musl packages it names exist (apt-cache show)', () => {
    for (const pkg of ['libc6-dev-armel-cross', 'libc6-dev', 'libc6-dev-riscv64-cross', 'musl-tools']) expect(spawnSync('apt-cache', ['show', pkg], { encoding: 'utf8' }).status).toBe(0);
  });

  it('does not claim a missing C library for a missing header of the project itself', () => {
    expect(ids('main.go:3:10: fatal error: mylib.h: No such file or directory\n', { goos: 'linux', goarch: 'arm64', cgo: true })).toEqual([]);
    expect(ids('ld: cannot find -lcrypto: No such file or directory\n', { goos: 'linux', goarch: 'arm64', cgo: true })).toEqual([]);
  });
});

describe('Go source not covering the platform', () => {
  it('missing function body on riscv64 (assembly for amd64 only)', () => {
    const dir = module('asm', {
      'sum.go': 'package asm\n\nfunc Sum(x []uint64) uint64\n',
      'sum_amd64.s': '#include "textflag.h"\n\nTEXT ·Sum(SB),NOSPLIT,$0-32\n\tRET\n',
    });
    const out = goFails(dir, { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'riscv64' }, ['build', './...']);
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'riscv64', cgo: false });
    expect(hints.map((h) => h.id)).toEqual(['missing-function-body']);
    expect(hints[0].message).toContain('sum.go:3');
    expect(hints[0].fix).toContain('the @gocross/nx:asm generator writes guarded assembly plus the fallback');
  });

  it('build constraints exclude all Go files (GOOS)', () => {
    const dir = module('excl', { 'x.go': '//go:build linux\n\npackage excl\n' });
    const out = goFails(dir, { CGO_ENABLED: '0', GOOS: 'windows', GOARCH: 'amd64' });
    const hints = explainGoFailure(out, { goos: 'windows', goarch: 'amd64', cgo: false });
    expect(hints.map((h) => h.id)).toEqual(['build-constraints-exclude']);
    expect(hints[0].message).toContain('windows/amd64');
  });

  it('build constraints exclude all Go files (cgo-only package with cgo off)', () => {
    const dir = module('cgoonly', { 'main.go': CGO_MAIN });
    const out = goFails(dir, { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64' });
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'arm64', cgo: false });
    expect(hints.map((h) => h.id)).toEqual(['build-constraints-exclude']);
    expect(hints[0].message).toContain('import "C"');
    expect(hints[0].fix).toContain('cgo: true');
  });
});

describe('linking foreign or unfit C code', () => {
  let libDir: string;
  beforeAll(() => {
    if (!which('gcc')) return;
    // An x86-64 static library, the kind vendored next to Go code.
    libDir = path.join(root, 'x86lib');
    fs.mkdirSync(libDir, { recursive: true });
    fs.writeFileSync(path.join(libDir, 'foo.c'), 'int foo(int x) { return x + 1; }\n');
    const cc = spawnSync('gcc', ['-c', '-O2', 'foo.c', '-o', 'foo.o'], { cwd: libDir, encoding: 'utf8' });
    expect(cc.status).toBe(0);
    expect(spawnSync('ar', ['rcs', 'libfoo.a', 'foo.o'], { cwd: libDir }).status).toBe(0);
  });
  const useFoo = (ldflags: string) =>
    `package main\n\n/*\n#cgo LDFLAGS: ${ldflags}\nint foo(int);\n*/\nimport "C"\n\nimport "fmt"\n\nfunc main() { fmt.Println(C.foo(1)) }\n`;

  itIf(haveTools('gcc', 'aarch64-linux-gnu-gcc'))('skipping incompatible libfoo.a when searching for -lfoo', () => {
    const dir = module('incompat', { 'main.go': useFoo(`-L${libDir} -lfoo`) });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'arm64', CC: 'aarch64-linux-gnu-gcc' });
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'arm64', cgo: true, cc: 'aarch64-linux-gnu-gcc' });
    expect(hints.map((h) => h.id)).toEqual(['incompatible-library']);
    expect(hints[0].message).toContain(path.join(libDir, 'libfoo.a'));
    expect(hints[0].message).toContain('-lfoo');
    expect(hints[0].fix).toContain('/usr/aarch64-linux-gnu/lib');
    expect(hints[0].fix).toContain("the archive-arch check of this project's validate target names the foreign objects");
  });

  itIf(haveTools('gcc', 'aarch64-linux-gnu-gcc'))('file in wrong format', () => {
    const dir = module('wrongfmt', { 'main.go': useFoo(path.join(libDir, 'libfoo.a')) });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'arm64', CC: 'aarch64-linux-gnu-gcc' });
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'arm64', cgo: true, cc: 'aarch64-linux-gnu-gcc' });
    expect(hints.map((h) => h.id)).toEqual(['file-wrong-format']);
    expect(hints[0].message).toContain(`${path.join(libDir, 'libfoo.a')} is not an object or library for linux/arm64`);
    expect(hints[0].message).toContain('x86-64');
    expect(hints[0].fix).toContain("the archive-arch check of this project's validate target lists every foreign member");
  });

  itIf(all(haveTools('gcc'), hostIs('linux', 'x64')))('undefined reference to a symbol of a glibc version the sysroot lacks', () => {
    // The object asks for memcpy@GLIBC_2.99, as code compiled against a newer glibc asks for memcpy@GLIBC_2.34.
    const dir = module('glibcver', {
      'main.go':
        'package main\n\n/*\n#include <string.h>\n__asm__(".symver memcpy, memcpy@GLIBC_2.99");\nstatic void cp(char *d, const char *s, size_t n) { memcpy(d, s, n); }\n*/\nimport "C"\n\nfunc main() { var a, b [4]C.char; C.cp(&a[0], &b[0], 4) }\n',
    });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'amd64', CC: 'gcc' });
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'amd64', cgo: true, cc: 'gcc' });
    expect(hints.map((h) => h.id)).toEqual(['glibc-symbol-version']);
    expect(hints[0].message).toContain('memcpy@GLIBC_2.99');
    expect(hints[0].fix).toContain('zig cc, whose -target takes it after the triple (x86_64-linux-gnu.2.28 for glibc 2.28)');
  });

  itIf(all(haveTools('gcc'), hostIs('linux', 'x64')))('relocation … can not be used when making a PIE object', () => {
    const pieDir = path.join(root, 'nopic');
    fs.mkdirSync(pieDir, { recursive: true });
    fs.writeFileSync(path.join(pieDir, 'bar.c'), 'static const char msg[] = "hi";\nconst char *bar(void) { return msg; }\n');
    expect(spawnSync('gcc', ['-c', '-fno-pic', '-O0', 'bar.c', '-o', 'bar.o'], { cwd: pieDir }).status).toBe(0);
    expect(spawnSync('ar', ['rcs', 'libbar.a', 'bar.o'], { cwd: pieDir }).status).toBe(0);
    const dir = module('pie', {
      'main.go': `package main\n\n/*\n#cgo LDFLAGS: ${path.join(pieDir, 'libbar.a')}\nconst char *bar(void);\n*/\nimport "C"\n\nimport "fmt"\n\nfunc main() { fmt.Println(C.GoString(C.bar())) }\n`,
    });
    const out = goFails(dir, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'amd64', CC: 'gcc' }, ['build', '-buildmode=pie', '-o', os.devNull, '.']);
    const hints = explainGoFailure(out, { goos: 'linux', goarch: 'amd64', cgo: true, cc: 'gcc' });
    expect(hints.map((h) => h.id)).toEqual(['pie-relocation']);
    expect(hints[0].message).toContain('libbar.a(bar.o)');
    expect(hints[0].message).toContain('R_X86_64_32');
    expect(hints[0].fix).toContain('-fPIE');
  });
});

describe('running under qemu', () => {
  // With the loader at /lib (an arm64 host, or libc6:arm64 installed) qemu finds it without -L.
  const noLoader = all(haveTools('aarch64-linux-gnu-gcc', 'qemu-aarch64'), lackFiles('/lib/ld-linux-aarch64.so.1'));
  let bin = '';
  let cmd: string[] = [];
  itIf(noLoader)('dynamic binary run without the target sysroot', () => {
    const dir = module('qemuloader', { 'main.go': CGO_MAIN });
    bin = path.join(root, 'qemuloader.bin');
    const b = spawnSync(go as string, ['build', '-o', bin, '.'], {
      cwd: dir,
      env: baseEnv({ CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'arm64', CC: 'aarch64-linux-gnu-gcc' }),
      encoding: 'utf8',
    });
    expect(b.stderr).toBe('');
    const r = spawnSync('qemu-aarch64', [bin], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    const hints = explainGoFailure(`${r.stdout}${r.stderr}`, { goos: 'linux', goarch: 'arm64', cgo: true });
    expect(hints.map((h) => h.id)).toEqual(['qemu-no-loader']);
    expect(hints[0].fix).toContain('-L /usr/aarch64-linux-gnu');
    expect(hints[0].fix).toContain('libc6-arm64-cross');
    // The command the fix names runs the binary once the package is there (it holds the loader qemu looked for).
    cmd = /run with (qemu-aarch64 -L \S+)/.exec(hints[0].fix)![1].split(' ');
  });
  itIf(all(noLoader, haveTools('dpkg')))('the command its fix names runs that binary (the package holds the loader)', () => {
    expect(cmd).not.toEqual([]);
    expect(spawnSync('dpkg', ['-S', '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1'], { encoding: 'utf8' }).stdout).toMatch(/^libc6-arm64-cross: /m);
    const ok = spawnSync(cmd[0], [...cmd.slice(1), bin], { encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('3\n');
    expect(ok.status).toBe(0);
  });
});

describe('binary built for a newer CPU than the one running it', () => {
  // Runtime only (no fmt): keeps the extra GOARM/GOAMD64 compilations small.
  const plain = 'package main\n\nfunc main() { println("hi") }\n';
  itIf(haveTools('qemu-arm'))('GOARM=7 on an ARMv6 CPU (qemu-arm -cpu arm1176, a Pi Zero)', () => {
    const dir = module('armv7onv6', { 'main.go': plain });
    const bin = path.join(root, 'armv7onv6.bin');
    const b = spawnSync(go as string, ['build', '-o', bin, '.'], { cwd: dir, env: baseEnv({ CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm', GOARM: '7' }), encoding: 'utf8' });
    expect(b.stderr).toBe('');
    const ok = spawnSync('qemu-arm', ['-cpu', 'cortex-a7', bin], { encoding: 'utf8' });
    expect(ok.stderr).toBe('hi\n');
    const r = spawnSync('qemu-arm', ['-cpu', 'arm1176', bin], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    const hints = explainGoFailure(`${r.stdout}${r.stderr}`, { goos: 'linux', goarch: 'arm', cgo: false });
    expect(hints.map((h) => h.id)).toEqual(['cpu-too-old']);
    expect(hints[0].fix).toContain('GOARM=6');
  });

  itIf(haveTools('qemu-x86_64'))('GOAMD64=v4 on a baseline x86-64 CPU (qemu-x86_64 -cpu qemu64)', () => {
    const dir = module('amd64v4', { 'main.go': plain });
    const bin = path.join(root, 'amd64v4.bin');
    const b = spawnSync(go as string, ['build', '-o', bin, '.'], { cwd: dir, env: baseEnv({ CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v4' }), encoding: 'utf8' });
    expect(b.stderr).toBe('');
    const r = spawnSync('qemu-x86_64', ['-cpu', 'qemu64', bin], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    const hints = explainGoFailure(`${r.stdout}${r.stderr}`, { goos: 'linux', goarch: 'amd64', cgo: false });
    expect(hints.map((h) => h.id)).toEqual(['cpu-too-old']);
    expect(hints[0].message).toContain('GOAMD64=v4');
    expect(hints[0].fix).toContain('GOAMD64=v1');
  });
});

describe('unknown failures', () => {
  it('pass through with no hints', () => {
    const dir = module('syntax', { 'main.go': 'package main\n\nfunc main() { x := }\n' });
    const out = goFails(dir, { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64' });
    expect(out).toContain('syntax error');
    expect(ids(out, { goos: 'linux', goarch: 'arm64', cgo: false })).toEqual([]);
    expect(ids('', { goos: 'linux', goarch: 'arm64', cgo: false })).toEqual([]);
    expect(ids('ok  \texample.com/x\t0.01s\n', { goos: 'linux', goarch: 'arm64', cgo: false })).toEqual([]);
  });

  it('formats one line per hint', () => {
    const lines = formatHints([{ id: 'cgo-foreign-asm', message: 'm', fix: 'f', docs: 'docs/failures/cgo-foreign-asm.md' }]);
    const m = /^hint \[cgo-foreign-asm\]: m — f \((.+)\)$/.exec(lines[0]);
    expect(m).not.toBeNull();
    // the page a user can open: an absolute path that exists (here the checkout's docs/)
    expect(path.isAbsolute(m![1]) && fs.existsSync(m![1])).toBe(true);
    expect(m![1].endsWith(path.join('failures', 'cgo-foreign-asm.md'))).toBe(true);
    // a page that is not installed is named by its URL, never by a relative path
    expect(formatHints([{ id: 'x', message: 'm', fix: 'f', docs: 'docs/failures/x.md' }])[0]).toMatch(/\(https:\/\/\S+\/docs\/failures\/x\.md\)$/);
  });
});

describe('docs', () => {
  it.each(FAILURE_IDS.map((id) => [id]))('docs/failures/%s.md exists and names its id', (id) => {
    const file = path.join(workspace, 'docs/failures', `${id}.md`);
    expect(fs.existsSync(file)).toBe(true);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(id);
    expect(text).toMatch(/## Fix/);
  });
});

describe('fixes for platforms Debian ships no package for name no placeholder', () => {
  it('a cross compiler with no Debian libc package: the sysroot in prose', () => {
    const out = 'loongarch64-linux-gnu-gcc: fatal error: stdio.h: No such file or directory\n';
    const [h] = explainGoFailure(out, { goos: 'linux', goarch: 'loong64', cgo: true, cc: 'loongarch64-linux-gnu-gcc' });
    expect(h.id).toBe('cross-libc-missing');
    expect(h.fix).toBe('install the C library (sysroot) of loongarch64-linux-gnu where loongarch64-linux-gnu-gcc finds it, or pass that sysroot directory to the compiler as --sysroot in cflags and ldflags');
  });
  it('qemu without a loader for an arch with no Debian cross libc: -L in prose', () => {
    const out = "qemu-loongarch64: Could not open '/lib64/ld-linux-loongarch-lp64d.so.1': No such file or directory\n";
    const [h] = explainGoFailure(out, { goos: 'linux', goarch: 'loong64', cgo: true });
    expect(h.id).toBe('qemu-no-loader');
    expect(h.fix).toBe('pass the directory holding the target\'s C library (the root /lib64/ld-linux-loongarch-lp64d.so.1 is under) to qemu-loongarch64 as -L (the sysroot option of test and run targets), or build with cgo off');
  });
});
