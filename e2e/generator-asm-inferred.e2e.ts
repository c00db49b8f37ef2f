/**
 * `nx g @gocross/nx:asm --project=<name>` for a Go module Nx knows only through the plugin's
 * inferred project (a go.mod, no project.json): the common case of an existing Go repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyModule, describeRun, nx, uniqueName, workspaceRoot } from './utils';

describe('asm generator on an inferred-only project', () => {
  test('finds the project by the name nx show projects lists', () => {
    const ws = workspaceRoot();
    const project = uniqueName('mathx-inferred');
    const root = copyModule('libs/mathx', `libs/${project}`);
    const listed = nx(['show', 'projects', '--json']);
    expect(JSON.parse(listed.stdout.slice(listed.stdout.indexOf('[')))).toContain(project);
    const r = nx(['g', '@gocross/nx:asm', 'Dot', `--project=${project}`, '--signature=func Dot(a, b []float64) float64', '--no-interactive']);
    if (r.code !== 0) throw new Error(describeRun('nx g @gocross/nx:asm', r));
    expect(fs.readdirSync(path.join(ws, root)).some((f) => /_amd64\.s$/.test(f) && !f.startsWith('sum'))).toBe(true);
  });
});
