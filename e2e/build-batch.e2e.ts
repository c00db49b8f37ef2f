/**
 * The build executor's batch implementation through the real `nx` CLI: `nx run p:build-all`
 * runs every platform build in one process (Nx's "Running 6 tasks with @gocross/nx:build", and
 * one parent process for every go call), with artifacts and manifests byte-identical to the
 * builds Nx runs one process each (NX_BATCH_MODE=false), each task's own `.env` file honoured,
 * each result cached, and a platform that does not compile failing alone.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyModule, describeRun, expectSuccess, goVersionM, nx, nxTaskFromCache, realGo, run, uniqueName, workspaceRoot, writeFile, type RunResult } from './utils';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'];
const SLUGS = PLATFORMS.map((p) => p.replace(/\//g, '-'));

const sha256 = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('build batch', () => {
  let ws: string;
  let project: string;
  let root: string;
  let probeLog: string;
  let probeGo: string;
  const dist = () => path.join(ws, 'dist', root);
  const buildAll = (extra: string[] = [], env: Record<string, string> = {}): RunResult => {
    fs.writeFileSync(probeLog, '');
    return nx(['run', `${project}:build-all`, ...extra], { cwd: ws, env: { GOCROSS_GO: probeGo, ...env } });
  };

  /** sha256 of every file under dist/<root>, by path relative to it. */
  const distFiles = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const slug of fs.readdirSync(dist()).sort()) {
      for (const f of fs.readdirSync(path.join(dist(), slug)).sort()) out[`${slug}/${f}`] = sha256(path.join(dist(), slug, f));
    }
    return out;
  };

  /** Parent pids of the `go build` calls of the last buildAll: one per process that ran a build. */
  const buildPids = (): string[] => {
    const lines = fs.readFileSync(probeLog, 'utf8').split('\n').filter(Boolean);
    return lines.filter((l) => l.split(' ')[1] === 'build').map((l) => l.split(' ')[0]);
  };

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('batch');
    root = copyModule('apps/hello', `apps/${project}`);
    writeFile(path.join(ws, root, 'gocross.json'), JSON.stringify({ platforms: PLATFORMS }) + '\n');
    // One target's own .env file: only that task builds with the tag.
    writeFile(path.join(ws, root, '.env.build-linux-amd64'), 'GOFLAGS=-tags=fromdotenv\n');
    writeFile(path.join(ws, root, 'dotenv.go'), '//go:build fromdotenv\n\npackage main\n\nfunc init() { println("built with .env.build-linux-amd64") }\n');
    // The go the executor runs (GOCROSS_GO): logs its parent's pid, i.e. the process that ran the task.
    const dir = fs.mkdtempSync(path.join(path.dirname(ws), 'batch-probe-'));
    probeLog = path.join(dir, 'go-parents.log');
    probeGo = path.join(dir, 'go');
    fs.writeFileSync(probeLog, '');
    fs.writeFileSync(probeGo, `#!/bin/sh\necho "$PPID $1" >> '${probeLog}'\nexec '${realGo()}' "$@"\n`, { mode: 0o755 });
  });

  let batched: Record<string, string>;

  test('nx run build-all runs the platform builds in one process, each task with its own output', () => {
    const r = expectSuccess('batched build-all', buildAll(['--skip-nx-cache']));
    expect(r.output).toContain('Running 6 tasks with @gocross/nx:build');
    const pids = buildPids();
    expect(pids).toHaveLength(6);
    expect(new Set(pids).size).toBe(1);
    for (const p of PLATFORMS) {
      // Each task's block: its header, then its own artifact line.
      const slug = p.replace(/\//g, '-');
      const exe = p.startsWith('windows/') ? `${project}.exe` : project;
      expect(r.output).toMatch(new RegExp(`> nx run ${project}:build-${slug}\\s*\\n\\s*${p}: \\. → dist/${root}/${slug}/${exe.replace('.', '\\.')} \\(`));
    }
    batched = distFiles();
    expect(Object.keys(batched)).toHaveLength(12); // six artifacts, six manifests
    for (const slug of SLUGS) {
      const exe = slug.startsWith('windows-') ? `${project}.exe` : project;
      const st = JSON.parse(fs.readFileSync(path.join(dist(), slug, `${exe}.intoto.json`), 'utf8'));
      expect(st.subject[0].digest.sha256).toBe(batched[`${slug}/${exe}`]);
      expect(st.predicate.buildDefinition.externalParameters.target).toBe(`${project}:build-${slug}`);
    }
    // The task's .env file applied to its task only.
    const amd64 = path.join(dist(), 'linux-amd64', project);
    expect(run(amd64, []).stderr).toContain('built with .env.build-linux-amd64');
    expect(goVersionM(amd64).settings['-tags']).toBe('fromdotenv');
    expect(goVersionM(path.join(dist(), 'linux-arm64', project)).settings['-tags']).toBeUndefined();
  });

  test('every task is cached: without dist/, the next build-all restores all of it from the cache', () => {
    // --skip-nx-cache stores nothing: this run (batched again) is the one Nx caches.
    fs.rmSync(dist(), { recursive: true, force: true });
    const first = expectSuccess('build-all', buildAll());
    expect(first.output).toContain('Running 6 tasks with @gocross/nx:build');
    expect(new Set(buildPids()).size).toBe(1);
    expect(distFiles()).toEqual(batched);

    fs.rmSync(dist(), { recursive: true, force: true });
    const r = expectSuccess('build-all from the cache', buildAll());
    for (const slug of SLUGS) {
      if (!nxTaskFromCache(r.output, `${project}:build-${slug}`)) throw new Error(describeRun(`${slug} not from the cache`, r));
    }
    expect(buildPids()).toEqual([]);
    expect(distFiles()).toEqual(batched);
  });

  test('the same builds one process each (NX_BATCH_MODE=false): byte-identical artifacts and manifests', () => {
    fs.rmSync(dist(), { recursive: true, force: true });
    const r = expectSuccess('unbatched build-all', buildAll(['--skip-nx-cache'], { NX_BATCH_MODE: 'false' }));
    expect(r.output).not.toContain('with @gocross/nx:build');
    expect(new Set(buildPids()).size).toBe(6);
    expect(distFiles()).toEqual(batched);
  });

  test('a platform that does not compile fails only its own task, with its own error', () => {
    const broken = path.join(ws, root, 'broken_riscv64.go');
    writeFile(broken, 'package main\n\nthis is not go\n');
    try {
      const r = buildAll(['--skip-nx-cache']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('Running 6 tasks with @gocross/nx:build');
      const blocks = taskBlocks(r.output);
      expect(blocks[`${project}:build-linux-riscv64`]).toMatch(/broken_riscv64\.go:3:1: syntax error/);
      expect(blocks[`${project}:build-linux-riscv64`]).toContain('go build for linux/riscv64 failed');
      for (const slug of SLUGS.filter((s) => s !== 'linux-riscv64')) {
        expect(blocks[`${project}:build-${slug}`]).toMatch(new RegExp(`→ dist/${root}/${slug}/`));
        expect(blocks[`${project}:build-${slug}`]).not.toContain('riscv64');
      }
      const failed = /Failed tasks:\s*\n((?:\s*- .*\n?)+)/.exec(r.output);
      if (!failed) throw new Error(describeRun('no "Failed tasks" list', r));
      expect(failed[1].trim().split('\n').map((l) => l.trim())).toEqual([`- ${project}:build-linux-riscv64`]);
      // The other five were built and cached, the failed one was not.
      const again = buildAll();
      for (const slug of SLUGS.filter((s) => s !== 'linux-riscv64')) expect(nxTaskFromCache(again.output, `${project}:build-${slug}`)).toBe(true);
      expect(nxTaskFromCache(again.output, `${project}:build-linux-riscv64`)).toBe(false);
    } finally {
      fs.rmSync(broken, { force: true });
    }
  });
});

/** Output of each task block (`> nx run <task>` up to the next header or Nx summary). */
function taskBlocks(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^> nx run (\S+)[^\n]*\n([\s\S]*?)(?=^> nx run |^\s*(?:—|NX)\s|(?![\s\S]))/gm;
  for (const m of output.matchAll(re)) out[m[1]] = (out[m[1]] ?? '') + m[2];
  return out;
}
