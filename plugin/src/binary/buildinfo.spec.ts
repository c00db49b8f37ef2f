/**
 * Build info details beyond the differential test: the pre-1.18 pointer form (rewritten from a
 * real binary's inline form, for both byte orders and word sizes), and the module text parser
 * on the quoting and error cases runtime/debug.ParseBuildInfo handles.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILDINFO_MAGIC, formatBuildInfo, goUnquote, parseModInfo, readBuildInfo } from './buildinfo';
import { bufferSource, readElf } from './index';
import { BinaryFormatError } from './types';
import { PURE_LINUX, buildFixtures, writeFixtureModule, type Fixture } from './test-utils/fixtures';
import { describeIf, haveTools } from '../test-utils/gates';

describe('module text', () => {
  test('quoted keys and values, replacements, sums', () => {
    const text = [
      'path\texample.com/cmd/x',
      'mod\texample.com\tv1.0.0\th1:abc=',
      'dep\tgolang.org/x/sys\tv0.1.0\th1:def=',
      'dep\texample.com/old\tv1.0.0',
      '=>\t../local',
      'build\t-ldflags="-X \\"main.v=1 2\\" -s"',
      'build\t"odd key=x"=y',
      'build\tCGO_ENABLED=0',
      'build\tempty=',
      '',
    ].join('\n');
    const bi = parseModInfo(text);
    expect(bi.path).toBe('example.com/cmd/x');
    expect(bi.main).toEqual({ path: 'example.com', version: 'v1.0.0', sum: 'h1:abc=' });
    expect(bi.deps[1]).toEqual({ path: 'example.com/old', version: 'v1.0.0', sum: '', replace: { path: '../local', version: '', sum: '' } });
    expect(bi.setting('-ldflags')).toBe('-X "main.v=1 2" -s');
    expect(bi.setting('odd key=x')).toBe('y');
    expect(bi.setting('empty')).toBe('');
    expect(bi.setting('CGO_ENABLED')).toBe('0');
    // Printing gives Go's text back (quoting where Go quotes).
    expect(formatBuildInfo(bi)).toContain('build\t-ldflags="-X \\"main.v=1 2\\" -s"');
    expect(formatBuildInfo(bi)).toContain('build\t"odd key=x"=y');
  });

  test.each([
    ['unknown line kind', 'frob\tx'],
    ['mod without version', 'mod\texample.com'],
    ['replacement first', '=>\tx\tv1\th1:'],
    ['unquoted value with a space', 'build\tk=a b'],
    ['broken quoting', 'build\tk="abc'],
    ['no =', 'build\tkey'],
  ])('%s raises BinaryFormatError', (_, text) => {
    expect(() => parseModInfo(text)).toThrow(BinaryFormatError);
  });

  test('Go string unquoting', () => {
    expect(goUnquote('"a\\tb\\x41\\101\\u00e9\\U0001F600\\\\\\""')).toBe('a\tbAAé😀\\"');
    expect(goUnquote('"\\q"')).toBeUndefined();
    expect(goUnquote('"\\777"')).toBeUndefined();
    expect(goUnquote('abc')).toBeUndefined();
  });
});

const d = describeIf(haveTools('go'));

d('pre-1.18 pointer form', () => {
  let dir: string;
  let fx: Map<string, Fixture>;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-bi-'));
    writeFixtureModule(dir);
    fx = await buildFixtures(dir, PURE_LINUX.filter((s) => ['linux-amd64', 'linux-mips', 'linux-s390x', 'linux-386'].includes(s.name)));
  }, 600_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Rewrites the inline header into the old layout: two pointers at 16 and 16+ptrSize to Go
   * string headers (placed right after the inline data), whose data pointers address the
   * strings already in the section. Virtual addresses go through the PT_LOAD mapping.
   */
  function toPointerForm(buf: Buffer): Buffer {
    const out = Buffer.from(buf);
    const elf = readElf(bufferSource(out));
    const sec = elf.section('.go.buildinfo')!;
    const h = sec.offset;
    expect(out.subarray(h, h + 14).equals(BUILDINFO_MAGIC)).toBe(true);
    const ptr = out[h + 14];
    const be = (out[h + 15] & 1) !== 0;
    const uv = (o: number): [number, number] => {
      let v = 0;
      let n = 0;
      for (let mul = 1; ; mul *= 128) {
        const b = out[o + n++];
        v += (b & 0x7f) * mul;
        if (b < 0x80) return [v, n];
      }
    };
    const [vlen, n1] = uv(h + 32);
    const verOff = h + 32 + n1;
    const [mlen, n2] = uv(verOff + vlen);
    const modOff = verOff + vlen + n2;
    const hdrOff = (modOff + mlen + 15) & ~15;
    const addr = (off: number) => sec.addr + (off - sec.offset);
    const put = (off: number, v: number) => {
      if (ptr === 8) be ? out.writeBigUInt64BE(BigInt(v), off) : out.writeBigUInt64LE(BigInt(v), off);
      else be ? out.writeUInt32BE(v, off) : out.writeUInt32LE(v, off);
    };
    put(hdrOff, addr(verOff));
    put(hdrOff + ptr, vlen);
    put(hdrOff + 2 * ptr, addr(modOff));
    put(hdrOff + 3 * ptr, mlen);
    put(h + 16, addr(hdrOff));
    put(h + 16 + ptr, addr(hdrOff + 2 * ptr));
    out[h + 15] &= ~2;
    return out;
  }

  test.each(['linux-amd64', 'linux-mips', 'linux-s390x', 'linux-386'])('%s: same result as the inline form', (name) => {
    const buf = fs.readFileSync(fx.get(name)!.file);
    const inline = readBuildInfo(bufferSource(buf))!;
    expect(inline.inline).toBe(true);
    const old = readBuildInfo(bufferSource(toPointerForm(buf)))!;
    expect(old.inline).toBe(false);
    expect(old.goVersion).toBe(inline.goVersion);
    expect(old.modinfo).toBe(inline.modinfo);
    expect(old.settings).toEqual(inline.settings);
    expect([old.ptrSize, old.bigEndian]).toEqual([inline.ptrSize, inline.bigEndian]);
  });

  test('a pointer outside every PT_LOAD is a BinaryFormatError', () => {
    const buf = toPointerForm(fs.readFileSync(fx.get('linux-amd64')!.file));
    const h = readElf(bufferSource(buf)).section('.go.buildinfo')!.offset;
    buf.writeBigUInt64LE(0xdead0000n, h + 16);
    expect(() => readBuildInfo(bufferSource(buf))).toThrow(BinaryFormatError);
  });
});
