import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { placeholdersIn, resolvePlaceholders, usedPlaceholders, type GitRunner } from './placeholders';

const base = { goos: 'linux', goarch: 'amd64' };

describe('build placeholders', () => {
  it('finds the placeholders a text uses, and nothing else in braces', () => {
    expect(placeholdersIn('-X main.v={version} -X main.c={commit} -X main.d={commitDate} -X main.o={other}')).toEqual(['version', 'commit', 'commitDate']);
    expect(usedPlaceholders({ tags: ['rel_{commit}'], env: { V: '{version}' } })).toEqual(['version', 'commit']);
    expect(usedPlaceholders({ ldflags: '-s -w' })).toEqual([]);
  });

  it('leaves options without placeholders as they are and asks git nothing', () => {
    const git = jest.fn() as unknown as GitRunner;
    const o = { ...base, ldflags: '-s -w' };
    const r = resolvePlaceholders(o, '/nowhere', git);
    expect(r).toEqual({ ok: true, options: o, values: {} });
    expect(git).not.toHaveBeenCalled();
  });

  it('asks git only for the placeholders used, and replaces them in ldflags, gcflags, tags and env', () => {
    const calls: string[] = [];
    const git: GitRunner = (args) => {
      calls.push(args.join(' '));
      return { ok: true, out: args[0] === 'describe' ? 'v1.2.3' : args[0] === 'status' ? '?? x.go' : 'abc123' };
    };
    const r = resolvePlaceholders({ ...base, ldflags: '-X main.v={version} -X main.c={commit}', gcflags: 'all=-N', tags: ['t{commit}'], env: { A: '{version}' } }, '/x', git);
    expect(calls).toEqual(['describe --tags --always', 'status --porcelain --untracked-files=normal', 'rev-parse HEAD']);
    expect(r.ok && r.options).toEqual({ ...base, ldflags: '-X main.v=v1.2.3-dirty -X main.c=abc123', gcflags: 'all=-N', tags: ['tabc123'], env: { A: 'v1.2.3-dirty' } });
  });

  it('names the git command that failed', () => {
    const r = resolvePlaceholders({ ...base, ldflags: '-X main.d={commitDate}' }, '/x', () => ({ ok: false, message: 'fatal: not a git repository' }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe('{commitDate} in the build options is resolved with `git log -1 --format=%cI`, which failed in /x: fatal: not a git repository');
  });

  it('resolves from a real repository: tag, commit and commit date', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-ph-'));
    try {
      const g = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2024-05-06T07:08:09Z', GIT_COMMITTER_DATE: '2024-05-06T07:08:09Z' } }).trim();
      g('init', '-q');
      fs.writeFileSync(path.join(dir, 'a'), 'a');
      g('add', 'a');
      g('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'one');
      g('tag', 'v0.4.0');
      const head = g('rev-parse', 'HEAD');
      const r = resolvePlaceholders({ ...base, ldflags: '-X main.v={version} -X main.c={commit} -X main.d={commitDate}' }, dir);
      expect(r.ok && r.options.ldflags).toBe(`-X main.v=v0.4.0 -X main.c=${head} -X main.d=2024-05-06T07:08:09+00:00`);
      fs.writeFileSync(path.join(dir, 'a'), 'b');
      const dirty = resolvePlaceholders({ ...base, ldflags: '{version}' }, dir);
      expect(dirty.ok && dirty.options.ldflags).toBe('v0.4.0-dirty');
      // An untracked file is dirty too (git describe --dirty alone misses it); an ignored one is not.
      g('checkout', '--', 'a');
      fs.writeFileSync(path.join(dir, '.git/info/exclude'), 'ignored.go\n');
      fs.writeFileSync(path.join(dir, 'ignored.go'), 'package x\n');
      expect(resolvePlaceholders({ ...base, ldflags: '{version}' }, dir)).toMatchObject({ ok: true, values: { version: 'v0.4.0' } });
      fs.writeFileSync(path.join(dir, 'extra.go'), 'package x\n');
      expect(resolvePlaceholders({ ...base, ldflags: '{version}' }, dir)).toMatchObject({ ok: true, values: { version: 'v0.4.0-dirty' } });
      fs.rmSync(path.join(dir, 'extra.go'));
      expect(resolvePlaceholders({ ...base, ldflags: '{version}' }, dir)).toMatchObject({ ok: true, values: { version: 'v0.4.0' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
