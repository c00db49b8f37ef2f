/**
 * buildinfo on real artifacts: variant, GOARCH, CGO_ENABLED, tags and -trimpath mismatches, the
 * minimum Go version, a replaced golang.org/x/sys, and dirty VCS builds.
 */
import { all, haveGo, haveTools } from '../../test-utils/gates';
import { GOOD, hello } from '../test-utils/artifacts';
import { buildFixture, HELLO, REPRO } from '../test-utils/fixtures';
import { ruleTester } from '../test-utils/rule-tester';
import { target } from '../test-utils/run';
import { buildinfo } from './buildinfo';

const go = haveGo();
const git = all(go, haveTools('git'));
const v3 = () => hello({ GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v3' });
const tagged = () => hello({ GOOS: 'linux', GOARCH: 'amd64' }, [...REPRO, '-tags=netgo,osusergo']);
const arm64 = () => hello({ GOOS: 'linux', GOARCH: 'arm64' });
const REPLACE = {
  'go.mod': 'module example.com/rep\n\ngo 1.22\n\nrequire golang.org/x/sys v0.30.0\n\nreplace golang.org/x/sys => ./third_party/sys\n',
  'third_party/sys/go.mod': 'module golang.org/x/sys\n\ngo 1.22\n',
  'third_party/sys/unix/unix.go': 'package unix\n\nfunc Name() string { return "patched" }\n',
  'main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"golang.org/x/sys/unix"\n)\n\nfunc main() { fmt.Println(unix.Name()) }\n',
};
const replaced = () => buildFixture({ files: REPLACE, env: { GOOS: 'linux', GOARCH: 'arm64' }, args: REPRO });
const vcs = (state: 'clean' | 'dirty') => () => buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: 'arm64' }, args: ['-trimpath', '-buildvcs=true'], git: state });
const strict = { checks: { buildinfo: ['error', { allowDirty: false }] } };

ruleTester(buildinfo, {
  valid: [
    ...GOOD,
    { name: 'a GOAMD64=v3 binary for a linux/amd64/v3 target', gate: go, artifact: v3, target: target('linux/amd64/v3') },
    { name: 'tags given in another order', gate: go, artifact: tagged, target: target('linux/amd64', { tags: ['osusergo', 'netgo'] }) },
    { name: 'a replace of golang.org/x/sys listed in allowReplace', gate: go, artifact: replaced, target: target('linux/arm64'), policy: { checks: { buildinfo: ['error', { allowReplace: ['golang.org/x/sys'] }] } } },
    { name: 'a clean VCS build under a policy that forbids dirty builds', gate: git, artifact: vcs('clean'), target: target('linux/arm64'), policy: strict },
    { name: 'a dirty VCS build under the default policy', gate: git, artifact: vcs('dirty'), target: target('linux/arm64') },
  ],
  invalid: [
    {
      name: 'a GOAMD64=v3 binary for a v1 target',
      gate: go,
      artifact: v3,
      target: target('linux/amd64/v1'),
      errors: ['built with GOAMD64=v3, target is GOAMD64=v1: the binary may use instructions the device lacks'],
    },
    {
      name: 'a GOAMD64=v3 binary for a target without a variant (v1 by default)',
      gate: go,
      artifact: v3,
      target: target('linux/amd64'),
      errors: [/GOAMD64=v3, target is GOAMD64=v1/],
    },
    {
      name: 'a GOARM=6 binary for a linux/arm/7 target',
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 'arm', GOARM: '6' }),
      target: target('linux/arm/7'),
      errors: [/GOARM=6, target is GOARM=7/],
    },
    { name: 'tags the target does not have', gate: go, artifact: tagged, target: target('linux/amd64'), errors: ['built with tags [netgo, osusergo], target has tags []'] },
    {
      name: 'built without -trimpath',
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 'amd64' }, ['-buildvcs=false']),
      target: target('linux/amd64'),
      errors: [{ message: 'built without -trimpath: local paths are embedded and the build is not reproducible', severity: 'warn' }],
    },
    {
      name: 'GOARCH and CGO_ENABLED mismatches',
      gate: go,
      artifact: arm64,
      target: target('linux/amd64', { cgo: true }),
      errors: ['built with GOARCH=arm64, target is GOARCH=amd64', 'built with CGO_ENABLED=0, target has cgo on'],
    },
    {
      name: 'older than the policy minimum Go version',
      gate: go,
      artifact: arm64,
      target: target('linux/arm64'),
      policy: { checks: { buildinfo: ['error', { minGoVersion: '99.1' }] } },
      errors: [/^built with go1\.\S+, policy requires go99\.1 or newer$/],
    },
    {
      name: 'a replace of golang.org/x/sys with a local directory',
      gate: go,
      artifact: replaced,
      target: target('linux/arm64'),
      errors: ['module golang.org/x/sys is replaced by ./third_party/sys: a local or unofficial copy of a low-level module'],
    },
    {
      name: 'vcs.modified=true under a policy that forbids dirty builds',
      gate: git,
      artifact: vcs('dirty'),
      target: target('linux/arm64'),
      policy: strict,
      errors: [/^built from a modified working tree \(vcs\.modified=true, revision [0-9a-f]{40}\)$/],
    },
  ],
});
