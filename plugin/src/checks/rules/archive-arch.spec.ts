/**
 * archive-arch on real objects and archives: C objects and archives compiled for another arch,
 * COFF .syso files, Go package archives and c-archives of another platform; the rename its fix
 * names keeps a foreign .syso out of the link.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { all, haveGo, haveTools, itIf } from '../../test-utils/gates';
import { GOOD, scratchDir } from '../test-utils/artifacts';
import { buildFixture, compileC, cSharedLib } from '../test-utils/fixtures';
import { ruleTester } from '../test-utils/rule-tester';
import { lines, target, validate } from '../test-utils/run';
import { archiveArch, sysoNameFor } from './archive-arch';

const VENDORED = 'int vendored_add(int a, int b) { return a + b; }\n';
const cross = all(haveTools('gcc', 'aarch64-linux-gnu-gcc', 'ar'));
const coffTools = all(haveTools('gcc', 'aarch64-linux-gnu-gcc', 'objcopy'));
const scratch = scratchDir('gocross-coff-');
afterAll(() => scratch.cleanup());

/** A COFF object made from an ELF one by objcopy (the way resource .syso files are COFF). */
function coff(cc: string, bfd: string, name: string): string {
  const elfObj = compileC(cc, 'int resource_blob(void) { return 1; }\n', 'r.o');
  const dir = path.join(scratch.dir(), name);
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'rsrc.syso');
  if (!fs.existsSync(out)) {
    const r = spawnSync('objcopy', ['-O', bfd, elfObj, out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`objcopy failed: ${r.stderr}`);
  }
  return out;
}
const x64Coff = () => coff('gcc', 'pe-x86-64', 'x64');
const a64Coff = () => coff('aarch64-linux-gnu-gcc', 'pe-aarch64-little', 'a64');
const elfSyso = () => compileC('gcc', 'int f(void) { return 1; }\n', 'x.syso');
const goLib = () =>
  buildFixture({
    files: { 'go.mod': 'module example.com/lib\n\ngo 1.22\n', 'lib.go': 'package lib\n\nfunc Twice(x int) int { return 2 * x }\n' },
    env: { GOOS: 'linux', GOARCH: 'arm64' },
    args: ['-trimpath'],
    out: 'lib.a',
  });
const cArchiveArm64 = () =>
  buildFixture({ files: cSharedLib(false), env: { CGO_ENABLED: '1', CC: 'aarch64-linux-gnu-gcc', GOARCH: 'arm64' }, args: ['-trimpath', '-buildmode=c-archive'], out: 'libadd.a' });
const cArchiveGate = all(haveGo(), haveTools('aarch64-linux-gnu-gcc'));

ruleTester(archiveArch, {
  valid: [
    ...GOOD,
    { name: 'an arm64 .syso in an arm64 project (every rule)', gate: cross, artifact: () => compileC('aarch64-linux-gnu-gcc', VENDORED, 'vendor_linux.syso'), target: target('linux/arm64'), allRules: true },
    { name: 'an arm64 .a in an arm64 project (every rule)', gate: cross, artifact: () => compileC('aarch64-linux-gnu-gcc', VENDORED, 'libvendor.a'), target: target('linux/arm64'), allRules: true },
    { name: 'an arm64 COFF .syso in a windows/arm64 build (every rule)', gate: coffTools, artifact: a64Coff, target: target('windows/arm64'), allRules: true },
    { name: 'a Go package archive for linux/arm64 in a linux/arm64 link (every rule)', gate: haveGo(), artifact: goLib, target: target('linux/arm64'), allRules: true },
    { name: 'a c-archive for arm64 validated as arm64 (every rule)', gate: cArchiveGate, artifact: cArchiveArm64, target: target('linux/arm64', { cgo: true, buildmode: 'c-archive' }), allRules: true },
  ],
  invalid: [
    {
      name: 'an x86-64 .syso in an arm64 project (every rule)',
      gate: cross,
      artifact: () => compileC('gcc', VENDORED, 'vendor_linux.syso'),
      target: target('linux/arm64'),
      allRules: true,
      errors: ['object is an amd64 ELF object, target is linux/arm64'],
    },
    {
      name: 'an x86-64 .a in an arm64 project (every rule)',
      gate: cross,
      artifact: () => compileC('gcc', VENDORED, 'libvendor.a'),
      target: target('linux/arm64'),
      allRules: true,
      errors: ['member x.o is an amd64 ELF object, target is linux/arm64'],
    },
    {
      name: 'an amd64 COFF .syso in a windows/arm64 build (every rule)',
      gate: coffTools,
      artifact: x64Coff,
      target: target('windows/arm64'),
      allRules: true,
      errors: [{ message: 'object is a COFF object for amd64, target is windows/arm64', fix: /, or rename it to rsrc_windows_amd64\.syso so only windows\/amd64 builds link it$/ }],
    },
    {
      name: 'a COFF .syso in a linux build (every rule)',
      gate: coffTools,
      artifact: x64Coff,
      target: target('linux/amd64'),
      allRules: true,
      errors: ['object is a COFF object, but GOOS=linux links ELF objects, target is linux/amd64'],
    },
    {
      name: 'an ELF .syso in a windows build (every rule)',
      gate: haveTools('gcc'),
      artifact: elfSyso,
      target: target('windows/amd64'),
      allRules: true,
      errors: [{ message: 'object is an ELF object, but GOOS=windows links COFF objects, target is windows/amd64', fix: /, or rename it to x_linux_amd64\.syso so only linux\/amd64 builds link it$/ }],
    },
    {
      // The export data (__.PKGDEF) and the code (_go_.o) both carry the header.
      name: 'a Go package archive for linux/arm64 in a linux/amd64 link',
      gate: haveGo(),
      artifact: goLib,
      target: target('linux/amd64'),
      unordered: true,
      errors: ['member __.PKGDEF is a Go object for linux/arm64, target is linux/amd64', 'member _go_.o is a Go object for linux/arm64, target is linux/amd64'],
    },
    {
      name: 'a Go package archive for linux/arm64 in a windows/arm64 link',
      gate: haveGo(),
      artifact: goLib,
      target: target('windows/arm64'),
      unordered: true,
      errors: [/is a Go object for linux\/arm64, target is windows\/arm64/, /is a Go object for linux\/arm64, target is windows\/arm64/],
    },
  ],
});

describe('archive-arch: more on real archives and objects', () => {
  itIf(cArchiveGate)('a c-archive built for arm64 validated as amd64 names Go and C members', async () => {
    const r = await validate(cArchiveArm64(), target('linux/amd64', { cgo: true, buildmode: 'c-archive' }), { checks: [archiveArch] });
    expect(r.findings.length).toBeGreaterThan(1);
    expect(lines(r).every((l) => /member \S+ is an arm64 ELF object, target is linux\/amd64/.test(l))).toBe(true);
  });

  it('the rename a fix names for .syso files of another OS or format', () => {
    expect(sysoNameFor('libs/app/rsrc.syso', 'windows', 'amd64')).toBe('rsrc_windows_amd64.syso');
    expect(sysoNameFor('vendor_linux.syso', 'linux', 'amd64')).toBe('vendor_linux_amd64.syso');
  });

  itIf(all(haveGo(), haveTools('gcc')))('the rename the fix names keeps a foreign .syso out of the link (go build fails before, passes after)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-syso-'));
    try {
      fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/syso\n\ngo 1.22\n');
      fs.writeFileSync(path.join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
      const syso = path.join(dir, 'vendor_linux.syso');
      fs.copyFileSync(compileC('gcc', VENDORED, 'vendor_linux.syso'), syso);
      const [f] = (await validate(syso, target('linux/arm64'), { checks: [archiveArch] })).findings;
      expect(f.fix).toBe('rebuild it for arm64, or rename it to vendor_linux_amd64.syso so only linux/amd64 builds link it');
      const env = { ...process.env, GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', GOFLAGS: '' };
      const build = () => spawnSync('go', ['build', '-o', os.devNull, '.'], { cwd: dir, env, encoding: 'utf8' });
      const before = build();
      expect(before.status).not.toBe(0);
      expect(before.stderr).toMatch(/elf object but not arm64/);
      fs.renameSync(syso, path.join(dir, /rename it to (\S+)/.exec(f.fix)![1]));
      const after = build();
      expect(after.stderr).toBe('');
      expect(after.status).toBe(0);
      // The renamed object still links where it belongs.
      expect(spawnSync('go', ['build', '-o', os.devNull, '.'], { cwd: dir, env: { ...env, GOARCH: 'amd64' }, encoding: 'utf8' }).status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
