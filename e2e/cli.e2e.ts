/**
 * The `gocross` command line as installed from the packed tarball (node_modules/.bin/gocross in
 * the test workspace), on binaries built here by go: good ones, a wrong-arch file under a
 * linux_arm64 path, a cgo binary with a /tmp RUNPATH, and goreleaser's artifacts.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeRun, realGo, requireTool, run, workspaceRoot, writeFile } from './utils';

describe('gocross CLI from the packed package', () => {
  let ws: string;
  let bin: string;
  let dir: string;
  const gocross = (args: string[]) => run(bin, args, { cwd: dir, env: { CI: 'true' } });

  const build = (out: string, env: Record<string, string>, extra: string[] = []) => {
    const r = run(realGo(), ['build', '-trimpath', ...extra, '-o', path.join(dir, out), '.'], {
      cwd: path.join(dir, 'src'),
      env: { GOFLAGS: '', GOWORK: 'off', GOTOOLCHAIN: 'local', GOPROXY: 'off', CGO_ENABLED: '0', ...env },
    });
    if (r.code !== 0) throw new Error(describeRun(`go build ${out}`, r));
  };

  beforeAll(() => {
    ws = workspaceRoot();
    bin = path.join(ws, 'node_modules', '.bin', 'gocross');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-cli-e2e-'));
    writeFile(path.join(dir, 'src', 'go.mod'), 'module example.com/cliapp\n\ngo 1.22\n');
    writeFile(
      path.join(dir, 'src', 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"runtime"\n)\n\nfunc main() { fmt.Println(runtime.GOOS + "/" + runtime.GOARCH) }\n',
    );
    build('dist/app_linux_arm64_v8.0/app', { GOOS: 'linux', GOARCH: 'arm64' });
    build('dist/app_linux_amd64_v1/app', { GOOS: 'linux', GOARCH: 'amd64' });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the bin is installed and answers --help', () => {
    expect(fs.existsSync(bin)).toBe(true);
    const r = gocross(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/validate .*inspect .*platforms .*explain/s);
  });

  test('good binaries: exit 0', () => {
    const r = gocross(['validate', 'dist']);
    if (r.code !== 0) throw new Error(describeRun('gocross validate dist', r));
    expect(r.stderr).toContain('2 artifact(s) validated');
  });

  test('an x86-64 binary under a linux_arm64 path: exit 1 with elf-arch', () => {
    fs.mkdirSync(path.join(dir, 'wrong', 'app_linux_arm64'), { recursive: true });
    fs.copyFileSync(path.join(dir, 'dist', 'app_linux_amd64_v1', 'app'), path.join(dir, 'wrong', 'app_linux_arm64', 'app'));
    const r = gocross(['validate', 'wrong']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error\s+elf-arch/);
  });

  test('a cgo binary with a /tmp RUNPATH: exit 1 with rpath', () => {
    if (!requireTool('gcc', 'cgo build')) return;
    writeFile(path.join(dir, 'src', 'c.go'), 'package main\n\n// int answer(void) { return 42; }\nimport "C"\n\nvar _ = C.answer()\n');
    try {
      build('cgo/app', { CGO_ENABLED: '1', CC: 'gcc' }, ['-ldflags=-extldflags=-Wl,-rpath,/tmp/x']);
    } finally {
      fs.rmSync(path.join(dir, 'src', 'c.go'));
    }
    const r = gocross(['validate', '--format', 'text,sarif', '--out', 'reports', 'cgo/app']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error\s+rpath\s+DT_RUNPATH entry "\/tmp\/x"/);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'reports', 'gocross.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('rpath');
  });

  test('goreleaser artifacts.json: each binary against its recorded platform', () => {
    const artifacts = [
      { name: 'app', path: 'dist/app_linux_arm64_v8.0/app', goos: 'linux', goarch: 'arm64', goarm64: 'v8.0', type: 'Binary' },
      { name: 'app', path: 'dist/app_linux_amd64_v1/app', goos: 'linux', goarch: 'amd64', goamd64: 'v1', type: 'Binary' },
      { name: 'checksums.txt', path: 'dist/checksums.txt', type: 'Checksum' },
    ];
    writeFile(path.join(dir, 'dist', 'artifacts.json'), JSON.stringify(artifacts, null, 2));
    const ok = gocross(['validate', '--goreleaser', 'dist/artifacts.json']);
    if (ok.code !== 0) throw new Error(describeRun('gocross validate --goreleaser', ok));
    artifacts[1].goarch = 'arm64';
    writeFile(path.join(dir, 'dist', 'artifacts.json'), JSON.stringify(artifacts, null, 2));
    const bad = gocross(['validate', '--goreleaser', 'dist/artifacts.json']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('elf-arch');
  });

  test('inspect, platforms and explain work from the package (docs travel with it)', () => {
    const i = gocross(['inspect', '--json', 'dist/app_linux_arm64_v8.0/app']);
    expect(i.code).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({ format: 'elf', elf: { machine: 'EM_AARCH64' } });
    expect(gocross(['platforms']).stdout).toMatch(/linux\/riscv64/);
    const e = gocross(['explain', 'archive-arch']);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/^# archive-arch/);
    expect(gocross(['explain', 'nope']).code).toBe(2);
  });
});
