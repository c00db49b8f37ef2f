/**
 * `npm run demo` (scripts/demo.js): builds examples/ for its matrix through the repository's
 * own plugin build and prints a table. Checked against the matrix in examples/nx.json and the
 * files on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { describeRun, realGo, REPO_ROOT, requireTool, run, which } from './utils';
import { all, haveTools, hostIs, itIf } from '../plugin/src/test-utils/gates';

/** The rows of the demo's table of artifacts: platform, build, path. */
function tableRows(stdout: string): { platform: string; build: string; path: string }[] {
  const lines = stdout.split('\n');
  const head = lines.findIndex((l) => /^platform\s+build\s+path\s+size/.test(l));
  if (head < 0) return [];
  const out: { platform: string; build: string; path: string }[] = [];
  for (const l of lines.slice(head + 2)) {
    const m = /^(\S+)\s+(pure Go|cgo(?:, musl)?(?:, [\w-]+)?)\s+(examples\S+)\s+\d/.exec(l);
    if (!m) break;
    out.push({ platform: m[1], build: m[2], path: m[3] });
  }
  return out;
}

/** The demo's phase lines (`▸ …`), in order. */
const phases = (stdout: string): string[] => stdout.split('\n').filter((l) => l.startsWith('▸ '));

describe('npm run demo', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const demo = require(path.join(REPO_ROOT, 'scripts', 'demo.js')) as {
    artifactBuild: (file: string) => { platform: string; build: string };
    distStatus: (pluginDir: string, noBuild: boolean) => { build: boolean; line: string };
  };

  test('the platform of an artifact: its build manifest, else its directory name without the build suffix', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-demo-layout-'));
    try {
      const cases: [string, string, string][] = [
        ['linux-amd64-cgo', 'linux/amd64', 'cgo'],
        ['linux-arm-7-cgo', 'linux/arm/7', 'cgo'],
        ['linux-riscv64-cgo', 'linux/riscv64', 'cgo'],
        ['linux-arm64-musl', 'linux/arm64', 'cgo, musl'],
        ['linux-amd64-musl-pie', 'linux/amd64', 'cgo, musl, pie'],
        ['linux-amd64-cgo-c-shared', 'linux/amd64', 'cgo, c-shared'],
        ['linux-amd64-pie', 'linux/amd64', 'pure Go, pie'],
        ['linux-mipsle-softfloat', 'linux/mipsle/softfloat', 'pure Go'],
        ['darwin-arm64', 'darwin/arm64', 'pure Go'],
      ];
      for (const [dir, platform, build] of cases) expect([dir, demo.artifactBuild(path.join(d, dir, 'app'))]).toEqual([dir, { platform, build }]);
      // A manifest wins over the directory name.
      const bin = path.join(d, 'out', 'app');
      fs.mkdirSync(path.dirname(bin), { recursive: true });
      fs.writeFileSync(`${bin}.intoto.json`, JSON.stringify({ predicate: { buildDefinition: { internalParameters: { platform: 'linux/arm/6', cgo: true, libc: 'glibc', buildmode: 'exe' } } } }));
      expect(demo.artifactBuild(bin)).toEqual({ platform: 'linux/arm/6', build: 'cgo' });
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  test('plugin/dist on a fresh clone is said to be missing, not older than plugin/src', () => {
    const plugin = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-demo-plugin-'));
    try {
      fs.mkdirSync(path.join(plugin, 'src'));
      fs.writeFileSync(path.join(plugin, 'src', 'index.ts'), '');
      expect(demo.distStatus(plugin, false)).toEqual({ build: true, line: 'plugin/dist: missing, building it' });
      expect(demo.distStatus(plugin, true)).toEqual({ build: false, line: 'plugin/dist: missing (--no-build)' });
      fs.mkdirSync(path.join(plugin, 'dist'));
      fs.writeFileSync(path.join(plugin, 'dist', 'index.js'), '');
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(plugin, 'dist', 'index.js'), later, later);
      expect(demo.distStatus(plugin, false)).toEqual({ build: false, line: 'plugin/dist: up to date' });
      const earlier = new Date(Date.now() - 3_600_000);
      fs.utimesSync(path.join(plugin, 'dist', 'index.js'), earlier, earlier);
      expect(demo.distStatus(plugin, false)).toEqual({ build: true, line: 'plugin/dist: older than plugin/src, building it' });
    } finally {
      fs.rmSync(plugin, { recursive: true, force: true });
    }
  });

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
      // The row names the platform, how it was built, the path and a size.
      expect(r.stdout).toMatch(new RegExp(`^${platform.replace(/\//g, '\\/')}\\s+pure Go\\s+${rel.replace(/[./]/g, '\\$&')}\\s+\\d`, 'm'));
    }
    // Every row's platform is the one its build manifest records: a cgo build's directory suffix
    // (linux-amd64-cgo, linux-arm-7-cgo) is no part of it.
    const rows = tableRows(r.stdout);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, `${row.path}.intoto.json`), 'utf8'));
      const p = manifest.predicate.buildDefinition.internalParameters;
      expect([row.path, row.platform, row.build]).toEqual([row.path, p.platform, p.cgo ? 'cgo' : 'pure Go']);
    }
    for (const row of rows.filter((x) => x.path.includes(`${path.sep}cgo-hello${path.sep}`))) expect(row.build).toBe('cgo');
    expect(r.stdout).toMatch(/^ {2}plugin\/dist: (up to date|older than plugin\/src, used as it is \(--no-build\))$/m);
    expect(r.stdout).toMatch(/ELF64 LSB executable, AArch64/);
    expect(r.stdout).toMatch(/PE32\+ executable, x86-64/);
    expect(r.stdout).toMatch(/hello\s+passed: 0 errors/);
    if (which('qemu-aarch64')) expect(r.stdout).toMatch(/-sum 40 2 {2}→ {2}linux\/arm64 \| 42/);
    else expect(r.stdout).toContain('under qemu-aarch64: skipped, qemu-aarch64 is not installed');

    // One line per phase, in order; validate runs because every build passed.
    expect(phases(r.stdout).map((l) => l.split(/[:(]/)[0].trim())).toEqual([
      '▸ Checking what is installed',
      '▸ Projects Nx infers from go.mod files in examples/',
      '▸ Building',
      '▸ Building',
      '▸ What was built',
      '▸ Validating',
      '▸ Running hello',
    ]);
    expect(r.stdout).toMatch(/^ {2}go: go version go\S+ /m);
    // The note points at hints only when the output had one (with every cross compiler there,
    // there is no note at all).
    if (!/^\s*hint \[/m.test(r.output)) expect(r.stdout).not.toMatch(/hints? above/);
    if (!/^note: cgo builds failed/m.test(r.stdout)) expect(r.stdout).not.toMatch(/printed why|hints? above/);
  });

  // The host gcc builds for linux/amd64 and, given to the arm64 build, fails there with a hint.
  itIf(all(hostIs('linux', 'x64'), haveTools('gcc')))('without cross C compilers or qemu: the note names each failed cgo target and points at a hint only where one was printed', () => {
    // A PATH with go, node, sh and the host gcc only. CC_FOR_linux_arm64=gcc makes the arm64 build
    // use the host gcc, which the plugin explains with a hint; arm/7 and riscv64 fail for want of
    // a compiler, with a message and no hint.
    const gcc = requireTool('gcc', 'build cgo-hello for linux/amd64 and fail the arm64 build with a hint');
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-demo-bin-'));
    try {
      const tools: Record<string, string | undefined> = { go: realGo(), node: process.execPath, gcc, cc: which('cc'), sh: '/bin/sh', as: which('as'), ld: which('ld') };
      for (const [name, p] of Object.entries(tools)) if (p) fs.symlinkSync(fs.realpathSync(p), path.join(bin, name));
      const r = run(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.js'), '--no-build'], {
        cwd: REPO_ROOT,
        env: { FORCE_COLOR: '0', NO_COLOR: '1', PATH: bin, CC_FOR_linux_arm64: 'gcc', CC_FOR_TARGET: undefined, CC: undefined, CXX: undefined },
        timeoutMs: 15 * 60 * 1000,
      });
      if (r.code !== 0) throw new Error(describeRun('node scripts/demo.js with a minimal PATH', r));
      expect(r.stdout).toContain('  qemu-aarch64: not installed: the linux/arm64 binary will not be run');
      expect(r.stdout).toContain('  under qemu-aarch64: skipped, qemu-aarch64 is not installed');
      expect(r.output).toMatch(/^hint \[cgo-foreign-asm\]: "gcc" does not compile for linux\/arm64/m);
      // The failed targets as Nx listed them (on stderr), all named in the note.
      const cgoRun = r.stderr.slice(r.stderr.indexOf('Running target build-all for project cgo-hello'));
      const failed = [...cgoRun.slice(cgoRun.indexOf('Failed tasks:')).matchAll(/^- (\S+)$/gm)].map((m) => m[1]);
      expect([...failed].sort()).toEqual(['cgo-hello:build-linux-arm-7', 'cgo-hello:build-linux-arm64', 'cgo-hello:build-linux-riscv64']);
      const note = r.stdout.split('\n').find((l) => l.startsWith('note: cgo builds failed'));
      const others = failed.filter((t) => t !== 'cgo-hello:build-linux-arm64');
      expect(note).toBe(`note: cgo builds failed (cgo-hello:build-linux-arm64: see the hint above; ${others.join(', ')}: each printed why above); the other projects were built.`);
      expect(r.output).toMatch(/^no C cross compiler for linux\/riscv64 \(riscv64-linux-gnu-gcc not on PATH\)/m);
      // Validate still runs for the projects that built, and says which one it leaves out.
      expect(phases(r.stdout)).toContain('▸ Validating: nx run-many -t validate -p hello,mathx   (not cgo-hello: its build failed)');
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
