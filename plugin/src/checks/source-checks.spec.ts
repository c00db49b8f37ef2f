/**
 * The source checks on real code that is known to build everywhere: the Go standard library's
 * own packages with assembly (read from the installed GOROOT). Any finding there is a false
 * positive. asm-coverage is held to the packages that do not get function bodies from the
 * compiler or the runtime (intrinsics and runtime-provided linknames, which only the standard
 * library uses).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asmCoverage } from './rules/asm-coverage';
import { asmGuard } from './rules/asm-guard';
import { buildTags } from './rules/build-tags';
import type { SourceCheckContext } from './context';
import type { SourceFile } from './types';
import { describeIf, haveGo } from '../test-utils/gates';
import type { Finding } from './types';

const PLATFORMS: [string, string][] = [
  ['linux', 'amd64'], ['linux', 'arm64'], ['linux', 'riscv64'], ['linux', '386'], ['linux', 'arm'], ['linux', 'mips'],
  ['linux', 'mips64le'], ['linux', 's390x'], ['linux', 'ppc64le'], ['linux', 'loong64'], ['windows', 'amd64'],
  ['darwin', 'arm64'], ['js', 'wasm'],
];

const SELF_CONTAINED = [
  'math', 'math/big', 'crypto/md5', 'crypto/sha1', 'hash/crc32', 'internal/chacha8rand',
  'crypto/internal/fips140/aes', 'crypto/internal/fips140/aes/gcm', 'crypto/internal/fips140/bigmod',
  'crypto/internal/fips140/nistec', 'crypto/internal/fips140/sha256', 'crypto/internal/fips140/sha3',
  'crypto/internal/fips140/sha512', 'crypto/internal/fips140/subtle', 'crypto/internal/fips140/edwards25519/field',
];

function run(check: typeof asmGuard, sources: SourceFile[], goos: string, goarch: string): Finding[] {
  const target = { platform: { goos, goarch }, cgo: false, buildmode: 'exe' as const };
  const ctx: SourceCheckContext = { target, platform: target.platform, projectRoot: '', sources, params: {} };
  return check.run(ctx);
}

describeIf(haveGo())('source checks on the standard library', () => {
  const packages = new Map<string, SourceFile[]>();

  beforeAll(() => {
    const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
    const src = path.join(goroot, 'src');
    const walk = (dir: string) => {
      const entries = fs.readdirSync(dir, { withFileTypes: true });
      const files = entries.filter((e) => e.isFile() && /\.(go|s)$/.test(e.name));
      if (files.some((e) => e.name.endsWith('.s'))) {
        const pkg = path.relative(src, dir).split(path.sep).join('/');
        packages.set(
          pkg,
          files.map((e) => ({ path: `${pkg}/${e.name}`, content: fs.readFileSync(path.join(dir, e.name), 'utf8') })),
        );
      }
      for (const e of entries) {
        if (e.isDirectory() && e.name !== 'testdata' && e.name !== 'vendor' && !e.name.startsWith('.') && !e.name.startsWith('_')) {
          walk(path.join(dir, e.name));
        }
      }
    };
    walk(src);
  });

  it('found the packages with assembly', () => {
    expect(packages.size).toBeGreaterThan(30);
    expect(SELF_CONTAINED.filter((p) => packages.has(p)).length).toBeGreaterThanOrEqual(8);
  });

  it('asm-guard and build-tags report nothing in any of them', () => {
    const found: string[] = [];
    for (const [, sources] of packages) {
      for (const [goos, goarch] of PLATFORMS) {
        for (const f of [...run(asmGuard, sources, goos, goarch), ...run(buildTags, sources, goos, goarch)]) {
          found.push(`${goos}/${goarch} ${f.checkId} ${f.file}:${f.line} ${f.message}`);
        }
      }
    }
    expect(found.slice(0, 10)).toEqual([]);
  });

  it('asm-coverage reports nothing for self-contained packages on any platform', () => {
    const found: string[] = [];
    for (const pkg of SELF_CONTAINED) {
      const sources = packages.get(pkg);
      if (!sources) continue;
      for (const [goos, goarch] of PLATFORMS) {
        for (const f of run(asmCoverage, sources, goos, goarch)) found.push(`${goos}/${goarch} ${f.file}:${f.line} ${f.message}`);
      }
    }
    expect(found.slice(0, 10)).toEqual([]);
  });
});
