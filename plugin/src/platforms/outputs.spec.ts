import * as fc from 'fast-check';
import { isReleaseExtraFile, releaseExtraFileGlobs } from './outputs';

// The glob engine of Nx's task hasher, so the inputs are judged as Nx will judge them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { matchGlobPaths } = require('nx/src/native') as { matchGlobPaths(globs: string[], paths: string[]): boolean[] };

describe('release extra files', () => {
  const names = ['LICENSE', 'License.md', 'license.txt', 'LICENCE', 'Licence', 'COPYING', 'copying.LESSER', 'README.md', 'Readme', 'readme.rst', 'NOTICE', 'CHANGELOG.md', 'main.go', 'xLICENSE', 'LICENS', 'go.mod'];

  it('pack the files the Nx inputs hash, in any case, and no other (Nx glob engine)', () => {
    const files = names.map((n) => `apps/api/${n}`);
    const got = matchGlobPaths(releaseExtraFileGlobs('apps/api'), files);
    expect(files.filter((_, i) => got[i])).toEqual(files.filter((f) => isReleaseExtraFile(f.slice('apps/api/'.length))));
    expect(files.filter((_, i) => got[i])).toEqual([
      'apps/api/LICENSE', 'apps/api/License.md', 'apps/api/license.txt', 'apps/api/LICENCE', 'apps/api/Licence',
      'apps/api/COPYING', 'apps/api/copying.LESSER', 'apps/api/README.md', 'apps/api/Readme', 'apps/api/readme.rst',
    ]);
  });

  it('agree on random names', () => {
    const name = fc
      .tuple(fc.constantFrom('license', 'licence', 'copying', 'readme', 'lic', 'notice', 'x'), fc.string({ maxLength: 6 }))
      .map(([w, rest]) => [...w].map((c, i) => ((rest.length + i) % 2 ? c.toUpperCase() : c)).join('') + rest.replace(/[/\\[\]{}*?!]/g, ''));
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 20 }), (ns) => {
        const got = matchGlobPaths(releaseExtraFileGlobs('p'), ns.map((n) => `p/${n}`));
        return ns.every((n, i) => got[i] === isReleaseExtraFile(n));
      }),
      { numRuns: 200 },
    );
  });

  it('of one kind: the licence words or the readme', () => {
    expect(releaseExtraFileGlobs('{workspaceRoot}', 'licence')).toEqual(['{workspaceRoot}/[Ll][Ii][Cc][Ee][Nn][Ss][Ee]*', '{workspaceRoot}/[Ll][Ii][Cc][Ee][Nn][Cc][Ee]*', '{workspaceRoot}/[Cc][Oo][Pp][Yy][Ii][Nn][Gg]*']);
    expect(releaseExtraFileGlobs('p', 'readme')).toEqual(['p/[Rr][Ee][Aa][Dd][Mm][Ee]*']);
  });

  it('do not reach into subdirectories', () => {
    expect(matchGlobPaths(releaseExtraFileGlobs('p'), ['p/docs/LICENSE', 'p/LICENSE'])).toEqual([false, true]);
  });
});
