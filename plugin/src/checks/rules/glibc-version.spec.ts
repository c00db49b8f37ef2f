/** glibc-version on a real cgo binary: a ceiling below what it needs names the symbols; no ceiling, or a high one, passes. */
import { all, haveGo, haveTools } from '../../test-utils/gates';
import { cgo, GOOD } from '../test-utils/artifacts';
import { ruleTester } from '../test-utils/rule-tester';
import { target } from '../test-utils/run';
import { glibcVersion } from './glibc-version';

const gcc = all(haveGo(), haveTools('gcc'));
const file = () => cgo('gcc', { GOARCH: 'amd64' });
const cgoTarget = target('linux/amd64', { cgo: true });

ruleTester(glibcVersion, {
  valid: [
    ...GOOD.map((g) => ({ ...g, name: `${g.name} (ceiling 2.17)`, policy: { checks: { 'glibc-version': ['error', { max: '2.17' }] } } })).filter((g) => !g.target.cgo),
    ...GOOD,
    { name: 'a cgo binary without a ceiling in the policy', gate: gcc, artifact: file, target: cgoTarget },
    { name: 'a cgo binary under ceiling 99.0', gate: gcc, artifact: file, target: cgoTarget, policy: { checks: { 'glibc-version': ['error', { max: '99.0' }] } } },
  ],
  invalid: [
    {
      name: 'ceiling 2.2 on a cgo binary names the symbols that need more',
      gate: gcc,
      artifact: file,
      target: cgoTarget,
      policy: { checks: { 'glibc-version': ['error', { max: '2.2' }] } },
      errors: [
        {
          message: /^requires GLIBC_2\.\d+ \(ceiling GLIBC_2\.2\): \S+@GLIBC_2\.\d+/,
          fix: "link against an older glibc sysroot (glibc ≤ 2.2, e.g. an older distribution's cross toolchain or zig cc -target x86_64-linux-gnu.2.2), or raise the ceiling",
        },
      ],
      assert: (r) => {
        const symbols = (r.findings[0].data as { symbols: string[] }).symbols;
        expect(symbols.length).toBeGreaterThan(3);
        expect(symbols.some((s) => s.startsWith('pthread_') || s.startsWith('__libc_start_main'))).toBe(true);
      },
    },
  ],
});
