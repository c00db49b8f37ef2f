/**
 * Archive variants, bare COFF objects (.syso) and universal Mach-O files, each produced here by
 * real tools: gcc and the cross gcc for objects, GNU ar (long names, thin archives), llvm-ar in
 * BSD/darwin format, objcopy to COFF, and a universal file assembled from two Go darwin builds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arMemberSource, bufferSource, classifyObject, detectKind, readAr, readBuildInfo, readElf, readMachO, readPe } from './index';
import { BinaryFormatError } from './types';
import {
  OTHER_OS,
  PURE_LINUX,
  buildFixtures,
  missingTools,
  run,
  universalMachO,
  writeBsdArchive,
  writeFixtureModule,
  type Fixture,
} from './test-utils/fixtures';
import { describeIf, haveTools } from '../test-utils/gates';

const haveLlvmAr = missingTools(['llvm-ar']).length === 0;
// binutils-multiarch and gcc-aarch64-linux-gnu on Debian.
const d = describeIf(haveTools('go', 'gcc', 'aarch64-linux-gnu-gcc', 'ar', 'objcopy'));

d('archives, COFF objects and universal Mach-O', () => {
  let dir: string;
  let fx: Map<string, Fixture>;
  const objs: Record<string, string> = {};

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-formats-'));
    writeFixtureModule(dir);
    fx = await buildFixtures(dir, [
      ...OTHER_OS.filter((s) => s.goos === 'darwin'),
      ...PURE_LINUX.filter((s) => s.name === 'linux-amd64'),
    ]);
    fs.writeFileSync(path.join(dir, 'add.c'), 'int gocross_add(int a, int b) { return a + b; }\nint gocross_counter = 3;\n');
    fs.writeFileSync(path.join(dir, 'mul.c'), 'int gocross_mul(int a, int b) { return a * b; }\n');
    const cc = (compiler: string, src: string, out: string, extra: string[] = []) => {
      run(compiler, ['-c', '-O1', ...extra, '-o', path.join(dir, out), path.join(dir, src)]);
      objs[out] = path.join(dir, out);
    };
    cc('gcc', 'add.c', 'add_amd64.o');
    cc('gcc', 'mul.c', 'a_rather_long_member_name_mul_amd64.o');
    cc('aarch64-linux-gnu-gcc', 'add.c', 'add_arm64.o');
    run('objcopy', ['-O', 'pe-x86-64', objs['add_amd64.o'], path.join(dir, 'rsrc_windows_amd64.syso')]);
    run('objcopy', ['-O', 'pe-aarch64-little', objs['add_arm64.o'], path.join(dir, 'rsrc_windows_arm64.syso')]);
  }, 600_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const members = () => [objs['add_amd64.o'], objs['a_rather_long_member_name_mul_amd64.o'], objs['add_arm64.o']];

  test('GNU ar: "//" long names, "/" symbol index, mixed machines', () => {
    const a = path.join(dir, 'gnu.a');
    run('ar', ['rcs', a, ...members()]);
    const ar = readAr(bufferSource(fs.readFileSync(a)));
    expect(ar.variant).toBe('gnu');
    expect(ar.members.map((m) => m.name)).toEqual(run('ar', ['t', a]).trim().split('\n'));
    expect(ar.members.map((m) => (m.object.format === 'elf' ? m.object.machineName : m.object.format))).toEqual([
      'EM_X86_64',
      'EM_X86_64',
      'EM_AARCH64',
    ]);
    const syms = ar.symbols();
    expect(syms.map((s) => s.name).sort()).toEqual(['gocross_add', 'gocross_add', 'gocross_counter', 'gocross_counter', 'gocross_mul']);
    // A member opens as a file of its own.
    const arm = readElf(arMemberSource(bufferSource(fs.readFileSync(a)), ar.members[2]));
    expect(arm.header.machineName).toBe('EM_AARCH64');
    expect(arm.symbols().map((s) => s.name)).toContain('gocross_add');
    const byOffset = new Map(ar.members.map((m) => [m.headerOffset, m.name]));
    expect(byOffset.get(syms.find((s) => s.name === 'gocross_mul')!.memberOffset)).toBe('a_rather_long_member_name_mul_amd64.o');
  });

  test(`BSD ar (${haveLlvmAr ? 'llvm-ar --format=darwin' : 'ranlib layout'}): "#1/<n>" names and __.SYMDEF`, () => {
    const a = path.join(dir, 'bsd.a');
    if (haveLlvmAr) run('llvm-ar', ['--format=darwin', 'rcs', a, ...members()]);
    else writeBsdArchive(a, members(), [['gocross_add', 0], ['gocross_counter', 0], ['gocross_mul', 1], ['gocross_add', 2]]);
    const buf = fs.readFileSync(a);
    expect(buf.includes('#1/')).toBe(true);
    const ar = readAr(bufferSource(buf));
    expect(ar.variant).toBe('bsd');
    const names = haveLlvmAr ? run('llvm-ar', ['t', a]).trim().split('\n') : members().map((m) => path.basename(m));
    expect(ar.members.map((m) => m.name)).toEqual(names);
    const long = ar.members.find((m) => m.name === 'a_rather_long_member_name_mul_amd64.o')!;
    // The member data starts after the in-line name, so it classifies as the ELF object it is.
    expect(long.object).toMatchObject({ format: 'elf', machineName: 'EM_X86_64', typeName: 'ET_REL' });
    expect(long.size).toBe(fs.statSync(objs['a_rather_long_member_name_mul_amd64.o']).size);
    const syms = ar.symbols();
    expect(syms.map((s) => s.name)).toEqual(expect.arrayContaining(['gocross_add', 'gocross_mul', 'gocross_counter']));
    const offsets = new Set(ar.members.map((m) => m.headerOffset));
    for (const s of syms) expect(offsets.has(s.memberOffset)).toBe(true);
  });

  test('thin archive: names listed, contents not in the file', () => {
    const a = path.join(dir, 'thin.a');
    run('ar', ['rcsT', a, ...members()]);
    const ar = readAr(bufferSource(fs.readFileSync(a)));
    expect(ar.variant).toBe('thin');
    expect(ar.members.map((m) => path.basename(m.name))).toEqual(members().map((m) => path.basename(m)));
    expect(ar.members.every((m) => m.object.format === 'unknown')).toBe(true);
  });

  test.each([
    ['rsrc_windows_amd64.syso', 0x8664, 'IMAGE_FILE_MACHINE_AMD64'],
    ['rsrc_windows_arm64.syso', 0xaa64, 'IMAGE_FILE_MACHINE_ARM64'],
  ])('%s: a bare COFF object is detected and read', (file, machine, name) => {
    const buf = fs.readFileSync(path.join(dir, file));
    const src = bufferSource(buf);
    expect(detectKind(src)).toBe('pe');
    const pe = readPe(src);
    expect(pe).toMatchObject({ machine, machineName: name, optionalMagic: 0 });
    expect(pe.sections.map((s) => s.name)).toContain('.text');
    expect(classifyObject(buf.subarray(0, 64))).toEqual({ format: 'coff', machine, machineName: name });
    expect(readBuildInfo(src)).toBeUndefined();
  });

  test('an ELF .syso: relocatable object read in full', () => {
    const elf = readElf(bufferSource(fs.readFileSync(objs['add_arm64.o'])));
    expect(elf.header).toMatchObject({ typeName: 'ET_REL', machineName: 'EM_AARCH64', class: 64 });
    const syms = elf.symbols().filter((s) => s.bindName === 'STB_GLOBAL' && s.defined);
    expect(syms.map((s) => [s.name, s.typeName, s.sectionName])).toEqual(
      expect.arrayContaining([
        ['gocross_add', 'STT_FUNC', '.text'],
        ['gocross_counter', 'STT_OBJECT', '.data'],
      ]),
    );
  });

  test('universal Mach-O assembled from the darwin/arm64 and darwin/amd64 builds', () => {
    const a = fs.readFileSync(fx.get('darwin-arm64')!.file);
    const b = fs.readFileSync(fx.get('darwin-amd64')!.file);
    const fat = universalMachO([a, b]);
    const offA = 1 << 14;
    const offB = Math.ceil((offA + a.length) / (1 << 14)) * (1 << 14);
    const src = bufferSource(fat);
    expect(detectKind(src)).toBe('macho-fat');
    const m = readMachO(src);
    expect(m.fat).toBe(true);
    expect(m.images.map((i) => [i.cpuName, i.offset, i.size])).toEqual([
      ['arm64', offA, a.length],
      ['x86_64', offB, b.length],
    ]);
    // Sections of the second slice are addressed in file offsets of the universal file.
    const sec = m.images[1].section('__go_buildinfo')!;
    expect(fat.toString('latin1', sec.offset + 2, sec.offset + 14)).toBe('Go buildinf:');
    expect(readBuildInfo(src)!.setting('GOARCH')).toBe('arm64');
    // Each slice has its own build info.
    expect(readBuildInfo(src, 1)!.setting('GOARCH')).toBe('amd64');
    expect(readBuildInfo(src, 2)).toBeUndefined();
    // The fat header's place of each slice is reported as read, also when the slice disagrees.
    expect(m.images.map((i) => [i.fatCputype, i.cputype])).toEqual([
      [0x0100000c, 0x0100000c],
      [0x01000007, 0x01000007],
    ]);
    const misplaced = readMachO(bufferSource(universalMachO([a, a], [undefined, 0x01000007])));
    expect(misplaced.images.map((i) => [i.fatCputype, i.cpuName])).toEqual([
      [0x0100000c, 'arm64'],
      [0x01000007, 'arm64'],
    ]);
    // A slice table pointing past the end is a format error.
    fat.writeUInt32BE(fat.length, 8 + 20 + 8);
    expect(() => readMachO(bufferSource(fat))).toThrow(BinaryFormatError);
  });

  test('a repeated note area is read once, not once per section header', () => {
    const buf = Buffer.from(fs.readFileSync(fx.get('linux-amd64')!.file));
    const elf = readElf(bufferSource(buf));
    const note = elf.section('.note.go.buildid')!;
    // Make every section a copy of the note section's header.
    const { shoff, shentsize, shnum } = elf.header;
    const proto = Buffer.from(buf.subarray(shoff + note.index * shentsize, shoff + (note.index + 1) * shentsize));
    for (let i = 1; i < shnum; i++) if (i !== elf.header.shstrndx) proto.copy(buf, shoff + i * shentsize);
    const src = bufferSource(buf);
    const hostile = readElf(src);
    expect(hostile.notes().filter((n) => n.owner === 'Go')).toHaveLength(1);
    expect(hostile.goBuildId()).toBe(elf.goBuildId());
  });

  test('truncations of a real binary give BinaryFormatError or a result, never another error', () => {
    const buf = fs.readFileSync(fx.get('darwin-arm64')!.file);
    for (let cut = 0; cut < 8192; cut += 7) {
      const src = bufferSource(buf.subarray(0, cut));
      try {
        if (detectKind(src) === 'macho') readMachO(src);
        readBuildInfo(src);
      } catch (e) {
        expect(e).toBeInstanceOf(BinaryFormatError);
      }
    }
  });
});
