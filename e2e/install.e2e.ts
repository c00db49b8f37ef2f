/**
 * Installing gocross as the README says, from where a user would type each command: the Debian
 * package list the README shows is the one .ci/run installs, and the README's "install from a
 * checkout" commands, run line by line in an empty directory (no package.json, no nx.json),
 * give a workspace where the plugin is registered and builds a Go module for linux/arm64.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeRun, expectSuccess, nxEnv, REPO_ROOT, run } from './utils';

const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The first ```sh block after an HTML comment marker in the README. */
function blockAfter(marker: string): string {
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`README.md has no sh block after ${marker}`);
  return m[1];
}

describe('installing as the README says', () => {
  test('the README installs exactly scripts/debian-packages.txt, the list .ci/run installs', () => {
    const listed = fs
      .readFileSync(path.join(REPO_ROOT, 'scripts', 'debian-packages.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const cmd = blockAfter('<!-- debian-packages').replace(/\\\n/g, ' ');
    const words = cmd.split(/\s+/).filter(Boolean);
    expect(words.slice(0, 3)).toEqual(['apt-get', 'install', '-y']);
    expect(words.slice(3).filter((w) => !w.startsWith('-'))).toEqual(listed);
    expect(fs.readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8')).toContain('scripts/debian-packages.txt');
    // every cross compiler comes with its C library
    for (const gcc of listed.filter((p) => /^gcc-.*-linux-gnu/.test(p))) {
      const debArch = { aarch64: 'arm64', arm: 'armhf', riscv64: 'riscv64' }[gcc.slice(4).split('-')[0]];
      expect(listed).toContain(`libc6-dev-${debArch}-cross`);
    }
  });

  test('scripts/probe-toolchains.sh judges by capability: a cross gcc without its C library is missing', () => {
    const probe = path.join(REPO_ROOT, 'scripts', 'probe-toolchains.sh');
    const all = run('bash', [probe]);
    if (all.code !== 0) throw new Error(describeRun('probe-toolchains.sh on this machine (install scripts/debian-packages.txt)', all));
    expect(all.output).toMatch(/^ok {6}aarch64-linux-gnu-gcc compiles and links$/m);
    // The same compiler, present on PATH, but with its headers and crt files out of reach: what a
    // machine with gcc-aarch64-linux-gnu and without libc6-dev-arm64-cross looks like.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-probe-'));
    try {
      const real = run('sh', ['-c', 'command -v aarch64-linux-gnu-gcc']).stdout.trim();
      fs.writeFileSync(path.join(bin, 'aarch64-linux-gnu-gcc'), `#!/bin/sh\nexec ${real} --sysroot=/nonexistent -nostdinc "$@"\n`, { mode: 0o755 });
      const r = run('bash', [probe], { env: { PATH: `${bin}:${process.env.PATH}` } });
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/^MISSING aarch64-linux-gnu-gcc compiles and links: .*(stdio\.h|stdlib\.h|crt1\.o)/m);
      expect(r.output).toMatch(/^ok {6}arm-linux-gnueabihf-gcc compiles and links$/m);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  test('install from a checkout: pack, npm install, nx g init in a directory without nx.json, then a build', () => {
    const lines = blockAfter('<!-- install-from-checkout').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    // `npm ci` in the checkout is what .ci/run has already done before the tests run; repeating it
    // here would replace the node_modules this test runs from.
    expect(lines[0]).toBe('npm ci');
    const [pack, install, init, ...rest] = lines.slice(1);
    expect(rest).toEqual([]);
    const user = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-install-'));
    // Nx takes the nearest directory above with an nx.json as the workspace: a stray one in a
    // parent would make `init` write there, so say so instead of failing obscurely.
    for (let d = path.dirname(user); d !== path.dirname(d); d = path.dirname(d)) {
      for (const f of ['nx.json', 'package.json']) {
        if (fs.existsSync(path.join(d, f))) throw new Error(`${path.join(d, f)} exists above the test's workspace ${user}: remove it (npm and nx would use that directory)`);
      }
    }
    const tgz = path.join(REPO_ROOT, 'gocross-nx-0.1.0.tgz');
    try {
      const env = nxEnv({ npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });
      const sh = (line: string, cwd: string) => run('sh', ['-c', line], { cwd, env, timeoutMs: 5 * 60 * 1000 });
      expectSuccess(pack, sh(pack, REPO_ROOT));
      // A workspace has its package.json (without one, npm would install into the nearest parent
      // directory that has one).
      fs.writeFileSync(path.join(user, 'package.json'), JSON.stringify({ name: 'my-workspace', private: true }, null, 2) + '\n');
      expect(fs.existsSync(tgz)).toBe(true);
      expectSuccess(install, sh(install.replace('/path/to/gocross', REPO_ROOT), user));
      const installed = path.join(user, 'node_modules', '@gocross', 'nx');
      for (const f of ['README.md', 'LICENSE', 'package.json']) expect({ f, present: fs.existsSync(path.join(installed, f)) }).toEqual({ f, present: true });
      expect(fs.existsSync(path.join(user, 'nx.json'))).toBe(false);
      const r = sh(init, user);
      expectSuccess(init, r);
      const nxJson = JSON.parse(fs.readFileSync(path.join(user, 'nx.json'), 'utf8'));
      expect(nxJson.plugins).toContainEqual(expect.objectContaining({ plugin: '@gocross/nx' }));
      // the workspace is usable: a Go module becomes a project with per-platform build targets
      const app = path.join(user, 'hello');
      fs.mkdirSync(app);
      fs.writeFileSync(path.join(app, 'go.mod'), 'module example.com/hello\n\ngo 1.22\n');
      fs.writeFileSync(path.join(app, 'main.go'), 'package main\n\nfunc main() { println("hello") }\n');
      const b = sh('npx nx run hello:build-linux-arm64', user);
      if (b.code !== 0) throw new Error(describeRun('nx run hello:build-linux-arm64', b));
      expect(fs.existsSync(path.join(user, 'dist', 'hello', 'linux-arm64', 'hello'))).toBe(true);
    } finally {
      fs.rmSync(user, { recursive: true, force: true });
      fs.rmSync(tgz, { force: true });
    }
  });
});
