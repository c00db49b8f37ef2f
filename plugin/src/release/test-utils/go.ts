/**
 * Small Go programs built for the release tests. Builds share the user's GOCACHE and module
 * cache; GOFLAGS is set explicitly so a `go env -w GOFLAGS=…` file cannot change the result.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

/** A fresh temporary directory, removed after the test file that made it (jest's afterAll). */
export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `gocross-release-${prefix}-`));
  made.push(d);
  return d;
}

if (typeof afterAll === 'function') {
  afterAll(() => {
    for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: Buffer | string } = {}): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, input: opts.input, encoding: 'buffer', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}${r.stdout.toString()}`);
  return r.stdout.toString();
}

/** Writes `files` (relative path → text) under a fresh directory and returns it. */
export function writeTree(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

export const HELLO_MAIN = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n';

/**
 * `go build -trimpath` (unless trimpath is false) of the main package in `moduleDir` for a target; returns the output path.
 * `mod` enables -mod=mod so go.sum is filled from the module proxy.
 */
export function goBuild(
  moduleDir: string,
  target: { goos: string; goarch: string; env?: Record<string, string> },
  out: string,
  opts: { mod?: boolean; ldflags?: string; trimpath?: boolean; pkg?: string } = {},
): string {
  const flags = [...(opts.trimpath === false ? [] : ['-trimpath']), '-buildvcs=false', ...(opts.mod ? ['-mod=mod'] : [])];
  const args = ['build', ...flags, ...(opts.ldflags ? [`-ldflags=${opts.ldflags}`] : []), '-o', out, opts.pkg ?? '.'];
  run('go', args, {
    cwd: moduleDir,
    env: { GOOS: target.goos, GOARCH: target.goarch, CGO_ENABLED: '0', GOFLAGS: '', GOTOOLCHAIN: 'local', ...target.env },
  });
  return out;
}

/**
 * Transpiles the given modules of this directory's parent (e.g. ['archive']) into a temp dir and
 * runs `script` (CommonJS, may `require('./archive')`) in a separate node process with `env`.
 * For behaviour that depends on process-wide state, such as the time zone, that jest's sandbox
 * does not pass on to the real process.
 */
export function runModulesInChild(modules: string[], script: string, env: Record<string, string>): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const dir = tempDir('child');
  for (const m of modules) {
    const src = fs.readFileSync(path.join(__dirname, '..', `${m}.ts`), 'utf8');
    const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    fs.writeFileSync(path.join(dir, `${m}.js`), out.outputText);
  }
  fs.writeFileSync(path.join(dir, 'main.js'), script);
  const nodeModules = path.resolve(__dirname, '../../../../node_modules');
  return run(process.execPath, [path.join(dir, 'main.js')], { cwd: dir, env: { NODE_PATH: nodeModules, ...env } });
}

/**
 * A module whose main package (cmd/relapp) uses a real dependency from the module proxy
 * (github.com/google/uuid), a dependency replaced by another version of itself
 * (github.com/BurntSushi/toml v1.4.0 => v1.3.2, a path with capitals), and one replaced by a
 * local directory. Needs the Go module proxy (or a warm module cache).
 */
export function depsModule(dir = tempDir('deps')): string {
  return writeTree(dir, {
    'go.mod': [
      'module example.com/relapp',
      '',
      'go 1.22',
      '',
      'require (',
      '\tgithub.com/BurntSushi/toml v1.4.0',
      '\tgithub.com/google/uuid v1.6.0',
      '\texample.com/local v0.0.0',
      ')',
      '',
      'replace github.com/BurntSushi/toml v1.4.0 => github.com/BurntSushi/toml v1.3.2',
      '',
      'replace example.com/local => ./local',
      '',
    ].join('\n'),
    'cmd/relapp/main.go': [
      'package main',
      '',
      'import (',
      '\t"fmt"',
      '',
      '\t"example.com/local"',
      '\t"github.com/BurntSushi/toml"',
      '\t"github.com/google/uuid"',
      ')',
      '',
      'var version = "dev"',
      '',
      'func main() {',
      '\tvar v struct{ A int }',
      '\t_, err := toml.Decode("A = 1", &v)',
      '\tfmt.Println(version, uuid.NewSHA1(uuid.NameSpaceURL, []byte("x")), local.Name, v.A, err)',
      '}',
      '',
    ].join('\n'),
    'local/go.mod': 'module example.com/local\n\ngo 1.22\n',
    'local/local.go': 'package local\n\nconst Name = "local"\n',
  });
}
