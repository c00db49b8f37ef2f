import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildFixture, CGO_HELLO, cSharedLib, HELLO, REPRO } from '../checks/test-utils/fixtures';
import { all, gate, haveGo, haveTools, hostIs, itIf, optional } from '../test-utils/gates';
import { writeManifestFor } from '../test-utils/manifest';
import { FAILURE_IDS } from '../executors/shared/explain';
import { universalMachO } from '../binary/test-utils/fixtures';
import { PLAIN_NAME_CHARS, rootCollation, sortByName } from './collate';
import { explainIds, main, type CliIo } from './main';
import { parseGoreleaserArtifacts, parseGoreleaserTarget, platformFromPath } from './targets';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' }): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, cwd, env };
  return main(argv, io).then((code) => ({ code, stdout, stderr }));
}

const copy = (from: string, to: string) => {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
};

describe('gocross CLI', () => {
  let dir: string;
  let arm64: string;
  let amd64: string;
  let cgoTmpRunpath: string | undefined;
  // An x86-64 cgo binary linked by the host gcc.
  const itCgoHost = itIf(all(hostIs('linux', 'x64'), haveTools('gcc')));

  beforeAll(() => {
    arm64 = buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: 'arm64' }, args: REPRO });
    amd64 = buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: 'amd64' }, args: REPRO });
    if (hostIs('linux', 'x64').ok && haveTools('gcc').ok) {
      cgoTmpRunpath = buildFixture({
        files: CGO_HELLO,
        env: { GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '1', CC: 'gcc' },
        args: ['-trimpath', '-ldflags=-extldflags=-Wl,-rpath,/tmp/x'],
      });
    }
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('validate', () => {
    it('exit 0 for good binaries, non-binaries skipped and counted, target from build info', async () => {
      copy(arm64, path.join(dir, 'dist', 'app_linux_arm64', 'app'));
      copy(amd64, path.join(dir, 'dist', 'linux-amd64', 'app'));
      fs.writeFileSync(path.join(dir, 'dist', 'checksums.txt'), 'abc  app\n');
      const r = await cli(['validate', 'dist'], dir);
      expect(r.stderr).toContain('2 artifact(s) validated, 1 non-binary file(s) skipped: 0 error(s), 0 warning(s)');
      expect(r.stdout).toMatch(/ok\s+dist\/app_linux_arm64\/app\s+\[linux\/arm64/);
      expect(r.code).toBe(0);
    });

    it('exit 1 with binary-arch for an x86-64 binary under a linux_arm64 path: the path names the target', async () => {
      copy(amd64, path.join(dir, 'dist', 'app_linux_arm64', 'app'));
      const r = await cli(['validate', 'dist'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL\s+dist\/app_linux_arm64\/app\s+\[linux\/arm64, no cgo\]/);
      expect(r.stdout).toMatch(/error\s+binary-arch\s+built for GOARCH=amd64, target is linux\/arm64/);
    });

    itIf(haveGo())('an amd64 binary under linux-arm64/ without a manifest: binary-arch with the GOARCH=arm64 fix, and that fix makes it pass', async () => {
      const file = path.join(dir, 'dist', 'apps', 'fzf', 'linux-arm64', 'fzf');
      copy(amd64, file);
      const r = await cli(['validate', 'dist/apps/fzf/linux-arm64/fzf'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL\s+dist\/apps\/fzf\/linux-arm64\/fzf\s+\[linux\/arm64, no cgo\]/);
      expect(r.stdout).toMatch(/error\s+binary-arch\s+built for GOARCH=amd64, target is linux\/arm64 \(EM_AARCH64 64-bit little-endian\)\n\s+fix: rebuild with GOARCH=arm64\n/);
      expect(r.stdout).not.toContain('output directory');
      // The fix: the same program built with GOARCH=arm64 (as `arm64` is, above).
      copy(arm64, file);
      const fixed = await cli(['validate', 'dist/apps/fzf/linux-arm64/fzf'], dir);
      expect(fixed.stdout).toMatch(/ok\s+dist\/apps\/fzf\/linux-arm64\/fzf\s+\[linux\/arm64\/v8\.0, no cgo\]/);
      expect(fixed.code).toBe(0);
      // --platform, a manifest and a directory naming no platform are unchanged.
      expect((await cli(['validate', '--platform', 'linux/amd64', 'dist/apps/fzf/linux-arm64/fzf'], dir)).stdout).toMatch(
        /error\s+binary-arch\s+artifact lives in the linux\/arm64 output directory but its target is linux\/amd64/,
      );
      copy(amd64, path.join(dir, 'plain', 'fzf'));
      expect((await cli(['validate', 'plain/fzf'], dir)).code).toBe(0);
    });

    describe('a build manifest and what the command line states', () => {
      const itCross = itIf(all(haveGo(), haveTools('aarch64-linux-gnu-gcc')));
      const rel = 'dist/apps/fzf/linux-arm64-cgo/fzf';
      let glibc: string;
      const place = () => {
        glibc ??= buildFixture({ files: CGO_HELLO, env: { GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '1', CC: 'aarch64-linux-gnu-gcc' }, args: ['-trimpath', '-buildvcs=false'] });
        copy(glibc, path.join(dir, rel));
        writeManifestFor(path.join(dir, rel), { platform: { goos: 'linux', goarch: 'arm64' }, cgo: true, libc: 'glibc', cc: 'aarch64-linux-gnu-gcc', target: 'fzf:build-linux-arm64-cgo' });
      };

      itCross('--libc musl on a glibc cgo build: an input error naming both, and the linkage error of a glibc binary where musl is expected', async () => {
        place();
        const r = await cli(['validate', '--cgo', '--libc', 'musl', rel], dir);
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/FAIL\s+dist\/apps\/fzf\/linux-arm64-cgo\/fzf\s+\[linux\/arm64, cgo musl\]/);
        expect(r.stdout).toContain(
          `error  input    ${rel} was built as linux/arm64 cgo glibc according to its manifest fzf.intoto.json; --libc musl expects musl\n` +
            '                  fix: rebuild it with libc: musl (options of its build target fzf:build-linux-arm64-cgo), or leave out --libc musl if the build the manifest records is the intended one\n',
        );
        expect(r.stdout).toMatch(/error\s+linkage\s+glibc loader \/lib\/ld-linux-aarch64\.so\.1 but the target expects musl/);
        // The same file without its manifest: the same linkage error, no input finding.
        copy(glibc, path.join(dir, 'bare', 'fzf'));
        const bare = await cli(['validate', '--cgo', '--libc', 'musl', 'bare/fzf'], dir);
        expect(bare.code).toBe(1);
        expect(bare.stdout).toMatch(/error\s+linkage\s+glibc loader/);
        expect(bare.stdout).not.toMatch(/error\s+input/);
      });

      itCross('flags that agree with the manifest change nothing; --buildmode pie on ET_EXEC, --no-cgo and --platform that disagree fail', async () => {
        place();
        for (const flags of [[], ['--cgo'], ['--cgo', '--libc', 'glibc'], ['--platform', 'linux/arm64', '--buildmode', 'exe']]) {
          const ok = await cli(['validate', ...flags, rel], dir);
          expect({ flags, code: ok.code, out: ok.stdout }).toEqual({ flags, code: 0, out: expect.stringMatching(/^ok\s+dist\/apps\/fzf\/linux-arm64-cgo\/fzf\s+\[linux\/arm64, cgo glibc\]/) });
        }
        const pie = await cli(['validate', '--buildmode', 'pie', rel], dir);
        expect(pie.code).toBe(1);
        expect(pie.stdout).toMatch(/error\s+input\s+.* according to its manifest fzf\.intoto\.json; --buildmode pie expects -buildmode=pie/);
        expect(pie.stdout).toMatch(/error\s+hardening\s+not position independent \(e_type ET_EXEC\) though buildmode is pie/);
        const noCgo = await cli(['validate', '--no-cgo', rel], dir);
        expect(noCgo.code).toBe(1);
        expect(noCgo.stdout).toMatch(/error\s+input\s+.*; --no-cgo expects a build without cgo/);
        expect(noCgo.stdout).toMatch(/error\s+linkage\s+dynamically linked/);
        const amd = await cli(['validate', '--platform', 'linux/amd64', rel], dir);
        expect(amd.code).toBe(1);
        expect(amd.stdout).toMatch(/error\s+input\s+.*; --platform linux\/amd64 expects a linux\/amd64 binary/);
        expect(amd.stdout).toMatch(/error\s+binary-arch\s+built for GOARCH=arm64, target is linux\/amd64/);
      });
    });

    it('a --policy file and a gocross.policy.json under the former id elf-arch still configure binary-arch', async () => {
      copy(amd64, path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ checks: { 'elf-arch': 'warn' } }));
      const warn = await cli(['validate', '--platform', 'linux/arm64', '--policy', 'p.json', 'app'], dir);
      expect(warn.stdout).toMatch(/warn\s+binary-arch\s+built for GOARCH=amd64/);
      expect(warn.stdout).not.toMatch(/error\s+binary-arch/);
      fs.writeFileSync(path.join(dir, 'gocross.policy.json'), JSON.stringify({ checks: { 'elf-arch': 'off' } }));
      const off = await cli(['validate', '--platform', 'linux/arm64', 'app'], dir);
      expect(off.stdout).not.toContain('binary-arch');
    });

    it('exit 1 with binary-arch when --platform disagrees with the binary', async () => {
      copy(amd64, path.join(dir, 'app'));
      const r = await cli(['validate', '--platform', 'linux/arm64', 'app'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('binary-arch');
    });

    itCgoHost('exit 1 with rpath for a cgo binary whose RUNPATH points into /tmp', async () => {
      copy(cgoTmpRunpath as string, path.join(dir, 'app'));
      const r = await cli(['validate', 'app'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/error\s+rpath\s+DT_RUNPATH entry "\/tmp\/x"/);
      // a policy turning the check off makes it pass; the policy file is picked up from the cwd
      fs.writeFileSync(path.join(dir, 'gocross.policy.json'), JSON.stringify({ checks: { rpath: 'off' } }));
      expect((await cli(['validate', 'app'], dir)).code).toBe(0);
    });

    describe('c-shared libraries without sources: //export names from the library and its header', () => {
      const lib = (leak: boolean, goarch: 'amd64' | 'arm64', cc: string) =>
        buildFixture({
          files: cSharedLib(leak),
          env: { GOOS: 'linux', GOARCH: goarch, CGO_ENABLED: '1', CC: cc },
          args: ['-buildmode=c-shared', ...REPRO],
          out: 'libadd.so',
        });
      const cases: [string, 'amd64' | 'arm64', string][] = [
        ['native amd64', 'amd64', 'gcc'],
        ['cross arm64', 'arm64', 'aarch64-linux-gnu-gcc'],
      ];
      for (const [name, goarch, cc] of cases) {
        itIf(all(goarch === 'amd64' ? hostIs('linux', 'x64') : { ok: true }, haveTools(cc)))(`${name}: a clean library passes with and without its header; leaked C symbols are findings`, async () => {
          const clean = lib(false, goarch, cc);
          const header = clean.replace(/\.so$/, '.h');
          expect(fs.readFileSync(header, 'utf8')).toContain('extern int Add(');
          copy(clean, path.join(dir, 'bare', 'libadd.so'));
          copy(clean, path.join(dir, 'withh', 'libadd.so'));
          copy(header, path.join(dir, 'withh', 'libadd.h'));
          for (const d of ['bare', 'withh']) {
            const r = await cli(['validate', d], dir);
            expect({ d, out: r.stdout, code: r.code }).toEqual({ d, out: expect.stringMatching(/ok\s+\S+libadd\.so\s+\[linux\//), code: 0 });
            expect(r.stderr).toContain('1 artifact(s) validated');
          }

          const leaky = lib(true, goarch, cc);
          copy(leaky, path.join(dir, 'leak', 'libadd.so'));
          copy(leaky.replace(/\.so$/, '.h'), path.join(dir, 'leak', 'libadd.h'));
          const r = await cli(['validate', '--format', 'json', 'leak'], dir);
          expect(r.code).toBe(1);
          const findings = JSON.parse(r.stdout).artifacts[0].findings.map((f: { checkId: string; data?: { symbol?: string } }) => `${f.checkId} ${f.data?.symbol}`);
          expect(findings.sort()).toEqual(['exports helper_add1', 'exports leaky_global']);
          const text = await cli(['validate', 'leak'], dir);
          expect(text.stdout).toMatch(/error\s+exports\s+exports function helper_add1, which is not an \/\/export \(no _cgoexp_ wrapper and not declared in leak\/libadd\.h\)/);
        });
      }

      itCgoHost('a header declaring a function the library does not export is a finding', async () => {
        const clean = lib(false, 'amd64', 'gcc');
        copy(clean, path.join(dir, 'libadd.so'));
        fs.writeFileSync(path.join(dir, 'libadd.h'), fs.readFileSync(clean.replace(/\.so$/, '.h'), 'utf8').replace('extern int Add(', 'extern void Gone(void);\nextern int Add('));
        const r = await cli(['validate', 'libadd.so'], dir);
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/error\s+exports\s+Gone is declared in libadd\.h but not exported by the library/);
      });
    });

    describe('universal (fat) Mach-O: each slice against its own arch', () => {
      const X86_64 = 0x01000007;
      let darwinArm64: Buffer;
      let darwinAmd64: Buffer;
      beforeAll(() => {
        darwinArm64 = fs.readFileSync(buildFixture({ files: HELLO, env: { GOOS: 'darwin', GOARCH: 'arm64' }, args: REPRO }));
        darwinAmd64 = fs.readFileSync(buildFixture({ files: HELLO, env: { GOOS: 'darwin', GOARCH: 'amd64' }, args: REPRO }));
      });
      const fat = (name: string, images: Buffer[], places: (number | undefined)[] = []) => {
        fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'dist', name), universalMachO(images, places));
        return `dist/${name}`;
      };
      /** An arm64 image whose header claims x86_64: the wrong code in the x86_64 slice. */
      const relabelled = () => {
        const b = Buffer.from(darwinArm64);
        b.writeInt32LE(X86_64, 4);
        b.writeInt32LE(3, 8);
        return b;
      };
      const findings = async (argv: string[]) => {
        const r = await cli(['validate', '--format', 'json', ...argv], dir);
        const j = JSON.parse(r.stdout);
        return { code: r.code, messages: j.artifacts[0].findings.map((f: { checkId: string; message: string }) => `${f.checkId}: ${f.message}`).sort() };
      };

      it('amd64 + arm64 passes, judged as a darwin universal binary', async () => {
        const file = fat('app', [darwinArm64, darwinAmd64]);
        const r = await cli(['validate', file], dir);
        expect(r.stdout).toMatch(/ok\s+dist\/app\s+\[darwin\/amd64\/v1\+arm64\/v8\.0 universal/);
        expect(r.code).toBe(0);
      });

      it('an x86_64 slice holding arm64 code is reported through its build info (it passed when any slice matched)', async () => {
        expect(await findings([fat('app', [darwinArm64, relabelled()])])).toEqual({
          code: 1,
          messages: ['buildinfo: amd64 slice: built with GOARCH=arm64, target is GOARCH=amd64'],
        });
      });

      it('a slice in the wrong place, and a missing arch', async () => {
        expect(await findings([fat('app', [darwinArm64, darwinArm64], [undefined, X86_64])])).toEqual({
          code: 1,
          messages: [
            'binary-arch: slice 1 is listed as amd64 in the universal header but its image is arm64',
            'binary-arch: universal binary has no amd64 slice (it holds arm64, arm64), target is darwin/amd64, darwin/arm64/v8.0',
            'buildinfo: amd64 slice: built with GOARCH=arm64, target is GOARCH=amd64',
          ],
        });
        expect(await findings([fat('app', [darwinArm64])])).toEqual({
          code: 1,
          messages: ['binary-arch: universal binary has no amd64 slice (it holds arm64), target is darwin/amd64, darwin/arm64/v8.0'],
        });
      });

      it('inspect shows each slice with its own build info, and a misplaced slice', async () => {
        const file = fat('app', [darwinArm64, darwinArm64], [undefined, X86_64]);
        const j = JSON.parse((await cli(['inspect', '--json', file], dir)).stdout);
        expect(j.macho.images.map((i: { cpu: string; listedAs?: string; goBuildInfo: { text: string } }) => [i.cpu, i.listedAs, /GOARCH=(\w+)/.exec(i.goBuildInfo.text)?.[1]])).toEqual([
          ['arm64', undefined, 'arm64'],
          ['arm64', 'x86_64', 'arm64'],
        ]);
        const good = await cli(['inspect', fat('good', [darwinArm64, darwinAmd64])], dir);
        expect(good.stdout).toMatch(/go build info of the arm64 slice:\n(.*\n)*\s+build\tGOARCH=arm64\n/);
        expect(good.stdout).toMatch(/go build info of the x86_64 slice:\n(.*\n)*\s+build\tGOARCH=amd64\n/);
      });

      it('--goreleaser: a universal binary (goarch "all") is judged as amd64 + arm64', async () => {
        const write = () =>
          fs.writeFileSync(
            path.join(dir, 'dist', 'artifacts.json'),
            JSON.stringify([{ name: 'app', path: 'dist/app', goos: 'darwin', goarch: 'all', type: 'Binary', internal_type: 5 }]),
          );
        fat('app', [darwinArm64, darwinAmd64]);
        write();
        const good = await cli(['validate', '--goreleaser', 'dist/artifacts.json'], dir);
        expect(good.stdout).toMatch(/ok\s+dist\/app\s+\[darwin\/amd64\/v1\+arm64\/v8\.0 universal/);
        expect(good.code).toBe(0);
        fat('app', [darwinArm64]);
        const bad = await cli(['validate', '--goreleaser', 'dist/artifacts.json'], dir);
        expect(bad.stdout).toContain('universal binary has no amd64 slice');
        expect(bad.code).toBe(1);
      });

      it('--platform names the one arch expected: another slice is a finding', async () => {
        const file = fat('app', [darwinArm64, darwinAmd64]);
        expect(await findings(['--platform', 'darwin/arm64', file])).toEqual({
          code: 1,
          messages: ['binary-arch: slice 1 (amd64) is not one of the expected darwin/arm64'],
        });
      });
    });

    it('--fail-on warn turns warnings into a failing exit code', async () => {
      copy(arm64, path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ checks: { 'build-id': ['warn', { require: 'present' }] } }));
      const warnOnly = await cli(['validate', '--policy', 'p.json', 'app'], dir);
      expect(warnOnly.stderr).toContain('0 error(s), 1 warning(s)');
      expect(warnOnly.code).toBe(0);
      expect((await cli(['validate', '--policy', 'p.json', '--fail-on', 'warn', 'app'], dir)).code).toBe(1);
    });

    it('--format and --out write every report; JSON alone goes to stdout without --out', async () => {
      copy(arm64, path.join(dir, 'dist', 'linux-arm64', 'app'));
      const r = await cli(['validate', '--format', 'text,json,sarif,junit', '--out', 'reports', 'dist'], dir);
      expect(r.code).toBe(0);
      expect(fs.readdirSync(path.join(dir, 'reports')).sort()).toEqual(['gocross.json', 'gocross.junit.xml', 'gocross.sarif', 'gocross.txt']);
      const json = await cli(['validate', '--format', 'json', 'dist'], dir);
      expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: 1, ok: true, summary: { errors: 0, artifacts: 1 } });
    });

    it('--goreleaser validates each listed binary against the platform goreleaser recorded', async () => {
      copy(arm64, path.join(dir, 'dist', 'app_linux_arm64_v8.0', 'app'));
      copy(amd64, path.join(dir, 'dist', 'app_linux_amd64_v1', 'app'));
      const artifacts = [
        { name: 'app', path: 'dist/app_linux_arm64_v8.0/app', goos: 'linux', goarch: 'arm64', goarm64: 'v8.0', type: 'Binary' },
        { name: 'app', path: 'dist/app_linux_amd64_v1/app', goos: 'linux', goarch: 'amd64', goamd64: 'v1', type: 'Binary' },
        { name: 'app_1.0_linux_arm64.tar.gz', path: 'dist/app_1.0_linux_arm64.tar.gz', goos: 'linux', goarch: 'arm64', type: 'Archive' },
      ];
      fs.writeFileSync(path.join(dir, 'dist', 'artifacts.json'), JSON.stringify(artifacts));
      const good = await cli(['validate', '--goreleaser', 'dist/artifacts.json'], dir);
      expect(good.stderr).toContain('2 artifact(s) validated');
      expect(good.code).toBe(0);
      // goreleaser says riscv64 for a file that is an arm64 binary
      artifacts[0].goarch = 'riscv64';
      fs.writeFileSync(path.join(dir, 'dist', 'artifacts.json'), JSON.stringify(artifacts));
      const bad = await cli(['validate', '--goreleaser', 'dist/artifacts.json'], dir);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('binary-arch');
    });

    it('--goreleaser: a riscv64 variant recorded only in target is validated', async () => {
      const rva20 = buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: 'riscv64', GORISCV64: 'rva20u64' }, args: REPRO });
      copy(rva20, path.join(dir, 'dist', 'app_linux_riscv64_rva20u64', 'app'));
      const write = (target: string) =>
        fs.writeFileSync(
          path.join(dir, 'dist', 'artifacts.json'),
          JSON.stringify([{ name: 'app', path: 'dist/app_linux_riscv64_rva20u64/app', goos: 'linux', goarch: 'riscv64', target, type: 'Binary' }]),
        );
      write('linux_riscv64_rva20u64');
      const good = await cli(['validate', '--goreleaser', 'dist/artifacts.json'], dir);
      expect(good.stdout).toMatch(/ok\s+dist\/app_linux_riscv64_rva20u64\/app\s+\[linux\/riscv64\/rva20u64/);
      expect(good.code).toBe(0);
      write('linux_riscv64_rva22u64');
      const bad = await cli(['validate', '--goreleaser', 'dist/artifacts.json'], dir);
      expect(bad.stdout).toMatch(/\[linux\/riscv64\/rva22u64/);
      expect(bad.stdout).toContain('GORISCV64');
      expect(bad.code).toBe(1);
    });

    it('exit 2 with one line for usage and I/O errors', async () => {
      copy(arm64, path.join(dir, 'app'));
      fs.mkdirSync(path.join(dir, 'empty', 'sub'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'docs', 'sub'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'docs', 'README.md'), '# hi\n');
      fs.writeFileSync(path.join(dir, 'docs', 'sub', 'checksums.txt'), 'abc  app\n');
      fs.mkdirSync(path.join(dir, 'dist'));
      fs.writeFileSync(path.join(dir, 'dist', 'artifacts.json'), JSON.stringify([{ name: 'c', path: 'dist/checksums.txt', type: 'Checksum' }]));
      const cases: [string[], RegExp][] = [
        [['validate', 'missing-file'], /^gocross: nothing to validate: missing-file does not exist\n$/],
        [['validate', ''], /^gocross: validate: an empty path names nothing to validate\n$/],
        [['validate', 'empty'], /^gocross: nothing to validate: empty holds no files\n$/],
        [['validate', 'docs'], /^gocross: nothing to validate: docs holds only 2 non-binary file\(s\)\n$/],
        [['validate', 'docs/README.md'], /^gocross: nothing to validate: docs\/README.md is not an ELF, Mach-O, PE or ar file\n$/],
        [['validate', 'empty', 'docs'], /^gocross: nothing to validate: empty, docs hold only 2 non-binary file\(s\)\n$/],
        [['validate', '--goreleaser', 'dist/artifacts.json'], /^gocross: nothing to validate: dist\/artifacts.json lists no binaries\n$/],
        [['validate', '--platform', 'linux/nosucharch', 'app'], /^gocross: .*linux.*nosucharch/],
        [['validate', '--platform', 'linux', 'app'], /^gocross: invalid platform "linux"/],
        [['validate', '--format', 'xml', 'app'], /^gocross: unknown format "xml"/],
        [['validate'], /^gocross: validate: name at least one file or directory/],
        [['validate', '--policy', 'nope.json', 'app'], /^gocross: .*cannot read policy file/],
        [['validate', '--goreleaser', 'nope.json'], /^gocross: cannot read nope.json/],
        [['inspect', 'missing'], /^gocross: no such file: missing\n$/],
        [['explain', 'no-such-check'], /^gocross: unknown id "no-such-check": checks binary-arch, .*, input; build-failure hints cgo-foreign-asm, .*qemu-no-loader/],
        [['bogus-command'], /unknown command 'bogus-command'/],
      ];
      for (const [argv, msg] of cases) {
        const r = await cli(argv, dir);
        expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
        expect(r.stderr).toMatch(msg);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
    });

    it('exit 2 naming the JSON path of a bad policy value, and for malformed policy JSON', async () => {
      copy(arm64, path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ checks: { 'glibc-version': ['error', { max: 17 }] } }));
      const r = await cli(['validate', '--policy', 'bad.json', 'app'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('$.checks["glibc-version"][1].max');
      fs.writeFileSync(path.join(dir, 'broken.json'), '{ "checks": ');
      const b = await cli(['validate', '--policy', 'broken.json', 'app'], dir);
      expect(b.code).toBe(2);
      expect(b.stderr).toMatch(/^gocross: broken\.json/);
    });

    it('refuses a non-Go binary whose path names no platform, asking for --platform', async () => {
      copy('/bin/true', path.join(dir, 'tool'));
      const r = await cli(['validate', 'tool'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot tell the target platform of tool.*pass --platform/);
      expect((await cli(['validate', '--platform', `linux/${process.arch === 'x64' ? 'amd64' : 'arm64'}`, '--cgo', 'tool'], dir)).code).not.toBe(2);
    });
  });

  describe('inspect', () => {
    it('text and JSON views of an ELF with Go build info', async () => {
      const r = await cli(['inspect', arm64], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/machine\s+EM_AARCH64/);
      expect(r.stdout).toMatch(/interpreter\s+none \(static\)/);
      expect(r.stdout).toMatch(/build\tGOARCH=arm64/);
      const j = JSON.parse((await cli(['inspect', '--json', arm64], dir)).stdout);
      expect(j).toMatchObject({ format: 'elf', elf: { class: 64, machine: 'EM_AARCH64', needed: [] }, goBuildInfo: { path: expect.any(String) } });
      expect(j.bytesRead).toBeLessThan(j.size / 20);
    });

    itCgoHost('shows RUNPATH, NEEDED and the interpreter of a cgo binary', async () => {
      const j = JSON.parse((await cli(['inspect', '--json', cgoTmpRunpath as string], dir)).stdout);
      expect(j.elf.runpath.concat(j.elf.rpath)).toContain('/tmp/x');
      expect(j.elf.needed).toContain('libc.so.6');
      expect(j.elf.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
    });
  });

  describe('platforms and explain', () => {
    it('lists every platform with variants and their first Go release', async () => {
      const r = await cli(['platforms', '--json'], dir);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      const arm64Row = j.platforms.find((p: { platform: string }) => p.platform === 'linux/arm64');
      expect(arm64Row).toMatchObject({ variable: 'GOARM64', firstClass: true });
      expect(arm64Row.variants).toContainEqual({ value: 'v8.0', since: '1.23', supported: true });
      const riscv = j.platforms.find((p: { platform: string }) => p.platform === 'linux/riscv64');
      expect(riscv.variants).toContainEqual({ value: 'rva23u64', since: '1.25', supported: true });
      expect((await cli(['platforms'], dir)).stdout).toMatch(/\* linux\/arm64\s+cgo\s+GOARM64=v8\.0 \(go1\.23\)/);
    });

    it('explain prints the check page', async () => {
      const r = await cli(['explain', 'rpath'], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^# rpath/);
      expect(r.stdout).toContain('## What it catches');
    });

    it('explain of a former check id (elf-arch) prints the page of the check it was renamed to', async () => {
      const r = await cli(['explain', 'elf-arch'], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^# binary-arch/);
      expect(r.stdout).toBe((await cli(['explain', 'binary-arch'], dir)).stdout);
    });

    it('explain knows every check, the input pseudo-check and every build-failure hint; an unknown id lists them', async () => {
      const { checks, failures } = explainIds();
      expect(checks).toEqual(expect.arrayContaining(['binary-arch', 'exports', 'input']));
      expect(failures).toEqual([...FAILURE_IDS]);
      for (const id of [...checks, ...failures]) {
        const r = await cli(['explain', id], dir);
        expect({ id, code: r.code, stderr: r.stderr }).toEqual({ id, code: 0, stderr: '' });
        // the real page, not the metadata summary
        expect({ id, page: r.stdout.startsWith('# ') && r.stdout.includes('\n## ') }).toEqual({ id, page: true });
      }
      expect((await cli(['explain', 'input'], dir)).stdout).toMatch(/^# input/);
      expect((await cli(['explain', 'cc-not-found'], dir)).stdout).toMatch(/^# `cc-not-found`/);
      const bad = await cli(['explain', 'nope'], dir);
      expect(bad.code).toBe(2);
      for (const id of [...checks, ...failures]) expect(bad.stderr).toContain(id);
    });

    it('--version prints the package version', async () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
      for (const flag of ['--version', '-V']) {
        const r = await cli([flag], dir);
        expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
      }
    });

    it('--help for every command exits 0', async () => {
      for (const argv of [['--help'], ['validate', '--help'], ['inspect', '--help'], ['platforms', '--help'], ['explain', '--help']]) {
        const r = await cli(argv, dir);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^Usage: gocross/);
      }
    });
  });

  describe('targets', () => {
    it('reads platforms from goreleaser and gocross directory names', () => {
      expect(platformFromPath('dist/app_linux_arm64/app')).toEqual({ goos: 'linux', goarch: 'arm64' });
      expect(platformFromPath('dist/app_linux_arm_7/app')).toEqual({ goos: 'linux', goarch: 'arm', variant: '7' });
      expect(platformFromPath('dist/my_app_linux_amd64_v1/app')).toEqual({ goos: 'linux', goarch: 'amd64', variant: 'v1' });
      expect(platformFromPath('dist/apps/hello/linux-arm-7/hello')).toEqual({ goos: 'linux', goarch: 'arm', variant: '7' });
      expect(platformFromPath('dist/apps/hello/hello')).toBeUndefined();
      expect(platformFromPath('linux-arm64')).toBeUndefined(); // a file name is not a directory
    });

    it('reads every variant kind from goreleaser\'s target field', () => {
      const cases: [string, object | undefined][] = [
        ['linux_arm_7', { goos: 'linux', goarch: 'arm', variant: '7' }],
        ['linux_arm_7,softfloat', { goos: 'linux', goarch: 'arm', variant: '7,softfloat' }],
        ['linux_amd64_v3', { goos: 'linux', goarch: 'amd64', variant: 'v3' }],
        ['linux_arm64_v8.0', { goos: 'linux', goarch: 'arm64', variant: 'v8.0' }],
        ['linux_arm64_v9.1,lse,crypto', { goos: 'linux', goarch: 'arm64', variant: 'v9.1,lse,crypto' }],
        ['darwin_arm64_v8.0', { goos: 'darwin', goarch: 'arm64', variant: 'v8.0' }],
        ['linux_mips_softfloat', { goos: 'linux', goarch: 'mips', variant: 'softfloat' }],
        ['linux_mips64le_hardfloat', { goos: 'linux', goarch: 'mips64le', variant: 'hardfloat' }],
        ['linux_riscv64_rva22u64', { goos: 'linux', goarch: 'riscv64', variant: 'rva22u64' }],
        ['linux_ppc64le_power9', { goos: 'linux', goarch: 'ppc64le', variant: 'power9' }],
        ['linux_386_sse2', { goos: 'linux', goarch: '386', variant: 'sse2' }],
        ['windows_amd64', { goos: 'windows', goarch: 'amd64' }],
        ['linux_s390x_z15', undefined], // no variant variable for s390x
        ['x86_64-unknown-linux-gnu', undefined], // another builder's target
        ['linux_arm_7_x', undefined],
        ['linux__7', undefined],
      ];
      for (const [t, want] of cases) expect({ t, p: parseGoreleaserTarget(t) }).toEqual({ t, p: want });

      const entry = (extra: object) => JSON.stringify([{ type: 'Binary', name: 'app', path: 'dist/a/app', goos: 'linux', ...extra }]);
      const platformOf = (extra: object) => parseGoreleaserArtifacts(entry(extra), 'a.json')[0].platform;
      // riscv64: goreleaser 2.x records the variant only in target
      expect(platformOf({ goarch: 'riscv64', target: 'linux_riscv64_rva20u64' })).toEqual({ goos: 'linux', goarch: 'riscv64', variant: 'rva20u64' });
      // GOARM's float ABI is only in target; the field holds the version
      expect(platformOf({ goarch: 'arm', goarm: '7', target: 'linux_arm_7,softfloat' })).toEqual({ goos: 'linux', goarch: 'arm', variant: '7,softfloat' });
      expect(platformOf({ goarch: 'amd64', goamd64: 'v3' })).toEqual({ goos: 'linux', goarch: 'amd64', variant: 'v3' });
      expect(platformOf({ goarch: 'ppc64le', target: 'linux_ppc64le_power9' })).toEqual({ goos: 'linux', goarch: 'ppc64le', variant: 'power9' });
      expect(platformOf({ goarch: 'amd64', target: 'x86_64-unknown-linux-gnu' })).toEqual({ goos: 'linux', goarch: 'amd64' });
      expect(() => platformOf({ goarch: 'amd64', goamd64: 'v1', target: 'linux_amd64_v3' })).toThrow('a.json: $[0]: goamd64 "v1" and target "linux_amd64_v3" name different variants');
    });

    it('reports the JSON path of a bad artifacts.json entry', () => {
      expect(() => parseGoreleaserArtifacts('[{"type":"Binary","path":"a","goos":"linux"}]', 'dist/artifacts.json')).toThrow(
        'dist/artifacts.json: $[0].goarch must be a non-empty string',
      );
      expect(() => parseGoreleaserArtifacts('{}', 'a.json')).toThrow('a.json: $ must be an array of artifacts');
    });
  });

  describe('directory order', () => {
    // What the fast path stands for: these hold only where ICU collates with root rules.
    const rootHere = rootCollation(process.env);
    const byLocale = (names: string[]) => [...names].sort((a, b) => a.localeCompare(b));
    const names = (seed: number, n: number, chars: string): string[] => {
      let x = seed;
      const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
      return Array.from({ length: n }, () => Array.from({ length: Math.floor(rnd() * 10) }, () => chars[Math.floor(rnd() * chars.length)]).join(''));
    };

    // The locale is the user's choice, not something CI installs: skipped with the reason everywhere.
    const locale = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '';
    itIf(optional(gate(rootHere, `needs a C, POSIX or en locale (this is ${locale})`)))('plain names sort as localeCompare sorts them, without ICU', () => {
      expect(byLocale([...PLAIN_NAME_CHARS]).join('')).toBe(PLAIN_NAME_CHARS);
      for (const seed of [1, 2, 3]) {
        const n = names(seed, 3000, PLAIN_NAME_CHARS).concat(['', 'a', 'a_b', 'a-b', 'a.b', 'ab', 'hello', 'hello.exe', 'app_linux_arm_7', 'linux-arm-7']);
        expect(sortByName([...n], (s) => s)).toEqual(byLocale(n));
      }
    });

    it('other names and other locales sort with localeCompare', () => {
      const n = names(4, 500, `${PLAIN_NAME_CHARS}ABZ ~é`);
      expect(sortByName([...n], (s) => s)).toEqual(byLocale(n));
      const plain = names(5, 200, PLAIN_NAME_CHARS);
      expect(sortByName([...plain], (s) => s, { LANG: 'da_DK.UTF-8' })).toEqual(byLocale(plain));
    });

    it('ICU takes the locale from LC_ALL, LC_MESSAGES, then LANG', () => {
      const cases: [NodeJS.ProcessEnv, boolean][] = [
        [{}, true],
        [{ LANG: 'C.UTF-8' }, true],
        [{ LANG: 'POSIX' }, true],
        [{ LANG: 'en_US.UTF-8' }, true],
        [{ LANG: 'en' }, true],
        [{ LANG: 'da_DK.UTF-8' }, false],
        [{ LANG: 'en_US.UTF-8', LC_MESSAGES: 'lt_LT.UTF-8' }, false],
        [{ LANG: 'en_US.UTF-8', LC_ALL: 'da_DK.UTF-8' }, false],
        [{ LANG: 'da_DK.UTF-8', LC_ALL: 'C' }, true],
        [{ LANG: 'da_DK.UTF-8', LC_COLLATE: 'C' }, false],
        [{ LANG: 'eno' }, false],
      ];
      for (const [env, want] of cases) expect({ env, root: rootCollation(env) }).toEqual({ env, root: want });
    });
  });
});
