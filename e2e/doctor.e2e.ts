/**
 * The doctor target through the real nx CLI: per platform of a project's matrix, it builds a Go
 * program, compiles and links a C program and a cgo program with the C compiler the build would
 * use, and runs the result the way the test executor does. cgo-hello (cgo: true and four Linux
 * platforms in its gocross.json) is served by the Debian cross compilers and qemu-user; with a
 * cross gcc whose target C library is missing, or with a PATH that has none of the tools, the
 * doctor fails and names what to install.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compilerWithoutTargetLibc } from '../plugin/src/executors/doctor/test-utils/hidden-libc';
import { describeRun, makeGoRecorder, minimalPath, nx, showProject, which, workspaceRoot } from './utils';
import { all, haveTools, hostIs, itIf } from '../plugin/src/test-utils/gates';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64'];
const rowOf = (output: string, p: string) => new RegExp(`^${p.replace(/\//g, '\\/')}\\s+(.*)$`, 'm').exec(output)?.[1] ?? '';

function aptShows(pkg: string): boolean {
  const r = spawnSync('apt-cache', ['show', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes(`Package: ${pkg}\n`);
}

describe('doctor', () => {
  const crossTools = ['aarch64-linux-gnu-gcc', 'arm-linux-gnueabihf-gcc', 'riscv64-linux-gnu-gcc', 'qemu-aarch64', 'qemu-arm', 'qemu-riscv64'];
  // Every platform served here, linux/amd64 natively (so the host is linux/amd64).
  const itAll = itIf(all(haveTools(...crossTools), hostIs('linux', 'x64')));

  test("the inferred doctor target carries cgo-hello's gocross.json (cgo: true, its platforms)", () => {
    const p = showProject('cgo-hello');
    expect(p.targets['doctor'].options).toEqual({ platforms: PLATFORMS, cgo: true });
  });

  itAll('cgo-hello: every platform is built, linked with C and run here, and the doctor says exactly that', () => {
    const r = nx(['run', 'cgo-hello:doctor', '--skip-nx-cache']);
    if (r.code !== 0) throw new Error(describeRun('nx run cgo-hello:doctor', r));
    expect(rowOf(r.output, 'linux/arm64')).toMatch(/^ok\s+aarch64-linux-gnu-gcc\s+qemu-aarch64 -L \/usr\/aarch64-linux-gnu\s+ok$/);
    expect(rowOf(r.output, 'linux/arm/7')).toMatch(/^ok\s+arm-linux-gnueabihf-gcc -march=armv7-a\+fp -mfloat-abi=hard\s+qemu-arm -L \/usr\/arm-linux-gnueabihf\s+ok$/);
    expect(rowOf(r.output, 'linux/riscv64')).toMatch(/^ok\s+riscv64-linux-gnu-gcc\s+qemu-riscv64 -L \/usr\/riscv64-linux-gnu\s+ok$/);
    expect(rowOf(r.output, 'linux/amd64')).toMatch(/^ok\s+\S*gcc\s+native\s+ok$/);
    expect(r.output).toContain('Every platform of the matrix was built, linked (with C) and run here.');
    expect(r.output).not.toMatch(/gap/);
  });

  itAll('cgo-hello --json: cgo required for every platform (gocross.json), and each one proven by a run', () => {
    const r = nx(['run', 'cgo-hello:doctor', '--json', '--skip-nx-cache']);
    if (r.code !== 0) throw new Error(describeRun('nx run cgo-hello:doctor --json', r));
    const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n{') + 1, r.stdout.lastIndexOf('\n}') + 2)) as {
      ok: boolean;
      rows: { platform: string; cgoRequired: boolean; proof: { built: boolean; cgoLinked: boolean; ran: boolean; ranWith?: string } }[];
    };
    expect(json.ok).toBe(true);
    expect(json.rows.map((x) => [x.platform, x.cgoRequired, x.proof.built, x.proof.cgoLinked, x.proof.ran])).toEqual(PLATFORMS.map((p) => [p, true, true, true, true]));
    expect(json.rows.find((x) => x.platform === 'linux/riscv64')?.proof.ranWith).toBe('qemu-riscv64 -L /usr/riscv64-linux-gnu');
  });

  itAll('cgo-hello with an arm cross gcc whose C library is not installed: fails and names libc6-dev-armhf-cross', () => {
    const ws = workspaceRoot();
    const cc = compilerWithoutTargetLibc('arm-linux-gnueabihf', path.join(ws, 'tmp', 'doctor-hidden-libc'), (c) => which(c));
    expect(cc && fs.existsSync(cc)).toBeTruthy();
    const r = nx(['run', 'cgo-hello:doctor', '--skip-nx-cache'], { env: { CC_FOR_linux_arm: cc } });
    expect(r.code).not.toBe(0);
    expect(rowOf(r.output, 'linux/arm/7')).toMatch(/^ok\s+✗ no target libc\s+- not run\s+ok$/);
    expect(r.output).toMatch(/linux\/arm\/7 cgo: compiling a C program with \S+arm-linux-gnueabihf-gcc: .* the header \S+\.h is missing\n\s+fix: apt-get install -y libc6-dev-armhf-cross\n/);
    expect(r.output).toMatch(/^1 gap:$/m);
    // The other platforms are still proven, and nothing claims arm was tested.
    expect(rowOf(r.output, 'linux/arm64')).toMatch(/qemu-aarch64 -L \/usr\/aarch64-linux-gnu\s+ok$/);
    expect(r.output).not.toContain('Every platform');
    expect(r.output).toContain(
      'Not every platform of the matrix can be served here (built: all 4 platforms; linked with C: linux/amd64, linux/arm64, linux/riscv64; run: linux/amd64, linux/arm64, linux/riscv64).',
    );
  });

  itIf(haveTools('apt-cache'))('libc6-dev-armhf-cross, the package it names for the missing C library, exists', () => {
    expect(aptShows('libc6-dev-armhf-cross')).toBe(true);
  });

  let noToolsOutput: string | undefined;

  test('cgo-hello with no cross compilers or emulators on PATH: fails and says what to install', () => {
    const ws = workspaceRoot();
    const rec = makeGoRecorder(path.join(ws, 'tmp', 'recorder-doctor'));
    const r = nx(['run', 'cgo-hello:doctor', '--skip-nx-cache'], {
      env: { PATH: minimalPath(rec), CC: undefined, CXX: undefined },
    });
    expect(r.code).not.toBe(0);
    for (const pkg of ['gcc-aarch64-linux-gnu', 'gcc-arm-linux-gnueabihf', 'gcc-riscv64-linux-gnu']) expect(r.output).toContain(`fix: apt-get install -y ${pkg}`);
    // Each fix said once, and the last line says what was built apart from what was run.
    for (const l of r.output.split('\n')) expect([l, (l.match(/apt-get install/g) ?? []).length <= 1]).toEqual([l, true]);
    expect(r.output).toMatch(/^Not every platform of the matrix can be served here \(built: all 4 platforms; linked with C: (none|linux\/amd64); run: (none|linux\/amd64)\)\.$/m);
    // The pure-Go probes were built (go is there), in the doctor's own temporary module, never the project.
    const builds = rec.buildCalls();
    expect(builds.length).toBeGreaterThan(0);
    for (const argv of builds) expect(argv.join(' ')).toMatch(/^build -o \S*gocross-doctor-\S+ \.$/);
    noToolsOutput = r.output;
  });

  itIf(haveTools('apt-cache'))('with no cross tools: every package it says to install exists', () => {
    expect(noToolsOutput).toBeDefined();
    const named = [...new Set([...(noToolsOutput as string).matchAll(/fix: apt-get install -y (\S+)/g)].map((m) => m[1]))];
    expect(named.length).toBeGreaterThanOrEqual(3);
    for (const pkg of named) expect([pkg, aptShows(pkg)]).toEqual([pkg, true]);
  });
});
