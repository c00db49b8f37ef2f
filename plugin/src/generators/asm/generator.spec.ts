import * as fs from 'fs';
import * as path from 'path';
import { logger, Tree } from '@nx/devkit';
import { asmGenerator, declConstraint, fallbackConstraint, snakeCase } from './generator';
import { libraryGenerator } from '../library/generator';
import { emptyWorkspace, removeTempDirs, run, snapshotTree, writeTreeToDisk } from '../shared/test-utils';
import { haveTools, itIf } from '../../test-utils/gates';

const SUM = 'func Sum(xs []uint64) uint64';
const MIX =
  'func Mix(b bool, i8 int8, u16 uint16, x int64, f32 float32, s string, xs []byte, p *int, arr [3]uint16, c complex128, e error, v ...int32) (n int, ok bool, f float64)';

/** Hand-written bodies, as a user would write them after generating the stubs. */
const SUM_AMD64 = `TEXT ·Sum(SB), NOSPLIT, $0-32
	MOVQ xs_base+0(FP), SI
	MOVQ xs_len+8(FP), CX
	XORQ AX, AX
loop:
	TESTQ CX, CX
	JZ   done
	ADDQ (SI), AX
	ADDQ $8, SI
	DECQ CX
	JMP  loop
done:
	MOVQ AX, ret+24(FP)
	RET
`;
const SUM_ARM64 = `TEXT ·Sum(SB), NOSPLIT, $0-32
	MOVD xs_base+0(FP), R0
	MOVD xs_len+8(FP), R1
	MOVD $0, R2
loop:
	CBZ  R1, done
	MOVD.P 8(R0), R3
	ADD  R3, R2, R2
	SUB  $1, R1, R1
	B    loop
done:
	MOVD R2, ret+24(FP)
	RET
`;
const SUM_GENERIC = `package mathx

func sumGeneric(xs []uint64) (s uint64) {
	for _, x := range xs {
		s += x
	}
	return s
}
`;

async function mathxTree(): Promise<Tree> {
  const tree = emptyWorkspace();
  await libraryGenerator(tree, { name: 'mathx', modulePath: 'example.com/mathx' });
  return tree;
}

describe('asm generator', () => {
  beforeAll(() => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  it('names, constraints', () => {
    expect(snakeCase('DotProduct')).toBe('dot_product');
    expect(snakeCase('SHA256Block')).toBe('sha256_block');
    expect(snakeCase('sum')).toBe('sum');
    expect(declConstraint(['amd64', 'arm64'])).toBe('(amd64 || arm64) && !purego');
    expect(fallbackConstraint(['amd64', 'arm64'])).toBe('!(amd64 || arm64) || purego');
    expect(declConstraint(['arm64'])).toBe('arm64 && !purego');
    expect(fallbackConstraint(['arm64'])).toBe('!arm64 || purego');
  });

  it('writes the declaration, per-arch stubs with the ABI0 frame, fallback, generic hook and test', async () => {
    const tree = await mathxTree();
    await asmGenerator(tree, { project: 'mathx', name: 'Sum', signature: SUM, arches: 'amd64,arm64' });
    const d = 'libs/mathx';
    expect(tree.read(`${d}/sum_decl.go`, 'utf-8')).toBe(
      '//go:build (amd64 || arm64) && !purego\n\npackage mathx\n\n' +
        '// Sum is implemented in assembly in sum_<arch>.s on amd64, arm64;\n' +
        '// elsewhere, and with -tags purego, sum_fallback.go calls sumGeneric.\n' +
        'func Sum(xs []uint64) uint64\n',
    );
    expect(tree.read(`${d}/sum_fallback.go`, 'utf-8')).toContain('//go:build !(amd64 || arm64) || purego\n');
    expect(tree.read(`${d}/sum_fallback.go`, 'utf-8')).toContain('func Sum(xs []uint64) uint64 {\n\treturn sumGeneric(xs)\n}\n');
    const amd64 = tree.read(`${d}/sum_amd64.s`, 'utf-8')!;
    expect(amd64.startsWith('//go:build !purego\n\n#include "textflag.h"\n')).toBe(true);
    expect(amd64).toContain('TEXT ·Sum(SB), NOSPLIT, $0-32\n');
    expect(amd64).toContain('\tMOVQ\txs_base+0(FP), AX\n\tMOVQ\txs_len+8(FP), AX\n\tMOVQ\txs_cap+16(FP), AX\n\tMOVQ\tret+24(FP), AX\n\tJMP\t·sumGeneric(SB)\n');
    expect(tree.read(`${d}/sum_arm64.s`, 'utf-8')).toContain('\tMOVD\tret+24(FP), R0\n\tJMP\t·sumGeneric(SB)\n');
    expect(tree.read(`${d}/sum_generic.go`, 'utf-8')).toContain('func sumGeneric(xs []uint64) (r0 uint64) {\n\treturn\n}\n');
    expect(tree.read(`${d}/sum_asm_test.go`, 'utf-8')).toContain('quick.CheckEqual(impl, ref');
  });

  for (const [name, listed, prefix] of [
    ['a go.work that lists the module', true, ''],
    ['a go.work without the module', false, 'GOWORK=off '],
  ] as [string, boolean, string][])
  itIf(haveTools('go'))(`prints a vet command that works from the workspace root (${name}) and fails when a frame is wrong`, async () => {
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    info.mockClear();
    const tree = await mathxTree();
    const goLine = /^go \S+$/m.exec(tree.read('libs/mathx/go.mod', 'utf-8')!)![0];
    tree.write('go.work', `${goLine}\n${listed ? '\nuse ./libs/mathx\n' : ''}`);
    await asmGenerator(tree, { project: 'mathx', name: 'Sum', signature: SUM, arches: 'amd64,arm64,riscv64' });
    const printed = info.mock.calls.map((c) => String(c[0])).join('\n');
    const m = /Check the frames with: (.*)$/m.exec(printed);
    expect(m).not.toBeNull();
    const cmd = m![1];
    expect(cmd).toBe(`cd libs/mathx && ${['amd64', 'arm64', 'riscv64'].map((a) => `${prefix}GOOS=linux GOARCH=${a} go vet .`).join(' && ')}`);
    const ws = writeTreeToDisk(tree);
    fs.writeFileSync(path.join(ws, 'libs/mathx/sum_generic.go'), SUM_GENERIC);
    // As a user runs it: go finds the workspace's go.work by itself.
    const sh = (dir: string) => run('sh', ['-c', cmd], dir, { CGO_ENABLED: '0', GOFLAGS: '', GOWORK: '' });
    const ok = sh(ws);
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    // The command vets every arch: a wrong frame size on the last one makes it fail.
    const rv = path.join(ws, 'libs/mathx/sum_riscv64.s');
    fs.writeFileSync(rv, fs.readFileSync(rv, 'utf8').replace('$0-32', '$0-24'));
    const bad = sh(ws);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/sum_riscv64\.s.*wrong argument size 24; expected \$\.\.\.-32/);
  });

  it('reads its decl file with the source scanner: multi-line declarations, and refuses a body it would drop', async () => {
    const tree = await mathxTree();
    await asmGenerator(tree, { project: 'mathx', name: 'Sum', signature: SUM, arches: 'amd64' });
    const decl = 'libs/mathx/sum_decl.go';
    tree.write(decl, tree.read(decl, 'utf-8')!.replace('func Sum(xs []uint64) uint64', 'func Sum(\n\txs []uint64,\n) uint64'));
    await asmGenerator(tree, { project: 'mathx', name: 'Sum', signature: SUM, arches: 'arm64' });
    expect(tree.read(decl, 'utf-8')).toContain('\nfunc Sum(xs []uint64) uint64\n');
    expect(tree.exists('libs/mathx/sum_arm64.s')).toBe(true);
    tree.write(decl, `${tree.read(decl, 'utf-8')}\nfunc helper() int { return 1 }\n`);
    await expect(asmGenerator(tree, { project: 'mathx', name: 'Sum', signature: SUM, arches: 'riscv64' })).rejects.toThrow(/holds a function with a body or a method/);
  });

  it('lays out 32-bit and big-endian frames', async () => {
    const tree = await mathxTree();
    await asmGenerator(tree, { project: 'mathx', signature: 'func F(x int64, b bool) (r uint64)', arches: '386,mips,arm' });
    expect(tree.read('libs/mathx/f_386.s', 'utf-8')).toContain('$0-20\n\tMOVL\tx_lo+0(FP), AX\n\tMOVL\tx_hi+4(FP), AX\n\tMOVB\tb+8(FP), AX\n\tMOVL\tr_lo+12(FP), AX\n');
    expect(tree.read('libs/mathx/f_mips.s', 'utf-8')).toContain('\tMOVW\tx_hi+0(FP), R2\n\tMOVW\tx_lo+4(FP), R2\n');
  });

  it('finds a Go module that has no project.json by the name the plugin infers for it', async () => {
    const tree = emptyWorkspace();
    tree.write('libs/fastmath/go.mod', 'module example.com/fastmath/v2\n\ngo 1.22\n');
    tree.write('libs/fastmath/doc.go', '// Package fm is fast.\npackage fm\n');
    await asmGenerator(tree, { project: 'fastmath', signature: SUM });
    expect(tree.read('libs/fastmath/sum_decl.go', 'utf-8')).toContain('package fm\n');
    tree.write('other/fastmath/go.mod', 'module example.org/fastmath\n\ngo 1.22\n');
    await expect(asmGenerator(tree, { project: 'fastmath', signature: SUM })).rejects.toThrow(/"fastmath" is ambiguous/);
  });

  it('is idempotent', async () => {
    const tree = await mathxTree();
    await asmGenerator(tree, { project: 'mathx', signature: SUM });
    const first = snapshotTree(tree);
    await asmGenerator(tree, { project: 'mathx', signature: SUM });
    expect(snapshotTree(tree)).toEqual(first);
  });

  it('extends a set: keeps hand-written TEXT blocks verbatim and rewrites the constraints', async () => {
    const tree = await mathxTree();
    await asmGenerator(tree, { project: 'mathx', signature: SUM });
    const handAmd64 = `//go:build !purego\n\n#include "textflag.h"\n\n// hand-written\n${SUM_AMD64}`;
    tree.write('libs/mathx/sum_amd64.s', handAmd64);
    tree.write('libs/mathx/sum_generic.go', SUM_GENERIC);
    await asmGenerator(tree, { project: 'mathx', signature: 'func Dot(a, b []uint64) uint64', file: 'sum', arches: 'riscv64' });
    const amd64 = tree.read('libs/mathx/sum_amd64.s', 'utf-8')!;
    expect(amd64.startsWith(handAmd64)).toBe(true);
    expect(amd64).toContain('TEXT ·Dot(SB), NOSPLIT, $0-56\n');
    const riscv = tree.read('libs/mathx/sum_riscv64.s', 'utf-8')!;
    expect(riscv).toContain('TEXT ·Sum(SB), NOSPLIT, $0-32\n');
    expect(riscv).toContain('TEXT ·Dot(SB), NOSPLIT, $0-56\n');
    expect(tree.read('libs/mathx/sum_decl.go', 'utf-8')).toMatch(/^\/\/go:build \(amd64 \|\| arm64 \|\| riscv64\) && !purego\n[\s\S]*func Sum\(xs \[\]uint64\) uint64\n[\s\S]*func Dot\(a, b \[\]uint64\) uint64\n$/);
    expect(tree.read('libs/mathx/sum_fallback.go', 'utf-8')).toMatch(/^\/\/go:build !\(amd64 \|\| arm64 \|\| riscv64\) \|\| purego\n/);
    expect(tree.read('libs/mathx/sum_generic.go', 'utf-8')).toBe(SUM_GENERIC);
    expect(tree.exists('libs/mathx/dot_generic.go')).toBe(true);
  });

  it('refuses bad input with clear errors', async () => {
    const tree = await mathxTree();
    await expect(asmGenerator(tree, { project: 'nope', signature: SUM })).rejects.toThrow(/no project named "nope"/);
    await expect(asmGenerator(tree, { project: 'mathx', signature: 'func Sum(xs []T) uint64' })).rejects.toThrow(/type "T" is not supported/);
    await expect(asmGenerator(tree, { project: 'mathx', signature: 'Sum(xs []uint64)' })).rejects.toThrow(/starts with "func"/);
    await expect(asmGenerator(tree, { project: 'mathx', signature: 'func Sum(xs []uint64', })).rejects.toThrow(/expected "," or "\)"|at end of signature/);
    await expect(asmGenerator(tree, { project: 'mathx', name: 'Add', signature: SUM })).rejects.toThrow(/--name Add does not match .*Sum/);
    await expect(asmGenerator(tree, { project: 'mathx', signature: SUM, arches: 'amd64,wasm' })).rejects.toThrow(/"wasm" is not an architecture with Go assembly support/);
    await expect(asmGenerator(tree, { project: 'mathx', signature: SUM, generic: 'Sum' })).rejects.toThrow(/--generic/);
    await asmGenerator(tree, { project: 'mathx', signature: SUM });
    await expect(asmGenerator(tree, { project: 'mathx', signature: 'func Sum(xs []uint32) uint64' })).rejects.toThrow(/already declared in libs\/mathx\/sum_decl.go.*--force/);
    tree.write('libs/mathx/hello_extra.go', 'package mathx\n\nfunc Mul(a, b int) int { return a * b }\n');
    await expect(asmGenerator(tree, { project: 'mathx', signature: 'func Mul(a, b int) int' })).rejects.toThrow(/Mul is already defined in libs\/mathx\/hello_extra.go/);
    tree.write('libs/mathx/dot_asm_test.go', 'package mathx\n');
    const before = snapshotTree(tree);
    await expect(asmGenerator(tree, { project: 'mathx', signature: 'func Dot(a, b []uint64) uint64' })).rejects.toThrow(/refusing to overwrite libs\/mathx\/dot_asm_test.go/);
    expect(snapshotTree(tree)).toEqual(before);
    await asmGenerator(tree, { project: 'mathx', signature: 'func Dot(a, b []uint64) uint64', force: true });
    expect(tree.read('libs/mathx/dot_asm_test.go', 'utf-8')).toContain('TestDotMatchesGeneric');
  });

  describe('the generated package, for real', () => {
    let dir = '';
    let pkgDir = '';
    const itGo = itIf(haveTools('go', 'gofmt'));
    const goEnv = (goos: string, goarch: string, extra: Record<string, string> = {}) => ({ GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0', ...extra });

    beforeAll(async () => {
      const tree = await mathxTree();
      await asmGenerator(tree, { project: 'mathx', signature: SUM, arches: 'amd64,arm64' });
      // what a user does next: implement the generic function and the amd64 and arm64 bodies
      tree.write('libs/mathx/sum_generic.go', SUM_GENERIC);
      tree.write('libs/mathx/sum_amd64.s', `//go:build !purego\n\n#include "textflag.h"\n\n${SUM_AMD64}`);
      tree.write('libs/mathx/sum_arm64.s', `//go:build !purego\n\n#include "textflag.h"\n\n${SUM_ARM64}`);
      // then a second function in the same set, and more arches for the whole set
      await asmGenerator(tree, { project: 'mathx', signature: 'func Dot(a, b []uint64) (n uint64)', file: 'sum', arches: 'riscv64,s390x' });
      // and a function with every kind of argument, on every arch the layout differs on
      await asmGenerator(tree, {
        project: 'mathx',
        signature: MIX,
        arches: '386,amd64,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x',
      });
      dir = writeTreeToDisk(tree);
      pkgDir = path.join(dir, 'libs/mathx');
    });

    itGo('keeps the hand-written bodies', () => {
      expect(fs.readFileSync(path.join(pkgDir, 'sum_amd64.s'), 'utf-8')).toContain(SUM_AMD64);
      expect(fs.readFileSync(path.join(pkgDir, 'sum_arm64.s'), 'utf-8')).toContain(SUM_ARM64);
    });

    itGo('is gofmt-clean', () => {
      const r = run('gofmt', ['-l', '.'], dir);
      expect(r.stderr + r.stdout).toBe('');
    });

    const platforms: [string, string, Record<string, string>][] = [
      ['linux', 'amd64', {}], ['linux', 'arm64', {}], ['linux', 'arm', { GOARM: '7' }], ['linux', 'riscv64', {}],
      ['darwin', 'arm64', {}], ['windows', 'amd64', {}], ['linux', '386', {}], ['linux', 's390x', {}], ['js', 'wasm', {}],
      // big-endian 32-bit (lo/hi swapped); the other arches of MIX share the layouts above and
      // differ only in mnemonics (the signature unit tests cover their frames)
      ['linux', 'mips', {}],
    ];

    for (const [goos, goarch, extra] of platforms)
    itGo(`vets (asmdecl) and builds for ${goos}/${goarch}`, () => {
      const vet = run('go', ['vet', '.'], pkgDir, goEnv(goos, goarch, extra));
      expect(vet.stderr).toBe('');
      expect(vet.status).toBe(0);
      // compiles the Go files and assembles the .s files (vet only type-checks)
      const build = run('go', ['build', '.'], pkgDir, goEnv(goos, goarch, extra));
      expect(build.stderr).toBe('');
      expect(build.status).toBe(0);
    });

    itGo('vets and builds with -tags purego', () => {
      for (const goarch of ['amd64', 'arm64']) {
        const vet = run('go', ['vet', '-tags', 'purego', '.'], pkgDir, goEnv('linux', goarch));
        expect(vet.stderr).toBe('');
      }
    });

    itGo('passes its tests natively, and with -tags purego', () => {
      const r = run('go', ['test', '-count=1', '-v', '.'], pkgDir);
      expect(r.stdout).toMatch(/--- PASS: TestSumMatchesGeneric/);
      expect(r.stdout).toMatch(/--- PASS: TestMixMatchesGeneric/);
      expect(r.status).toBe(0);
      const p = run('go', ['test', '-count=1', '-tags', 'purego', '.'], pkgDir);
      expect(p.status).toBe(0);
    });

    itIf(haveTools('go', 'gofmt', 'qemu-aarch64'))('passes its tests on arm64 under qemu-aarch64', () => {
      const bin = path.join(dir, 'mathx.arm64.test');
      const build = run('go', ['test', '-c', '-o', bin, '.'], pkgDir, goEnv('linux', 'arm64'));
      expect(build.stderr).toBe('');
      const r = run('qemu-aarch64', [bin, '-test.v', '-test.count=1'], pkgDir);
      expect(r.stdout).toMatch(/--- PASS: TestSumMatchesGeneric/);
      expect(r.stdout).toMatch(/--- PASS: TestDotMatchesGeneric/);
      expect(r.stdout).toMatch(/--- PASS: TestMixMatchesGeneric/);
      expect(r.status).toBe(0);
    });
  });
});

afterAll(() => removeTempDirs());
