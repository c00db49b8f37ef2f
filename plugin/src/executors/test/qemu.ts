/**
 * Running foreign Linux binaries under qemu-user (no binfmt_misc needed): which qemu serves a
 * platform or an ELF file, which sysroot a dynamic binary needs, and how `go test -exec` is told.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cTriple } from '../../platforms/arch';
import { qemuProgram, runsNatively, type ElfMachineInfo } from '../../platforms/qemu';
import type { Libc, Platform } from '../../platforms/types';

export type RunMethod =
  | { kind: 'native' }
  | { kind: 'qemu'; qemu: string; qemuPath: string; sysroot?: string }
  | { kind: 'unavailable'; reason: string; fix?: string };

/**
 * How binaries of a platform run here: natively, under a qemu-user found on PATH (with the
 * target's sysroot for dynamic binaries when present), or not at all (with the reason and the
 * command that fixes it).
 */
export function runMethod(req: {
  platform: Platform;
  libc?: Libc;
  hostGoos: string;
  hostGoarch: string;
  which: (cmd: string) => string | undefined;
  /** Explicit qemu program (option). */
  qemu?: string;
  /** Explicit sysroot (option). */
  sysroot?: string;
  exists?: (p: string) => boolean;
}): RunMethod {
  const p = req.platform;
  const exists = req.exists ?? fs.existsSync;
  if (runsNatively(p, req.hostGoos, req.hostGoarch)) return { kind: 'native' };
  if (p.goos !== 'linux' || req.hostGoos !== 'linux') {
    return {
      kind: 'unavailable',
      reason: `${p.goos}/${p.goarch} binaries cannot run on this ${req.hostGoos}/${req.hostGoarch} machine (qemu-user runs Linux binaries on Linux only)`,
    };
  }
  const qemu = req.qemu ?? qemuProgram(p.goarch);
  if (!qemu) return { kind: 'unavailable', reason: `no qemu-user emulator is known for GOARCH=${p.goarch}` };
  const qemuPath = req.which(qemu);
  if (!qemuPath) {
    return {
      kind: 'unavailable',
      reason: `${qemu} is not installed`,
      // Debian ships qemu-<arch> in qemu-user and qemu-<arch>-static in qemu-user-static; another program is the user's own.
      fix: /^qemu-\w+-static$/.test(qemu)
        ? 'apt-get install -y qemu-user-static'
        : /^qemu-\w+$/.test(qemu)
          ? 'apt-get install -y qemu-user'
          : `install ${qemu}, or point the qemu option at an emulator on PATH`,
    };
  }
  let sysroot = req.sysroot;
  if (!sysroot) {
    const triple = cTriple(p, req.libc ?? 'glibc');
    if (triple && exists(`/usr/${triple}`)) sysroot = `/usr/${triple}`;
  }
  return sysroot ? { kind: 'qemu', qemu, qemuPath, sysroot } : { kind: 'qemu', qemu, qemuPath };
}

/** What the ELF header of a file says about running it. */
export interface ElfRunInfo extends ElfMachineInfo {
  /** PT_INTERP contents, when the file is dynamically linked. */
  interp?: string;
}

/**
 * Reads e_ident, e_machine and PT_INTERP of an ELF file (nothing else). Returns undefined for
 * a file that is not ELF.
 */
export function peekElf(file: string): ElfRunInfo | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const n = fs.readSync(fd, head, 0, 64, 0);
    if (n < 52 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const is64 = head[4] === 2;
    const le = head[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const machine = u16(head, 18);
    const phoff = is64 ? u64(head, 32) : u32(head, 28);
    const phentsize = u16(head, is64 ? 54 : 42);
    const phnum = u16(head, is64 ? 56 : 44);
    let interp: string | undefined;
    if (phnum > 0 && phnum < 4096 && phentsize >= (is64 ? 56 : 32)) {
      const ph = Buffer.alloc(phentsize * phnum);
      fs.readSync(fd, ph, 0, ph.length, phoff);
      for (let i = 0; i < phnum; i++) {
        const o = i * phentsize;
        if (u32(ph, o) !== 3 /* PT_INTERP */) continue;
        const off = is64 ? u64(ph, o + 8) : u32(ph, o + 4);
        const size = is64 ? u64(ph, o + 32) : u32(ph, o + 16);
        if (size > 0 && size < 4096) {
          const b = Buffer.alloc(size);
          fs.readSync(fd, b, 0, size, off);
          interp = b.toString('latin1').replace(/\0+$/, '');
        }
        break;
      }
    }
    return { machine, is64, littleEndian: le, interp };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Path of the `go test -exec` wrapper shipped with the package. It is plain JavaScript in a
 * `files/` directory so it runs as is from the sources and from dist.
 */
export function qemuExecScript(): string {
  return path.join(__dirname, 'files', 'qemu-exec.js');
}

/** Quotes one field for go's -exec splitting (cmd/internal/quoted). */
export function quoteField(s: string): string {
  if (s !== '' && !/[\s'"]/.test(s)) return s;
  if (!s.includes("'")) return `'${s}'`;
  if (!s.includes('"')) return `"${s}"`;
  throw new Error(`cannot pass ${JSON.stringify(s)} to go -exec: it contains both quote characters`);
}

/**
 * The `-exec` value and extra environment for `go test` / running a binary: node + the wrapper
 * script, which picks qemu from the ELF header and adds `-L <sysroot>` for dynamic binaries.
 */
export function execCommand(method: Extract<RunMethod, { kind: 'qemu' }>, cpu?: string): { argv: string[]; env: Record<string, string> } {
  const argv = [process.execPath, qemuExecScript()];
  const env: Record<string, string> = { GOCROSS_QEMU: method.qemuPath };
  if (cpu) env.GOCROSS_QEMU_CPU = cpu;
  if (method.sysroot) env.GOCROSS_QEMU_SYSROOT = method.sysroot;
  return { argv, env };
}
