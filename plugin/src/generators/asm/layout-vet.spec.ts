/**
 * The ABI0 layout against Go's own checker: random signatures, one stub per signature and arch
 * (every argument slot loaded by name, offset and size, and the $0-N argument size), vetted by
 * `go vet` (asmdecl) for 64-bit, 32-bit little- and big-endian arches.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatSignature, GoType, Param, Signature, typeString } from './signature';
import { textBlock, asmFileHeader } from './stubs';
import { removeTempDirs, run, tempDir } from '../shared/test-utils';
import { haveTools, itIf } from '../../test-utils/gates';

/** Small deterministic generator (LCG), so a failure names a reproducible case. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const BASICS = ['bool', 'int8', 'uint8', 'byte', 'int16', 'uint16', 'int32', 'rune', 'uint32', 'float32', 'int64', 'uint64', 'float64',
  'int', 'uint', 'uintptr', 'complex64', 'complex128', 'string'];

function randomType(r: (n: number) => number, depth = 0): GoType {
  const k = r(depth > 1 ? 1 : 10);
  switch (k) {
    case 0: case 1: case 2: case 3: return { kind: 'basic', name: BASICS[r(BASICS.length)] };
    case 4: return { kind: 'pointer', elem: randomType(r, depth + 1) };
    case 5: return { kind: 'slice', elem: randomType(r, depth + 1) };
    case 6: return { kind: 'array', len: r(4), elem: randomType(r, depth + 1) };
    case 7: return { kind: 'map', key: { kind: 'basic', name: 'string' }, elem: randomType(r, depth + 1) };
    case 8: return r(2) ? { kind: 'interface', empty: true, name: 'any' } : { kind: 'interface', empty: false, name: 'error' };
    default: return { kind: 'unsafePointer' };
  }
}

function usesUnsafe(t: GoType): boolean {
  return typeString(t).includes('unsafe.Pointer');
}

function randomSignature(r: (n: number) => number, i: number): Signature {
  const named = r(2) === 1;
  const namedResults = r(3) === 1;
  const params: Param[] = Array.from({ length: r(6) }, (_, j) => ({ name: named ? `p${j}` : undefined, type: randomType(r) }));
  if (params.length && r(4) === 0) params[params.length - 1].variadic = true;
  const results: Param[] = Array.from({ length: r(4) }, (_, j) => ({ name: namedResults ? `r${j}` : undefined, type: randomType(r) }));
  return {
    name: `F${i}`,
    params,
    results,
    namedParams: named && params.length > 0,
    namedResults: namedResults && results.length > 0,
    usesUnsafe: [...params, ...results].some((p) => usesUnsafe(p.type)),
  };
}

describe('ABI0 layout agrees with go vet (asmdecl)', () => {
  const ARCHES = ['amd64', 'arm64', '386', 'arm', 'mips', 's390x', 'riscv64'];
  const COUNT = 60;

  itIf(haveTools('go'))(`${COUNT} random signatures on ${ARCHES.join(', ')}`, () => {
    const r = rng(20240601);
    const sigs = Array.from({ length: COUNT }, (_, i) => randomSignature(r, i));
    const dir = tempDir('gocross-layout-');
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/layout\n\ngo 1.22\n');
    const needsUnsafe = sigs.some((s) => s.usesUnsafe);
    fs.writeFileSync(
      path.join(dir, 'decl.go'),
      `package layout\n\n${needsUnsafe ? 'import "unsafe"\n\n' : ''}${sigs.map((s) => `${formatSignature(s)}\n`).join('')}` +
        `\nfunc target() {}\n`,
    );
    for (const arch of ARCHES) {
      const body = sigs.map((s) => textBlock(s, formatSignature(s), arch, 'target')).join('\n');
      fs.writeFileSync(path.join(dir, `decl_${arch}.s`), `${asmFileHeader()}\n${body}`);
    }
    for (const arch of ARCHES) {
      const vet = run('go', ['vet', '.'], dir, { GOOS: 'linux', GOARCH: arch, CGO_ENABLED: '0' });
      expect([arch, vet.stderr]).toEqual([arch, '']);
    }
  });
});

afterAll(() => removeTempDirs());
