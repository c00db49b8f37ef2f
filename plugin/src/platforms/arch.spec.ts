/**
 * The arch table against the real world, so it cannot drift: every GOOS/GOARCH it claims is in
 * `go tool dist list -json`; the ELF machine, class, byte order and e_flags of every row are what
 * `go build` writes (read with our ELF reader and with readelf as the oracle); Mach-O and PE
 * machines are those of go-built darwin and windows binaries; default variants are what `go env`
 * reports; C triples are the installed compilers' `-dumpmachine`, and their loaders and float-ABI
 * flags are those of the programs they link. Tests that need a tool this machine lacks are
 * skipped here and fail under CI=true (test-utils/gates).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openFile, readElf, readMachO, readPe } from '../binary';
import { EM } from '../binary/elf-names';
import { CPU_TYPE } from '../binary/macho-names';
import { PE_MACHINES } from '../binary/pe-names';
import { defaultPolicy, findCheck, validateArtifacts, type TargetSpec } from '../checks';
import { armSoftFloat } from '../checks/arch';
import { all, describeIf, haveFiles, haveGo, haveTools, itIf } from '../test-utils/gates';
import { ARCH, ARCHES, archFacts, cTriple, goarchOfElf, goarchOfMachO, goarchOfPe, isSoftFloat, type ArchFacts } from './arch';
import { parsePlatform } from './platform';
import { qemuProgram, qemuSuffixForElf } from './qemu';
import { type DistEntry } from './dist-list';
import { parseDistListJson } from './table';
import { variantCflags } from './toolchain';
import { VARIANT_VARIABLE, type Platform } from './types';

/** readelf's words for the e_machine values of the table (the oracle's vocabulary, binutils 2.40). */
const READELF_MACHINE: Readonly<Record<number, string>> = {
  3: 'Intel 80386',
  8: 'MIPS R3000',
  21: 'PowerPC64',
  22: 'IBM S/390',
  40: 'ARM',
  62: 'Advanced Micro Devices X86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};

/** ELF e_flags bits the checks rely on (see docs: ELF facts). */
const EF_ARM_ABI_FLOAT_SOFT = 0x200;
const EF_ARM_ABI_FLOAT_HARD = 0x400;
const EF_RISCV_FLOAT_ABI = 0x6;
const EF_RISCV_FLOAT_ABI_DOUBLE = 0x4;
const EF_MIPS_ABI = 0xf000;
const EF_MIPS_ABI_O32 = 0x1000;

const VARIANT_VARS = ['GOARM', 'GOARM64', 'GOAMD64', 'GO386', 'GOMIPS', 'GOMIPS64', 'GOPPC64', 'GORISCV64'];

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-arch-'));
});
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

/** The environment for `go`: this process's (shared GOCACHE), without any target or variant setting. */
function goEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: '', GOWORK: 'off', GOTOOLCHAIN: 'local', GOPROXY: 'off', CGO_ENABLED: '0' };
  for (const k of [...VARIANT_VARS, 'GOOS', 'GOARCH', 'CC', 'CGO_CFLAGS', 'GOCROSS_QEMU']) delete env[k];
  return { ...env, ...extra };
}

function run(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

const MAIN = 'package main\n\nfunc main() {}\n';
const CGO_MAIN = 'package main\n\n// int one(void) { return 1; }\nimport "C"\n\nfunc main() { println(C.one()) }\n';

/** `go build` of a one-file main package with `env`; returns the binary's path. */
function goBuild(name: string, env: Record<string, string>, source = MAIN): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/arch\n\ngo 1.22\n');
  fs.writeFileSync(path.join(dir, 'main.go'), source);
  const out = path.join(dir, 'bin');
  run('go', ['build', '-o', out, '.'], { cwd: dir, env: goEnv(env) });
  return out;
}

/** A C program linked by `cc` (dynamic, so it names its loader); returns its path. */
function cBuild(cc: string): string {
  const dir = path.join(work, `c-${cc}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'x.c'), 'int main(void) { return 0; }\n');
  const out = path.join(dir, 'x');
  run(cc, ['-o', out, 'x.c'], { cwd: dir });
  return out;
}

function withFile<T>(file: string, f: (src: ReturnType<typeof openFile>) => T): T {
  const src = openFile(file);
  try {
    return f(src);
  } finally {
    src.close();
  }
}

/** Our reader's view of an ELF file. */
function elfOf(file: string) {
  return withFile(file, (src) => {
    const e = readElf(src);
    return { ...e.header, flags: e.header.flags >>> 0, interpreter: e.interpreter };
  });
}

/** readelf's view of the same: class, byte order, machine (in readelf's words), e_flags and PT_INTERP. */
function readelfOf(file: string): { class: number; data: string; machine: string; flags: number; interpreter?: string } {
  const h = run('readelf', ['-h', '-l', '-W', file]);
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(h)?.[1].trim() ?? '';
  return {
    class: field('Class') === 'ELF64' ? 64 : field('Class') === 'ELF32' ? 32 : 0,
    data: /little endian/.test(field('Data')) ? 'little' : /big endian/.test(field('Data')) ? 'big' : '?',
    machine: field('Machine'),
    flags: parseInt(field('Flags').split(',')[0], 16),
    interpreter: /\[Requesting program interpreter: ([^\]]+)\]/.exec(h)?.[1],
  };
}

function distList(): DistEntry[] {
  return parseDistListJson(run('go', ['tool', 'dist', 'list', '-json'], { env: goEnv({}) }));
}

const hostGoarch = (): string => run('go', ['env', 'GOHOSTARCH'], { env: goEnv({}) }).trim();

function dumpmachine(cc: string): string {
  return run(cc, ['-dumpmachine']).trim();
}

describe('the arch table itself', () => {
  it('each row is keyed by its GOARCH, names its ELF machine as elf.h does, and is the only row with its ELF header', () => {
    for (const r of ARCHES) {
      expect(ARCH[r.goarch]).toBe(r);
      expect(archFacts(r.goarch)).toBe(r);
      expect(r.elf.machineName).toBe(EM[r.elf.machine]);
      expect(goarchOfElf(r.elf.machine, r.elf.class, r.elf.data)).toBe(r.goarch);
      if (r.machoCpu !== undefined) expect(goarchOfMachO(r.machoCpu)).toBe(r.goarch);
      if (r.peMachine !== undefined) expect(goarchOfPe(r.peMachine)).toBe(r.goarch);
    }
    expect(archFacts('wasm')).toBeUndefined();
    expect(archFacts('toString')).toBeUndefined();
  });

  it('a row has a default variant exactly when its GOARCH has a variant variable', () => {
    for (const r of ARCHES) expect([r.goarch, r.defaultVariant !== undefined]).toEqual([r.goarch, VARIANT_VARIABLE[r.goarch] !== undefined]);
  });

  it('Mach-O and PE machine values are ones the readers know by name', () => {
    for (const r of ARCHES) {
      if (r.machoCpu !== undefined) expect(CPU_TYPE[r.machoCpu]).toBeDefined();
      if (r.peMachine !== undefined) expect(PE_MACHINES[r.peMachine]).toBeDefined();
    }
  });

  it('qemu naming: the qemu of each row is the one its ELF header picks', () => {
    for (const r of ARCHES) {
      expect(qemuSuffixForElf({ machine: r.elf.machine, is64: r.elf.class === 64, littleEndian: r.elf.data === 'little' })).toBe(r.qemu);
      expect(qemuProgram(r.goarch)).toBe(`qemu-${r.qemu}`);
    }
    expect(qemuProgram('wasm')).toBeUndefined();
  });

  // One rule: the triple the toolchain links with, the flags it passes and the ABI the checks
  // expect all follow isSoftFloat. `5,hardfloat` once meant soft float to the checks only.
  it.each([
    ['', false],
    ['5', true],
    ['6', false],
    ['7', false],
    ['5,hardfloat', false],
    ['5,softfloat', true],
    ['6,softfloat', true],
    ['7,softfloat', true],
    ['7,hardfloat', false],
  ])('linux/arm variant "%s": soft float %s for the triples, the C flags and the checks', (variant, soft) => {
    const p: Platform = variant ? { goos: 'linux', goarch: 'arm', variant } : { goos: 'linux', goarch: 'arm' };
    expect(isSoftFloat(p)).toBe(soft);
    expect(armSoftFloat(p)).toBe(soft);
    expect(cTriple(p)).toBe(soft ? 'arm-linux-gnueabi' : 'arm-linux-gnueabihf');
    expect(cTriple(p, 'musl')).toBe(soft ? 'arm-linux-musleabi' : 'arm-linux-musleabihf');
    expect(variantCflags(p)).toContain(soft ? '-mfloat-abi=soft' : '-mfloat-abi=hard');
  });

  it.each(['mips', 'mipsle', 'mips64', 'mips64le'])('linux/%s: GOMIPS=softfloat is soft float, hardfloat and unset are not', (goarch) => {
    expect(isSoftFloat({ goos: 'linux', goarch, variant: 'softfloat' })).toBe(true);
    expect(isSoftFloat({ goos: 'linux', goarch, variant: 'hardfloat' })).toBe(false);
    expect(isSoftFloat({ goos: 'linux', goarch })).toBe(false);
    expect(variantCflags({ goos: 'linux', goarch, variant: 'softfloat' })).toEqual(['-msoft-float']);
  });
});

describe('the arch table against go', () => {
  const itGo = itIf(haveGo());

  itGo('go supports linux on every GOARCH of the table, and the table has every linux GOARCH go supports', () => {
    const entries = distList();
    const has = (goos: string, goarch: string) => entries.some((e) => e.goos === goos && e.goarch === goarch);
    for (const r of ARCHES) expect([r.goarch, has('linux', r.goarch)]).toEqual([r.goarch, true]);
    // Windows: every row with a MinGW triple is a windows arch of go.
    for (const r of ARCHES.filter((x) => x.mingwTriple)) expect([r.goarch, has('windows', r.goarch)]).toEqual([r.goarch, true]);
    const linux = entries.filter((e) => e.goos === 'linux').map((e) => e.goarch);
    expect(linux.filter((a) => !archFacts(a))).toEqual([]);
  });

  itGo('every darwin and windows arch of go has its Mach-O cputype or PE machine in the table', () => {
    const entries = distList();
    for (const e of entries.filter((x) => x.goos === 'darwin')) expect([e.goarch, archFacts(e.goarch)?.machoCpu]).toEqual([e.goarch, expect.any(Number)]);
    for (const e of entries.filter((x) => x.goos === 'windows')) expect([e.goarch, archFacts(e.goarch)?.peMachine]).toEqual([e.goarch, expect.any(Number)]);
  });

  itGo('default variants are what go env reports when only GOARCH is set (cross-compiling from this host)', () => {
    const host = hostGoarch();
    for (const r of ARCHES) {
      const variable = VARIANT_VARIABLE[r.goarch];
      if (!variable) continue;
      // GOARM of a native arm build depends on the host CPU; only the cross-compile default is a fact.
      if (r.goarch === 'arm' && host === 'arm') continue;
      const got = run('go', ['env', variable], { env: goEnv({ GOOS: 'linux', GOARCH: r.goarch }) }).trim();
      expect([r.goarch, got]).toEqual([r.goarch, r.defaultVariant]);
    }
  });
});

describeIf(all(haveGo(), haveTools('readelf')))('ELF headers of go-built binaries (our reader, and readelf as the oracle)', () => {
  const qemuExec = path.join(__dirname, '..', 'executors', 'test', 'files', 'qemu-exec.js');

  it.each(ARCHES.map((r) => [r.goarch, r] as [string, ArchFacts]))(
    'linux/%s: machine, class, byte order and e_flags are the row\'s',
    (goarch, r) => {
      const file = goBuild(`linux-${goarch}`, { GOOS: 'linux', GOARCH: goarch });
      const ours = elfOf(file);
      expect({ machine: ours.machine, class: ours.class, data: ours.data, flags: ours.flags }).toEqual({
        machine: r.elf.machine,
        class: r.elf.class,
        data: r.elf.data,
        flags: r.elf.goFlags,
      });
      expect(ours.machineName).toBe(r.elf.machineName);
      const oracle = readelfOf(file);
      expect(oracle).toEqual({ class: r.elf.class, data: r.elf.data, machine: READELF_MACHINE[r.elf.machine], flags: r.elf.goFlags, interpreter: undefined });
      // The float-ABI fields the binary-arch check reads.
      if (r.elf.machine === 40) expect(ours.flags & (EF_ARM_ABI_FLOAT_SOFT | EF_ARM_ABI_FLOAT_HARD)).toBe(0);
      if (r.elf.machine === 243) expect(ours.flags & EF_RISCV_FLOAT_ABI).toBe(EF_RISCV_FLOAT_ABI_DOUBLE);
      if (r.elf.machine === 8 && r.elf.class === 32) expect(ours.flags & EF_MIPS_ABI).toBe(EF_MIPS_ABI_O32);
      // Naming: the table, the ELF header and the go test -exec wrapper pick the same qemu.
      expect(goarchOfElf(ours.machine, ours.class, ours.data)).toBe(goarch);
      expect(qemuSuffixForElf({ machine: ours.machine, is64: ours.class === 64, littleEndian: ours.data === 'little' })).toBe(r.qemu);
      const empty = path.join(work, 'empty-path');
      fs.mkdirSync(empty, { recursive: true });
      const wrapper = spawnSync(process.execPath, [qemuExec, file], { env: { PATH: empty }, encoding: 'utf8' });
      expect(wrapper.stderr).toContain(`cannot start qemu-${r.qemu}:`);
    },
    300_000,
  );

  // Go's internal linker records no float ABI: the e_flags of every float variant are the row's.
  it.each([
    ['arm', 'GOARM', '5'],
    ['arm', 'GOARM', '5,hardfloat'],
    ['arm', 'GOARM', '7,softfloat'],
    ['mips', 'GOMIPS', 'softfloat'],
    ['mipsle', 'GOMIPS', 'softfloat'],
    ['mips64', 'GOMIPS64', 'softfloat'],
  ])('linux/%s with %s=%s: e_flags as without it', (goarch, variable, value) => {
    const file = goBuild(`linux-${goarch}-${value.replace(',', '-')}`, { GOOS: 'linux', GOARCH: goarch, [variable]: value });
    expect(elfOf(file).flags).toBe(ARCH[goarch].elf.goFlags);
    expect(readelfOf(file).flags).toBe(ARCH[goarch].elf.goFlags);
  }, 300_000);
});

describeIf(haveGo())('Mach-O and PE machines of go-built darwin and windows binaries', () => {
  let pairs: DistEntry[] = [];
  beforeAll(() => {
    pairs = distList().filter((e) => (e.goos === 'darwin' || e.goos === 'windows') && archFacts(e.goarch));
  });

  it('every darwin and windows arch go builds has the cputype / machine of its row', () => {
    expect(pairs.length).toBeGreaterThan(0);
    for (const { goos, goarch } of pairs) {
      const file = goBuild(`${goos}-${goarch}`, { GOOS: goos, GOARCH: goarch });
      const r = ARCH[goarch];
      if (goos === 'darwin') {
        const m = withFile(file, (src) => readMachO(src));
        expect([goarch, m.images.map((i) => i.cputype)]).toEqual([goarch, [r.machoCpu]]);
      } else {
        const pe = withFile(file, (src) => readPe(src));
        expect([goarch, pe.machine]).toEqual([goarch, r.peMachine]);
      }
    }
  }, 600_000);
});

describe('C cross triples, loaders and float ABI of the installed compilers', () => {
  /** The compilers the table names for linux, with what makes a dynamic link possible. */
  const CROSS: [string, string][] = [
    ['aarch64-linux-gnu-gcc', 'arm64'],
    ['arm-linux-gnueabihf-gcc', 'arm'],
    ['riscv64-linux-gnu-gcc', 'riscv64'],
  ];

  for (const [cc, goarch] of CROSS) {
    const triple = ARCH[goarch].cTriples.glibc;
    itIf(haveTools(cc))(`${cc} -dumpmachine is the glibc triple of linux/${goarch}`, () => {
      expect(dumpmachine(cc)).toBe(triple);
      expect(cTriple({ goos: 'linux', goarch })).toBe(triple);
    });

    itIf(all(haveTools(cc, 'readelf'), haveFiles(`/usr/${triple}/lib/crt1.o`)))(
      `${cc} links a program with the row's machine, first glibc loader and float ABI`,
      () => {
        const r = ARCH[goarch];
        const file = cBuild(cc);
        const ours = elfOf(file);
        expect({ machine: ours.machine, class: ours.class, data: ours.data, interpreter: ours.interpreter }).toEqual({
          machine: r.elf.machine,
          class: r.elf.class,
          data: r.elf.data,
          interpreter: r.loaders.glibc[0],
        });
        expect(readelfOf(file).interpreter).toBe(r.loaders.glibc[0]);
        // The default triple is the hard-float (arm) / double-float (riscv64) ABI.
        if (goarch === 'arm') expect(ours.flags & (EF_ARM_ABI_FLOAT_SOFT | EF_ARM_ABI_FLOAT_HARD)).toBe(EF_ARM_ABI_FLOAT_HARD);
        if (goarch === 'riscv64') expect(ours.flags & EF_RISCV_FLOAT_ABI).toBe(EF_RISCV_FLOAT_ABI_DOUBLE);
      },
    );
  }

  itIf(all(haveGo(), haveTools('gcc', 'readelf')))('gcc -dumpmachine is the glibc triple of the host arch, and its programs name the first glibc loader', () => {
    const r = ARCH[hostGoarch()];
    expect(r).toBeDefined();
    expect(dumpmachine('gcc')).toBe(r.cTriples.glibc);
    const file = cBuild('gcc');
    expect(elfOf(file).interpreter).toBe(r.loaders.glibc[0]);
    expect(readelfOf(file).interpreter).toBe(r.loaders.glibc[0]);
  });

  itIf(all(haveGo(), haveTools('musl-gcc', 'readelf')))('musl-gcc uses the musl triple of the host arch, and its programs name the first musl loader', () => {
    const r = ARCH[hostGoarch()];
    expect(r).toBeDefined();
    // musl-gcc is gcc with a specs file; Debian keeps it (and musl) under the musl triple.
    const wrapper = fs.readFileSync(run('sh', ['-c', 'command -v musl-gcc']).trim(), 'utf8');
    expect(/-specs\s+"?[^"\s]*\/([^/"\s]+)\/musl-gcc\.specs/.exec(wrapper)?.[1]).toBe(r.cTriples.musl);
    const file = cBuild('musl-gcc');
    expect(elfOf(file).interpreter).toBe(r.loaders.musl[0]);
    expect(readelfOf(file).interpreter).toBe(r.loaders.musl[0]);
  });

  // The case that once disagreed: the toolchain linked linux/arm/5,hardfloat hard float and
  // binary-arch (then elf-arch) reported the binary as wrong for a soft-float target.
  itIf(all(haveGo(), haveTools('arm-linux-gnueabihf-gcc'), haveFiles('/usr/arm-linux-gnueabihf/lib/crt1.o')))(
    'linux/arm/5,hardfloat: the triple and flags of the table link a hard-float binary that binary-arch and linkage accept',
    async () => {
      const p = parsePlatform('linux/arm/5,hardfloat');
      const triple = cTriple(p);
      expect(triple).toBe('arm-linux-gnueabihf');
      const file = goBuild(
        'cgo-arm-5-hardfloat',
        { GOOS: 'linux', GOARCH: 'arm', GOARM: p.variant as string, CGO_ENABLED: '1', CC: `${triple}-gcc`, CGO_CFLAGS: variantCflags(p).join(' ') },
        CGO_MAIN,
      );
      const ours = elfOf(file);
      expect(ours.flags & EF_ARM_ABI_FLOAT_HARD).toBe(EF_ARM_ABI_FLOAT_HARD);
      expect(ours.interpreter).toBe(ARCH.arm.loaders.glibc[0]);
      const checks = [findCheck('elf-arch'), findCheck('linkage')].filter((c) => c !== undefined);
      expect(checks).toHaveLength(2);
      const validate = async (platform: string) => {
        const t: TargetSpec = { platform: parsePlatform(platform), cgo: true, libc: 'glibc', buildmode: 'exe', linkmode: 'external', tags: [], trimpath: false };
        const r = await validateArtifacts({ artifacts: [{ path: file, target: t }], policy: defaultPolicy(), checks });
        return r.findings.map((f) => `${f.checkId}: ${f.message}`);
      };
      expect(await validate('linux/arm/5,hardfloat')).toEqual([]);
      // The check still tells a soft-float target from it.
      expect(await validate('linux/arm/5')).toEqual([expect.stringMatching(/^binary-arch: hard-float ABI binary .* for a soft-float target linux\/arm\/5$/)]);
    },
    300_000,
  );
});
