/**
 * Real artifacts for the check tests, built by `go` (and the cross C compilers for cgo) into a
 * cache directory shared by every spec file: each recipe is built once, keyed by a hash of its
 * sources, environment, arguments and the Go version, and moved into place atomically so
 * parallel test workers can share it.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Recipe {
  /** Files of the module, relative path → content (go.mod included). */
  files: Record<string, string>;
  /** GOOS, GOARCH, CGO_ENABLED, CC, GOAMD64… */
  env: Record<string, string>;
  /** Extra `go build` arguments (before the package). */
  args?: string[];
  /** Package to build, default '.'. */
  pkg?: string;
  /** Output file name, default 'out'. */
  out?: string;
  /** Commit the files to a fresh git repository first; with 'dirty', change one file afterwards. */
  git?: 'clean' | 'dirty';
}

const CACHE = path.join(os.tmpdir(), 'gocross-check-fixtures');

let goVersionCache: string | undefined;
function goVersion(): string {
  if (!goVersionCache) {
    const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
    goVersionCache = (r.stdout ?? '').trim() || 'unknown';
  }
  return goVersionCache;
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'GOCACHE', 'GOPATH', 'GOMODCACHE', 'TMPDIR', 'GOROOT']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  env.GOFLAGS = '-mod=mod';
  env.GOTOOLCHAIN = 'local';
  env.GOPROXY = 'off';
  env.GOWORK = 'off';
  env.CGO_ENABLED = '0';
  return env;
}

/** Builds a recipe (once) and returns the absolute path of the artifact. */
export function buildFixture(r: Recipe): string {
  const hash = crypto
    .createHash('sha256')
    .update(JSON.stringify({ r, v: goVersion(), n: 2 }))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(CACHE, hash);
  const out = path.join(dir, r.out ?? 'out');
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(CACHE, { recursive: true });
  const work = fs.mkdtempSync(path.join(CACHE, `tmp-${hash}-`));
  const src = path.join(work, 'src');
  for (const [rel, content] of Object.entries(r.files)) {
    const p = path.join(src, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  if (r.git) {
    const git = (...a: string[]) => {
      const g = spawnSync('git', a, {
        cwd: src,
        encoding: 'utf8',
        env: { ...baseEnv(), GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      });
      if (g.status !== 0) throw new Error(`git ${a.join(' ')} failed:\n${g.stderr}`);
    };
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'fixture');
    if (r.git === 'dirty') fs.appendFileSync(path.join(src, 'go.mod'), '\n// local change\n');
  }
  const outTmp = path.join(work, r.out ?? 'out');
  const res = spawnSync('go', ['build', ...(r.args ?? []), '-o', outTmp, r.pkg ?? '.'], {
    cwd: src,
    env: { ...baseEnv(), ...r.env },
    encoding: 'utf8',
  });
  if (res.status !== 0) {
    fs.rmSync(work, { recursive: true, force: true });
    throw new Error(`go build failed (${JSON.stringify(r.env)} ${(r.args ?? []).join(' ')}):\n${res.stderr}`);
  }
  // Keep everything the build wrote next to the artifact (c-shared/c-archive also write a header).
  try {
    fs.renameSync(work, dir);
  } catch {
    // another worker won the race; its copy is identical
    fs.rmSync(work, { recursive: true, force: true });
  }
  return out;
}

/** Compiles one C file to an object with the given compiler (once) and returns its path. */
export function compileC(cc: string, code: string, name: string): string {
  const hash = crypto.createHash('sha256').update(JSON.stringify({ cc, code, name })).digest('hex').slice(0, 16);
  const dir = path.join(CACHE, `c-${hash}`);
  const out = path.join(dir, name);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(CACHE, { recursive: true });
  const work = fs.mkdtempSync(path.join(CACHE, `tmp-c-${hash}-`));
  fs.writeFileSync(path.join(work, 'x.c'), code);
  const obj = path.join(work, 'x.o');
  const res = spawnSync(cc, ['-c', '-O2', '-fPIC', '-o', obj, 'x.c'], { cwd: work, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${cc} failed:\n${res.stderr}`);
  if (name.endsWith('.a')) {
    const ar = spawnSync('ar', ['rcs', path.join(work, name), obj], { cwd: work, encoding: 'utf8' });
    if (ar.status !== 0) throw new Error(`ar failed:\n${ar.stderr}`);
  } else {
    fs.renameSync(obj, path.join(work, name));
  }
  try {
    fs.renameSync(work, dir);
  } catch {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return out;
}

export const HELLO: Record<string, string> = {
  'go.mod': 'module example.com/hello\n\ngo 1.22\n',
  'main.go': 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n',
};

export const CGO_HELLO: Record<string, string> = {
  'go.mod': 'module example.com/cgohello\n\ngo 1.22\n',
  'main.go':
    'package main\n\n/*\n#include <stdio.h>\n#include <math.h>\nstatic double half(double x) { return x / 2; }\n*/\nimport "C"\n\nimport "fmt"\n\nfunc main() { fmt.Println(float64(C.half(3))) }\n',
};

/** A c-shared library exporting Add; with `leak`, its C helper and a C global are not static. */
export function cSharedLib(leak: boolean): Record<string, string> {
  const helper = leak
    ? 'int helper_add1(int x) { return x + 1; }\nint leaky_global = 3;\n'
    : '__attribute__((visibility("hidden"))) int helper_add1(int x) { return x + 1; }\n';
  return {
    'go.mod': 'module example.com/libadd\n\ngo 1.22\n',
    'helper.c': helper,
    'lib.go':
      'package main\n\n/*\nint helper_add1(int x);\n*/\nimport "C"\n\n//export Add\nfunc Add(a, b C.int) C.int { return C.helper_add1(a) + b - 1 }\n\nfunc main() {}\n',
  };
}

/** Reproducible flags as the build executor uses them. */
export const REPRO = ['-trimpath', '-buildvcs=false', '-ldflags=-buildid='];

/** Writes a Go module's files under `dir` (a minimal go.mod unless `files` has one). */
export function writeModule(dir: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries({ 'go.mod': 'module example.com/m\n\ngo 1.22\n', ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), content);
  }
}
