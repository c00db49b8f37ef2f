/**
 * Outputs that never collide, through the real `nx` CLI in a workspace set up by
 * `nx g @gocross/nx:init`: docs/cgo.md's hand-written musl target next to the inferred glibc
 * one (both kept on disk, both replayed from the cache with their manifests after dist/ is
 * deleted), the refusal of a cached target whose files are not declared outputs, and a
 * c-shared → c-archive switch that leaves no `.so` behind.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  copyModule,
  describeRun,
  expectSuccess,
  goVersionM,
  nx,
  nxTaskFromCache,
  readelfInterpreter,
  requireTool,
  run,
  uniqueName,
  workspaceRoot,
  writeFile,
} from './utils';
import { all, haveTools, hostIs, itIf } from '../plugin/src/test-utils/gates';

const sha256 = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const readJson = <T>(f: string): T => JSON.parse(fs.readFileSync(f, 'utf8')) as T;

interface Statement {
  subject: { name: string; digest: { sha256: string } }[];
  predicate: { buildDefinition: { internalParameters: { cgo: boolean; libc?: string; buildmode: string } } };
}

describe('build outputs', () => {
  let ws: string;
  let project: string;
  let root: string;
  const inWs = (args: string[]) => nx(args, { cwd: ws });
  const targets: Record<string, unknown> = {};
  const writeProject = () =>
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, root, targets }, null, 2) + '\n');

  beforeAll(() => {
    // A workspace of its own (sharing the installed packages), so init's targetDefaults do not
    // change the other test files' workspace.
    const shared = workspaceRoot();
    ws = fs.mkdtempSync(path.join(path.dirname(shared), 'ws-outputs-'));
    fs.symlinkSync(path.join(shared, 'node_modules'), path.join(ws, 'node_modules'));
    writeFile(path.join(ws, 'package.json'), JSON.stringify({ name: 'gocross-e2e-outputs', version: '0.0.0', private: true }, null, 2) + '\n');
    writeFile(path.join(ws, 'nx.json'), JSON.stringify({ useDaemonProcess: false }, null, 2) + '\n');
    writeFile(path.join(ws, 'go.work'), 'go 1.22\n');
    expectSuccess('nx g @gocross/nx:init', inWs(['g', '@gocross/nx:init', '--platforms=linux/amd64', '--no-interactive']));
    project = uniqueName('cgo-outputs');
    root = copyModule('apps/cgo-hello', `apps/${project}`, {}, ws);
    writeFile(path.join(ws, root, 'gocross.json'), JSON.stringify({ cgo: true, platforms: ['linux/amd64'] }) + '\n');
  });

  test('init declares the directory or file a build target’s options name, after the inferred outputs', () => {
    const nxJson = readJson<{ targetDefaults: Record<string, { cache?: boolean; outputs?: string[] }> }>(path.join(ws, 'nx.json'));
    expect(nxJson.targetDefaults['@gocross/nx:build']).toEqual({
      cache: true,
      outputs: ['...', '{options.outputDir}', '{options.outputPath}', '{options.outputPath}.intoto.json'],
    });
  });

  // A linux/amd64 workspace: the host gcc and musl-gcc link it on a linux/amd64 host.
  const linkHere = all(hostIs('linux', 'x64'), haveTools('gcc', 'musl-gcc'));
  let libcBins: { glibc: string; musl: string } | undefined;
  itIf(linkHere)('docs/cgo.md’s musl target next to the glibc one: both kept, both replayed from the cache with their manifests', () => {
    // The example of docs/cgo.md (“musl or glibc”), for the host's arch: musl-gcc is Debian's musl compiler for amd64.
    const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'cgo.md'), 'utf8');
    const example = /"build-linux-arm64-musl": (\{[\s\S]*?\n\})/.exec(doc);
    if (!example) throw new Error('docs/cgo.md has no "build-linux-arm64-musl" example');
    const musl = JSON.parse(example[1].replace(/apps\/api/g, root).replace(/arm64/g, 'amd64')) as { options: Record<string, unknown> };
    expect(musl.options).toMatchObject({ cgo: true, libc: 'musl', outputDir: `dist/${root}/linux-amd64-musl` });
    targets['build-linux-amd64-musl'] = musl;
    writeProject();

    const glibcBin = path.join(ws, 'dist', root, 'linux-amd64-cgo', project);
    const muslBin = path.join(ws, 'dist', root, 'linux-amd64-musl', project);
    expectSuccess('glibc build', inWs(['run', `${project}:build-linux-amd64`]));
    expectSuccess('musl build', inWs(['run', `${project}:build-linux-amd64-musl`]));
    const check = () => {
      expect(goVersionM(glibcBin).settings.CGO_ENABLED).toBe('1');
      expect(goVersionM(muslBin).settings.CGO_ENABLED).toBe('1');
      expect(run(muslBin, []).stdout).toBe('cgo: 2+3=5 linux/amd64\n');
      for (const [bin, libc] of [
        [glibcBin, 'glibc'],
        [muslBin, 'musl'],
      ] as const) {
        const st = readJson<Statement>(`${bin}.intoto.json`);
        expect(st.subject[0].digest.sha256).toBe(sha256(bin));
        expect(st.predicate.buildDefinition.internalParameters).toMatchObject({ cgo: true, libc });
      }
    };
    check();
    const sums = [sha256(glibcBin), sha256(muslBin), sha256(`${glibcBin}.intoto.json`), sha256(`${muslBin}.intoto.json`)];

    // The glibc target again: its own binary, left as it is.
    const again = expectSuccess('glibc again', inWs(['run', `${project}:build-linux-amd64`]));
    expect(nxTaskFromCache(again.output, `${project}:build-linux-amd64`)).toBe(true);
    expect(sha256(glibcBin)).toBe(sums[0]);

    // Without dist/: both replayed from the cache, binaries and manifests.
    fs.rmSync(path.join(ws, 'dist'), { recursive: true, force: true });
    const replay = expectSuccess(
      'replay',
      inWs(['run-many', '-p', project, '-t', 'build-linux-amd64', 'build-linux-amd64-musl']),
    );
    expect(nxTaskFromCache(replay.output, `${project}:build-linux-amd64`)).toBe(true);
    expect(nxTaskFromCache(replay.output, `${project}:build-linux-amd64-musl`)).toBe(true);
    expect([sha256(glibcBin), sha256(muslBin), sha256(`${glibcBin}.intoto.json`), sha256(`${muslBin}.intoto.json`)]).toEqual(sums);
    check();
    libcBins = { glibc: glibcBin, musl: muslBin };
  });

  itIf(all(linkHere, haveTools('readelf')))('readelf: the glibc build asks for the glibc loader, the musl one is static', () => {
    expect(libcBins).toBeDefined();
    const readelf = requireTool('readelf', 'read the program interpreter of the binaries');
    expect(readelfInterpreter(readelf, libcBins!.glibc)).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(readelfInterpreter(readelf, libcBins!.musl)).toBeUndefined(); // statically linked musl
  });

  test('a cached target whose files are not declared outputs is refused, naming the directory to declare', () => {
    targets['build-musl-undeclared'] = {
      executor: '@gocross/nx:build',
      options: { goos: 'linux', goarch: 'amd64', cgo: true, libc: 'musl' },
    };
    writeProject();
    const r = inWs(['run', `${project}:build-musl-undeclared`]);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(
      `${project}:build-musl-undeclared writes dist/${root}/linux-amd64-musl/${project} (and 1 more), which is not among the target's outputs`,
    );
    expect(r.output).toContain(`set "outputDir": "dist/${root}/linux-amd64-musl"`);
  });

  itIf(all(hostIs('linux', 'x64'), haveTools('gcc')))('c-shared, then c-archive into the same directory: no .so left, nothing else removed, validate sees the archive only', () => {
    // An exported function, so each build mode also writes its C header.
    writeFile(path.join(ws, root, 'export.go'), 'package main\n\nimport "C"\n\n//export Twice\nfunc Twice(x C.int) C.int { return 2 * x }\n');
    const outputDir = `dist/${root}/lib`;
    const dir = path.join(ws, outputDir);
    targets['build-lib'] = {
      executor: '@gocross/nx:build',
      options: { goos: 'linux', goarch: 'amd64', cgo: true, buildmode: 'c-shared', outputDir },
    };
    targets['validate-lib'] = {
      executor: '@gocross/nx:validate',
      options: { buildTarget: 'build-lib', formats: ['json'], reportsDir: `reports/${project}/lib` },
    };
    writeProject();
    expectSuccess('c-shared', inWs(['run', `${project}:build-lib`]));
    expect(fs.readdirSync(dir).sort()).toEqual([`${project}.h`, `${project}.so`, `${project}.so.intoto.json`]);
    writeFile(path.join(dir, 'NOTES.txt'), 'not written by a build');

    (targets['build-lib'] as { options: Record<string, unknown> }).options.buildmode = 'c-archive';
    writeProject();
    const r = expectSuccess('c-archive', inWs(['run', `${project}:build-lib`]));
    expect(r.output).toMatch(new RegExp(`removed .*${project}\\.so \\(written by an earlier build of this target\\)`));
    expect(fs.readdirSync(dir).sort()).toEqual(['NOTES.txt', `${project}.a`, `${project}.a.intoto.json`, `${project}.h`]);
    const st = readJson<Statement>(path.join(dir, `${project}.a.intoto.json`));
    expect(st.predicate.buildDefinition.internalParameters.buildmode).toBe('c-archive');

    const v = inWs(['run', `${project}:validate-lib`, '--skip-nx-cache']);
    const report = readJson<{ artifacts: { file: string; target: { buildmode: string } }[] }>(path.join(ws, 'reports', project, 'lib', 'gocross.json'));
    if (report.artifacts.length !== 1) throw new Error(describeRun('validate-lib', v));
    expect(report.artifacts.map((a) => [a.file, a.target.buildmode])).toEqual([[`${outputDir}/${project}.a`, 'c-archive']]);
  });
});
