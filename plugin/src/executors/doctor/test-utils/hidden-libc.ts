/**
 * A Debian cross gcc as it is on a machine where `gcc-<triple>` is installed but
 * `libc6-dev-<arch>-cross` is not (it is only a Recommends).
 *
 * Debian's cross gcc finds the target's headers and crt files relative to its own install
 * directory (`/usr/lib/gcc-cross/<triple>/<ver>/../../../../<triple>/{include,lib}`), not through
 * `--sysroot`, so `--sysroot=/nonexistent` hides nothing. Instead the real driver binary is copied
 * into a new prefix that holds symlinks to gcc's own files (cc1, collect2, libgcc, its include/)
 * and to the cross binutils (`<triple>/bin`), but no `<triple>/include` and no `<triple>/lib`:
 * gcc then fails exactly as on such a machine (`bits/wordsize.h: No such file or directory`,
 * `cannot find crt1.o`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Builds the prefix under `dir` and returns the compiler's absolute path; undefined when `<triple>-gcc` is not installed. */
export function compilerWithoutTargetLibc(triple: string, dir: string, which: (cmd: string) => string | undefined): string | undefined {
  const gcc = which(`${triple}-gcc`);
  if (!gcc) return undefined;
  const version = spawnSync(gcc, ['-dumpversion'], { encoding: 'utf8' }).stdout.trim();
  const libDir = `/usr/lib/gcc-cross/${triple}/${version}`;
  if (!version || !fs.existsSync(libDir)) throw new Error(`${gcc}: no ${libDir}; not a Debian cross gcc`);
  const prefix = path.join(dir, `${triple}-no-libc`);
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
  for (const kind of ['lib', 'libexec']) {
    const real = `/usr/${kind}/gcc-cross/${triple}/${version}`;
    if (!fs.existsSync(real)) continue;
    const mine = path.join(prefix, kind, 'gcc-cross', triple, version);
    fs.mkdirSync(mine, { recursive: true });
    for (const e of fs.readdirSync(real)) fs.symlinkSync(path.join(real, e), path.join(mine, e));
  }
  fs.mkdirSync(path.join(prefix, triple), { recursive: true });
  fs.symlinkSync(`/usr/${triple}/bin`, path.join(prefix, triple, 'bin'));
  const cc = path.join(prefix, 'bin', `${triple}-gcc`);
  fs.copyFileSync(fs.realpathSync(gcc), cc);
  fs.chmodSync(cc, 0o755);
  return cc;
}
