/**
 * The build manifest (`<artifact>.intoto.json`) through the real `nx` CLI and the packed
 * `gocross` command: written by every build with the artifact's sha256, what validate judges a
 * `--cgo` build against, and what exposes a binary replaced after its build.
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
  requireTool,
  run,
  uniqueName,
  workspaceRoot,
  writeFile,
} from './utils';
import { all, describeIf, haveTools, hostIs, itIf } from '../plugin/src/test-utils/gates';

interface Statement {
  _type: string;
  predicateType: string;
  subject: { name: string; digest: { sha256: string }; annotations?: { size?: number } }[];
  predicate: {
    buildDefinition: {
      buildType: string;
      externalParameters: { target?: string; options: Record<string, unknown> };
      internalParameters: Record<string, unknown>;
      resolvedDependencies: { name?: string; uri?: string; annotations?: Record<string, unknown> }[];
    };
    runDetails: { builder: { id: string } };
  };
}

interface JsonReport {
  ok: boolean;
  artifacts: { file: string; target: { cgo: boolean; libc?: string; linkmode?: string }; findings: { checkId: string; message: string }[] }[];
}

const sha256 = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const readJson = <T>(f: string): T => JSON.parse(fs.readFileSync(f, 'utf8')) as T;

// Every test here reads the cgo build of the first one: gcc linking for linux/amd64 on its own host.
describeIf(all(hostIs('linux', 'x64'), haveTools('gcc')))('build manifest', () => {
  let ws: string;
  let project: string;
  let root: string;
  let bin: string;
  let manifest: string;
  let gocross: string;
  const reportFile = () => path.join(ws, 'reports', 'gocross', project, 'json', 'gocross.json');

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('cgo-manifest');
    // cgo-hello's C code builds only with cgo, which this project does not configure: only
    // `--cgo` on the command line builds it.
    root = copyModule('apps/cgo-hello', `apps/${project}`);
    // A file without cgo keeps the main package a main of the non-cgo target too (its other files
    // import "C", which go leaves out with cgo off), so the inferred target names it.
    writeFile(path.join(ws, root, 'version.go'), 'package main\n\nconst version = "1"\n');
    writeFile(path.join(ws, root, 'gocross.json'), JSON.stringify({ platforms: ['linux/amd64', 'linux/arm64'] }) + '\n');
    writeFile(
      path.join(ws, root, 'project.json'),
      JSON.stringify(
        {
          name: project,
          root,
          targets: {
            // Validates whatever build-linux-amd64 last wrote (here a --cgo build from the command
            // line): its own empty dependsOn replaces the dependency on the build the plugin gives a
            // validate target, which would rebuild it without --cgo first.
            'validate-json': {
              executor: '@gocross/nx:validate',
              dependsOn: [],
              options: { buildTarget: 'build-linux-amd64', formats: ['json'], reportsDir: `reports/gocross/${project}/json` },
            },
          },
        },
        null,
        2,
      ) + '\n',
    );
    bin = path.join(ws, 'dist', root, 'linux-amd64', project);
    manifest = `${bin}.intoto.json`;
    gocross = path.join(ws, 'node_modules', '.bin', 'gocross');
  });

  test('nx run …:build-linux-amd64 --cgo writes a Statement v1 / SLSA v1 manifest whose digest is the file’s', () => {
    expectSuccess('build --cgo', nx(['run', `${project}:build-linux-amd64`, '--cgo', '--skip-nx-cache']));
    const st = readJson<Statement>(manifest);
    expect(st._type).toBe('https://in-toto.io/Statement/v1');
    expect(st.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(st.subject).toEqual([{ name: project, digest: { sha256: sha256(bin) }, annotations: { size: fs.statSync(bin).size } }]);
    const info = goVersionM(bin);
    const bd = st.predicate.buildDefinition;
    expect(bd.externalParameters).toMatchObject({ target: `${project}:build-linux-amd64`, options: { cgo: true, goos: 'linux', goarch: 'amd64' } });
    expect(bd.internalParameters).toMatchObject({
      goos: 'linux',
      goarch: 'amd64',
      cgo: true,
      libc: 'glibc',
      buildmode: 'exe',
      linkmode: 'external',
      goVersion: info.goVersion,
      cc: expect.stringMatching(/gcc/),
      ccVersion: expect.stringMatching(/gcc/),
    });
    expect(info.settings.CGO_ENABLED).toBe('1');
    expect(bd.resolvedDependencies[0]).toMatchObject({ name: 'go', annotations: { version: info.goVersion } });
    expect(bd.resolvedDependencies[1]).toMatchObject({ name: info.mod, annotations: { main: true } });
  });

  itIf(haveTools('sha256sum'))('sha256sum, an independent oracle, gives the digest of the manifest', () => {
    if (!fs.existsSync(manifest)) throw new Error('the first test did not build the cgo artifact');
    const sum = requireTool('sha256sum', 'hash the artifact independently');
    expect(run(sum, [bin]).stdout.split(/\s+/)[0]).toBe(readJson<Statement>(manifest).subject[0].digest.sha256);
  });

  test('validate judges the --cgo build as cgo (its manifest); without the manifest it is judged by the options and fails', () => {
    if (!fs.existsSync(manifest)) throw new Error('the previous test did not build the cgo artifact');
    const r = nx(['run', `${project}:validate-json`, '--skip-nx-cache']);
    if (r.code !== 0) throw new Error(describeRun('validate-json', r));
    const report = readJson<JsonReport>(reportFile());
    expect(report.artifacts).toHaveLength(1);
    expect(report.artifacts[0].target).toMatchObject({ cgo: true, libc: 'glibc', linkmode: 'external' });
    expect(report.artifacts[0].findings.filter((f) => f.checkId === 'buildinfo')).toEqual([]);

    // The control: the same binary without its manifest is judged as the configured non-cgo build.
    const saved = fs.readFileSync(manifest);
    fs.rmSync(manifest);
    try {
      const c = nx(['run', `${project}:validate-json`, '--skip-nx-cache']);
      expect(c.code).not.toBe(0);
      const judged = readJson<JsonReport>(reportFile());
      expect(judged.artifacts[0].target.cgo).toBe(false);
      expect(judged.artifacts[0].findings.map((f) => f.message)).toContain('built with CGO_ENABLED=1, target has cgo off');
    } finally {
      fs.writeFileSync(manifest, saved);
    }
  });

  test('a binary replaced after its build fails validate (executor and CLI) naming the file', () => {
    if (!fs.existsSync(manifest)) throw new Error('the first test did not build the cgo artifact');
    const original = fs.readFileSync(bin);
    // Another, valid, linux/amd64 binary in its place: only the manifest tells it is not the build's.
    expectSuccess('build --cgo --ldflags', nx(['run', `${project}:build-linux-amd64`, '--cgo', '--ldflags=-s', '--outputDir=tmp/other', '--skip-nx-cache']));
    fs.copyFileSync(path.join(ws, 'tmp', 'other', project), bin);
    try {
      const rel = path.relative(ws, bin);
      const r = nx(['run', `${project}:validate-json`, '--skip-nx-cache']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain(`${rel} is not the file its build wrote`);
      const report = readJson<JsonReport>(reportFile());
      expect(report.artifacts[0].findings).toEqual(
        expect.arrayContaining([expect.objectContaining({ checkId: 'input', message: expect.stringContaining('replaced or modified after the build') })]),
      );
      const cli = run(gocross, ['validate', rel], { cwd: ws, env: { CI: 'true' } });
      expect(cli.code).toBe(1);
      expect(cli.output).toContain(`${rel} is not the file its build wrote`);
    } finally {
      fs.writeFileSync(bin, original);
    }
    // Back to the built file: the CLI judges it by its manifest (cgo) and passes.
    const ok = run(gocross, ['validate', '--format', 'json', path.relative(ws, bin)], { cwd: ws, env: { CI: 'true' } });
    if (ok.code !== 0) throw new Error(describeRun('gocross validate', ok));
    expect((JSON.parse(ok.stdout) as JsonReport).artifacts[0].target).toMatchObject({ cgo: true, libc: 'glibc' });
  });

  test('a manifest that cannot be parsed: one line naming it, exit ≠ 0 (executor and CLI)', () => {
    if (!fs.existsSync(manifest)) throw new Error('the first test did not build the cgo artifact');
    const saved = fs.readFileSync(manifest);
    fs.writeFileSync(manifest, '{"_type": "https://in-toto.io/Statement/v1", ');
    try {
      const rel = path.relative(ws, manifest);
      const r = nx(['run', `${project}:validate-json`, '--skip-nx-cache']);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(new RegExp(`^${rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(.*\\); rebuild the artifact or delete the manifest$`, 'm'));
      const cli = run(gocross, ['validate', path.relative(ws, bin)], { cwd: ws, env: { CI: 'true' } });
      expect(cli.code).toBe(2);
      expect(cli.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^gocross: ${rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`))]);
    } finally {
      fs.writeFileSync(manifest, saved);
    }
  });
});
