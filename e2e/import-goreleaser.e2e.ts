/**
 * `nx g @gocross/nx:import-goreleaser` through the real nx CLI, on fzf's goreleaser builds (the
 * fixture of the generator's unit tests): --dry-run writes nothing, the run writes gocross.json,
 * prints what it could not map, and the graph then has a build target per imported platform
 * with the imported ldflags; running it again changes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyModule, expectSuccess, nx, REPO_ROOT, showProject, uniqueName, workspaceRoot, writeFile } from './utils';

describe('import-goreleaser generator', () => {
  let ws: string;
  let project: string;
  let root: string;
  const gocrossJson = () => path.join(ws, root, 'gocross.json');

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('hello-gr');
    root = copyModule('apps/hello', `apps/${project}`);
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project }, null, 2) + '\n');
    fs.copyFileSync(path.join(REPO_ROOT, 'plugin/src/generators/import-goreleaser/__fixtures__/fzf.yaml'), path.join(ws, root, '.goreleaser.yml'));
  });

  test('--dry-run writes nothing; the run writes gocross.json and lists what it could not map', () => {
    const dry = expectSuccess('nx g --dry-run', nx(['g', '@gocross/nx:import-goreleaser', `--project=${project}`, '--dry-run', '--no-interactive']));
    expect(dry.output).toContain(`CREATE ${root}/gocross.json`);
    expect(fs.existsSync(gocrossJson())).toBe(false);

    const r = expectSuccess('nx g', nx(['g', '@gocross/nx:import-goreleaser', `--project=${project}`, '--no-interactive']));
    expect(r.output).toContain(`${root}/.goreleaser.yml (fzf) → ${root}/gocross.json`);
    expect(r.output).toContain('fzf.ldflags "-X main.revision={{ .ShortCommit }}": a template other than');
    const json = JSON.parse(fs.readFileSync(gocrossJson(), 'utf8'));
    expect(json.ldflags).toBe('-s -w -X main.version={version}');
    expect(json.platforms).toContain('linux/arm/5');
  });

  test('the graph builds the imported platforms with the imported ldflags, and a rerun changes nothing', () => {
    const p = showProject(project);
    for (const t of ['build-linux-arm-5', 'build-linux-arm-7', 'build-android-arm64', 'build-freebsd-amd64']) expect(Object.keys(p.targets)).toContain(t);
    expect(Object.keys(p.targets)).not.toContain('build-freebsd-arm-6');
    expect(p.targets['build-linux-arm-7'].options).toMatchObject({ goarm: '7', ldflags: '-s -w -X main.version={version}' });
    expect(JSON.stringify(p.targets['build-linux-arm-7'].inputs)).toMatch(/node \\"[^"]*version\.js\\"/);

    const before = fs.readFileSync(gocrossJson(), 'utf8');
    const again = expectSuccess('nx g again', nx(['g', '@gocross/nx:import-goreleaser', `--project=${project}`, '--no-interactive']));
    expect(again.output).toContain('already up to date');
    expect(fs.readFileSync(gocrossJson(), 'utf8')).toBe(before);
  });

  test('outside git, a build using {version} stops with the git error', () => {
    const r = nx(['run', `${project}:build`, '--output-style=static', '--skip-nx-cache']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('{version} in the build options is `git describe --tags --always`, with -dirty when `git status --porcelain` lists a change or an untracked file, which failed in');
    expect(r.output).toContain('not a git repository');
  });
});
