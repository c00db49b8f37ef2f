/**
 * qemu-user naming: which `qemu-<arch>` program runs a GOARCH's Linux binaries or an ELF file
 * of a given machine, class and byte order, and which platforms run natively on a host.
 * Names only; finding and starting the emulator is the test/run executors' business.
 */
import { EM_AARCH64, EM_ARM, EM_PPC, EM_RISCV } from '../binary/elf-names';
import { ARCHES, archFacts } from './arch';
import type { Platform } from './types';

/** qemu-user program suffix per GOARCH (`qemu-<suffix>`). */
export const QEMU_BY_GOARCH: Readonly<Record<string, string>> = Object.fromEntries(ARCHES.map((r) => [r.goarch, r.qemu]));

/** The qemu-user program for a GOARCH (`qemu-aarch64`), or undefined when qemu has none. */
export function qemuProgram(goarch: string): string | undefined {
  const a = archFacts(goarch)?.qemu;
  return a ? `qemu-${a}` : undefined;
}

/** Whether the host can run binaries of `p` natively (same arch, or 386 on amd64, arm on arm64 is not assumed). */
export function runsNatively(p: Platform, hostGoos: string, hostGoarch: string): boolean {
  if (p.goos !== hostGoos) return false;
  if (p.goarch === hostGoarch) return true;
  return hostGoos === 'linux' && hostGoarch === 'amd64' && p.goarch === '386';
}

/** What the ELF header says about the machine a file is for. */
export interface ElfMachineInfo {
  machine: number;
  is64: boolean;
  littleEndian: boolean;
}

/** qemu-user arches of ELF machines no GOARCH uses (big-endian aarch64 and arm, riscv32, 32-bit PowerPC). */
function nonGoQemuArch(info: ElfMachineInfo): string | undefined {
  if (info.machine === EM_AARCH64 && !info.littleEndian) return 'aarch64_be';
  if (info.machine === EM_ARM && !info.littleEndian) return 'armeb';
  if (info.machine === EM_RISCV && !info.is64) return 'riscv32';
  if (info.machine === EM_PPC) return 'ppc';
  return undefined;
}

/**
 * The qemu-user suffix for an ELF machine/class/byte order (`aarch64`, `mips64el`, …): the
 * GOARCH row of that machine, told apart by byte order and then class where the machine has
 * several; machines that only have one row match whatever the class (x32 runs under qemu-x86_64).
 */
export function qemuSuffixForElf(info: ElfMachineInfo): string | undefined {
  const other = nonGoQemuArch(info);
  if (other) return other;
  let rows = ARCHES.filter((r) => r.elf.machine === info.machine);
  if (rows.length > 1) rows = rows.filter((r) => r.elf.data === (info.littleEndian ? 'little' : 'big'));
  if (rows.length > 1) rows = rows.filter((r) => r.elf.class === (info.is64 ? 64 : 32));
  return rows.length === 1 ? rows[0].qemu : undefined;
}
