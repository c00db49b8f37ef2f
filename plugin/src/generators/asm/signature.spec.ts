import { formatSignature, frameLayout, parseSignature } from './signature';

const leaves = (sig: string, arch: string) =>
  frameLayout(parseSignature(sig), arch).slots.filter((s) => s.leaf).map((s) => `${s.name}+${s.offset}:${s.size}`);

describe('Go signature parser', () => {
  it.each([
    ['func Sum(xs []uint64) uint64', 'func Sum(xs []uint64) uint64'],
    ['func  F( a,b int ,s string)(n int,err error)', 'func F(a, b int, s string) (n int, err error)'],
    ['func G([]byte, int) (int, bool)', 'func G([]byte, int) (int, bool)'],
    ['func H(p unsafe.Pointer, m map[string][]int, a [4]*byte, v ...interface{})', 'func H(p unsafe.Pointer, m map[string][]int, a [4]*byte, v ...interface{})'],
    ['func K()', 'func K()'],
  ])('parses and prints %s', (src, printed) => {
    expect(formatSignature(parseSignature(src))).toBe(printed);
  });

  it.each([
    ['Sum(xs []uint64)', /starts with "func"/],
    ['func (x int)', /expected the function name at column 6/],
    ['func F(a int, b)', /missing type for b/],
    ['func F(x T)', /type "T" is not supported/],
    ['func F(x pkg.T)', /qualified type pkg.T is not supported/],
    ['func F(c chan int)', /chan types are not supported/],
    ['func F(a ...int, b int)', /only the last parameter can be variadic/],
    ['func F[T any](x T)', /generic functions/],
    ['func F(x int) int extra', /unexpected text after the signature at column 19/],
    ['func F(x int; y int)', /unexpected character ";" at column 13/],
    ['func F(x, x int)', /duplicate parameter name "x"/],
    ['func F(_ int)', /blank/],
    ['func F(x [n]int)', /array length/],
  ])('rejects %s', (src, reason) => {
    expect(() => parseSignature(src)).toThrow(reason);
  });
});

describe('ABI0 frame layout', () => {
  it('amd64: slices, results aligned to 8', () => {
    expect(leaves('func Sum(xs []uint64) uint64', 'amd64')).toEqual(['xs_base+0:8', 'xs_len+8:8', 'xs_cap+16:8', 'ret+24:8']);
    expect(frameLayout(parseSignature('func F(b bool) bool'), 'amd64').argSize).toBe(9);
    expect(leaves('func F(b bool, x int32) (ok bool)', 'amd64')).toEqual(['b+0:1', 'x+4:4', 'ok+8:1']);
  });
  it('386 and arm: 4-byte words, 8-byte values split lo/hi, 4-byte alignment', () => {
    expect(leaves('func F(b bool, x int64) (r float64)', '386')).toEqual(['b+0:1', 'x_lo+4:4', 'x_hi+8:4', 'r_lo+12:4', 'r_hi+16:4']);
    expect(leaves('func F(s string, c complex64)', 'arm')).toEqual(['s_base+0:4', 's_len+4:4', 'c_real+8:4', 'c_imag+12:4']);
  });
  it('mips (big-endian 32-bit): hi word first', () => {
    expect(leaves('func F(x uint64)', 'mips')).toEqual(['x_hi+0:4', 'x_lo+4:4']);
  });
  it('unnamed parameters and results: arg, arg1 / ret, ret1; interfaces', () => {
    expect(leaves('func G([]byte, error) (int, any)', 'arm64')).toEqual([
      'arg_base+0:8', 'arg_len+8:8', 'arg_cap+16:8', 'arg1_itable+24:8', 'arg1_data+32:8', 'ret+40:8', 'ret1_type+48:8', 'ret1_data+56:8',
    ]);
  });
  it('arrays and variadic parameters', () => {
    expect(leaves('func F(a [2]uint16, v ...int8)', 's390x')).toEqual(['a_0+0:2', 'a_1+2:2', 'v_base+8:8', 'v_len+16:8', 'v_cap+24:8']);
  });
});
