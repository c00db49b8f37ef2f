import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import {
  KNOWN_ARCH,
  KNOWN_OS,
  UNIX_OS,
  fileNameMatchesPlatform,
  BUILTIN_DIST_LIST,
  VARIANTS,
  VARIANT_VARIABLE,
  archAlias,
  archAliases,
  binarySuffix,
  builtinPlatformTable,
  cTriple,
  clearPlatformTableMemo,
  createPlatformTable,
  goVersionAtLeast,
  goVersionToSemver,
  isSoftFloat,
  loadPlatformTable,
  parseDistListJson,
  platformEnv,
  platformFromOptions,
  platformTargetName,
  validatePlatform,
  validateVariant,
  type CommandRunner,
} from './index';
import { all, gate, itIf, optional } from '../test-utils/gates';

const goAvailable = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
const goGate = gate(goAvailable, 'needs go on PATH (Go 1.26)');
const itGo = itIf(goGate);

const goVersion = goAvailable ? spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim() : '';

/** A runner that records each call and delegates to the real go. */
function recordingRunner(): { run: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const run: CommandRunner = (file, args, env) => {
    calls.push([file, ...args]);
    const r = spawnSync(file, args, { env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout ?? '', error: r.error };
  };
  return { run, calls };
}

describe('platform table', () => {
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-table-'));
    clearPlatformTableMemo();
  });
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  itGo('matches `go tool dist list` of the installed Go, with CgoSupported and FirstClass', () => {
    const t = loadPlatformTable({ cacheDir });
    expect(t.source).toBe('go');
    expect(t.goVersion).toBe(goVersion);
    const plain = spawnSync('go', ['tool', 'dist', 'list'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(t.entries.map((e) => `${e.goos}/${e.goarch}`).sort()).toEqual(plain.sort());
    expect(t.find('linux', 'arm64')).toEqual({ goos: 'linux', goarch: 'arm64', cgoSupported: true, firstClass: true });
    expect(t.find('linux', 'riscv64')?.firstClass).toBe(false);
    expect(t.find('js', 'wasm')?.cgoSupported).toBe(false);
    expect(t.find('linux', 'sparc64')).toBeUndefined();
  });

  // Another Go release is no fault of the machine: the built-in copy is go1.26's list.
  const go126 = optional(gate(goVersion.startsWith('go1.26'), `needs go1.26, whose list the built-in copy is (installed: ${goVersion || 'none'})`));
  itIf(all(goGate, go126))('built-in copy equals the live list when the installed Go is 1.26', () => {
    const json = spawnSync('go', ['tool', 'dist', 'list', '-json'], { encoding: 'utf8' }).stdout;
    expect([...BUILTIN_DIST_LIST]).toEqual(parseDistListJson(json));
  });

  itGo('reads the list once per Go version: memory, then the disk cache', () => {
    const a = recordingRunner();
    const t1 = loadPlatformTable({ cacheDir, run: a.run });
    expect(a.calls.map((c) => c.slice(1).join(' '))).toEqual(['env GOVERSION', 'tool dist list -json']);
    const files = fs.readdirSync(cacheDir);
    expect(files).toEqual([`dist-list-${goVersion.replace(/[^A-Za-z0-9._-]/g, '_')}.json`]);

    const t2 = loadPlatformTable({ cacheDir, run: a.run, goVersion });
    expect(t2).toBe(t1);
    expect(a.calls).toHaveLength(2);

    clearPlatformTableMemo();
    const b = recordingRunner();
    const t3 = loadPlatformTable({ cacheDir, run: b.run });
    expect(t3.source).toBe('cache');
    expect(b.calls.map((c) => c.slice(1).join(' '))).toEqual(['env GOVERSION']);
    expect(t3.entries).toEqual(t1.entries);
  });

  it('a cache written for another Go version is not used', () => {
    fs.writeFileSync(
      path.join(cacheDir, 'dist-list-go9.9.json'),
      JSON.stringify({ goVersion: 'go9.8', entries: [{ goos: 'x', goarch: 'y', cgoSupported: false, firstClass: false }] }),
    );
    const run: CommandRunner = (_f, args) =>
      args[0] === 'env'
        ? { status: 0, stdout: 'go9.9\n' }
        : { status: 0, stdout: JSON.stringify([{ GOOS: 'linux', GOARCH: 'arm64', CgoSupported: true, FirstClass: true }]) };
    const t = loadPlatformTable({ cacheDir, run });
    expect(t.source).toBe('go');
    expect(t.entries).toEqual([{ goos: 'linux', goarch: 'arm64', cgoSupported: true, firstClass: true }]);
  });

  it('falls back to the built-in table when go is missing or answers nonsense', () => {
    const missing = loadPlatformTable({ cacheDir, go: path.join(cacheDir, 'no-such-go') });
    expect(missing.source).toBe('builtin');
    expect(missing.goVersion).toBe('go1.26');
    expect(missing.find('linux', 'mips64le')).toBeDefined();
    const garbage: CommandRunner = (_f, args) =>
      args[0] === 'env' ? { status: 0, stdout: 'go1.30\n' } : { status: 0, stdout: 'not json' };
    expect(loadPlatformTable({ cacheDir, run: garbage }).source).toBe('builtin');
    expect(fs.readdirSync(cacheDir)).toEqual([]);
  });

  it('parseDistListJson rejects malformed input', () => {
    expect(() => parseDistListJson('{}')).toThrow(/array/);
    expect(() => parseDistListJson('[{"GOOS":"linux"}]')).toThrow(/entry 0/);
  });
});

describe('Go versions', () => {
  it.each([
    ['go1.22.3', '1.22.3'],
    ['go1.26', '1.26.0'],
    ['go1.23rc1', '1.23.0-rc.1'],
    ['go1.21beta2', '1.21.0-beta.2'],
    ['devel go1.27-abcdef Tue Nov 3 2026', '1.27.0-devel'],
    ['1.22', '1.22.0'],
    ['1.21rc1', '1.21.0-rc.1'],
    ['gox', undefined],
  ])('%s → %s', (v, want) => {
    expect(goVersionToSemver(v)).toBe(want);
  });

  it('gating treats pre-releases as their release and unknown versions as new enough', () => {
    expect(goVersionAtLeast('go1.23rc1', '1.23')).toBe(true);
    expect(goVersionAtLeast('go1.22.12', '1.23')).toBe(false);
    expect(goVersionAtLeast('go1.100', '1.23')).toBe(true);
    expect(goVersionAtLeast(undefined, '1.23')).toBe(true);
    expect(goVersionAtLeast('weird', '1.23')).toBe(true);
  });
});

describe('variants', () => {
  it.each([
    ['arm', '7', 'go1.20'],
    ['arm', '5', 'go1.10'],
    ['arm', '6,softfloat', 'go1.22.0'],
    ['arm64', 'v8.2', 'go1.23.1'],
    ['arm64', 'v9.5,lse,crypto', 'go1.26'],
    ['arm64', 'v8.0,crypto', 'go1.23'],
    ['amd64', 'v3', 'go1.18'],
    ['386', 'softfloat', 'go1.16'],
    ['mips', 'softfloat', 'go1.20'],
    ['mips64le', 'hardfloat', 'go1.20'],
    ['ppc64le', 'power10', 'go1.26'],
    ['riscv64', 'rva22u64', 'go1.23'],
    ['riscv64', 'rva23u64', 'go1.25.0'],
  ])('%s %s is accepted by %s', (arch, value, ver) => {
    expect(validateVariant(arch, value, ver)).toBeUndefined();
  });

  it.each([
    ['arm', '8', 'go1.26', /unknown GOARM value "8": must be one of 5, 6, 7, optionally followed by ,softfloat or ,hardfloat/],
    ['arm', '7,softfloat,hardfloat', 'go1.26', /at most one/],
    ['arm', '7,lse', 'go1.26', /unknown option ",lse"/],
    ['arm', '7,softfloat', 'go1.21.5', /GOARM=7,softfloat needs Go ≥ 1.22; the installed Go is go1.21.5/],
    ['arm64', 'v8.2', 'go1.22.9', /GOARM64=v8.2 needs Go ≥ 1.23/],
    ['arm64', 'v9.6', 'go1.26', /unknown GOARM64 value/],
    ['arm64', 'v8.1,lse,lse', 'go1.26', /given twice/],
    ['amd64', 'v5', 'go1.26', /must be one of v1, v2, v3, v4/],
    ['amd64', 'v2', 'go1.17', /needs Go ≥ 1.18/],
    ['amd64', 'v2,lse', 'go1.26', /takes no ",lse" option/],
    ['386', '387', 'go1.26', /unknown GO386 value "387"/],
    ['386', 'softfloat', 'go1.15', /needs Go ≥ 1.16/],
    ['riscv64', 'rva23u64', 'go1.24.4', /GORISCV64=rva23u64 needs Go ≥ 1.25/],
    ['riscv64', 'rva20u64', 'go1.22', /needs Go ≥ 1.23/],
    ['wasm', 'x', 'go1.26', /GOARCH=wasm has no variant variable/],
  ])('%s %s with %s is refused', (arch, value, ver, msg) => {
    expect(validateVariant(arch, value, ver)).toMatch(msg);
  });

  /** Every value and suffix combination the table accepts for Go 1.26, plus some it refuses. */
  function candidates(variable: string): string[] {
    const spec = VARIANTS[variable];
    const out: string[] = [];
    for (const v of Object.keys(spec.values)) {
      out.push(v);
      for (const s of Object.keys(spec.suffixes)) out.push(`${v},${s}`);
      if (spec.multipleSuffixes) out.push(`${v},${Object.keys(spec.suffixes).reverse().join(',')}`);
    }
    out.push('v0', 'power11', 'x', '8', '7,foo');
    return out;
  }

  // An older Go is no fault of the machine: it knows fewer variant values.
  const go125 = optional(gate(goVersion.startsWith('go1.2') && goVersionAtLeast(goVersion, '1.25'), `needs Go ≥ 1.25 for the variant oracle (installed: ${goVersion || 'none'})`));
  itIf(all(goGate, go125))('agree with the installed go on every value (go env and go tool compile are the oracle)', () => {
    let compared = 0;
    let refusedByGo = 0;
    for (const [arch, variable] of Object.entries(VARIANT_VARIABLE)) {
      for (const value of candidates(variable)) {
        const ours = validateVariant(arch, value, goVersion) === undefined;
        // `go env` validates most variables; GO386 is only checked by the compiler itself.
        const env = { ...process.env, GOOS: 'linux', GOARCH: arch, [variable]: value };
        const goEnv = spawnSync('go', ['env', variable], { env, encoding: 'utf8' });
        const compile = spawnSync('go', ['tool', 'compile', '-V=full'], { env, encoding: 'utf8' });
        const theirs = goEnv.status === 0 && compile.status === 0;
        // Never accept what go refuses. (go is laxer than us for a few nonsense values, e.g. it
        // lets GOARM=v0 through silently; refusing those is deliberate.)
        if (ours || !theirs) {
          expect({ arch, variable, value, accepted: ours }).toEqual({ arch, variable, value, accepted: theirs });
        }
        compared++;
        if (!theirs) refusedByGo++;
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(refusedByGo).toBeGreaterThan(20);
  });
});

describe('validatePlatform', () => {
  const table = builtinPlatformTable();

  it('accepts every pair of the table, with every variant value of its arch', () => {
    for (const e of table.entries) {
      expect(validatePlatform({ goos: e.goos, goarch: e.goarch }, 'go1.26', table)).toBeUndefined();
      const v = VARIANT_VARIABLE[e.goarch];
      if (!v) continue;
      for (const value of Object.keys(VARIANTS[v].values)) {
        expect(validatePlatform({ goos: e.goos, goarch: e.goarch, variant: value }, 'go1.26', table)).toBeUndefined();
      }
    }
  });

  it('names the unknown pair and what the GOOS does support', () => {
    expect(validatePlatform({ goos: 'linux', goarch: 'sparc64' }, 'go1.26.8', table)).toBe(
      'unknown platform linux/sparc64: go1.26.8 supports GOOS=linux with GOARCH 386, amd64, arm, arm64, loong64, mips, mips64, mips64le, mipsle, ppc64, ppc64le, riscv64, s390x',
    );
    expect(validatePlatform({ goos: 'darwin', goarch: 'arm' }, 'go1.26.8', table)).toMatch(
      /^unknown platform darwin\/arm: go1\.26\.8 supports GOOS=darwin with GOARCH amd64, arm64$/,
    );
    expect(validatePlatform({ goos: 'beos', goarch: 'amd64' }, undefined, table)).toMatch(/^unknown GOOS "beos": go1\.26 supports aix, android/);
  });

  it('gates variants by the Go version given', () => {
    expect(validatePlatform({ goos: 'linux', goarch: 'riscv64', variant: 'rva23u64' }, 'go1.24.1', table)).toMatch(/needs Go ≥ 1\.25/);
  });

  it('property: random strings never crash, and only table pairs pass', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.stringMatching(/^[a-z0-9]{1,8}$/), (goos, goarch) => {
        const r = validatePlatform({ goos, goarch }, 'go1.26', table);
        expect(r === undefined).toBe(table.find(goos, goarch) !== undefined);
      }),
    );
  });
});

describe('environment and names', () => {
  it('platformEnv sets GOOS, GOARCH and the arch variable only', () => {
    expect(platformEnv({ goos: 'linux', goarch: 'arm64' })).toEqual({ GOOS: 'linux', GOARCH: 'arm64' });
    expect(platformEnv({ goos: 'linux', goarch: 'arm', variant: '6,softfloat' })).toEqual({
      GOOS: 'linux',
      GOARCH: 'arm',
      GOARM: '6,softfloat',
    });
    expect(platformEnv({ goos: 'linux', goarch: 'mipsle', variant: 'softfloat' })).toEqual({
      GOOS: 'linux',
      GOARCH: 'mipsle',
      GOMIPS: 'softfloat',
    });
    expect(platformEnv({ goos: 'linux', goarch: 'ppc64le', variant: 'power9' }).GOPPC64).toBe('power9');
  });

  it('platformFromOptions picks the arch variable and refuses a foreign one', () => {
    expect(platformFromOptions({ goos: 'linux', goarch: 'arm', goarm: '7' })).toEqual({
      ok: true,
      platform: { goos: 'linux', goarch: 'arm', variant: '7' },
    });
    expect(platformFromOptions({ goos: 'linux', goarch: 'amd64' })).toEqual({ ok: true, platform: { goos: 'linux', goarch: 'amd64' } });
    expect(platformFromOptions({ goos: 'linux', goarch: 'arm64', goarm: '7' })).toEqual({
      ok: false,
      message: 'option goarm="7" applies to GOARCH arm, not arm64 (use goarm64)',
    });
    expect(platformFromOptions({ goos: 'linux', goarch: 'wasm', gomips64: 'softfloat' })).toEqual({
      ok: false,
      message: 'option gomips64="softfloat" applies to GOARCH mips64/mips64le, not wasm',
    });
  });

  it.each([
    ['linux', 'exe', ''],
    ['windows', 'exe', '.exe'],
    ['windows', 'pie', '.exe'],
    ['linux', 'c-shared', '.so'],
    ['android', 'c-shared', '.so'],
    ['darwin', 'c-shared', '.dylib'],
    ['ios', 'c-shared', '.dylib'],
    ['windows', 'c-shared', '.dll'],
    ['linux', 'c-archive', '.a'],
    ['windows', 'c-archive', '.a'],
  ] as const)('binarySuffix(%s, %s) = "%s"', (goos, mode, want) => {
    expect(binarySuffix(goos, mode)).toBe(want);
  });

  it('target names and aliases', () => {
    expect(platformTargetName({ goos: 'linux', goarch: 'arm', variant: '7' })).toBe('build-linux-arm-7');
    expect(platformTargetName({ goos: 'linux', goarch: 'arm64', variant: 'v8.2,lse' }, 'validate')).toBe('validate-linux-arm64-v8.2-lse');
    expect(archAlias({ goos: 'linux', goarch: 'arm64' })).toBe('build-arm64');
    expect(archAlias('riscv64', 'test')).toBe('test-riscv64');
  });

  it('archAliases: unique arches, linux preferred, ambiguous ones left out', () => {
    const m = archAliases([
      { goos: 'linux', goarch: 'arm64' },
      { goos: 'darwin', goarch: 'arm64' },
      { goos: 'linux', goarch: 'amd64' },
      { goos: 'linux', goarch: 'arm', variant: '6' },
      { goos: 'linux', goarch: 'arm', variant: '7' },
      { goos: 'linux', goarch: 'riscv64', variant: 'rva22u64' },
      { goos: 'windows', goarch: 'amd64' },
      { goos: 'darwin', goarch: 'arm64' },
    ]);
    expect([...m.entries()]).toEqual([
      ['build-arm64', { goos: 'linux', goarch: 'arm64' }],
      ['build-amd64', { goos: 'linux', goarch: 'amd64' }],
      ['build-riscv64', { goos: 'linux', goarch: 'riscv64', variant: 'rva22u64' }],
    ]);
    expect([...archAliases([{ goos: 'darwin', goarch: 'arm64' }, { goos: 'ios', goarch: 'arm64' }], 'test').keys()]).toEqual([]);
  });

  it('C triples follow the float ABI of the variant', () => {
    expect(cTriple({ goos: 'linux', goarch: 'arm64' })).toBe('aarch64-linux-gnu');
    expect(cTriple({ goos: 'linux', goarch: 'arm', variant: '7' })).toBe('arm-linux-gnueabihf');
    expect(cTriple({ goos: 'linux', goarch: 'arm', variant: '5' })).toBe('arm-linux-gnueabi');
    expect(cTriple({ goos: 'linux', goarch: 'arm', variant: '5,hardfloat' })).toBe('arm-linux-gnueabihf');
    expect(cTriple({ goos: 'linux', goarch: 'arm', variant: '7,softfloat' }, 'musl')).toBe('arm-linux-musleabi');
    expect(cTriple({ goos: 'linux', goarch: 'mipsle', variant: 'softfloat' }, 'musl')).toBe('mipsel-linux-muslsf');
    expect(cTriple({ goos: 'linux', goarch: 'riscv64' }, 'musl')).toBe('riscv64-linux-musl');
    expect(cTriple({ goos: 'darwin', goarch: 'arm64' })).toBeUndefined();
    expect(isSoftFloat({ goos: 'linux', goarch: 'arm' })).toBe(false);
  });

  it('every linux arch with cgo in the table has a C triple', () => {
    const t = createPlatformTable(BUILTIN_DIST_LIST, 'go1.26', 'builtin');
    const missing = t.entries
      .filter((e) => e.goos === 'linux' && e.cgoSupported)
      .filter((e) => !cTriple({ goos: 'linux', goarch: e.goarch }));
    expect(missing).toEqual([]);
  });
});

describe('known OS/arch lists and the file-name rule', () => {
  itGo('KNOWN_OS, UNIX_OS and KNOWN_ARCH equal internal/syslist of the installed Go', () => {
    const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
    const src = fs.readFileSync(path.join(goroot, 'src', 'internal', 'syslist', 'syslist.go'), 'utf8');
    const mapKeys = (name: string): string[] => {
      const m = new RegExp(`var ${name} = map\\[string\\]bool\\{([^}]*)\\}`).exec(src);
      if (!m) throw new Error(`${name} not found in syslist.go`);
      return [...m[1].matchAll(/"([^"]+)":\s*true/g)].map((x) => x[1]).sort();
    };
    expect([...KNOWN_OS].sort()).toEqual(mapKeys('KnownOS'));
    expect([...UNIX_OS].sort()).toEqual(mapKeys('UnixOS'));
    expect([...KNOWN_ARCH].sort()).toEqual(mapKeys('KnownArch'));
  });

  itGo('fileNameMatchesPlatform selects the same files as go list', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-names-'));
    try {
      fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/names\n\ngo 1.22\n');
      const names = [
        'a.go', 'linux.go', 'amd64.go', 'x_linux.go', 'x_arm64.go', 'x_linux_arm64.go', 'x_darwin_arm64.go',
        'x_windows.go', 'x_android.go', 'x_illumos.go', 'x_solaris.go', 'x_ios.go', 'x_darwin.go', 'x_unix.go',
        'x_linux_arm.go', 'x_arm64_linux.go', 'x_foo_linux.go', 'x_linux_foo.go', 'x_riscv64.go', 'x_mips64p32le.go',
        'x_linux.s.go', 'multi_part_linux_amd64.go', 'x_nacl.go', 'x_wasm.go', 'x_js_wasm.go',
      ];
      for (const n of names) fs.writeFileSync(path.join(dir, n), 'package names\n');
      const platforms = [
        ['linux', 'amd64'], ['linux', 'arm64'], ['linux', 'arm'], ['android', 'arm64'], ['darwin', 'arm64'],
        ['ios', 'arm64'], ['illumos', 'amd64'], ['windows', 'amd64'], ['js', 'wasm'], ['linux', 'riscv64'],
      ];
      const seen = new Set<string>();
      for (const [goos, goarch] of platforms) {
        const r = spawnSync('go', ['list', '-f', '{{join .GoFiles " "}}', '.'], {
          cwd: dir,
          env: { ...process.env, GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0', GOFLAGS: '' },
          encoding: 'utf8',
        });
        expect(r.status).toBe(0);
        const included = r.stdout.trim().split(' ').filter(Boolean).sort();
        const ours = names.filter((n) => fileNameMatchesPlatform(n, goos, goarch)).sort();
        expect({ goos, goarch, files: ours }).toEqual({ goos, goarch, files: included });
        seen.add(included.join(' '));
      }
      expect(seen.size).toBeGreaterThanOrEqual(8); // the oracle really discriminates between platforms
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
