/**
 * The release trust chain's reproducibility pieces through the real `nx` CLI, in a git
 * repository of its own: the inferred `verify-reproducible` target (a default build is
 * identical when rebuilt from a second checkout at another path with an empty GOCACHE; a build
 * without -trimpath is not, and the paths are named), and `{version}` in gocross.json ldflags
 * (resolved from `git describe`, a new tag is a cache miss, the same tag a hit).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeRun, expectSuccess, goVersionM, nx, nxTaskFromCache, run, workspaceRoot, writeFile } from './utils';

const HOST = process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
const SLUG = HOST.replace('/', '-');

describe('reproducible builds', () => {
  let repo: string;
  const gitEnv = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
  const git = (...args: string[]) => expectSuccess(`git ${args.join(' ')}`, run('git', args, { cwd: repo, env: gitEnv }));
  const bin = () => path.join(repo, 'dist', 'apps', 'hello', SLUG, 'hello');
  const build = (...extra: string[]) => {
    const r = nx(['run', `hello:build`, '--output-style=static', ...extra], { cwd: repo });
    if (r.code !== 0) throw new Error(describeRun('nx run hello:build', r));
    return { output: r.output, cached: nxTaskFromCache(r.output, 'hello:build') };
  };

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-reproducible-'));
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'reproducible', private: true }),
      'nx.json': JSON.stringify({ useDaemonProcess: false, plugins: [{ plugin: '@gocross/nx', options: { platforms: [HOST] } }] }),
      '.gitignore': 'node_modules\ndist/\n.nx/\nreports/\n',
      'apps/hello/go.mod': 'module gocross.example/hello\n\ngo 1.22\n',
      'apps/hello/main.go': 'package main\n\nimport "fmt"\n\nvar version = "dev"\n\nfunc main() { fmt.Println("hello", version) }\n',
      'apps/hello/gocross.json': JSON.stringify({ ldflags: '-X main.version={version}' }, null, 2) + '\n',
      // A target of its own for the vcs case: args is an array, which the command line cannot set.
      'apps/hello/project.json': JSON.stringify({
        name: 'hello',
        targets: {
          'verify-vcs': {
            executor: '@gocross/nx:verify-reproducible',
            options: { goos: HOST.split('/')[0], goarch: HOST.split('/')[1], args: ['-buildvcs=true'], useExisting: false, outputDir: 'dist/vcs' },
          },
        },
      }),
    };
    for (const [f, c] of Object.entries(files)) writeFile(path.join(repo, f), c);
    fs.symlinkSync(path.join(workspaceRoot(), 'node_modules'), path.join(repo, 'node_modules'));
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'initial');
    git('tag', 'v1.0.0');
  });

  afterAll(() => {
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
  });

  test('the inferred verify-reproducible target passes for a default build, through nx', () => {
    const r = nx(['run', 'hello:verify-reproducible', '--output-style=static'], { cwd: repo });
    if (r.code !== 0) throw new Error(describeRun('nx run hello:verify-reproducible', r));
    expect(r.output).toContain('(git clone of HEAD) with an empty GOCACHE');
    expect(r.output).toMatch(new RegExp(`${HOST}: dist/apps/hello/${SLUG}/hello is reproducible \\(sha256 [0-9a-f]{64}\\)`));
    // The target compared with the artifact its dependency, build, wrote.
    expect(r.output).toContain(`${HOST}: comparing with the artifacts in dist/apps/hello/${SLUG}`);
    expect(fs.existsSync(bin())).toBe(true);
  });

  test('trimpath=false fails and names the paths each binary embeds', () => {
    const r = nx(['run', 'hello:verify-reproducible', '--output-style=static', '--trimpath=false', '--useExisting=false'], { cwd: repo });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`dist/apps/hello/${SLUG}/hello is not reproducible`);
    expect(r.output).toContain(`- paths: the first holds its source path ${fs.realpathSync(repo)}/apps/hello`);
    expect(r.output).toMatch(/the second holds \S*gocross-reproduce-\S+\/src\/apps\/hello/);
  });

  test('-buildvcs=true from a tree with an untracked file fails and names the vcs stamps', () => {
    const extra = path.join(repo, 'apps', 'hello', 'NOTES.txt');
    fs.writeFileSync(extra, 'not committed\n');
    try {
      const r = nx(['run', 'hello:verify-vcs', '--output-style=static'], { cwd: repo });
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('apps/hello or what its build reads (go.work, its modules, local replaces) has uncommitted changes; the second checkout is HEAD without them (1 path: apps/hello/NOTES.txt)');
      expect(r.output).toContain('dist/vcs/hello is not reproducible');
      expect(r.output).toMatch(/- vcs stamps differ \([^)]*\): vcs\.modified true vs false/);
      expect(r.output).not.toContain('- paths:');
    } finally {
      fs.rmSync(extra, { force: true });
    }
  });

  test('{version} in gocross.json ldflags: the tag in the binary, a new tag a cache miss, the same tag a hit', () => {
    build();
    expect(run(bin(), []).stdout.trim()).toBe('hello v1.0.0');
    // With -trimpath go leaves -ldflags out of the build info (go.dev/issue/52372); without it they show.
    expect(goVersionM(bin()).settings['-ldflags']).toBeUndefined();
    build('--trimpath=false');
    expect(goVersionM(bin()).settings['-ldflags']).toBe('"-X main.version=v1.0.0 -buildid="');
    expect(build().cached).toBe(true);

    git('commit', '-q', '--allow-empty', '-m', 'release');
    git('tag', 'v1.1.0');
    const afterTag = build();
    expect(afterTag.cached).toBe(false);
    expect(run(bin(), []).stdout.trim()).toBe('hello v1.1.0');
    expect(build().cached).toBe(true);
    expect(run(bin(), []).stdout.trim()).toBe('hello v1.1.0');
  });
});
