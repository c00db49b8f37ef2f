/**
 * hardening on real artifacts: executable stack, lazy binding under a full-RELRO policy, no
 * RELRO, a non-PIE executable for a PIE target, a windows image without ASLR and a darwin
 * executable that is not PIE.
 */
import { all, haveGo, haveTools } from '../../test-utils/gates';
import { cgo, GOOD, GOOD_CGO_BUILDS, hello } from '../test-utils/artifacts';
import { REPRO } from '../test-utils/fixtures';
import { ruleTester } from '../test-utils/rule-tester';
import { target } from '../test-utils/run';
import { hardening } from './hardening';

const go = haveGo();
const gcc = all(go, haveTools('gcc'));
const full = { checks: { hardening: ['error', { relro: 'full' }] } };
const cgoTarget = target('linux/amd64', { cgo: true });
const lazy = () => cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-z,lazy']);
const noRelro = 'no RELRO (PT_GNU_RELRO missing): GOT and dynamic data stay writable';

ruleTester(hardening, {
  valid: [
    ...GOOD,
    { name: 'lazy binding passes the default (partial RELRO)', gate: gcc, artifact: lazy, target: cgoTarget },
    { name: '-z now passes a full-RELRO policy', gate: gcc, artifact: () => cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-z,now']), target: cgoTarget, policy: full },
    { name: 'a static Go binary is not asked for RELRO, even under a full-RELRO policy', gate: go, artifact: () => hello({ GOOS: 'linux', GOARCH: 'amd64' }), target: target('linux/amd64'), policy: full },
    {
      name: 'a windows image built with -buildmode=exe passes with aslr: false',
      gate: go,
      artifact: () => hello({ GOOS: 'windows', GOARCH: 'amd64' }, [...REPRO, '-buildmode=exe']),
      target: target('windows/amd64'),
      policy: { checks: { hardening: ['error', { aslr: false }] } },
    },
    { name: 'a darwin executable built by default (pie) passes (every rule)', gate: go, artifact: () => hello({ GOOS: 'darwin', GOARCH: 'amd64' }), target: target('darwin/amd64'), allRules: true },
  ],
  invalid: [
    {
      name: '-z execstack',
      gate: gcc,
      artifact: () => cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-z,execstack']),
      target: cgoTarget,
      errors: ['executable stack (PT_GNU_STACK has PF_X)'],
    },
    {
      name: 'lazy binding fails a full-RELRO policy',
      gate: gcc,
      artifact: lazy,
      target: cgoTarget,
      policy: full,
      errors: ['partial RELRO: lazy binding leaves the GOT writable (no DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW)'],
    },
    {
      name: '-z norelro',
      gate: gcc,
      artifact: () => cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-z,norelro']),
      target: cgoTarget,
      errors: [noRelro],
    },
    // Go's internal linker writes no PT_GNU_RELRO for an executable: only a full-RELRO policy objects.
    ...GOOD_CGO_BUILDS.filter((b) => b.linkmode === 'internal').map((b) => ({
      ...b,
      name: `${b.name}: a full-RELRO policy objects (every rule)`,
      policy: full,
      allRules: true,
      errors: [noRelro],
    })),
    {
      name: 'a buildmode pie target but a non-PIE executable',
      gate: go,
      artifact: () => hello({ GOOS: 'linux', GOARCH: 'amd64' }),
      target: target('linux/amd64', { buildmode: 'pie' }),
      errors: ['not position independent (e_type ET_EXEC) though buildmode is pie'],
    },
    {
      name: 'a windows image built with -buildmode=exe has no ASLR',
      gate: go,
      artifact: () => hello({ GOOS: 'windows', GOARCH: 'amd64' }, [...REPRO, '-buildmode=exe']),
      target: target('windows/amd64'),
      errors: ['no ASLR (IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE not set): the image always loads at its preferred base'],
    },
    {
      name: 'a darwin executable built with -buildmode=exe is not PIE',
      gate: go,
      artifact: () => hello({ GOOS: 'darwin', GOARCH: 'amd64' }, [...REPRO, '-buildmode=exe']),
      target: target('darwin/amd64'),
      errors: ['x86_64 executable is not position independent (MH_PIE not set): no ASLR, and current macOS may refuse to run it'],
    },
  ],
});
