/**
 * rpath on real artifacts: RUNPATH into /tmp, DT_RPATH with relative and empty entries, the
 * allow-list, and following the fixes the findings name.
 */
import { all, haveGo, haveTools, itIf } from '../../test-utils/gates';
import { cgo, GOOD } from '../test-utils/artifacts';
import { ruleTester } from '../test-utils/rule-tester';
import { lines, target, validate } from '../test-utils/run';
import { rpath } from './rpath';

const gcc = all(haveGo(), haveTools('gcc'));
const tmpRunpath = () => cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-rpath,/tmp/x']);
const oldTags = () => cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,--disable-new-dtags,-rpath,lib::/opt/vendor/lib']);
const cgoTarget = target('linux/amd64', { cgo: true });

ruleTester(rpath, {
  valid: [
    ...GOOD,
    { name: 'RUNPATH into /tmp with rpath off in the policy (every rule)', gate: gcc, artifact: tmpRunpath, target: cgoTarget, policy: { checks: { rpath: 'off' } }, allRules: true },
    {
      name: '$ORIGIN/lib instead of /tmp',
      gate: gcc,
      artifact: () => cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-rpath,$ORIGIN/lib']),
      target: cgoTarget,
    },
  ],
  invalid: [
    {
      name: '-extldflags=-Wl,-rpath,/tmp/x: RUNPATH into /tmp (every rule)',
      gate: gcc,
      artifact: tmpRunpath,
      target: cgoTarget,
      allRules: true,
      errors: [{ message: 'DT_RUNPATH entry "/tmp/x" is a world-writable directory (anyone can plant a library there)', fix: /or \$ORIGIN$/ }],
    },
    {
      name: 'RUNPATH into /tmp with rpath at warn in the policy (every rule)',
      gate: gcc,
      artifact: tmpRunpath,
      target: cgoTarget,
      allRules: true,
      policy: { checks: { rpath: 'warn' } },
      errors: [{ message: /^DT_RUNPATH entry "\/tmp\/x"/, severity: 'warn' }],
      assert: (r) => expect(r.counts).toMatchObject({ error: 0, warn: 1, total: 1 }),
    },
    {
      name: 'DT_RPATH (old tags) with relative and empty entries',
      gate: gcc,
      artifact: oldTags,
      target: cgoTarget,
      errors: [
        { message: 'DT_RPATH is used (lib::/opt/vendor/lib); it overrides LD_LIBRARY_PATH and is deprecated', severity: 'warn' },
        'DT_RPATH entry "lib" is a relative entry (resolved against the current directory)',
        'DT_RPATH entry "" is an empty entry (searches the current directory)',
      ],
    },
    {
      name: 'DT_RPATH with an allow-list and allowRpath: the entry off the list, no warning',
      gate: gcc,
      artifact: oldTags,
      target: cgoTarget,
      policy: { checks: { rpath: ['error', { allow: ['/usr/lib'], allowRpath: true }] } },
      errors: [
        'DT_RPATH entry "lib" is a relative entry (resolved against the current directory)',
        'DT_RPATH entry "" is an empty entry (searches the current directory)',
        'DT_RPATH entry "/opt/vendor/lib" is not on the policy allow-list',
      ],
      assert: (r) => expect(lines(r).some((l) => l.startsWith('warn'))).toBe(false),
    },
  ],
});

describe('rpath fixes', () => {
  itIf(gcc)('following the fix (--enable-new-dtags) leaves no finding', async () => {
    const old = await validate(cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,--disable-new-dtags,-rpath,/opt/vendor/lib']), cgoTarget, { checks: [rpath] });
    const [f] = old.findings;
    expect(f.fix).toBe('link with -Wl,--enable-new-dtags (DT_RUNPATH) or drop the rpath');
    const flag = /link with (-Wl,--enable-new-dtags)/.exec(f.fix)![1];
    const fixed = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', `-ldflags=-extldflags=${flag},-rpath,/opt/vendor/lib`]);
    expect((await validate(fixed, cgoTarget, { checks: [rpath] })).findings).toEqual([]);
  });
});
