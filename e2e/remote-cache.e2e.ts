/**
 * Sharing the cache between machines through Nx's HTTP remote cache: clone A builds and
 * validates, clone B — another directory, empty local cache — gets both from the remote cache,
 * and the restored binary is byte-for-byte the one B builds itself with the cache off.
 * The cache server (e2e/support/cache-server.js) runs on 127.0.0.1 for the test only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeRun, expectSuccess, nx, REPO_ROOT, workspaceRoot, writeFile } from './utils';

const TOKEN = 'e2e-token';

function makeClone(dir: string, shared: string): void {
  writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), private: true }, null, 2));
  writeFile(
    path.join(dir, 'nx.json'),
    JSON.stringify({ useDaemonProcess: false, plugins: [{ plugin: '@gocross/nx', options: { platforms: ['linux/arm64'] } }] }, null, 2),
  );
  fs.symlinkSync(path.join(shared, 'node_modules'), path.join(dir, 'node_modules'));
  fs.cpSync(path.join(REPO_ROOT, 'examples', 'apps', 'hello'), path.join(dir, 'apps', 'hello'), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'examples', 'libs', 'mathx'), path.join(dir, 'libs', 'mathx'), { recursive: true });
  writeFile(path.join(dir, 'go.work'), 'go 1.22\n\nuse (\n\t./apps/hello\n\t./libs/mathx\n)\n');
}

describe('remote cache across clones', () => {
  let root: string;
  let server: ChildProcess;
  let port = 0;
  let logFile = '';
  const requests = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');

  beforeAll(async () => {
    const shared = workspaceRoot();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-remote-'));
    makeClone(path.join(root, 'a'), shared);
    makeClone(path.join(root, 'clone-b-elsewhere'), shared);
    logFile = path.join(root, 'cache-requests.log');
    server = spawn(process.execPath, [path.join(__dirname, 'support', 'cache-server.js'), TOKEN, logFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    port = await new Promise<number>((resolve, reject) => {
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      server.on('exit', (code) => reject(new Error(`cache server exited (${code})`)));
    });
  });

  afterAll(() => {
    server?.kill();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const remote = () => ({
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: `http://127.0.0.1:${port}`,
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: TOKEN,
  });
  const targets = ['hello:build-linux-arm64', 'hello:validate-linux-arm64'];
  const runTargets = (cwd: string, env: Record<string, string | undefined>, extra: string[] = []) =>
    nx(['run-many', '-t', 'validate-linux-arm64', '-p', 'hello', '--output-style=static', ...extra], { cwd, env });

  test('A uploads, B (other directory, empty local cache) restores build and validate from it', () => {
    const a = path.join(root, 'a');
    const b = path.join(root, 'clone-b-elsewhere');
    expectSuccess('nx in clone A', runTargets(a, remote()));
    expect(requests()).toMatch(/^PUT \S+ 200$/m);
    expect(fs.existsSync(path.join(b, '.nx'))).toBe(false);

    const rb = runTargets(b, remote());
    if (rb.code !== 0) throw new Error(describeRun('nx in clone B', rb));
    for (const t of targets) {
      const line = rb.output.split('\n').find((l) => l.includes(`nx run ${t}`));
      expect({ t, line }).toEqual({ t, line: expect.stringContaining('[remote cache]') });
    }
    expect(requests()).toMatch(/^GET \S+ 200$/m);

    const artifact = path.join('dist', 'apps', 'hello', 'linux-arm64', 'hello');
    const restored = fs.readFileSync(path.join(b, artifact));
    expect(restored.equals(fs.readFileSync(path.join(a, artifact)))).toBe(true);

    // A fresh build in B with every cache off gives the same bytes.
    fs.rmSync(path.join(b, 'dist'), { recursive: true, force: true });
    const fresh = nx(['run', 'hello:build-linux-arm64', '--skip-nx-cache', '--skip-remote-cache'], { cwd: b, env: {} });
    if (fresh.code !== 0) throw new Error(describeRun('fresh build in clone B', fresh));
    expect(fs.readFileSync(path.join(b, artifact)).equals(restored)).toBe(true);
  });

  test('a wrong token is refused: nothing is restored and Nx names the misconfigured endpoint', () => {
    const c = path.join(root, 'c');
    makeClone(c, workspaceRoot());
    const r = nx(['run', 'hello:build-linux-arm64', '--output-style=static'], {
      cwd: c,
      env: { ...remote(), NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'wrong' },
    });
    // Nx 24 treats a refused request as a misconfiguration and stops rather than build silently.
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/Misconfigured remote cache endpoint.*403/);
    expect(r.output).not.toContain('[remote cache]');
    expect(fs.existsSync(path.join(c, 'dist'))).toBe(false);
    expect(requests()).toMatch(/^GET \S+ 403$/m);
  });
});
