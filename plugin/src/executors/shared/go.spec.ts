import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { clearGoEnvMemo, findGo, passthroughEnv, platformTableFor, readGoEnv, readGoVersion, runGo, which } from './go';
import { haveGo, itIf } from '../../test-utils/gates';

const itGo = itIf(haveGo());

describe('executors/shared/go', () => {
  it('runGo: stdin closed by default, data written and closed on request, captured output capped by keepOutput', async () => {
    const env = { PATH: process.env.PATH ?? '' };
    const cat = await runGo('sh', ['-c', 'cat; echo end'], { cwd: os.tmpdir(), env, stdout: null, stderr: null });
    expect(cat).toMatchObject({ code: 0, stdout: 'end\n' });
    const fed = await runGo('sh', ['-c', 'cat'], { cwd: os.tmpdir(), env, stdout: null, stderr: null, stdin: { data: 'ignore\n' } });
    expect(fed).toMatchObject({ code: 0, stdout: 'ignore\n' });
    const long = await runGo('sh', ['-c', 'i=0; while [ $i -lt 200 ]; do echo line$i; i=$((i+1)); done; echo tail >&2'], {
      cwd: os.tmpdir(),
      env,
      stdout: null,
      stderr: null,
      keepOutput: 12,
    });
    expect(long.stdout).toBe('198\nline199\n');
    expect(long.stderr).toBe('tail\n');
    expect(long.output.length).toBe(12);
    expect(long.output.endsWith('tail\n')).toBe(true);
  });

  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-go-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function script(name: string, body: string): string {
    const p = path.join(dir, name);
    fs.writeFileSync(p, `#!/bin/sh\n${body}\n`);
    fs.chmodSync(p, 0o755);
    return p;
  }

  it('passthroughEnv keeps only the allow-list', () => {
    expect(
      passthroughEnv({ PATH: '/bin', GOCACHE: '/c', GOOS: 'windows', GOARM: '5', CC: 'gcc', TOKEN: 'secret', HOME: '/h' }),
    ).toEqual({ PATH: '/bin', GOCACHE: '/c', HOME: '/h' });
    expect(passthroughEnv({ CGO_LDFLAGS: '-L/x', PATH: '/bin' }, ['CGO_LDFLAGS'])).toEqual({ CGO_LDFLAGS: '-L/x' });
  });

  it('which finds executables on PATH only', () => {
    const exe = script('fake-tool', 'exit 0');
    fs.writeFileSync(path.join(dir, 'not-exec'), '');
    expect(which('fake-tool', { PATH: `/nonexistent${path.delimiter}${dir}` })).toBe(exe);
    expect(which('not-exec', { PATH: dir })).toBeUndefined();
    expect(which('fake-tool', { PATH: '' })).toBeUndefined();
    expect(which(exe, { PATH: '' })).toBe(exe);
  });

  it('findGo: GOCROSS_GO, then PATH, then GOROOT/bin', () => {
    const goroot = path.join(dir, 'goroot');
    fs.mkdirSync(path.join(goroot, 'bin'), { recursive: true });
    const rootGo = path.join(goroot, 'bin', 'go');
    fs.writeFileSync(rootGo, '#!/bin/sh\n');
    fs.chmodSync(rootGo, 0o755);
    const other = script('my-go', 'exit 0');
    expect(findGo({ PATH: '', GOROOT: goroot })).toBe(rootGo);
    expect(findGo({ PATH: path.join(goroot, 'bin'), GOCROSS_GO: other })).toBe(other);
    expect(findGo({ PATH: '' })).toBeUndefined();
  });

  itGo('readGoEnv reads go env -json once per process', () => {
    clearGoEnvMemo();
    const go = findGo() as string;
    const a = readGoEnv(go);
    expect(a.GOVERSION).toMatch(/^go1\.\d+/);
    expect(a.GOHOSTOS).toBe(spawnSync('go', ['env', 'GOHOSTOS'], { encoding: 'utf8' }).stdout.trim());
    expect(readGoEnv(go)).toBe(a);
    expect(readGoVersion(go)).toBe(a.GOVERSION);
  });

  itGo('readGoEnv answers for the directory it is asked about (go.work found there)', () => {
    clearGoEnvMemo();
    const go = findGo() as string;
    const withWork = path.join(dir, 'with-work');
    const without = path.join(dir, 'without');
    fs.mkdirSync(withWork, { recursive: true });
    fs.mkdirSync(without, { recursive: true });
    fs.writeFileSync(path.join(withWork, 'go.work'), 'go 1.22\n');
    const env = { ...process.env };
    delete env.GOWORK;
    expect(readGoEnv(go, env, withWork).GOWORK).toBe(path.join(fs.realpathSync(withWork), 'go.work'));
    expect(readGoEnv(go, env, without).GOWORK).toBe('');
  });

  it('readGoEnv reports a failing go with its message', () => {
    clearGoEnvMemo();
    const bad = script('bad-go', 'echo "go: broken install" >&2; exit 3');
    expect(() => readGoEnv(bad, { PATH: '/bin:/usr/bin' })).toThrow(/bad-go env -json failed: go: broken install/);
  });

  it('runGo streams and captures, passes argv verbatim and only the given env', async () => {
    const prog = script(
      'echoer',
      'printf "out:%s|" "$@"; printf "\\n"; echo "err:$FOO:${SECRET:-none}" >&2; echo done; exit 4',
    );
    const out = new PassThrough();
    const err = new PassThrough();
    let streamedOut = '';
    let streamedErr = '';
    out.on('data', (d: Buffer) => (streamedOut += d.toString()));
    err.on('data', (d: Buffer) => (streamedErr += d.toString()));
    process.env.SECRET = 'leak';
    try {
      const r = await runGo(prog, ['a b', '$HOME', ';rm -rf /'], {
        cwd: dir,
        env: { FOO: 'bar', PATH: '/bin:/usr/bin' },
        stdout: out,
        stderr: err,
      });
      expect(r.code).toBe(4);
      expect(r.error).toBeUndefined();
      expect(r.stdout).toBe('out:a b|out:$HOME|out:;rm -rf /|\ndone\n');
      expect(r.stderr).toBe('err:bar:none\n');
      expect(r.output).toContain('err:bar:none\n');
      expect(r.output.length).toBe(r.stdout.length + r.stderr.length);
      expect(streamedOut).toBe(r.stdout);
      expect(streamedErr).toBe(r.stderr);
    } finally {
      delete process.env.SECRET;
    }
  });

  it('runGo reports a program that cannot start', async () => {
    const r = await runGo(path.join(dir, 'missing'), [], { cwd: dir, env: {}, stdout: null, stderr: null });
    expect(r.code).toBeNull();
    expect(r.error?.message).toMatch(/ENOENT/);
  });

  itGo('platformTableFor keeps the table in $GOCROSS_CACHE_DIR (every executor, not only build)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-table-'));
    try {
      // A version string of its own, so no earlier load in this process answers from memory.
      const version = `go1.26-cachedir-${process.pid}`;
      const table = platformTableFor('go', { ...process.env, GOCROSS_CACHE_DIR: dir }, version);
      expect(table.source).toBe('go');
      expect(table.find('linux', 'arm64')).toBeDefined();
      expect(fs.readdirSync(dir)).toEqual([`dist-list-${version}.json`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
