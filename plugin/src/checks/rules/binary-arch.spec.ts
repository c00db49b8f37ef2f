/**
 * binary-arch on real artifacts: each good build passes; binaries built for another arch or
 * GOOS, found in another platform's directory, or with ABI flags patched into copies of real
 * binaries, are reported. Also: the former id `elf-arch` still configures the rule.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { all, haveGo, haveTools, itIf } from '../../test-utils/gates';
import { loadPolicy } from '../policy';
import { findCheck } from '../registry';
import { cgo, GOOD, hello, scratchDir } from '../test-utils/artifacts';
import { ruleTester } from '../test-utils/rule-tester';
import { lines, target, validate } from '../test-utils/run';
import { binaryArch } from './binary-arch';

const scratch = scratchDir('gocross-flags-');
afterAll(() => scratch.cleanup());

/** A copy of a real ELF binary with e_flags replaced. */
function patched(src: string, name: string, flags: number): string {
  const b = fs.readFileSync(src);
  const off = b[4] === 2 ? 0x30 : 0x24; // e_flags in ELF64 / ELF32 headers
  if (b[5] === 2) b.writeUInt32BE(flags >>> 0, off);
  else b.writeUInt32LE(flags >>> 0, off);
  const out = path.join(scratch.dir(), name);
  fs.writeFileSync(out, b);
  return out;
}

const go = haveGo();

ruleTester(binaryArch, {
  valid: GOOD,
  invalid: [
    {
      name: 'a linux/mipsle binary for a linux/mips target (near twin)',
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 'mipsle' }),
      target: target('linux/mips'),
      errors: [/^built for GOARCH=mipsle, target is linux\/mips/],
    },
    {
      name: 'a linux/s390x binary for a linux/ppc64 target (near twin)',
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 's390x' }),
      target: target('linux/ppc64'),
      errors: [/^built for GOARCH=s390x, target is linux\/ppc64/],
    },
    {
      name: 'an arm64 binary for a linux/amd64 target',
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 'arm64' }),
      target: target('linux/amd64'),
      errors: [{ message: 'built for GOARCH=arm64, target is linux/amd64 (EM_X86_64 64-bit little-endian)', fix: /GOARCH=amd64/ }],
    },
    {
      name: 'a 32-bit arm binary for arm64',
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 'arm', GOARM: '7' }),
      target: target('linux/arm64'),
      errors: [/^built for GOARCH=arm,/],
    },
    {
      name: 'a riscv64 binary for arm',
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 'riscv64' }),
      target: target('linux/arm/7'),
      errors: [/^built for GOARCH=riscv64/],
    },
    {
      name: 'a PE file for linux (wrong container format for the GOOS)',
      gate: go,
      artifact: () => hello({ GOOS: 'windows', GOARCH: 'amd64' }),
      target: target('linux/amd64'),
      errors: [/is a PE file but GOOS=linux runs ELF binaries/],
    },
    {
      name: 'an ELF file for windows',
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 'amd64' }),
      target: target('windows/amd64'),
      errors: [/ELF file but GOOS=windows runs PE/],
    },
    {
      name: 'a Mach-O arm64 binary for darwin/amd64 (Mach-O CPU type)',
      gate: go,
      artifact: () => hello({ GOOS: 'darwin', GOARCH: 'arm64' }),
      target: target('darwin/amd64'),
      errors: ['Mach-O built for arm64, target is darwin/amd64'],
    },
    {
      name: 'a PE arm64 binary for windows/amd64 (PE machine)',
      gate: go,
      artifact: () => hello({ GOOS: 'windows', GOARCH: 'arm64' }),
      target: target('windows/amd64'),
      errors: ['PE built for arm64, target is windows/amd64'],
    },
    {
      name: "an artifact in another platform's output directory",
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 'amd64' }),
      target: target('linux/amd64'),
      expectedPlatform: { goos: 'linux', goarch: 'arm64' },
      errors: ['artifact lives in the linux/arm64 output directory but its target is linux/amd64'],
    },
    {
      name: 'RISC-V soft-float ABI flags patched into a copy of a real riscv64 binary',
      gate: go,
      artifact: () => patched(hello({ GOOS: 'linux', GOARCH: 'riscv64' }), 'rv', 0x1),
      target: target('linux/riscv64'),
      errors: ['RISC-V soft-float ABI (e_flags 0x1); Go on riscv64 uses the double-float (lp64d) ABI'],
    },
    {
      name: 'ARM EABI4 flags patched into a copy of a real arm binary',
      gate: go,
      artifact: () => patched(hello({ GOOS: 'linux', GOARCH: 'arm', GOARM: '7' }), 'arm', 0x04000002),
      target: target('linux/arm/7'),
      errors: ['ARM EABI version 4 (e_flags 0x4000002), expected EABI5'],
    },
    {
      name: 'a MIPS O64 ABI field patched into a copy of a real mipsle binary',
      gate: go,
      artifact: () => patched(hello({ GOOS: 'linux', GOARCH: 'mipsle' }), 'mipsle', 0x50002004),
      target: target('linux/mipsle'),
      errors: ['MIPS ABI field 0x2000 (e_flags 0x50002004); Go on mipsle uses O32'],
    },
    {
      name: 'an armhf cgo binary for a soft-float target',
      gate: all(go, haveTools('arm-linux-gnueabihf-gcc')),
      artifact: () => cgo('arm-linux-gnueabihf-gcc', { GOARCH: 'arm', GOARM: '7' }),
      target: target('linux/arm/5', { cgo: true }),
      errors: [/hard-float ABI binary \(e_flags 0x5000400\) for a soft-float target linux\/arm\/5/],
    },
  ],
});

describe('binary-arch: the former id elf-arch', () => {
  it('resolves to binary-arch in the registry, with its docs page', () => {
    expect(findCheck('elf-arch')).toBe(findCheck('binary-arch'));
    expect(binaryArch.meta).toMatchObject({ id: 'binary-arch', aliases: ['elf-arch'], docs: 'docs/checks/binary-arch.md' });
  });

  it('a policy entry under elf-arch is filed under binary-arch', () => {
    expect(loadPolicy({ checks: { 'elf-arch': 'warn' } }, 'p.json').checks).toEqual({ 'binary-arch': { setting: 'warn', params: {} } });
    expect(() => loadPolicy({ checks: { 'elf-arch': ['error', { x: 1 }] } }, 'p.json')).toThrow(/takes no parameters/);
    expect(() => loadPolicy({ checks: { 'elf-arch': 'off', 'binary-arch': 'error' } }, 'p.json')).toThrow(
      /\$\.checks\["binary-arch"\]: names the same check as "elf-arch" \("elf-arch" is the former id of "binary-arch"\)/,
    );
  });

  itIf(go)('"elf-arch": "off" silences binary-arch and "warn" downgrades it, on a real wrong-arch binary', async () => {
    const file = hello({ GOOS: 'linux', GOARCH: 'arm64' });
    const t = target('linux/amd64');
    expect(lines(await validate(file, t, { checks: [binaryArch], policy: { checks: { 'elf-arch': 'off' } } }))).toEqual([]);
    expect(lines(await validate(file, t, { checks: [binaryArch], policy: { checks: { 'elf-arch': 'warn' } } }))).toEqual([
      'warn binary-arch: built for GOARCH=arm64, target is linux/amd64 (EM_X86_64 64-bit little-endian)',
    ]);
    // A hand-made policy (not read by loadPolicy) under the former id works too.
    expect(lines(await validate(file, t, { checks: [binaryArch], policy: { sources: ['x'], checks: { 'elf-arch': { setting: 'off', params: {} } } } }))).toEqual([]);
  });
});
