/**
 * The package's own metadata against what it depends on: the Nx versions it claims to support
 * must all be versions @nx/devkit (a runtime dependency) supports, and Nx 22, which the devkit
 * refuses, is not claimed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};
const devkit = JSON.parse(fs.readFileSync(require.resolve('@nx/devkit/package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
};

describe('package.json', () => {
  it('claims only Nx versions that the installed @nx/devkit accepts as its peer', () => {
    expect(semver.satisfies(devkit.version, pkg.dependencies['@nx/devkit'])).toBe(true);
    expect(semver.subset(pkg.peerDependencies.nx, devkit.peerDependencies.nx, { includePrerelease: false })).toBe(true);
    expect(semver.intersects(pkg.peerDependencies.nx, '22.x')).toBe(false);
  });
  it('includes the Nx version the workspace tests run against', () => {
    const nx = JSON.parse(fs.readFileSync(require.resolve('nx/package.json'), 'utf8')) as { version: string };
    expect(semver.satisfies(nx.version, pkg.peerDependencies.nx)).toBe(true);
  });
});
