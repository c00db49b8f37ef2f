import { parseModInfo } from '../../binary';
import type { GoBuildInfo } from '../../binary';
import { compareBuildInfo, comparePaths, compareSections } from './diagnose';

function info(goVersion: string, lines: string[]): GoBuildInfo {
  const text = ['path\texample.com/app', 'mod\texample.com/app\t(devel)\t', ...lines].join('\n') + '\n';
  return { ...parseModInfo(text), goVersion, modinfo: text, ptrSize: 8, bigEndian: false, inline: true };
}

const base = ['build\t-buildmode=exe', 'build\t-compiler=gc', 'build\tCGO_ENABLED=1', 'build\tGOARCH=amd64', 'build\tGOOS=linux', 'build\tGOAMD64=v1'];

describe('build info differences', () => {
  it('none for equal build info', () => {
    expect(compareBuildInfo(info('go1.26.8', base), info('go1.26.8', base))).toEqual([]);
  });

  it('names the Go version, the ldflags, the cgo settings and other settings, one line each', () => {
    const a = info('go1.26.0', [...base, 'build\t-ldflags="-X main.t=1"', 'build\tCGO_CFLAGS=-O2', 'build\tCC=gcc-12']);
    const b = info('go1.26.8', [...base.map((l) => l.replace('GOAMD64=v1', 'GOAMD64=v3')), 'build\t-ldflags="-X main.t=2"', 'build\tCGO_CFLAGS="-O2 -g"', 'build\tCC=clang']);
    expect(compareBuildInfo(a, b)).toEqual([
      { kind: 'go-version', message: 'Go version differs: go1.26.0 vs go1.26.8 (pin the toolchain: GOTOOLCHAIN=local and the same Go)' },
      { kind: 'ldflags', message: 'ldflags differ: -ldflags "-X main.t=1" vs "-X main.t=2"' },
      { kind: 'cgo', message: 'cgo compiler or C flags differ: CGO_CFLAGS -O2 vs "-O2 -g"; CC gcc-12 vs clang' },
      { kind: 'settings', message: 'build settings differ: GOAMD64 v1 vs v3' },
    ]);
  });

  it('names vcs stamps, with the main module version they set, and -trimpath', () => {
    const a = info('go1.26.8', [...base, 'build\t-trimpath=true', 'build\tvcs=git', 'build\tvcs.revision=abc', 'build\tvcs.modified=true']);
    const b = info('go1.26.8', [...base, 'build\tvcs=git', 'build\tvcs.revision=abc', 'build\tvcs.modified=false']);
    b.main = { path: 'example.com/app', version: 'v1.2.0', sum: '' };
    a.main = { path: 'example.com/app', version: 'v1.2.0+dirty', sum: '' };
    const c = compareBuildInfo(a, b);
    expect(c.map((x) => x.kind)).toEqual(['vcs', 'paths']);
    expect(c[0].message).toMatch(/^vcs stamps differ \(.*\): vcs\.modified true vs false; main module version v1\.2\.0\+dirty vs v1\.2\.0$/);
    expect(c[1].message).toBe('-trimpath differs: -trimpath true vs (unset)');
  });

  it('names dependency versions that differ', () => {
    const a = info('go1.26.8', [...base, 'dep\texample.com/x\tv1.0.0\th1:a=']);
    const b = info('go1.26.8', [...base, 'dep\texample.com/x\tv1.0.1\th1:b=']);
    expect(compareBuildInfo(a, b)).toEqual([{ kind: 'deps', message: 'dependencies differ: example.com/x v1.0.0 vs v1.0.1' }]);
  });

  it('says when only one binary carries build info', () => {
    expect(compareBuildInfo(undefined, info('go1.26.8', base))).toEqual([{ kind: 'settings', message: 'only the second binary carries Go build info' }]);
  });
});

describe('paths and sections', () => {
  const a = Buffer.from('\0\0HEADER\0/src/one/app/main.go\0data:AAAA\0');
  const b = Buffer.from('\0\0HEADER\0/tmp/x/src/app/main.go\0data:BBBB\0');
  const sections = (buf: Buffer, path: string) => [
    { name: '.text', offset: 0, size: 8 },
    { name: '.gopclntab', offset: buf.indexOf(path), size: path.length },
    { name: '.data', offset: buf.indexOf('data:'), size: 9 },
  ];
  const sa = sections(a, '/src/one/app/main.go');
  const sb = sections(b, '/tmp/x/src/app/main.go');

  it('names the source path each binary holds and the section it is in', () => {
    expect(comparePaths(a, b, sa, sb, { first: ['/src/one', '/src/one/app'], second: ['/tmp/x/src', '/tmp/x/src/app'] })).toEqual([
      { kind: 'paths', message: 'paths: the first holds its source path /src/one/app once (in .gopclntab), the second holds /tmp/x/src/app once (in .gopclntab); build with -trimpath (trimpath: true, the default)' },
    ]);
    expect(comparePaths(a, a, sa, sa, { first: ['/elsewhere'], second: ['/nowhere'] })).toEqual([]);
  });

  it('lists the sections whose bytes differ with the text at the first difference', () => {
    const c = compareSections(a, b, sa, sb);
    expect(c).toHaveLength(1);
    expect(c[0].message).toBe('differs in data: .gopclntab (20 vs 22 bytes; at +0x1: "/src/one/app/main.go" vs "/tmp/x/src/app/main.go"); .data (9 bytes; at +0x5: "data:AAAA" vs "data:BBBB")');
  });
});
