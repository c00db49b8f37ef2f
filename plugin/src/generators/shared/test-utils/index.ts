import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tree } from '@nx/devkit';

/** Every file of the tree with its content, for before/after comparisons. */
export function snapshotTree(tree: Tree): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (d: string): void => {
    for (const c of tree.children(d)) {
      const p = d ? `${d}/${c}` : c;
      if (tree.isFile(p)) out[p] = tree.read(p, 'utf-8') ?? '';
      else visit(p);
    }
  };
  visit('');
  return out;
}

const tempDirs: string[] = [];

/** A new temp directory, removed by removeTempDirs(). */
export function tempDir(prefix = 'gocross-gen-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes the directories tempDir() made (call from afterAll). */
export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Writes the tree's files under `dir` (or a new temp dir) and returns the directory. */
export function writeTreeToDisk(tree: Tree, dir = tempDir()): string {
  for (const [p, content] of Object.entries(snapshotTree(tree))) {
    const abs = path.join(dir, p);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return dir;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool with an argv array and an explicit environment (no shell). */
export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): RunResult {
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOROOT', 'TMPDIR']) {
    if (process.env[k]) base[k] = process.env[k] as string;
  }
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...base, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOWORK: 'off', ...env },
    encoding: 'utf-8',
    timeout: 300000,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** An empty Nx workspace tree without a formatter config, so formatFiles stays quiet. */
export function emptyWorkspace(): Tree {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createTreeWithEmptyWorkspace } = require('@nx/devkit/testing') as typeof import('@nx/devkit/testing');
  const tree = createTreeWithEmptyWorkspace();
  if (tree.exists('.oxfmtrc.json')) tree.delete('.oxfmtrc.json');
  return tree;
}
