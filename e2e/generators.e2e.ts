/**
 * Generators end to end, the parts that must leave the workspace untouched: a dry run of the
 * application generator, and a module path Go would reject.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectSuccess, nx, uniqueName, workspaceRoot } from './utils';

describe('application and library generators: dry runs and refusals', () => {
  let ws: string;

  beforeAll(() => {
    ws = workspaceRoot();
  });

  test('--dry-run lists what it would create and writes nothing', () => {
    const name = uniqueName('gen-dry');
    const goWork = fs.readFileSync(path.join(ws, 'go.work'), 'utf8');
    const r = nx([
      'g',
      '@gocross/nx:application',
      name,
      `--directory=apps/${name}`,
      `--modulePath=gocross.example/apps/${name}`,
      '--dry-run',
      '--no-interactive',
    ]);
    expectSuccess('nx g application --dry-run', r);
    expect(r.output).toMatch(new RegExp(`CREATE apps/${name}/go\\.mod`));
    expect(fs.existsSync(path.join(ws, 'apps', name))).toBe(false);
    expect(fs.readFileSync(path.join(ws, 'go.work'), 'utf8')).toBe(goWork);
  });

  test('an invalid module path is refused with a message and creates nothing', () => {
    const name = uniqueName('gen-bad');
    const r = nx(['g', '@gocross/nx:library', name, `--directory=libs/${name}`, '--modulePath=Not A Path!', '--no-interactive']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/module path/i);
    expect(r.output).toContain('Not A Path!');
    expect(fs.existsSync(path.join(ws, 'libs', name))).toBe(false);
  });
});
