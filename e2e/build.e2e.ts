/**
 * Build targets end to end: a fresh Nx workspace with @gocross/nx installed from its tarball,
 * the example Go workspace copied in, real `go`. Every produced file is checked with oracles
 * that share no code with the plugin: `go version -m` (the Go toolchain's reading of the build
 * info), `readelf -h` from binutils, and running the arm64 binary under qemu-aarch64.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  copyModule,
  describeRun,
  expectSuccess,
  makeGoRecorder,
  nx,
  nxTaskFromCache,
  pathWith,
  readelfHeader,
  readelfInterpreter,
  requireTool,
  run,
  showProject,
  uniqueName,
  goVersionM,
  workspaceRoot,
  writeFile,
} from './utils';
import { all, haveFiles, haveTools, hostIs, itIf } from '../plugin/src/test-utils/gates';

/** binutils' names for each GOARCH's ELF machine, and the ELF class Go uses for it. */
const ELF_MACHINE: Record<string, { machine: RegExp; cls: 'ELF32' | 'ELF64' }> = {
  amd64: { machine: /X86-64/, cls: 'ELF64' },
  '386': { machine: /Intel 80386/, cls: 'ELF32' },
  arm64: { machine: /AArch64/, cls: 'ELF64' },
  arm: { machine: /^ARM$/, cls: 'ELF32' },
  riscv64: { machine: /RISC-V/, cls: 'ELF64' },
  ppc64le: { machine: /PowerPC64/, cls: 'ELF64' },
  ppc64: { machine: /PowerPC64/, cls: 'ELF64' },
  s390x: { machine: /S\/390/, cls: 'ELF64' },
  mips: { machine: /MIPS/, cls: 'ELF32' },
  mipsle: { machine: /MIPS/, cls: 'ELF32' },
  mips64: { machine: /MIPS/, cls: 'ELF64' },
  mips64le: { machine: /MIPS/, cls: 'ELF64' },
  loong64: { machine: /LoongArch/, cls: 'ELF64' },
};

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Default artifact of a main package at a project root: dist/<root>/<slug>/<name>[.exe]. */
function artifact(ws: string, projectRoot: string, slug: string, name: string): string {
  const exe = slug.startsWith('windows-') ? '.exe' : '';
  return path.join(ws, 'dist', projectRoot, slug, name + exe);
}

interface BuildTarget {
  target: string;
  slug: string;
  goos: string;
  goarch: string;
  variant?: string;
}

/** The project's per-platform build targets (`build-<os>-<arch>[-<variant>]`) as Nx resolved them. */
function platformBuildTargets(project: string): BuildTarget[] {
  const cfg = showProject(project);
  const out: BuildTarget[] = [];
  for (const [name, t] of Object.entries(cfg.targets)) {
    const o = (t.options ?? {}) as Record<string, unknown>;
    if (t.executor !== '@gocross/nx:build' || typeof o.goos !== 'string' || typeof o.goarch !== 'string') continue;
    const m = /^build-(.+)$/.exec(name);
    if (!m || !m[1].startsWith(`${o.goos}-${o.goarch}`)) continue; // aliases such as build-arm64
    const variant = m[1].slice(`${o.goos}-${o.goarch}`.length + 1) || undefined;
    out.push({ target: name, slug: m[1], goos: o.goos, goarch: o.goarch, variant });
  }
  return out;
}

/** Checks one produced binary with go version -m (and readelf for ELF targets). */
function expectBinaryFor(file: string, goos: string, goarch: string, readelf: string | undefined): void {
  expect(fs.existsSync(file)).toBe(true);
  const info = goVersionM(file);
  expect({ file, GOOS: info.settings.GOOS, GOARCH: info.settings.GOARCH }).toEqual({ file, GOOS: goos, GOARCH: goarch });
  if (readelf && goos !== 'windows' && goos !== 'darwin' && goos !== 'ios' && goos !== 'plan9' && goos !== 'js' && goos !== 'wasip1') {
    const h = readelfHeader(readelf, file);
    const want = ELF_MACHINE[goarch];
    if (want) {
      expect({ file, cls: h.class }).toEqual({ file, cls: want.cls });
      expect(h.machine).toMatch(want.machine);
    }
  }
}

describe('build targets on the example workspace', () => {
  let ws: string;

  beforeAll(() => {
    ws = workspaceRoot();
  });

  test('nx run hello:build-arm64 builds a linux/arm64 binary', () => {
    const r = nx(['run', 'hello:build-arm64']);
    expectSuccess('nx run hello:build-arm64', r);
    const bin = artifact(ws, 'apps/hello', 'linux-arm64', 'hello');
    expect(fs.existsSync(bin)).toBe(true);

    const info = goVersionM(bin);
    expect(info.settings.GOOS).toBe('linux');
    expect(info.settings.GOARCH).toBe('arm64');
    expect(info.settings.CGO_ENABLED).toBe('0');
    expect(info.path).toBe('gocross.example/apps/hello');
    expect(info.deps).toContain('gocross.example/libs/mathx');
    // Defaults of the contract: trimpath on.
    expect(info.settings['-trimpath']).toBe('true');

  });

  itIf(haveTools('readelf'))('readelf: that linux/arm64 binary is a static ELF64 AArch64 executable', () => {
    const bin = artifact(ws, 'apps/hello', 'linux-arm64', 'hello');
    expect(fs.existsSync(bin)).toBe(true);
    const readelf = requireTool('readelf', 'check ELF machine and class of built binaries');
    const h = readelfHeader(readelf, bin);
    expect(h.class).toBe('ELF64');
    expect(h.machine).toMatch(/AArch64/);
    expect(h.type).toMatch(/^EXEC/);
    expect(readelfInterpreter(readelf, bin)).toBeUndefined(); // cgo off: truly static
  });

  itIf(haveTools('qemu-aarch64'))('that linux/arm64 binary runs under qemu-aarch64', () => {
    const bin = artifact(ws, 'apps/hello', 'linux-arm64', 'hello');
    expect(fs.existsSync(bin)).toBe(true);
    const qemu = requireTool('qemu-aarch64', 'run the linux/arm64 binary');
    const out = run(qemu, [bin]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('linux/arm64\n');
    // The arm64 assembly of mathx, executed on an emulated arm64 CPU.
    const sum = run(qemu, [bin, '-sum', '1', '2', '18446744073709551615']);
    expect(sum.stdout).toBe('linux/arm64\n2\n');
  });

  test('build-linux-arm64 is the same task: second run is a cache hit', () => {
    const r = expectSuccess('nx run hello:build-linux-arm64', nx(['run', 'hello:build-linux-arm64']));
    expect(nxTaskFromCache(r.output, 'hello:build-linux-arm64')).toBe(true);
  });

  test('nx run hello:build-all builds every platform of the matrix', () => {
    const targets = platformBuildTargets('hello');
    const slugs = targets.map((t) => t.slug);
    // The default matrix covers at least the two platforms the examples have assembly for.
    expect(slugs).toEqual(expect.arrayContaining(['linux-amd64', 'linux-arm64']));

    const r = nx(['run', 'hello:build-all']);
    if (r.code !== 0) throw new Error(describeRun('nx run hello:build-all', r));
    for (const t of targets) {
      expectBinaryFor(artifact(ws, 'apps/hello', t.slug, 'hello'), t.goos, t.goarch, undefined);
    }
  });

  itIf(haveTools('readelf'))('readelf: each ELF binary of build-all has the machine and class of its GOARCH', () => {
    const readelf = requireTool('readelf', 'check ELF machine and class of built binaries');
    for (const t of platformBuildTargets('hello')) {
      expectBinaryFor(artifact(ws, 'apps/hello', t.slug, 'hello'), t.goos, t.goarch, readelf);
    }
  });
});

describe('cache: hits, restores and per-platform inputs', () => {
  let ws: string;
  let lib: string;
  let app: string;
  let appName: string;
  const recorderDir = () => path.join(ws, 'tmp', 'recorder-cache');
  let rec: ReturnType<typeof makeGoRecorder>;
  const withRecorder = () => ({ env: { PATH: pathWith(rec.binDir) } });

  beforeAll(() => {
    ws = workspaceRoot();
    // A private copy of mathx and of hello importing it, so edits here touch no other test.
    const libName = uniqueName('mathx-cache');
    appName = uniqueName('hello-cache');
    lib = copyModule('libs/mathx', `libs/${libName}`);
    app = copyModule('apps/hello', `apps/${appName}`, {
      'gocross.example/libs/mathx': `gocross.example/libs/${libName}`,
      '../../libs/mathx': `../../libs/${libName}`,
    });
    rec = makeGoRecorder(recorderDir());
  });

  test('first build runs go; second is a cache hit that runs no go build', () => {
    const first = nx(['run-many', '-t', 'build-linux-arm64', 'build-linux-amd64', '-p', appName], withRecorder());
    expectSuccess('first build', first);
    expect(rec.buildCalls().length).toBeGreaterThanOrEqual(2);
    rec.reset();

    const second = nx(['run-many', '-t', 'build-linux-arm64', 'build-linux-amd64', '-p', appName], withRecorder());
    expectSuccess('second build', second);
    expect(nxTaskFromCache(second.output, `${appName}:build-linux-arm64`)).toBe(true);
    expect(nxTaskFromCache(second.output, `${appName}:build-linux-amd64`)).toBe(true);
    expect(rec.buildCalls()).toEqual([]);
  });

  test('a deleted artifact is restored from the cache, byte for byte, without go', () => {
    const bin = artifact(ws, app, 'linux-arm64', appName);
    const before = sha256(bin);
    fs.rmSync(path.dirname(bin), { recursive: true, force: true });
    rec.reset();
    const r = expectSuccess('restore', nx(['run', `${appName}:build-linux-arm64`], withRecorder()));
    expect(r.output).toMatch(new RegExp(`${appName}:build-linux-arm64.*\\[local cache\\]`));
    expect(rec.buildCalls()).toEqual([]);
    expect(fs.existsSync(bin)).toBe(true);
    expect(sha256(bin)).toBe(before);
  });

  test('editing an _amd64.s file of a dependency re-runs amd64 only', () => {
    const asm = path.join(ws, lib, 'sum_amd64.s');
    writeFile(asm, fs.readFileSync(asm, 'utf8') + '\n// edited by the cache test\n');

    rec.reset();
    const arm = expectSuccess('arm64 after edit', nx(['run', `${appName}:build-linux-arm64`], withRecorder()));
    expect(nxTaskFromCache(arm.output, `${appName}:build-linux-arm64`)).toBe(true);
    expect(rec.buildCalls()).toEqual([]);

    const amd = expectSuccess('amd64 after edit', nx(['run', `${appName}:build-linux-amd64`], withRecorder()));
    expect(nxTaskFromCache(amd.output, `${appName}:build-linux-amd64`)).toBe(false);
    expect(rec.buildCalls().length).toBeGreaterThanOrEqual(1);
    const bin = artifact(ws, app, 'linux-amd64', appName);
    expect(goVersionM(bin).settings.GOARCH).toBe('amd64');
  });
});

describe('reproducible builds and cgo cross builds', () => {
  let ws: string;

  beforeAll(() => {
    ws = workspaceRoot();
  });

  test('rebuilding with --skip-nx-cache gives a byte-identical binary', () => {
    const bin = artifact(ws, 'apps/hello', 'linux-riscv64', 'hello');
    expectSuccess('first', nx(['run', 'hello:build-linux-riscv64', '--skip-nx-cache']));
    const first = sha256(bin);
    fs.rmSync(bin);
    expectSuccess('second', nx(['run', 'hello:build-linux-riscv64', '--skip-nx-cache']));
    expect(sha256(bin)).toBe(first);
    const info = goVersionM(bin);
    expect(info.settings.GOARCH).toBe('riscv64');
  });

  const crossGcc = haveTools('aarch64-linux-gnu-gcc');
  const cgoArm64 = () => artifact(ws, 'apps/cgo-hello', 'linux-arm64-cgo', 'cgo-hello');
  itIf(crossGcc)('cgo-hello for linux/arm64 links with the cross gcc', () => {
    const r = nx(['run', 'cgo-hello:build-linux-arm64', '--cgo=true', '--skip-nx-cache']);
    expectSuccess('nx run cgo-hello:build-linux-arm64 --cgo=true', r);
    const bin = artifact(ws, 'apps/cgo-hello', 'linux-arm64-cgo', 'cgo-hello');
    const info = goVersionM(bin);
    expect(info.settings.CGO_ENABLED).toBe('1');
    expect(info.settings.GOARCH).toBe('arm64');
  });

  itIf(all(crossGcc, haveTools('readelf')))('readelf: the cgo linux/arm64 binary is AArch64 and asks for the arm64 glibc loader', () => {
    const bin = cgoArm64();
    expect(fs.existsSync(bin)).toBe(true);
    const readelf = requireTool('readelf', 'read the program interpreter of cgo binaries');
    expect(readelfHeader(readelf, bin).machine).toMatch(/AArch64/);
    expect(readelfInterpreter(readelf, bin)).toBe('/lib/ld-linux-aarch64.so.1');
  });

  itIf(all(crossGcc, haveTools('qemu-aarch64')))('the cgo linux/arm64 binary runs under qemu-aarch64', () => {
    const bin = cgoArm64();
    expect(fs.existsSync(bin)).toBe(true);
    const qemu = requireTool('qemu-aarch64', 'run the cgo linux/arm64 binary');
    const out = run(qemu, ['-L', '/usr/aarch64-linux-gnu', bin]);
    expect(out.stdout).toBe('cgo: 2+3=5 linux/arm64\n');
  });

  // The host-native musl case (musl-gcc is Debian's amd64 musl compiler); cross musl needs a musl cross gcc.
  const hostMusl = all(hostIs('linux', 'x64'), haveTools('musl-gcc'));
  const muslBin = () => path.join(ws, 'dist', 'musl', 'cgo-hello', 'cgo-hello');
  itIf(hostMusl)('cgo-hello with libc musl builds with cgo', () => {
    const r = nx(['run', 'cgo-hello:build-linux-amd64', '--libc=musl', '--outputDir=dist/musl/cgo-hello', '--skip-nx-cache']);
    expectSuccess('nx run cgo-hello:build-linux-amd64 --libc=musl', r);
    const bin = muslBin();
    expect(goVersionM(bin).settings.CGO_ENABLED).toBe('1');
  });

  itIf(all(hostMusl, haveTools('readelf')))('readelf: the musl loader in PT_INTERP', () => {
    expect(fs.existsSync(muslBin())).toBe(true);
    const readelf = requireTool('readelf', 'read the program interpreter of cgo binaries');
    expect(readelfInterpreter(readelf, muslBin())).toBe('/lib/ld-musl-x86_64.so.1');
  });

  // The loader comes with Debian's musl package (musl-tools depends on it).
  itIf(all(hostMusl, haveFiles('/lib/ld-musl-x86_64.so.1')))('the musl build runs on the host', () => {
    expect(run(muslBin(), []).stdout).toBe('cgo: 2+3=5 linux/amd64\n');
  });
});
