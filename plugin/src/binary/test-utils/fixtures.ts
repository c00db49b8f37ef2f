/**
 * Real binaries for the reader tests and the fuzz script, built by `go` (and the C cross
 * compilers for cgo) into a directory. Builds share the user's GOCACHE, so a second run is fast.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Fixture {
  name: string;
  file: string;
  goos: string;
  goarch: string;
  /** Extra environment of the build (GOARM, CGO_ENABLED, CC). */
  env: Record<string, string>;
  buildmode: string;
  cgo: boolean;
}

export interface FixtureSpec {
  name: string;
  goos: string;
  goarch: string;
  env?: Record<string, string>;
  /** Package dir inside the module: 'hello' (pure Go), 'chello' (cgo), 'clib' (c-shared/c-archive), 'lib'. */
  pkg: 'hello' | 'chello' | 'clib' | 'lib';
  buildmode?: 'exe' | 'pie' | 'c-shared' | 'c-archive' | 'archive';
  ldflags?: string;
  /** Required C compiler, when cgo is on. */
  cc?: string;
  ext?: string;
  /** Default true. Without -trimpath Go also records -ldflags. */
  trimpath?: boolean;
  /** Make the module a git repository first, so the build records vcs.* settings. */
  vcs?: boolean;
}

/** Which of the fixtures the differential test and the fuzz corpus build. */
export const PURE_LINUX: FixtureSpec[] = [
  { name: 'linux-amd64', goos: 'linux', goarch: 'amd64', pkg: 'hello' },
  { name: 'linux-arm64', goos: 'linux', goarch: 'arm64', pkg: 'hello' },
  { name: 'linux-arm-7', goos: 'linux', goarch: 'arm', env: { GOARM: '7' }, pkg: 'hello' },
  { name: 'linux-386', goos: 'linux', goarch: '386', pkg: 'hello' },
  { name: 'linux-riscv64', goos: 'linux', goarch: 'riscv64', pkg: 'hello' },
  { name: 'linux-mips', goos: 'linux', goarch: 'mips', pkg: 'hello' },
  { name: 'linux-mips64le', goos: 'linux', goarch: 'mips64le', pkg: 'hello' },
  { name: 'linux-ppc64le', goos: 'linux', goarch: 'ppc64le', pkg: 'hello' },
  { name: 'linux-s390x', goos: 'linux', goarch: 's390x', pkg: 'hello' },
];
export const CGO_LINUX: FixtureSpec[] = [
  { name: 'linux-arm64-cgo', goos: 'linux', goarch: 'arm64', pkg: 'chello', cc: 'aarch64-linux-gnu-gcc' },
  { name: 'linux-amd64-c-shared', goos: 'linux', goarch: 'amd64', pkg: 'clib', buildmode: 'c-shared', cc: 'gcc', ext: '.so' },
  { name: 'linux-amd64-c-archive', goos: 'linux', goarch: 'amd64', pkg: 'clib', buildmode: 'c-archive', cc: 'gcc', ext: '.a' },
  { name: 'linux-arm64-c-archive', goos: 'linux', goarch: 'arm64', pkg: 'clib', buildmode: 'c-archive', cc: 'aarch64-linux-gnu-gcc', ext: '.a' },
  { name: 'linux-amd64-rpath', goos: 'linux', goarch: 'amd64', pkg: 'chello', cc: 'gcc', ldflags: '-r=/tmp/x' },
  { name: 'linux-amd64-pie-bindnow', goos: 'linux', goarch: 'amd64', pkg: 'chello', cc: 'gcc', buildmode: 'pie', ldflags: '-bindnow' },
];
export const OTHER_OS: FixtureSpec[] = [
  { name: 'darwin-arm64', goos: 'darwin', goarch: 'arm64', pkg: 'hello' },
  { name: 'darwin-amd64', goos: 'darwin', goarch: 'amd64', pkg: 'hello' },
  { name: 'windows-amd64', goos: 'windows', goarch: 'amd64', pkg: 'hello', ext: '.exe' },
  { name: 'windows-arm64', goos: 'windows', goarch: 'arm64', pkg: 'hello', ext: '.exe' },
  { name: 'windows-386', goos: 'windows', goarch: '386', pkg: 'hello', ext: '.exe' },
];
/** Build settings worth comparing: quoted values, variant variables, VCS stamping (few, each variant recompiles std). */
export const SETTINGS: FixtureSpec[] = [
  {
    name: 'linux-amd64-v3-ldflags', goos: 'linux', goarch: 'amd64', env: { GOAMD64: 'v3' }, pkg: 'hello', trimpath: false,
    ldflags: '-X "main.version=1.0 beta" -X main.quote=a"b -s', vcs: true,
  },
  { name: 'linux-arm64-v8.2-lse', goos: 'linux', goarch: 'arm64', env: { GOARM64: 'v8.2,lse' }, pkg: 'hello' },
];
export const GO_ARCHIVES: FixtureSpec[] = [
  { name: 'goarchive-linux-arm64', goos: 'linux', goarch: 'arm64', pkg: 'lib', buildmode: 'archive', ext: '.a' },
];

const FILES: Record<string, string> = {
  '.gitignore': 'out/\n',
  'go.mod': 'module example.com/fixture\n\ngo 1.22\n\nrequire example.com/dep v1.2.3\n\nreplace example.com/dep => ./dep\n',
  'dep/go.mod': 'module example.com/dep\n\ngo 1.22\n',
  'dep/dep.go': 'package dep\n\nfunc Greeting() string { return "hello from dep" }\n',
  'lib/lib.go': 'package lib\n\nimport "example.com/dep"\n\nfunc Message() string { return dep.Greeting() + "!" }\n',
  'hello/main.go':
    'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/fixture/lib"\n)\n\nfunc main() { fmt.Println(lib.Message()) }\n',
  'chello/main.go':
    'package main\n\n/*\n#include <stdio.h>\nstatic int twice(int x) { return 2 * x; }\n*/\nimport "C"\n\nimport (\n\t"fmt"\n\n\t"example.com/fixture/lib"\n)\n\nfunc main() { fmt.Println(lib.Message(), int(C.twice(21))) }\n',
  'clib/main.go':
    'package main\n\n/*\nstatic int helper(int x) { return x + 1; }\n*/\nimport "C"\n\nimport "example.com/fixture/lib"\n\n//export GoAdd\nfunc GoAdd(a, b C.int) C.int { return a + b + C.helper(0) - 1 }\n\n//export GoMessageLen\nfunc GoMessageLen() C.int { return C.int(len(lib.Message())) }\n\nfunc main() {}\n',
};

/** Writes the fixture module (a main module with a replaced dependency) into dir. */
export function writeFixtureModule(dir: string): void {
  for (const [rel, content] of Object.entries(FILES)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOROOT', 'TMPDIR']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  env.GOFLAGS = '-mod=mod';
  env.GOPROXY = 'off';
  env.GOTOOLCHAIN = 'local';
  env.GOWORK = 'off';
  return env;
}

/** true when a command is on PATH. */
export function hasTool(cmd: string): boolean {
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    if (d && fs.existsSync(path.join(d, cmd))) return true;
  }
  return false;
}

/** Runs a tool with an argv array and returns stdout; throws on failure. */
export function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...baseEnv(), LC_ALL: 'C' }, maxBuffer: 256 << 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}${r.error ?? ''}`);
  return r.stdout;
}

/** Builds fixtures two at a time (the CI machine has two cores). */
export async function buildFixtures(dir: string, specs: FixtureSpec[], parallel = 2): Promise<Map<string, Fixture>> {
  const out = new Map<string, Fixture>();
  const queue = [...specs];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const spec = s;
      if (spec.vcs) gitInit(dir);
      const f = await new Promise<Fixture>((resolve, reject) => {
        const cgo = spec.cc !== undefined;
        const env: Record<string, string> = { GOOS: spec.goos, GOARCH: spec.goarch, CGO_ENABLED: cgo ? '1' : '0', ...(spec.env ?? {}) };
        if (spec.cc) env.CC = spec.cc;
        const file = path.join(dir, 'out', spec.name + (spec.ext ?? ''));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const args = ['build', ...(spec.trimpath === false ? [] : ['-trimpath']), '-tags', 'fixture,netgo', '-o', file];
        if (spec.vcs) {
          args.push('-buildvcs=true');
          env.GIT_CONFIG_GLOBAL = '/dev/null';
        } else args.push('-buildvcs=false');
        if (spec.buildmode && spec.buildmode !== 'exe') args.push(`-buildmode=${spec.buildmode}`);
        if (spec.ldflags) args.push(`-ldflags=${spec.ldflags}`);
        args.push(`./${spec.pkg}`);
        const child = spawn('go', args, { cwd: dir, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          if (code !== 0) reject(new Error(`go ${args.join(' ')} (${JSON.stringify(env)}) failed:\n${err}`));
          else resolve({ name: spec.name, file, goos: spec.goos, goarch: spec.goarch, env, buildmode: spec.buildmode ?? 'exe', cgo });
        });
      });
      out.set(spec.name, f);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return out;
}

const gitDone = new Set<string>();
/** Turns the fixture module into a git repository with one commit (once per directory). */
function gitInit(dir: string): void {
  if (gitDone.has(dir)) return;
  gitDone.add(dir);
  {
    const env = { ...baseEnv(), GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z' };
    const git = ['-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.com', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false'];
    for (const args of [['init', '-q'], ['add', '.'], ['commit', '-q', '-m', 'fixture']]) {
      const r = spawnSync('git', [...git, ...args], { cwd: dir, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    }
  }
}

/**
 * For tests that need external tools: in CI a missing tool is a failure, elsewhere the tests are
 * skipped with a message. Returns the missing tools.
 */
export function missingTools(tools: string[]): string[] {
  return tools.filter((t) => !hasTool(t));
}

/**
 * A BSD archive as ranlib writes it, for machines without llvm-ar: "__.SYMDEF SORTED" first,
 * every member named "#1/<n>" with the name (NUL padded to 8) in front of the data.
 */
export function writeBsdArchive(file: string, paths: string[], symbols: [string, number][]): void {
  const hdr = (name: string, size: number) =>
    Buffer.from(`${name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(size).padEnd(10)}\x60\n`, 'latin1');
  const entry = (name: string, data: Buffer) => {
    const n = Buffer.alloc(Math.ceil((name.length + 1) / 8) * 8);
    n.write(name, 'latin1');
    return Buffer.concat([hdr(`#1/${n.length}`, n.length + data.length), n, data, Buffer.alloc((n.length + data.length) % 2)]);
  };
  const strs = Buffer.concat(symbols.map(([s]) => Buffer.from(s + '\0', 'latin1')));
  const symdefSize = (8 + symbols.length * 8 + strs.length + 8) & ~7;
  const symdefLen = 60 + Math.ceil(('__.SYMDEF SORTED'.length + 1) / 8) * 8 + symdefSize;
  const bodies: Buffer[] = [];
  const offsets: number[] = [];
  let at = 8 + symdefLen;
  for (const p of paths) {
    offsets.push(at);
    const e = entry(path.basename(p), fs.readFileSync(p));
    bodies.push(e);
    at += e.length;
  }
  const sym = Buffer.alloc(symdefSize);
  sym.writeUInt32LE(symbols.length * 8, 0);
  let strx = 0;
  symbols.forEach(([s, member], i) => {
    sym.writeUInt32LE(strx, 4 + i * 8);
    sym.writeUInt32LE(offsets[member], 8 + i * 8);
    strx += s.length + 1;
  });
  sym.writeUInt32LE(strs.length, 4 + symbols.length * 8);
  strs.copy(sym, 8 + symbols.length * 8);
  fs.writeFileSync(file, Buffer.concat([Buffer.from('!<arch>\n'), entry('__.SYMDEF SORTED', sym), ...bodies]));
}

/**
 * A universal (fat) Mach-O file of thin images, slices aligned to 2^14 as lipo does. `places`
 * overrides the cputype the fat header lists for a slice (to build a misplaced slice).
 */
export function universalMachO(images: Buffer[], places: (number | undefined)[] = []): Buffer {
  const align = 14;
  const pad = (n: number) => Math.ceil(n / (1 << align)) * (1 << align);
  const offsets: number[] = [];
  let at = pad(8 + images.length * 20);
  for (const img of images) {
    offsets.push(at);
    at = pad(at + img.length);
  }
  const fat = Buffer.alloc(offsets[offsets.length - 1] + images[images.length - 1].length);
  fat.writeUInt32BE(0xcafebabe, 0);
  fat.writeUInt32BE(images.length, 4);
  images.forEach((img, i) => {
    const o = 8 + i * 20;
    const le = img.readUInt32BE(0) === 0xcffaedfe || img.readUInt32BE(0) === 0xcefaedfe;
    fat.writeInt32BE(places[i] ?? (le ? img.readInt32LE(4) : img.readInt32BE(4)), o);
    fat.writeInt32BE(le ? img.readInt32LE(8) : img.readInt32BE(8), o + 4);
    fat.writeUInt32BE(offsets[i], o + 8);
    fat.writeUInt32BE(img.length, o + 12);
    fat.writeUInt32BE(align, o + 16);
    img.copy(fat, offsets[i]);
  });
  return fat;
}
