/**
 * The `apt-get install -y PKG` commands printed for a missing C compiler (build, test and run
 * failure hints) and for a missing emulator (test and run targets): PKG is a real package here
 * (`apt-cache show` prints its stanza, so apt installs that name and not a virtual one), and where
 * this machine has the program installed, `dpkg -S` says PKG is the package that holds it.
 * Nothing is installed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlatform } from '../../platforms/platform';
import { runMethod } from '../test/qemu';
import { explainGoFailure } from './explain';
import { which } from './go';
import { haveTools, itIf } from '../../test-utils/gates';

const pkgOf = (fix: string | undefined) => /apt-get install -y (\S+)/.exec(fix ?? '')?.[1];

/** The packages apt-cache show knows by that exact name (one call: it reads the lists each time). */
function realPackages(pkgs: string[]): Set<string> {
  const r = spawnSync('apt-cache', ['show', '--no-all-versions', ...pkgs], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return new Set([...r.stdout.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
}

/** The package dpkg says holds a program on PATH, or undefined when the program is not installed. */
function ownerOf(program: string): string | undefined {
  const file = which(program, process.env);
  if (!file) return undefined;
  return /^([\w.+-]+)(?::\w+)?: /m.exec(spawnSync('dpkg', ['-S', file], { encoding: 'utf8' }).stdout)?.[1];
}

const hostGoarch = ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', riscv64: 'riscv64', s390x: 's390x', ppc64: 'ppc64le' } as Record<string, string>)[process.arch];

describe('apt-get install hints name the package that holds the program', () => {
  // The compiler each platform's cc-not-found hint makes gocross use, and the package the hint installs (where that compiler is not installed).
  const cases: { platform: string; program: string }[] = [
    { platform: 'linux/arm64', program: 'aarch64-linux-gnu-gcc' },
    { platform: 'linux/arm', program: 'arm-linux-gnueabihf-gcc' },
    { platform: 'linux/riscv64', program: 'riscv64-linux-gnu-gcc' },
    { platform: 'linux/386', program: 'i686-linux-gnu-gcc' },
    { platform: 'linux/ppc64le', program: 'powerpc64le-linux-gnu-gcc' },
    { platform: `linux/${hostGoarch}`, program: 'gcc' },
  ];
  const output = 'cgo: C compiler "nowhere-gcc" not found: exec: "nowhere-gcc": executable file not found in $PATH\n';

  itIf(haveTools('apt-cache', 'dpkg'))('cc-not-found: the C compiler package of each platform, and gcc for this machine', () => {
    const named = cases.map(({ platform, program }) => {
      const p = parsePlatform(platform);
      const [h] = explainGoFailure(output, { goos: p.goos, goarch: p.goarch, cgo: true, cc: 'nowhere-gcc', which: () => undefined });
      expect(h.id).toBe('cc-not-found');
      return { platform, program, pkg: pkgOf(h.fix) };
    });
    expect(named.find((n) => n.program === 'gcc')?.pkg).toBe('gcc');
    const real = realPackages(named.map((n) => n.pkg ?? 'none'));
    expect(named.filter((n) => !n.pkg || !real.has(n.pkg))).toEqual([]);
    for (const n of named) {
      const owner = ownerOf(n.program);
      // gcc-<triple> of the host arch is provided by gcc, which holds <triple>-gcc there.
      if (owner) expect([n.platform, owner]).toEqual([n.platform, n.program === 'gcc' ? 'gcc' : n.pkg]);
    }
  });

  itIf(haveTools('apt-cache', 'dpkg'))('a missing qemu: qemu-user for qemu-<arch>, qemu-user-static for qemu-<arch>-static', () => {
    const fixOf = (qemu?: string) => {
      const m = runMethod({ platform: parsePlatform('linux/riscv64'), hostGoos: 'linux', hostGoarch: 'amd64', which: () => undefined, qemu });
      return m.kind === 'unavailable' ? m.fix : undefined;
    };
    expect(fixOf()).toBe('apt-get install -y qemu-user');
    expect(fixOf('qemu-riscv64-static')).toBe('apt-get install -y qemu-user-static');
    expect(fixOf('/opt/emu/run-riscv')).toBe('install /opt/emu/run-riscv, or point the qemu option at an emulator on PATH');
    const real = realPackages(['qemu-user', 'qemu-user-static']);
    expect([...real].sort()).toEqual(['qemu-user', 'qemu-user-static']);
    for (const program of ['qemu-aarch64', 'qemu-riscv64', 'qemu-arm']) {
      const owner = ownerOf(program);
      if (owner) expect(owner).toBe('qemu-user');
    }
    const owner = ownerOf('qemu-riscv64-static');
    if (owner) expect(owner).toBe('qemu-user-static');
  });
});

describe('apt-get install commands of the check and failure pages', () => {
  itIf(haveTools('apt-cache'))('every package they install is a real package', () => {
    const docs = path.resolve(__dirname, '../../../../docs');
    const named: { page: string; pkg: string }[] = [];
    for (const dir of ['checks', 'failures']) {
      for (const f of fs.readdirSync(path.join(docs, dir)).filter((n) => n.endsWith('.md'))) {
        const text = fs.readFileSync(path.join(docs, dir, f), 'utf8');
        for (const m of text.matchAll(/apt-get install -y ((?:[a-z0-9][\w.+-]*[ \t]*)+)/g)) {
          for (const pkg of m[1].trim().split(/\s+/)) named.push({ page: `${dir}/${f}`, pkg });
        }
      }
    }
    expect(named.length).toBeGreaterThan(3);
    const real = realPackages([...new Set(named.map((n) => n.pkg))]);
    expect(named.filter((n) => !real.has(n.pkg))).toEqual([]);
  });
});
