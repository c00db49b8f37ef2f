import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from './main';
import { haveFiles, itIf } from '../test-utils/gates';

jest.setTimeout(600_000);

const host = `linux/${process.arch === 'arm64' ? 'arm64' : 'amd64'}`;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string> = {}): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-cli-repro-'));
  dirs.push(ws);
  fs.mkdirSync(path.join(ws, 'hello'));
  fs.writeFileSync(path.join(ws, 'hello/go.mod'), 'module example.com/hello\n\ngo 1.22\n');
  fs.writeFileSync(path.join(ws, 'hello/main.go'), 'package main\n\nvar version = "dev"\n\nfunc main() { println(version) }\n');
  fs.writeFileSync(path.join(ws, '.gitignore'), 'dist/\n');
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(ws, f), text);
  const g = (...a: string[]) => execFileSync('git', a, { cwd: ws });
  g('init', '-q');
  g('add', '.');
  g('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'one');
  g('tag', 'v1.4.0');
  return ws;
}

async function run(cwd: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), isTTY: false, cwd, env: { ...process.env, GOWORK: 'off' } });
  return { code, out, err };
}

describe('gocross verify-reproducible', () => {
  it('exit 0 for a reproducible build; gocross.json ldflags with {version} are used and resolved', async () => {
    const ws = repo({ 'hello/gocross.json': JSON.stringify({ ldflags: '-X main.version={version}' }) });
    const r = await run(ws, 'verify-reproducible', 'hello', '--platform', host, '--json');
    expect(r.err).toContain('with an empty GOCACHE');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ reproducible: true, checkout: 'git-clone', artifacts: [{ file: `dist/hello/${host.replace('/', '-')}/hello`, identical: true }] });
    const bin = path.join(ws, j.artifacts[0].file);
    expect(fs.readFileSync(bin).includes(Buffer.from('v1.4.0'))).toBe(true);
  });

  it('exit 1 naming the paths for --no-trimpath; exit 2 for a directory without go.mod', async () => {
    const ws = repo();
    const r = await run(ws, 'verify-reproducible', 'hello', '--platform', host, '--no-trimpath');
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not reproducible');
    expect(r.err).toContain(`- paths: the first holds its source path ${fs.realpathSync(ws)}/hello`);
    const u = await run(ws, 'verify-reproducible', '.', '--platform', host);
    expect(u).toMatchObject({ code: 2, err: 'gocross: no go.mod in .: verify-reproducible takes a Go module directory\n' });
  });

  // The bundle scripts/build-plugin.js writes (npm test builds it before the unit tests).
  const bundle = path.join(__dirname, '..', '..', 'dist', 'cli', 'gocross.bundle.js');
  itIf(haveFiles(bundle))('the bundled command records the package version in the build manifest (not "unknown")', () => {
    const ws = repo();
    const r = execFileSync(process.execPath, [bundle, 'verify-reproducible', 'hello', '--platform', host], { cwd: ws, env: { ...process.env, GOWORK: 'off' }, encoding: 'utf8' });
    expect(r).toContain('is reproducible');
    const manifest = JSON.parse(fs.readFileSync(path.join(ws, 'dist', 'hello', host.replace('/', '-'), 'hello.intoto.json'), 'utf8'));
    const version = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
    expect(manifest.predicate.runDetails.builder.version['@gocross/nx']).toBe(version);
  });
});
