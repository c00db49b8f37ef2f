import { spawnSync } from 'node:child_process';

/**
 * Packages apt can install by that name: a real package (`apt-cache show` prints its stanza) or
 * a virtual one some package provides (gcc-x86-64-linux-gnu on an amd64 machine is gcc).
 */
export function aptInstallable(pkgs: string[]): string[] {
  const show = spawnSync('apt-cache', ['show', '--no-all-versions', ...pkgs], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const real = new Set([...show.stdout.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
  return pkgs.filter((p) => {
    if (real.has(p)) return true;
    const sp = spawnSync('apt-cache', ['showpkg', p], { encoding: 'utf8' });
    const provides = /^Reverse Provides: *\n(\S.*)/m.exec(sp.stdout);
    return provides !== null;
  });
}
