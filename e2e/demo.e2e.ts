/**
 * `npm run demo` (scripts/demo.js): builds examples/ for its matrix through the repository's
 * own plugin build and prints a table. Checked against the matrix in examples/nx.json and the
 * files on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeRun, REPO_ROOT, run, which } from './utils';

describe('npm run demo', () => {
  test('builds every platform of examples/nx.json and prints one table row per artifact', () => {
    const r = run(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.js'), '--no-build'], {
      cwd: REPO_ROOT,
      env: { FORCE_COLOR: '0', NO_COLOR: '1' },
      timeoutMs: 15 * 60 * 1000,
    });
    if (r.code !== 0) throw new Error(describeRun('node scripts/demo.js', r));

    const nxJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'nx.json'), 'utf8'));
    const entry = nxJson.plugins.find((p: unknown) => typeof p === 'object' && (p as { plugin: string }).plugin === '@gocross/nx');
    const platforms: string[] = entry.options.platforms;
    for (const platform of platforms) {
      const slug = platform.split('/').join('-');
      const name = platform.startsWith('windows/') ? 'hello.exe' : 'hello';
      const rel = path.join('examples', 'dist', 'apps', 'hello', slug, name);
      expect(fs.existsSync(path.join(REPO_ROOT, rel))).toBe(true);
      // The row names the platform, the path and a size.
      expect(r.stdout).toMatch(new RegExp(`^${platform.replace(/\//g, '\\/')}\\s+${rel.replace(/[./]/g, '\\$&')}\\s+\\d`, 'm'));
    }
    expect(r.stdout).toMatch(/ELF64 LSB executable, AArch64/);
    expect(r.stdout).toMatch(/PE32\+ executable, x86-64/);
    expect(r.stdout).toMatch(/hello\s+passed: 0 errors/);
    if (which('qemu-aarch64')) expect(r.stdout).toMatch(/-sum 40 2 {2}→ {2}linux\/arm64 \| 42/);
  });
});
