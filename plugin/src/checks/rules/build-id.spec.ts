/** build-id on real binaries built with and without -buildid=: present or empty as the policy demands. */
import { haveGo } from '../../test-utils/gates';
import { GOOD, hello } from '../test-utils/artifacts';
import { ruleTester } from '../test-utils/rule-tester';
import { target } from '../test-utils/run';
import { buildId } from './build-id';

const go = haveGo();
const withId = () => hello({ GOOS: 'linux', GOARCH: 'arm64' }, ['-trimpath', '-buildvcs=false']);
const noId = () => hello({ GOOS: 'linux', GOARCH: 'arm64' });
const t = target('linux/arm64');
const empty = { checks: { 'build-id': ['error', { require: 'empty' }] } };
const present = { checks: { 'build-id': ['error', { require: 'present' }] } };

ruleTester(buildId, {
  valid: [
    ...GOOD,
    { name: 'no build id, policy asks for an empty one', gate: go, artifact: noId, target: t, policy: empty },
    { name: 'a build id, policy asks for one', gate: go, artifact: withId, target: t, policy: present },
    { name: 'a build id under the default ("any")', gate: go, artifact: withId, target: t },
  ],
  invalid: [
    { name: 'a build id, policy asks for an empty one', gate: go, artifact: withId, target: t, policy: empty, errors: [/^carries Go build id "\S+"/] },
    { name: 'no build id, policy asks for one', gate: go, artifact: noId, target: t, policy: present, errors: ['has no Go build id; the policy asks for one'] },
  ],
});
