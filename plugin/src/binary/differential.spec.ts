/**
 * Differential tests: for real binaries built here by `go` (and the C cross compilers for cgo),
 * the readers must agree with binutils' readelf on ELF structure and with `go version -m` on
 * build information. Mach-O and PE machines are checked against the GOARCH they were built for.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  detectKind,
  formatBuildInfo,
  openFile,
  readAr,
  readBuildInfo,
  readElf,
  readMachO,
  readPe,
  type ElfFile,
  type FileSource,
} from './index';
import {
  CGO_LINUX,
  GO_ARCHIVES,
  OTHER_OS,
  PURE_LINUX,
  SETTINGS,
  buildFixtures,
  run,
  writeFixtureModule,
  type Fixture,
} from './test-utils/fixtures';
import { describeIf, haveTools } from '../test-utils/gates';

const TOOLS = ['go', 'git', 'readelf', 'objdump', 'ar', 'gcc', 'aarch64-linux-gnu-gcc'];
// binutils-multiarch, gcc-aarch64-linux-gnu and go on Debian.
const d = describeIf(haveTools(...TOOLS));

/** readelf's machine descriptions for the EM_* values the fixtures use. */
const READELF_MACHINE: Record<string, number> = {
  'Advanced Micro Devices X86-64': 62,
  AArch64: 183,
  ARM: 40,
  'Intel 80386': 3,
  'RISC-V': 243,
  'MIPS R3000': 8,
  PowerPC64: 21,
  'IBM S/390': 22,
};
const DF_NAMES = ['ORIGIN', 'SYMBOLIC', 'TEXTREL', 'BIND_NOW', 'STATIC_TLS'];
const DF_1_NAMES = [
  'NOW', 'GLOBAL', 'GROUP', 'NODELETE', 'LOADFLTR', 'INITFIRST', 'NOOPEN', 'ORIGIN', 'DIRECT', 'TRANS', 'INTERPOSE',
  'NODEFLIB', 'NODUMP', 'CONFALT', 'ENDFILTEE', 'DISPRELDNE', 'DISPRELPND', 'NODIRECT', 'IGNMULDEF', 'NOKSYMS', 'NOHDR',
  'EDITED', 'NORELOC', 'SYMINTPOSE', 'GLOBAUDIT', 'SINGLETON', 'STUB', 'PIE',
];
function flagNames(v: number | undefined, names: string[]): string[] {
  if (v === undefined) return [];
  return names.filter((_, i) => (v >>> i) & 1).sort();
}

interface ReadelfView {
  machine: number;
  class: number;
  data: string;
  flags: number;
  interpreter?: string;
  needed: string[];
  rpath: string[];
  runpath: string[];
  dtFlags: string[];
  dtFlags1: string[];
  sections: string[];
  /** Defined GLOBAL FUNC dynamic symbols. */
  exported: string[];
  /** Undefined dynamic symbols as name@version. */
  imported: string[];
}

function readelfView(file: string): ReadelfView {
  const h = run('readelf', ['-h', '-W', file]);
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(h)?.[1].trim() ?? '';
  const machineText = field('Machine');
  expect(READELF_MACHINE).toHaveProperty([machineText]);
  const v: ReadelfView = {
    machine: READELF_MACHINE[machineText],
    class: field('Class') === 'ELF64' ? 64 : 32,
    data: field('Data').includes('big') ? 'big' : 'little',
    flags: parseInt(field('Flags').split(/[ ,]/)[0], 16),
    needed: [], rpath: [], runpath: [], dtFlags: [], dtFlags1: [], sections: [], exported: [], imported: [],
  };
  const l = run('readelf', ['-l', '-W', file]);
  v.interpreter = /\[Requesting program interpreter: (.*)\]/.exec(l)?.[1];
  const dyn = run('readelf', ['-d', '-W', file]);
  for (const m of dyn.matchAll(/^\s*0x[0-9a-f]+\s+\((\w+)\)\s+(.*)$/gm)) {
    const [, tag, rest] = m;
    const br = /\[(.*)\]/.exec(rest)?.[1];
    if (tag === 'NEEDED') v.needed.push(br!);
    else if (tag === 'RPATH') v.rpath.push(br!);
    else if (tag === 'RUNPATH') v.runpath.push(br!);
    else if (tag === 'FLAGS') v.dtFlags = rest.trim().split(/\s+/).sort();
    else if (tag === 'FLAGS_1') v.dtFlags1 = rest.replace(/^Flags:/, '').trim().split(/\s+/).sort();
  }
  const s = run('readelf', ['-S', '-W', file]);
  for (const m of s.matchAll(/^\s*\[\s*(\d+)\]\s+(\S+)\s+\S+/gm)) if (m[1] !== '0') v.sections.push(m[2]);
  const ds = run('readelf', ['--dyn-syms', '-W', file]);
  for (const line of ds.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !/^\d+:$/.test(f[0]) || f[0] === '0:') continue;
    const [, , , type, bind, , ndx, name] = f;
    if (ndx === 'UND') v.imported.push(name);
    else if (bind === 'GLOBAL' && type === 'FUNC') v.exported.push(name.replace(/@.*$/, ''));
  }
  v.exported.sort();
  v.imported.sort();
  return v;
}

function readerView(elf: ElfFile): ReadelfView {
  const dyn = elf.dynamic();
  const syms = elf.dynamicSymbols();
  return {
    machine: elf.header.machine,
    class: elf.header.class,
    data: elf.header.data,
    flags: elf.header.flags,
    interpreter: elf.interpreter,
    needed: dyn?.needed ?? [],
    rpath: dyn?.rpath ?? [],
    runpath: dyn?.runpath ?? [],
    dtFlags: flagNames(dyn?.flags, DF_NAMES),
    dtFlags1: flagNames(dyn?.flags1, DF_1_NAMES),
    sections: elf.sections.slice(1).map((s) => s.name),
    exported: syms.filter((s) => s.defined && s.bindName === 'STB_GLOBAL' && s.typeName === 'STT_FUNC').map((s) => s.name).sort(),
    imported: syms.filter((s) => !s.defined).map((s) => (s.version ? `${s.name}@${s.version}` : s.name)).sort(),
  };
}

/** `go version -m` output without its first line, each line without its leading tab. */
function goVersionM(file: string): { goVersion: string; text: string } {
  const out = run('go', ['version', '-m', file]).replace(/\n$/, '');
  const [first, ...rest] = out.split('\n');
  return { goVersion: first.slice(first.lastIndexOf(': ') + 2), text: rest.map((l) => l.replace(/^\t/, '')).join('\n') };
}

const ELF_SPECS = [...PURE_LINUX, ...CGO_LINUX.filter((s) => s.buildmode !== 'c-archive')];
const EM_FOR_GOARCH: Record<string, number> = { amd64: 62, arm64: 183, arm: 40, '386': 3, riscv64: 243, mips: 8, mips64le: 8, ppc64le: 21, s390x: 22 };

d('binary readers agree with readelf and go version -m', () => {
  let dir: string;
  let fx: Map<string, Fixture>;
  const open: FileSource[] = [];
  const src = (name: string) => src2(fx.get(name)!.file);
  const src2 = (file: string) => {
    const s = openFile(file);
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-readers-'));
    writeFixtureModule(dir);
    fx = await buildFixtures(dir, [...PURE_LINUX, ...CGO_LINUX, ...OTHER_OS, ...GO_ARCHIVES, ...SETTINGS]);
  }, 600_000);
  afterAll(() => {
    for (const s of open) s.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each(ELF_SPECS.map((s) => s.name))('%s: ELF header, program headers, dynamic section and symbols match readelf', (name) => {
    const s = src(name);
    expect(detectKind(s)).toBe('elf');
    const elf = readElf(s);
    const mine = readerView(elf);
    const theirs = readelfView(fx.get(name)!.file);
    expect(mine).toEqual(theirs);
    expect(elf.header.machine).toBe(EM_FOR_GOARCH[fx.get(name)!.goarch]);
  });

  test.each(ELF_SPECS.map((s) => s.name))('%s: notes match readelf -n, the Go build ID matches go tool buildid', (name) => {
    const file = fx.get(name)!.file;
    const elf = readElf(src(name));
    const theirs: [string, string, number][] = [];
    let section = '';
    let buildId: string | undefined;
    let abi: string | undefined;
    let goNote: string | undefined;
    for (const line of run('readelf', ['-n', '-W', file]).split('\n')) {
      const sec = /^Displaying notes found in: (\S+)/.exec(line);
      if (sec) section = sec[1];
      const n = /^\s+(\S+)\s+0x([0-9a-f]+)\s/.exec(line);
      if (n && n[1] !== 'Owner') theirs.push([section, n[1], parseInt(n[2], 16)]);
      buildId ??= /Build ID: ([0-9a-f]+)/.exec(line)?.[1];
      abi ??= /OS: (\w+), ABI: (\S+)/.exec(line)?.slice(1).join(' ');
      if (n?.[1] === 'Go') goNote = /description data: ([0-9a-f ]+)/.exec(line)?.[1].trim().replace(/ /g, '');
    }
    expect(elf.notes().map((x) => [x.section, x.owner, x.desc.length])).toEqual(theirs);
    expect(elf.gnuBuildId()).toBe(buildId);
    const tag = elf.abiTag();
    expect(tag ? `${tag.osName} ${tag.major}.${tag.minor}.${tag.patch}` : undefined).toBe(abi);
    expect(Buffer.from(elf.goBuildId()!, 'utf8').toString('hex')).toBe(goNote);
    expect(elf.goBuildId()).toBe(run('go', ['tool', 'buildid', file]).trim());
  });

  test.each([...ELF_SPECS, ...OTHER_OS, ...SETTINGS].map((s) => s.name))('%s: build info matches go version -m', (name) => {
    const f = fx.get(name)!;
    const s = src(name);
    const bi = readBuildInfo(s);
    expect(bi).toBeDefined();
    const want = goVersionM(f.file);
    expect(bi!.goVersion).toBe(want.goVersion);
    expect(formatBuildInfo(bi!)).toBe(want.text);
    expect(bi!.setting('GOOS')).toBe(f.goos);
    expect(bi!.setting('GOARCH')).toBe(f.goarch);
    expect(bi!.setting('CGO_ENABLED')).toBe(f.cgo ? '1' : '0');
    expect(bi!.deps.map((x) => [x.path, x.version, x.replace?.path])).toEqual([['example.com/dep', 'v1.2.3', './dep']]);
  });

  test('quoted -ldflags, variant variables and VCS stamping are parsed', () => {
    const bi = readBuildInfo(src('linux-amd64-v3-ldflags'))!;
    expect(bi.setting('-ldflags')).toBe('-X "main.version=1.0 beta" -X main.quote=a"b -s');
    expect(bi.setting('GOAMD64')).toBe('v3');
    expect(bi.setting('vcs')).toBe('git');
    expect(bi.setting('vcs.revision')).toMatch(/^[0-9a-f]{40}$/);
    expect(bi.setting('vcs.time')).toBe('2026-01-02T03:04:05Z');
    expect(bi.setting('-trimpath')).toBeUndefined();
    expect(readBuildInfo(src('linux-arm64-v8.2-lse'))!.setting('GOARM64')).toBe('v8.2,lse');
    expect(readBuildInfo(src('linux-arm-7'))!.setting('GOARM')).toBe('7');
  });

  /** glibc itself defines and needs versions (SHT_GNU_verdef and verneed): the sysroots' copies. */
  const LIBCS = [
    '/lib/x86_64-linux-gnu/libc.so.6',
    '/lib/aarch64-linux-gnu/libc.so.6',
    '/usr/aarch64-linux-gnu/lib/libc.so.6',
    '/usr/riscv64-linux-gnu/lib/libc.so.6',
  ].filter((f) => fs.existsSync(f));
  test('a glibc to compare with is installed (host or the aarch64 cross sysroot)', () => {
    expect(LIBCS.length).toBeGreaterThan(0);
  });
  test.each(LIBCS)('%s: every dynamic symbol with its version decoration matches readelf', (file) => {
    const elf = readElf(src2(file));
    const mine = elf.dynamicSymbols().map((x) => {
      // readelf prints no decoration on the symbol that names a version itself, and 'IFUNC' for STT_GNU_IFUNC.
      const dec =
        x.version === undefined || (x.defined && x.name === x.version) ? '' : x.defined && !x.versionHidden ? `@@${x.version}` : `@${x.version}`;
      // It also names STT_SECTION symbols after their section.
      const name = x.typeName === 'STT_SECTION' && x.name === '' ? x.sectionName : x.name;
      return `${x.index} ${x.defined ? 'DEF' : 'UND'} ${x.bindName.slice(4)} ${x.typeName.slice(4).replace('GNU_', '')} ${name}${dec}`;
    });
    const theirs: string[] = [];
    for (const line of run('readelf', ['--dyn-syms', '-W', file]).split('\n')) {
      const f = line.trim().replace(/ \(\d+\)$/, '').split(/\s+/);
      if (f.length < 8 || !/^\d+:$/.test(f[0]) || f[0] === '0:') continue;
      theirs.push(`${f[0].slice(0, -1)} ${f[6] === 'UND' ? 'UND' : 'DEF'} ${f[4]} ${f[3]} ${f[7]}`);
    }
    expect(mine.length).toBeGreaterThan(1000);
    expect(mine).toEqual(theirs);
    // Version definition 1 (VER_FLG_BASE) names the file itself; glibc also defines GLIBC_PRIVATE.
    const defs = elf.versionDefs();
    expect(defs[0]).toMatchObject({ index: 1, flags: 1, names: ['libc.so.6'] });
    expect(defs.map((v) => v.names[0])).toContain('GLIBC_PRIVATE');
    expect(elf.dynamic()!.soname).toBe('libc.so.6');
  });

  test('the cgo arm64 binary: dynamic, glibc loader, versioned imports', () => {
    const elf = readElf(src('linux-arm64-cgo'));
    expect(elf.interpreter).toBe('/lib/ld-linux-aarch64.so.1');
    expect(elf.dynamic()!.needed).toContain('libc.so.6');
    const versioned = elf.dynamicSymbols().filter((x) => !x.defined && x.version);
    expect(versioned.length).toBeGreaterThan(0);
    for (const v of versioned) expect(v.versionLibrary).toBe('libc.so.6');
    expect(elf.versionNeeds().map((n) => n.file)).toContain('libc.so.6');
    expect(elf.goBuildId()).toMatch(/\//);
  });

  test('the external link with -r gives a run path readelf also sees', () => {
    const dyn = readElf(src('linux-amd64-rpath')).dynamic()!;
    expect([...dyn.rpath, ...dyn.runpath]).toEqual(['/tmp/x']);
  });

  test('-bindnow PIE: DF_BIND_NOW / DF_1_NOW and DF_1_PIE seen', () => {
    const elf = readElf(src('linux-amd64-pie-bindnow'));
    expect(elf.header.typeName).toBe('ET_DYN');
    const dyn = elf.dynamic()!;
    expect(dyn.bindNow).toBe(true);
    expect(elf.programs.some((p) => p.typeName === 'PT_GNU_RELRO')).toBe(true);
  });

  test('a static Go binary is validated reading under 5% of its bytes', () => {
    const s = src('linux-arm64');
    const elf = readElf(s);
    elf.dynamic();
    elf.dynamicSymbols();
    elf.notes();
    expect(readBuildInfo(s)).toBeDefined();
    expect(s.bytesRead / s.size).toBeLessThan(0.05);
    // .symtab is only read when asked for.
    const before = s.bytesRead;
    expect(elf.symbols().length).toBeGreaterThan(1000);
    expect(s.bytesRead).toBeGreaterThan(before);
  });

  test.each(['linux-amd64-c-archive', 'linux-arm64-c-archive'])('%s: member names match ar t, machines match readelf', (name) => {
    const f = fx.get(name)!;
    const s = src(name);
    expect(detectKind(s)).toBe('ar');
    const a = readAr(s);
    expect(a.members.map((m) => m.name)).toEqual(run('ar', ['t', f.file]).trim().split('\n'));
    const h = run('readelf', ['-h', '-W', f.file]);
    const machines = new Map<string, number>();
    let cur = '';
    for (const line of h.split('\n')) {
      const file = /^File: .*\((.*)\)$/.exec(line);
      if (file) cur = file[1];
      const m = /^\s*Machine:\s*(.*)$/.exec(line);
      if (m) machines.set(cur, READELF_MACHINE[m[1].trim()]);
    }
    for (const m of a.members) {
      expect(m.object.format).toBe('elf');
      if (m.object.format === 'elf') expect(m.object.machine).toBe(machines.get(m.name));
    }
    expect(new Set(a.members.map((m) => (m.object.format === 'elf' ? m.object.machine : 0)))).toEqual(new Set([EM_FOR_GOARCH[f.goarch]]));
    const syms = a.symbols().map((x) => x.name);
    expect(syms).toEqual(expect.arrayContaining(['GoAdd', 'GoMessageLen']));
    const offsets = new Set(a.members.map((m) => m.headerOffset));
    for (const x of a.symbols()) expect(offsets.has(x.memberOffset)).toBe(true);
  });

  test('a Go package archive: __.PKGDEF and _go_.o carry goos/goarch', () => {
    const a = readAr(src('goarchive-linux-arm64'));
    expect(a.members.map((m) => m.name)).toEqual(['__.PKGDEF', '_go_.o']);
    const goVersion = goVersionM(fx.get('linux-arm64')!.file).goVersion;
    for (const m of a.members) {
      expect(m.object).toMatchObject({ format: 'goobj', goos: 'linux', goarch: 'arm64', version: goVersion });
    }
  });

  test.each([
    ['darwin-arm64', 0x0100000c, 'arm64'],
    ['darwin-amd64', 0x01000007, 'x86_64'],
  ])('%s: Mach-O cputype', (name, cputype, cpuName) => {
    const s = src(name as string);
    expect(detectKind(s)).toBe('macho');
    const m = readMachO(s);
    expect(m.fat).toBe(false);
    expect(m.images[0]).toMatchObject({ cputype, cpuName, is64: true, bigEndian: false, filetypeName: 'MH_EXECUTE' });
    expect(m.images[0].section('__go_buildinfo') ?? m.images[0].section('__data')).toBeDefined();
  });

  test.each(OTHER_OS.filter((s) => s.goos === 'windows').map((s) => s.name))('%s: PE optional header, data directories and sections match objdump', (name) => {
    const file = fx.get(name)!.file;
    const pe = readPe(src(name));
    const p = run('objdump', ['-p', file]);
    const hex = (key: string) => parseInt(new RegExp(`^${key}\\s+([0-9a-f]+)`, 'm').exec(p)![1], 16);
    expect(pe.optionalMagic).toBe(hex('Magic'));
    expect(pe.imageBase).toBe(hex('ImageBase'));
    expect(pe.subsystem).toBe(hex('Subsystem'));
    expect(pe.dllCharacteristics).toBe(hex('DllCharacteristics'));
    // objdump cannot list Go's imports (it looks for them in a .zdebug section); the import
    // directory's RVA is still comparable.
    const imp = /^Entry 1 ([0-9a-f]+) ([0-9a-f]+) Import Directory/m.exec(p)!;
    expect(pe.dataDirectories[1]).toEqual({ rva: parseInt(imp[1], 16), size: parseInt(imp[2], 16) });
    const h = run('objdump', ['-h', '-w', file]);
    const listed = [...h.matchAll(/^\s*\d+\s+(\S+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)/gm)];
    expect(listed.length).toBeGreaterThan(3);
    for (const [, sname, vma, off] of listed) {
      const sec = pe.section(sname);
      expect(sec).toBeDefined();
      expect([sname, pe.imageBase + sec!.virtualAddress, sec!.pointerToRawData]).toEqual([sname, parseInt(vma, 16), parseInt(off, 16)]);
    }
  });

  test.each([
    ['windows-amd64', 0x8664, 0x20b],
    ['windows-arm64', 0xaa64, 0x20b],
    ['windows-386', 0x14c, 0x10b],
  ])('%s: PE machine and optional header magic', (name, machine, magic) => {
    const s = src(name as string);
    expect(detectKind(s)).toBe('pe');
    const pe = readPe(s);
    expect(pe.machine).toBe(machine);
    expect(pe.optionalMagic).toBe(magic);
    expect(pe.importedDlls().map((x) => x.toLowerCase())).toContain('kernel32.dll');
    expect(pe.sections.map((x) => x.name)).toEqual(expect.arrayContaining(['.text', '.data']));
  });
});
