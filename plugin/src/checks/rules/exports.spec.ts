/**
 * exports on real c-shared libraries: a non-static C helper and a C global leak, with and without
 * the Go sources; a clean library passes; sources declaring an export the library lacks mean a
 * stale artifact. Without sources the _cgoexp_ wrappers and the cgo header say what is exported.
 */
import { all, haveGo, haveTools } from '../../test-utils/gates';
import { GOOD } from '../test-utils/artifacts';
import { buildFixture, cSharedLib } from '../test-utils/fixtures';
import { ruleTester } from '../test-utils/rule-tester';
import { target } from '../test-utils/run';
import { cgoExportsFromSymbols, exportsCheck, parseCgoHeaderExports } from './exports';

const gcc = all(haveGo(), haveTools('gcc'));
const lib = (leak: boolean) => buildFixture({ files: cSharedLib(leak), env: { CGO_ENABLED: '1', CC: 'gcc' }, args: ['-trimpath', '-buildmode=c-shared'], out: 'libadd.so' });
const sourcesOf = (files: Record<string, string>) => Object.entries(files).map(([path, content]) => ({ path, content }));
const t = target('linux/amd64', { cgo: true, buildmode: 'c-shared' });

ruleTester(exportsCheck, {
  valid: [
    ...GOOD,
    {
      name: 'a leaking library whose leaks the policy allows',
      gate: gcc,
      artifact: () => lib(true),
      target: t,
      sources: sourcesOf(cSharedLib(true)),
      policy: { checks: { exports: ['error', { allow: ['helper_add1', 'leaky_global'] }] } },
    },
    { name: 'a clean library with its sources (every rule)', gate: gcc, artifact: () => lib(false), target: t, sources: sourcesOf(cSharedLib(false)), allRules: true },
    {
      name: 'a clean linux/arm64 library with its sources (every rule)',
      gate: all(haveGo(), haveTools('aarch64-linux-gnu-gcc')),
      artifact: () =>
        buildFixture({ files: cSharedLib(false), env: { CGO_ENABLED: '1', CC: 'aarch64-linux-gnu-gcc', GOARCH: 'arm64' }, args: ['-trimpath', '-buildmode=c-shared'], out: 'libadd.so' }),
      target: target('linux/arm64', { cgo: true, buildmode: 'c-shared' }),
      sources: sourcesOf(cSharedLib(false)),
      allRules: true,
    },
    { name: 'a clean library without sources', gate: gcc, artifact: () => lib(false), target: t },
  ],
  invalid: [
    {
      name: 'a non-static C helper and a C global leak from a c-shared library (with sources)',
      gate: gcc,
      artifact: () => lib(true),
      target: t,
      sources: sourcesOf(cSharedLib(true)),
      unordered: true,
      errors: ['exports function helper_add1, which is not an //export of the Go sources', 'exports object leaky_global, which is not an //export of the Go sources'],
    },
    {
      name: 'sources declaring an export the library lacks: the artifact is stale',
      gate: gcc,
      artifact: () => lib(false),
      target: t,
      sources: [{ path: 'x.go', content: '//export Sub\nfunc Sub() {}\n' }],
      errors: ['exports function Add, which is not an //export of the Go sources', '//export Sub is declared in the sources but not exported by the library'],
    },
    {
      name: 'the same leaks without sources (no _cgoexp_ wrapper)',
      gate: gcc,
      artifact: () => lib(true),
      target: t,
      unordered: true,
      errors: [
        'exports function helper_add1, which is not an //export (no _cgoexp_ wrapper)',
        'exports object leaky_global, which is not an //export (no _cgoexp_ wrapper)',
      ],
    },
  ],
});

describe('exports without sources: what cgo says is exported', () => {
  it('_cgoexp_ wrappers name the //export functions', () => {
    expect(cgoExportsFromSymbols(['_cgoexp_fa8042028ea6_Add', '_cgoexp_0a1b_Hello', '_cgo_fa8042028ea6_Cfunc_helper', 'Add', '_cgoexp_x_Bad'])).toEqual(new Set(['Add', 'Hello']));
  });

  it('the cgo header declares them after its prologue', () => {
    const header =
      '/* Start of preamble from import "C" comments.  */\nextern int preamble_decl(int);\n' +
      'extern size_t _GoStringLen(_GoString_ s);\n/* End of boilerplate cgo prologue.  */\n' +
      '#ifdef __cplusplus\nextern "C" {\n#endif\nextern int Add(int a, int b);\nextern void Hello(void);\n' +
      'extern struct Pair_return Pair(GoInt x);\nextern __declspec(dllexport) char* Name(void);\n#ifdef __cplusplus\n}\n#endif\n';
    expect(parseCgoHeaderExports(header)).toEqual(['Add', 'Hello', 'Pair', 'Name']);
    expect(parseCgoHeaderExports('extern int Add(int);\n')).toEqual([]);
  });
});
