import * as fc from 'fast-check';
import { KNOWN_ARCH, KNOWN_OS, fileNameMatchesPlatform } from '../platforms/known';
import { parsePlatform } from '../platforms/platform';
import { spawnSync } from 'node:child_process';
import { ccIdentityCommand, goFileInputs, platformExclusionGlobs, shellWord } from './inputs';

// The glob engine of Nx's task hasher (build_glob_set), so the test judges the globs as Nx will.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { matchGlobPaths } = require('nx/src/native') as { matchGlobPaths(globs: string[], paths: string[]): boolean[] };

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64', 'android/arm64', 'ios/arm64', 'illumos/amd64', 'freebsd/386', 'js/wasm', 'linux/mipsle'].map(parsePlatform);

function fileNames(): string[] {
  const names = new Set<string>([
    'm/main.go', 'm/linux.go', 'm/amd64.s', 'm/windows_amd64.go', 'm/x_windows_helper.go', 'm/x_unix.go',
    'm/x_linux_foo.go', 'm/x_amd64_windows.go', 'm/a/b/c_arm64_test.go', 'm/x_test.go', 'm/_x_linux.go',
    'm/x_linux_amd64.pb.go', 'm/x_linux.s', 'm/cgo_darwin.c', 'm/x_windows.syso', 'm/sys_linux_arm.h',
  ]);
  const ext = ['go', 's', 'c', 'h', 'syso'];
  let i = 0;
  for (const os of [...KNOWN_OS, 'unix', 'nope']) {
    for (const arch of [...KNOWN_ARCH, 'nope']) {
      const e = ext[i++ % ext.length];
      names.add(`m/d/f_${os}_${arch}.${e}`);
      names.add(`m/d/f_${os}_${arch}_test.go`);
    }
    names.add(`m/f_${os}.go`);
    names.add(`m/f_${os}_test.go`);
  }
  for (const arch of KNOWN_ARCH) {
    names.add(`m/g_${arch}.s`);
    names.add(`m/g_${arch}_test.go`);
  }
  return [...names];
}

describe('per-platform inputs', () => {
  it('exclude exactly the files Go excludes by name, under the Nx glob engine', () => {
    const files = fileNames();
    for (const p of PLATFORMS) {
      const globs = goFileInputs(p, 'm');
      const got = matchGlobPaths(globs, files);
      const mismatches = files.filter((f, i) => got[i] !== fileNameMatchesPlatform(f, p.goos, p.goarch));
      expect({ platform: p, mismatches }).toEqual({ platform: p, mismatches: [] });
    }
  });

  it('agree with Go on random file names', () => {
    const seg = fc.constantFrom(...KNOWN_OS, ...KNOWN_ARCH, 'test', 'foo', 'unix', 'x');
    const name = fc
      .tuple(fc.constantFrom('a', 'zz', 'linux', 'amd64'), fc.array(seg, { maxLength: 3 }), fc.constantFrom('.go', '.s', '.c', '.h'))
      .map(([head, parts, ext]) => `m/p/${[head, ...parts].join('_')}${ext}`);
    fc.assert(
      fc.property(fc.constantFrom(...PLATFORMS), fc.array(name, { minLength: 1, maxLength: 30 }), (p, files) => {
        const got = matchGlobPaths(goFileInputs(p, 'm'), files);
        return files.every((f, i) => got[i] === fileNameMatchesPlatform(f, p.goos, p.goarch));
      }),
      { numRuns: 300 },
    );
  });

  it('the form for projects that embed files agrees with Go on source files and keeps every other file', () => {
    const files = fileNames();
    const others = ['m/static/logo_windows.png', 'm/a/b_amd64.txt', 'm/x_darwin.json', 'm/y_linux_arm64.tar.gz'];
    for (const p of PLATFORMS) {
      const globs = [...goFileInputs(undefined, 'm'), ...platformExclusionGlobs(p, 'm', true), ...others];
      const got = matchGlobPaths(globs, files);
      const mismatches = files.filter((f, i) => got[i] !== fileNameMatchesPlatform(f, p.goos, p.goarch));
      expect({ platform: p, mismatches }).toEqual({ platform: p, mismatches: [] });
      expect(matchGlobPaths(globs, others)).toEqual(others.map(() => true));
    }
  });

  it('keeps the implied OS matches (android builds _linux files, ios builds _darwin files)', () => {
    const android = platformExclusionGlobs(parsePlatform('android/arm64'), 'm');
    expect(matchGlobPaths(['m/**/*.go', ...android], ['m/x_linux.go', 'm/x_android.go', 'm/x_darwin.go'])).toEqual([true, true, false]);
    const ios = platformExclusionGlobs(parsePlatform('ios/arm64'), 'm');
    expect(matchGlobPaths(['m/**/*.go', ...ios], ['m/x_darwin_arm64.go', 'm/x_ios.go', 'm/x_linux.go'])).toEqual([true, true, false]);
  });
});

describe('the C compiler identity input', () => {
  it('names the platform, a libc other than glibc and the hand-set compilers', () => {
    const arm64 = parsePlatform('linux/arm64');
    expect(ccIdentityCommand(arm64, 'cc-identity.js')).toBe('node "cc-identity.js" linux/arm64');
    expect(ccIdentityCommand(parsePlatform('linux/arm/7'), 'x.js', 'glibc')).toBe('node "x.js" linux/arm/7');
    expect(ccIdentityCommand(arm64, 'x.js', 'musl', { cc: ' /opt/cross/bin/aarch64-linux-musl-gcc ', cxx: '' })).toBe('node "x.js" linux/arm64 --libc musl --cc /opt/cross/bin/aarch64-linux-musl-gcc');
    expect(ccIdentityCommand(arm64, 'x.js', undefined, { cc: 'zig cc -target aarch64-linux-gnu', cxx: 'clang++' })).toBe('node "x.js" linux/arm64 --cc "zig cc -target aarch64-linux-gnu" --cxx clang++');
  });

  it('quotes a compiler command so that the shell passes it as one word, unchanged', () => {
    const words = ['gcc', '/opt/x/bin/aarch64-linux-gnu-gcc', 'zig cc -target aarch64-linux-musl', 'a "quoted" $HOME `x` \\ b', "it's", 'x;y|z&w', '*.c ~'];
    const r = spawnSync('sh', ['-c', `printf '%s\\n' ${words.map(shellWord).join(' ')}`], { encoding: 'utf8', env: { HOME: '/nowhere' } });
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(words);
  });
});
