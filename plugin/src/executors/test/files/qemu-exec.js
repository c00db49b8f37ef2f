#!/usr/bin/env node
'use strict';
/**
 * `go test -exec` / `go run -exec` wrapper: runs a foreign Linux binary under qemu-user.
 *
 *   node qemu-exec.js <binary> [args...]
 *
 * The emulator is $GOCROSS_QEMU when set, else `qemu-<arch>` chosen from the binary's ELF header
 * (machine, class, byte order). A dynamically linked binary (one with PT_INTERP) gets
 * `-L $GOCROSS_QEMU_SYSROOT` so qemu finds the target's loader and libc; binfmt_misc is not
 * needed. $GOCROSS_QEMU_CPU, when set, is passed as `-cpu` (emulate the device's CPU). The binary's exit status is passed through (128 + signal number when killed).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const SIGNALS = require('node:os').constants.signals;

function elfInfo(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const h = Buffer.alloc(64);
    if (fs.readSync(fd, h, 0, 64, 0) < 52 || h.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const is64 = h[4] === 2;
    const le = h[5] === 1;
    const u16 = (b, o) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b, o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const machine = u16(h, 18);
    const phoff = is64 ? Number(le ? h.readBigUInt64LE(32) : h.readBigUInt64BE(32)) : u32(h, 28);
    const phentsize = u16(h, is64 ? 54 : 42);
    const phnum = u16(h, is64 ? 56 : 44);
    let dynamic = false;
    if (phnum > 0 && phnum < 4096 && phentsize > 0) {
      const ph = Buffer.alloc(phentsize * phnum);
      fs.readSync(fd, ph, 0, ph.length, phoff);
      for (let i = 0; i < phnum; i++) if (u32(ph, i * phentsize) === 3) dynamic = true;
    }
    return { machine, is64, le, dynamic };
  } finally {
    fs.closeSync(fd);
  }
}

function qemuFor(info) {
  const le = info.le;
  switch (info.machine) {
    case 183: return le ? 'qemu-aarch64' : 'qemu-aarch64_be';
    case 40: return le ? 'qemu-arm' : 'qemu-armeb';
    case 243: return info.is64 ? 'qemu-riscv64' : 'qemu-riscv32';
    case 22: return 'qemu-s390x';
    case 21: return le ? 'qemu-ppc64le' : 'qemu-ppc64';
    case 20: return 'qemu-ppc';
    case 8: return info.is64 ? (le ? 'qemu-mips64el' : 'qemu-mips64') : le ? 'qemu-mipsel' : 'qemu-mips';
    case 62: return 'qemu-x86_64';
    case 3: return 'qemu-i386';
    case 258: return 'qemu-loongarch64';
    default: return undefined;
  }
}

function main() {
  const [binary, ...args] = process.argv.slice(2);
  if (!binary) {
    process.stderr.write('usage: qemu-exec.js <binary> [args...]\n');
    return 2;
  }
  let info;
  try {
    info = elfInfo(binary);
  } catch (e) {
    process.stderr.write(`qemu-exec: cannot read ${binary}: ${e.message}\n`);
    return 126;
  }
  const qemu = process.env.GOCROSS_QEMU || (info && qemuFor(info));
  if (!qemu) {
    process.stderr.write(`qemu-exec: ${binary} is not an ELF binary for an architecture qemu-user emulates\n`);
    return 126;
  }
  const argv = [];
  if (process.env.GOCROSS_QEMU_CPU) argv.push('-cpu', process.env.GOCROSS_QEMU_CPU);
  const sysroot = process.env.GOCROSS_QEMU_SYSROOT;
  if (sysroot && info && info.dynamic) argv.push('-L', sysroot);
  argv.push(binary, ...args);
  const child = spawn(qemu, argv, { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGQUIT']) {
    process.on(sig, () => child.kill(sig));
  }
  child.on('error', (e) => {
    process.stderr.write(`qemu-exec: cannot start ${qemu}: ${e.message} (apt-get install -y qemu-user)\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    process.exit(code !== null ? code : 128 + (SIGNALS[signal] || 0));
  });
  return undefined;
}

const rc = main();
if (rc !== undefined) process.exit(rc);
