import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtinPlatformTable } from '../../platforms/table';
import { formatPlatform, parsePlatform } from '../../platforms/platform';
import { aptInstallable } from './test-utils/apt';
import { addProjectConfiguration } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { asmGenerator } from '../../generators/asm/generator';
import { asmCoverage } from '../../checks/rules/asm-coverage';
import { diagnose, formatDoctorReport, matrixForPlatforms, matrixFromProjects, matrixFromStrings, provenSentence, readProjectSources, runDoctor, type DoctorReport } from './executor';
import type { ProjectOverride } from '../../graph/options';
import type { ProbeRequest, ProbeResult, ProbeStep, Prober } from './probe';
import { haveTools, itIf } from '../../test-utils/gates';

const SUM_GO = 'package sum\n\n// Sum adds xs.\nfunc Sum(xs []uint64) uint64\n';
const SUM_AMD64 = '#include "textflag.h"\n\n// func Sum(xs []uint64) uint64\nTEXT ·Sum(SB),NOSPLIT,$0-32\n\tMOVQ $0, ret+24(FP)\n\tRET\n';
const SUM_ARM64 = '#include "textflag.h"\n\n// func Sum(xs []uint64) uint64\nTEXT ·Sum(SB),NOSPLIT,$0-32\n\tMOVD $0, R0\n\tMOVD R0, ret+24(FP)\n\tRET\n';

// Real gcc / qemu output, as the probes see it on a machine without the cross libc (see probe.spec.ts,
// which produces it for real).
const NO_WORDSIZE = `# runtime/cgo
In file included from /usr/include/features.h:392,
                 from /usr/include/pthread.h:21,
                 from gcc_stack_unix.c:11:
/usr/include/features-time64.h:20:10: fatal error: bits/wordsize.h: No such file or directory
   20 | #include <bits/wordsize.h>
      |          ^~~~~~~~~~~~~~~~~
compilation terminated.
exit status 1`;
const NO_LOADER = "qemu-aarch64: Could not open '/lib/ld-linux-aarch64.so.1': No such file or directory\nexit status 255";

type Steps = Partial<Record<'go' | 'cCompile' | 'cLink' | 'cgo' | 'run', string>>;

/** A prober that records its requests and fails the steps given (platform → step → output). */
function fakeProber(failures: Record<string, Steps> = {}) {
  const calls: ProbeRequest[] = [];
  const probe: Prober = (req) => {
    calls.push(req);
    const f = failures[formatPlatform(req.platform)] ?? {};
    const st = (k: keyof Steps): ProbeStep => (f[k] ? { ok: false, command: k, output: f[k] as string } : { ok: true, command: k, output: k === 'run' ? 'gocross probe ok\n' : '' });
    const r: ProbeResult = { go: st('go') };
    if (req.toolchain) {
      r.cCompile = st('cCompile');
      if (r.cCompile.ok) r.cLink = st('cLink');
      if (req.cgo && r.cLink?.ok) r.cgo = st('cgo');
    }
    const binOk = req.cgo ? r.cgo?.ok === true : r.go.ok;
    if (binOk && req.method.kind !== 'unavailable') r.run = { ...st('run'), binary: req.cgo ? 'cgo' : 'go' };
    return r;
  };
  return { probe, calls };
}

describe('diagnose (injected machine and probes)', () => {
  const fake = (...present: string[]) => (cmd: string) => (present.includes(cmd) ? `/usr/bin/${cmd}` : undefined);
  const prober = fakeProber({ 'linux/arm/7': { cCompile: NO_WORDSIZE }, 'linux/arm64': { run: NO_LOADER } });
  const report = diagnose({
    matrix: [
      { platform: parsePlatform('linux/amd64'), cgo: true },
      { platform: parsePlatform('linux/arm64'), cgo: true },
      { platform: parsePlatform('linux/arm/7'), cgo: true },
      { platform: parsePlatform('linux/riscv64'), cgo: true },
      { platform: parsePlatform('linux/amd64'), cgo: true, libc: 'musl' },
      { platform: parsePlatform('linux/s390x'), cgo: false },
      { platform: parsePlatform('darwin/arm64'), cgo: false },
      { platform: parsePlatform('linux/vax'), cgo: false },
    ],
    projects: [
      {
        project: 'sum',
        projectRoot: 'libs/sum',
        sources: [
          { path: 'go.mod', content: 'module example.com/sum\n' },
          { path: 'sum.go', content: SUM_GO },
          { path: 'sum_amd64.s', content: SUM_AMD64 },
          { path: 'sum_arm64.s', content: SUM_ARM64 },
        ],
      },
    ],
    goVersion: 'go1.26.0',
    hostGoos: 'linux',
    hostGoarch: 'amd64',
    table: builtinPlatformTable(),
    env: {},
    which: fake('gcc', 'aarch64-linux-gnu-gcc', 'arm-linux-gnueabihf-gcc', 'qemu-aarch64', 'qemu-arm', 'qemu-riscv64'),
    exists: (p) => p === '/usr/aarch64-linux-gnu' || p === '/usr/arm-linux-gnueabihf',
    probe: prober.probe,
  });
  const row = (p: string, libc?: string) => report.rows.find((r) => r.platform === p && r.libc === libc)!;

  it('probes each platform Go can target with the compiler the build would use and the test executor\'s run method', () => {
    expect(prober.calls.map((c) => formatPlatform(c.platform))).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'linux/amd64', 'linux/s390x', 'darwin/arm64']);
    const arm = prober.calls[2];
    expect(arm.toolchain).toMatchObject({ cc: 'arm-linux-gnueabihf-gcc', cflags: ['-march=armv7-a+fp', '-mfloat-abi=hard'] });
    expect(arm.cgo).toBe(true);
    expect(arm.method).toMatchObject({ kind: 'qemu', qemu: 'qemu-arm', sysroot: '/usr/arm-linux-gnueabihf' });
    expect(prober.calls[0].method).toEqual({ kind: 'native' });
    expect(prober.calls[6].method.kind).toBe('unavailable');
  });

  it('says ok only for what the probes proved', () => {
    expect(row('linux/amd64')).toMatchObject({ cgo: { status: 'ok', summary: 'gcc' }, tests: { status: 'ok', summary: 'native' }, proof: { built: true, cgoLinked: true, ran: true } });
    // Compiled and linked, but the run failed: not "tested".
    expect(row('linux/arm64')).toMatchObject({ cgo: { status: 'ok', summary: 'aarch64-linux-gnu-gcc' }, tests: { status: 'gap' }, proof: { cgoLinked: true, ran: false } });
    expect(row('linux/arm/7')).toMatchObject({ cgo: { status: 'gap', summary: 'no target libc' }, tests: { status: 'blocked', summary: 'not run' }, proof: { built: true, cgoLinked: false, ran: false } });
    expect(row('linux/s390x').proof).toEqual({ built: true, cgoLinked: false, ran: false });
  });

  it('an asm gap of a hand-written declaration gives asm-coverage\'s fix: the asm generator refuses a function declared outside its sets', async () => {
    const gap = report.gaps.find((g) => g.platform === 'linux/riscv64' && g.area === 'asm')!;
    const p = parsePlatform('linux/riscv64');
    const sources = [
      { path: 'sum.go', content: SUM_GO },
      { path: 'sum_amd64.s', content: SUM_AMD64 },
      { path: 'sum_arm64.s', content: SUM_ARM64 },
    ];
    const [f] = asmCoverage.run({ target: { platform: p, cgo: false, buildmode: 'exe' }, platform: p, projectRoot: 'libs/sum', sources, params: {} });
    expect(gap.fix).toBe(f.fix);
    // What the doctor printed before: the generator refuses it.
    const tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'sum', { root: 'libs/sum' });
    tree.write('libs/sum/go.mod', 'module example.com/sum\n\ngo 1.22\n');
    for (const s of sources) tree.write(`libs/sum/${s.path}`, s.content);
    await expect(asmGenerator(tree, { project: 'sum', directory: '.', signature: 'func Sum(xs []uint64) uint64', skipFormat: true })).rejects.toThrow(/already defined in/);
  });

  it('an asm gap of a set the asm generator manages: its command, run in the workspace, leaves no body-less function', async () => {
    const tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'vec', { root: 'libs/vec' });
    tree.write('libs/vec/go.mod', 'module example.com/vec\n\ngo 1.22\n');
    await asmGenerator(tree, { project: 'vec', directory: 'dot', file: 'dot', signature: 'func Dot(a, b []float64) float64', arches: 'amd64,arm64', skipFormat: true });
    // Hand edit: the declaration is built on every arch, the fallback on none (as platform.spec does).
    const decl = tree.read('libs/vec/dot/dot_decl.go', 'utf-8')!;
    tree.write('libs/vec/dot/dot_decl.go', decl.replace(/^\/\/go:build .*$/m, '//go:build !purego'));
    const fallback = tree.read('libs/vec/dot/dot_fallback.go', 'utf-8')!;
    tree.write('libs/vec/dot/dot_fallback.go', fallback.replace(/^\/\/go:build .*$/m, '//go:build purego'));
    const sourcesOf = () =>
      tree.children('libs/vec/dot').map((f) => ({ path: `dot/${f}`, content: tree.read(`libs/vec/dot/${f}`, 'utf-8')! })).concat([{ path: 'go.mod', content: tree.read('libs/vec/go.mod', 'utf-8')! }]);
    const r = diagnose({
      matrix: [{ platform: parsePlatform('linux/riscv64'), cgo: false }],
      projects: [{ project: 'vec', projectRoot: 'libs/vec', sources: sourcesOf() }],
      goVersion: 'go1.26.0',
      hostGoos: 'linux',
      hostGoarch: 'amd64',
      table: builtinPlatformTable(),
      env: {},
      which: fake('qemu-riscv64'),
      exists: () => false,
      probe: fakeProber().probe,
    });
    const gap = r.gaps.find((g) => g.area === 'asm')!;
    expect(gap.fix).toBe('nx g @gocross/nx:asm --project vec --directory dot --file dot --signature "func Dot(a, b []float64) float64" --arches riscv64');
    // Run it: the options the nx CLI parses that command line into.
    const m = /^nx g @gocross\/nx:asm --project (\S+) --directory (\S+) --file (\S+) --signature "([^"]+)" --arches (\S+)$/.exec(gap.fix!)!;
    await asmGenerator(tree, { project: m[1], directory: m[2], file: m[3], signature: m[4], arches: m[5], skipFormat: true });
    expect(tree.exists('libs/vec/dot/dot_riscv64.s')).toBe(true);
    const p = parsePlatform('linux/riscv64');
    expect(asmCoverage.run({ target: { platform: p, cgo: false, buildmode: 'exe' }, platform: p, projectRoot: 'libs/vec', sources: sourcesOf(), params: {} })).toEqual([]);
  });

  it('names the exact Debian package for each gap', () => {
    const fixes = report.gaps.map((g) => `${g.platform} ${g.area}: ${g.fix}`);
    expect(fixes).toEqual([
      'linux/arm64 tests: apt-get install -y libc6-arm64-cross',
      'linux/arm/7 cgo: apt-get install -y libc6-dev-armhf-cross',
      "linux/arm/7 asm: add sum_arm.s with TEXT ·Sum(SB), or build the declaration in sum.go only where assembly exists (//go:build amd64 || arm64) and define Sum with a Go body in a new sum_generic.go with //go:build !(amd64 || arm64)",
      'linux/riscv64 cgo: apt-get install -y gcc-riscv64-linux-gnu',
      "linux/riscv64 asm: add sum_riscv64.s with TEXT ·Sum(SB), or build the declaration in sum.go only where assembly exists (//go:build amd64 || arm64) and define Sum with a Go body in a new sum_generic.go with //go:build !(amd64 || arm64)",
      'linux/amd64 (musl) cgo: apt-get install -y musl-tools',
      'linux/s390x tests: apt-get install -y qemu-user',
      "linux/s390x asm: add sum_s390x.s with TEXT ·Sum(SB), or build the declaration in sum.go only where assembly exists (//go:build amd64 || arm64) and define Sum with a Go body in a new sum_generic.go with //go:build !(amd64 || arm64)",
      'linux/vax go: install a Go release that supports it (https://go.dev/dl/) or drop it from the matrix',
    ]);
    expect(report.gaps.find((g) => g.platform === 'linux/arm/7')?.detail).toContain('bits/wordsize.h is missing');
    expect(report.ok).toBe(false);
  });

  const aptPackages = () => [...new Set(report.gaps.flatMap((g) => [...(g.fix ?? '').matchAll(/apt-get install -y (\S+)/g)].map((m) => m[1])))].sort();
  it('names one apt-get package per gap it can fix', () => {
    expect(aptPackages()).toEqual(['gcc-riscv64-linux-gnu', 'libc6-arm64-cross', 'libc6-dev-armhf-cross', 'musl-tools', 'qemu-user']);
  });
  itIf(haveTools('apt-cache'))('every apt-get package it names can be installed on this machine', () => {
    const pkgs = aptPackages();
    expect(pkgs).toHaveLength(5);
    expect(aptInstallable(pkgs)).toEqual(pkgs);
  });

  it('does not count what nothing here can fix (darwin tests) or what is not needed (cgo off)', () => {
    expect(row('darwin/arm64').tests).toMatchObject({ status: 'info', summary: 'compile only' });
    expect(row('linux/s390x').cgo).toMatchObject({ status: 'info', summary: 'no C compiler' });
    expect(report.gaps.filter((g) => g.platform === 'darwin/arm64')).toEqual([]);
    expect(row('linux/s390x').asm).toMatchObject({ status: 'gap', summary: '1 missing' });
  });

  it('prints a table with the gaps and their fixes, and claims nothing it did not prove', () => {
    const text = formatDoctorReport(report);
    expect(text).toMatch(/^PLATFORM\s+GO\s+CGO\s+TESTS\s+ASM$/m);
    expect(text).toMatch(/^linux\/arm\/7\s+ok\s+✗ no target libc\s+- not run\s+✗ 1 missing$/m);
    expect(text).toContain('fix: apt-get install -y libc6-dev-armhf-cross');
    expect(text).toContain('fix: apt-get install -y gcc-riscv64-linux-gnu');
    expect(text).not.toMatch(/Every platform/);
    expect(text.trimEnd().split('\n').pop()).toBe(
      'Not every platform of the matrix can be served here (built: linux/amd64, linux/arm64, linux/arm/7, linux/riscv64, linux/amd64 (musl), linux/s390x, darwin/arm64; linked with C: linux/amd64, linux/arm64; run: linux/amd64).',
    );
  });
});

describe('what the last sentence claims', () => {
  const base = {
    projects: [],
    goVersion: 'go1.26.0',
    hostGoos: 'linux',
    hostGoarch: 'amd64',
    table: builtinPlatformTable(),
    env: {},
    which: (c: string) => (['gcc', 'aarch64-linux-gnu-gcc', 'qemu-aarch64'].includes(c) ? `/usr/bin/${c}` : undefined),
    exists: (p: string) => p === '/usr/aarch64-linux-gnu',
  };
  it('built, linked and run when every probe ran', () => {
    const r = diagnose({ ...base, matrix: [{ platform: parsePlatform('linux/amd64'), cgo: true }, { platform: parsePlatform('linux/arm64'), cgo: true }], probe: fakeProber().probe });
    expect(r.ok).toBe(true);
    expect(provenSentence(r)).toBe('Every platform of the matrix was built, linked (with C) and run here.');
    expect(formatDoctorReport(r)).toMatch(/^linux\/arm64\s+ok\s+aarch64-linux-gnu-gcc\s+qemu-aarch64 -L \/usr\/aarch64-linux-gnu\s+ok$/m);
  });
  it('compile-only platforms are said as such', () => {
    const r = diagnose({
      ...base,
      matrix: [{ platform: parsePlatform('linux/arm64'), cgo: true }, { platform: parsePlatform('linux/amd64'), cgo: false }, { platform: parsePlatform('windows/amd64'), cgo: false }],
      probe: fakeProber().probe,
    });
    expect(r.ok).toBe(true);
    expect(provenSentence(r)).toBe(
      'Every platform of the matrix was built and linked (with C for linux/arm64) here; run: linux/arm64, linux/amd64; tests only compiled for windows/amd64 (nothing here runs them).',
    );
  });
  it("a missing C library of the host's own compiler is libc6-dev; clang --target names the target's", () => {
    const which = (c: string) => (['x86_64-linux-gnu-gcc', 'clang', 'qemu-riscv64'].includes(c) ? `/usr/bin/${c}` : undefined);
    const r = diagnose({
      ...base,
      which,
      matrix: [
        { platform: parsePlatform('linux/amd64'), cgo: true },
        { platform: parsePlatform('linux/riscv64'), cgo: true, cc: 'clang --target=riscv64-linux-gnu' },
      ],
      probe: fakeProber({ 'linux/amd64': { cLink: '/usr/bin/ld: cannot find crt1.o: No such file or directory' }, 'linux/riscv64': { cCompile: "p.c:1:10: fatal error: 'stdio.h' file not found" } }).probe,
    });
    expect(r.gaps.map((g) => `${g.platform} ${g.area}: ${g.fix}`)).toEqual([
      'linux/amd64 cgo: apt-get install -y libc6-dev',
      'linux/riscv64 cgo: apt-get install -y libc6-dev-riscv64-cross',
    ]);
    expect(r.gaps[0].detail).toContain('linking a C program with x86_64-linux-gnu-gcc');
  });
  it('the host platform without any C compiler: the host gcc package', () => {
    const r = diagnose({ ...base, which: () => undefined, matrix: [{ platform: parsePlatform('linux/amd64'), cgo: true }], probe: fakeProber().probe });
    expect(r.gaps.map((g) => g.fix)).toEqual(['apt-get install -y gcc']);
  });
  it('cgo for windows: the MinGW package; for loong64 (no Debian cross gcc): no apt-get command', () => {
    const r = diagnose({ ...base, matrix: [{ platform: parsePlatform('windows/amd64'), cgo: true }, { platform: parsePlatform('linux/loong64'), cgo: true }], probe: fakeProber().probe });
    expect(r.gaps.map((g) => g.fix)).toEqual(['apt-get install -y gcc-mingw-w64-x86-64', 'install zig, or set CC_FOR_linux_loong64', 'apt-get install -y qemu-user']);
  });
  itIf(haveTools('apt-cache'))('the MinGW package it names can be installed on this machine', () => {
    expect(aptInstallable(['gcc-mingw-w64-x86-64'])).toEqual(['gcc-mingw-w64-x86-64']);
  });
  it('pure Go only: no claim about C', () => {
    const r = diagnose({ ...base, matrix: [{ platform: parsePlatform('linux/arm64'), cgo: false }], probe: fakeProber().probe });
    expect(provenSentence(r)).toBe('Every platform of the matrix was built, linked and run here.');
    expect(r.rows[0].tests.summary).toBe('qemu-aarch64');
  });
  it('no qemu, no C compiler, pure Go (fzf on a bare machine): every platform built, the host one run; each fix said once', () => {
    const r = diagnose({
      ...base,
      which: () => undefined,
      matrix: ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'].map((p) => ({ platform: parsePlatform(p), cgo: false })),
      probe: fakeProber().probe,
    });
    expect(r.ok).toBe(false);
    const text = formatDoctorReport(r);
    expect(text.trimEnd().split('\n').pop()).toBe('Not every platform of the matrix can be served here (built: all 6 platforms; run: linux/amd64).');
    expect(text).toContain(
      '  windows/amd64 cgo: no C cross compiler for windows/amd64 (x86_64-w64-mingw32-gcc not on PATH) — apt-get install -y gcc-mingw-w64-x86-64 (or install zig and it is used as "zig cc -target x86_64-windows-gnu", or set the target\'s cc option or $CC_FOR_windows_amd64)\n',
    );
    for (const l of text.split('\n')) expect([l, l.split('apt-get install').length]).toEqual([l, Math.min(l.split('apt-get install').length, 2)]);
    expect(text).toMatch(/^ {2}linux\/arm64 tests: qemu-aarch64 is not installed\n {4}fix: apt-get install -y qemu-user$/m);
  });
  it('a gap with the C toolchain\'s message: what is missing on the gap line, the command on the fix line', () => {
    const r = diagnose({ ...base, which: () => undefined, matrix: [{ platform: parsePlatform('linux/arm64'), cgo: true }], probe: fakeProber().probe });
    const text = formatDoctorReport(r);
    expect(text).toContain(
      '  linux/arm64 cgo: no C cross compiler for linux/arm64 (aarch64-linux-gnu-gcc not on PATH)\n    fix: apt-get install -y gcc-aarch64-linux-gnu (or install zig and it is used as "zig cc -target aarch64-linux-gnu", or set the target\'s cc option or $CC_FOR_linux_arm64)\n',
    );
    expect(r.gaps[0].detail).toContain('apt-get install -y gcc-aarch64-linux-gnu (Debian/Ubuntu)'); // the JSON keeps the whole message
    expect(text.trimEnd().split('\n').pop()).toBe('Not every platform of the matrix can be served here (built: linux/arm64; linked with C: none; run: none).');
  });
  it('a failing Go build is a gap, not a proof', () => {
    const r = diagnose({ ...base, matrix: [{ platform: parsePlatform('linux/arm64'), cgo: false }], probe: fakeProber({ 'linux/arm64': { go: 'go: cannot find GOROOT directory: /nowhere\nexit status 2' } }).probe });
    expect(r.ok).toBe(false);
    expect(r.rows[0]).toMatchObject({ go: { status: 'gap', summary: 'fails' }, tests: { status: 'blocked' }, proof: { built: false, ran: false } });
    expect(r.gaps[0].detail).toContain('cannot find GOROOT');
  });
});

describe('matrix', () => {
  it('collects build targets of projects, merging cgo', () => {
    const m = matrixFromProjects(
      {
        projects: {
          a: {
            root: 'apps/a',
            targets: {
              'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64' } },
              'build-linux-arm-7': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm', goarm: '7', cgo: true } },
              lint: { executor: 'nx:run-commands', options: {} },
            },
          },
          b: { root: 'apps/b', targets: { 'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cgo: true } } } },
        },
      },
      ['a', 'b'],
    );
    expect(m).toEqual([
      { platform: { goos: 'linux', goarch: 'arm64' }, cgo: true },
      { platform: { goos: 'linux', goarch: 'arm', variant: '7' }, cgo: true },
    ]);
  });
  it("honours a project's gocross.json: cgo and libc where the build targets do not say, its platforms when there are none", () => {
    const projects = {
      projects: {
        a: { root: 'apps/a', targets: { 'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cc: '/opt/x/aarch64-linux-gnu-gcc', cflags: ['-O1'] } } } },
        b: { root: 'apps/b', targets: {} },
      },
    };
    const overrides: Record<string, ProjectOverride> = { a: { cgo: true, libc: 'musl' }, b: { platforms: ['linux/arm/7', 'linux/riscv64'], cgo: true } };
    expect(matrixFromProjects(projects, ['a', 'b'], (n) => overrides[n])).toEqual([
      { platform: { goos: 'linux', goarch: 'arm64' }, cgo: true, libc: 'musl', cc: '/opt/x/aarch64-linux-gnu-gcc', cflags: ['-O1'] },
      { platform: { goos: 'linux', goarch: 'arm', variant: '7' }, cgo: true },
      { platform: { goos: 'linux', goarch: 'riscv64' }, cgo: true },
    ]);
    // An explicit cgo: false of a build target wins over gocross.json.
    const off = { projects: { a: { root: 'apps/a', targets: { b: { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cgo: false } } } } } };
    expect(matrixFromProjects(off, ['a'], () => ({ cgo: true }))[0].cgo).toBe(false);
  });

  it('a hand-written musl target beside the inferred glibc build does not turn the platform into musl', () => {
    const projects = {
      projects: {
        notes: {
          root: 'apps/notes',
          targets: {
            'build-linux-amd64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'amd64', cgo: true } },
            'build-linux-amd64-musl': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'amd64', cgo: true, libc: 'musl', cc: 'musl-gcc' } },
            'build-linux-arm64-musl': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cgo: true, libc: 'musl' } },
          },
        },
      },
    };
    const fromTargets = matrixFromProjects(projects, ['notes'], () => undefined);
    // What the inferred doctor target passes (the project's matrix), plus the musl entry asked for by name.
    expect(matrixForPlatforms(matrixFromStrings(['linux/amd64', 'linux/amd64:musl', 'linux/arm64'], false), fromTargets, undefined)).toEqual([
      { platform: { goos: 'linux', goarch: 'amd64' }, cgo: true },
      { platform: { goos: 'linux', goarch: 'amd64' }, cgo: true, libc: 'musl', cc: 'musl-gcc' },
      // every build target of linux/arm64 links musl: so does the check
      { platform: { goos: 'linux', goarch: 'arm64' }, cgo: true, libc: 'musl' },
    ]);
  });

  it('parses platform strings with a libc suffix', () => {
    expect(matrixFromStrings(['linux/arm64:musl', 'linux/arm/6'], true)).toEqual([
      { platform: { goos: 'linux', goarch: 'arm64' }, cgo: true, libc: 'musl' },
      { platform: { goos: 'linux', goarch: 'arm', variant: '6' }, cgo: true },
    ]);
    expect(() => matrixFromStrings(['linux/arm64:bionic'], false)).toThrow(/unknown libc/);
  });
});

describe('doctor on this machine, for real', () => {
  let ws: string;
  const projects = {
    projects: {
      sum: {
        root: 'libs/sum',
        targets: {
          'build-linux-amd64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'amd64', compileOnly: true } },
          'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cgo: true, compileOnly: true } },
          'build-linux-riscv64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'riscv64', compileOnly: true } },
        },
      },
    },
  };
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-doctor-'));
    const dir = path.join(ws, 'libs/sum');
    fs.mkdirSync(path.join(dir, 'testdata'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/sum\n\ngo 1.22\n');
    fs.writeFileSync(path.join(dir, 'sum.go'), SUM_GO);
    fs.writeFileSync(path.join(dir, 'sum_amd64.s'), SUM_AMD64);
    fs.writeFileSync(path.join(dir, 'sum_arm64.s'), SUM_ARM64);
    fs.writeFileSync(path.join(dir, 'testdata/ignored.go'), 'package x\n\nfunc Ignored()\n');
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('reads only the project sources go builds', () => {
    expect(readProjectSources(path.join(ws, 'libs/sum')).map((f) => f.path).sort()).toEqual(['sum.go', 'sum_amd64.s', 'sum_arm64.s']);
  });

  itIf(haveTools('go', 'aarch64-linux-gnu-gcc', 'qemu-aarch64', 'qemu-riscv64'))('finds the riscv64 gap go build also hits, prints JSON and fails', async () => {
    // go agrees: riscv64 has no Sum, arm64 builds.
    const env = { ...process.env, GOWORK: 'off', CGO_ENABLED: '0' };
    const riscv = spawnSync('go', ['build', './...'], { cwd: path.join(ws, 'libs/sum'), env: { ...env, GOARCH: 'riscv64' }, encoding: 'utf8' });
    expect(riscv.stderr).toContain('missing function body');
    const arm = spawnSync('go', ['build', './...'], { cwd: path.join(ws, 'libs/sum'), env: { ...env, GOARCH: 'arm64' }, encoding: 'utf8' });
    expect(arm.status).toBe(0);

    let out = '';
    const r = await runDoctor({ json: true }, { workspaceRoot: ws, projectName: 'sum', projects, env: process.env }, { write: (t) => (out += t) });
    expect(r.success).toBe(false);
    const report = JSON.parse(out) as DoctorReport;
    expect(report.goVersion).toMatch(/^go1\./);
    expect(report.rows.map((x) => x.platform)).toEqual(['linux/amd64', 'linux/arm64', 'linux/riscv64']);
    const arm64 = report.rows[1];
    expect(arm64.cgo).toMatchObject({ status: 'ok', summary: 'aarch64-linux-gnu-gcc' });
    expect(arm64.tests).toMatchObject({ status: 'ok', summary: 'qemu-aarch64 -L /usr/aarch64-linux-gnu' });
    expect(arm64.asm.status).toBe('ok');
    expect(report.gaps).toEqual([
      expect.objectContaining({ platform: 'linux/riscv64', area: 'asm', fix: expect.stringMatching(/^add sum_riscv64\.s with TEXT ·Sum\(SB\), or /) }),
    ]);
  });

  itIf(haveTools('go'))('takes cgo from the build targets when platforms are given without cgo', async () => {
    let out = '';
    const r = await runDoctor({ platforms: ['linux/arm64', 'linux/riscv64'], json: true }, { workspaceRoot: ws, projectName: 'sum', projects, env: process.env }, { write: (t) => (out += t) });
    const report = JSON.parse(out) as DoctorReport;
    expect(report.rows.map((x) => [x.platform, x.cgoRequired])).toEqual([
      ['linux/arm64', true],
      ['linux/riscv64', false],
    ]);
    expect(r.success).toBe(false); // riscv64 lacks Sum
  });

  itIf(haveTools('go'))('reads gocross.json from the project root and gives the probe the build target\'s C compiler options', async () => {
    const root = path.join(ws, 'apps/cfg');
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'go.mod'), 'module example.com/cfg\n\ngo 1.22\n');
    fs.writeFileSync(path.join(root, 'gocross.json'), JSON.stringify({ cgo: true, platforms: ['linux/arm64'] }));
    const cfg = {
      projects: {
        cfg: {
          root: 'apps/cfg',
          targets: {
            'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cc: 'aarch64-linux-gnu-gcc', cflags: ['-mtune=cortex-a72'] } },
            'build-linux-arm-7': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm', goarm: '7' } },
          },
        },
      },
    };
    const seen: ProbeRequest[] = [];
    const probe: Prober = (req) => {
      seen.push(req);
      return { go: { ok: true, command: 'go build', output: '' } };
    };
    // As the inferred doctor target calls it (platforms, no cgo), and with no options at all.
    for (const options of [{ platforms: ['linux/arm64', 'linux/arm/7'] }, {}]) {
      seen.length = 0;
      await runDoctor({ ...options, json: true }, { workspaceRoot: ws, projectName: 'cfg', projects: cfg, env: process.env }, { probe, write: () => undefined });
      expect(seen.map((r) => [formatPlatform(r.platform), r.cgo])).toEqual([
        ['linux/arm64', true],
        ['linux/arm/7', true],
      ]);
      expect(seen[0].options).toMatchObject({ cc: 'aarch64-linux-gnu-gcc', cflags: ['-mtune=cortex-a72'] });
    }
  });

  itIf(haveTools('go', 'aarch64-linux-gnu-gcc', 'qemu-aarch64'))('succeeds when the matrix is fully served, and prints a table', async () => {
    let out = '';
    const r = await runDoctor(
      { platforms: ['linux/arm64', 'linux/amd64'], cgo: true },
      { workspaceRoot: ws, projectName: 'sum', projects, env: process.env },
      { write: (t) => (out += t) },
    );
    expect(out).toMatch(/^linux\/arm64\s+ok\s+aarch64-linux-gnu-gcc\s+qemu-aarch64 -L \/usr\/aarch64-linux-gnu\s+ok$/m);
    expect(out.trimEnd().split('\n').pop()).toBe('Every platform of the matrix was built, linked (with C) and run here.');
    expect(r.success).toBe(true);
  });
});
