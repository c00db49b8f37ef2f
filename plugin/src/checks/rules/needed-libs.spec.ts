/** needed-libs on a real cgo binary linking libcrypt: off the default list, accepted through "extra". */
import { all, haveGo, haveTools, type Gate } from '../../test-utils/gates';
import { cgo, GOOD } from '../test-utils/artifacts';
import { CGO_HELLO } from '../test-utils/fixtures';
import { ruleTester } from '../test-utils/rule-tester';
import { target, validate } from '../test-utils/run';
import { neededLibs } from './needed-libs';

const CRYPT = {
  'go.mod': CGO_HELLO['go.mod'],
  'main.go':
    'package main\n\n/*\n#cgo LDFLAGS: -lcrypt\n#include <crypt.h>\nstatic const char* hash(void) { return crypt("pw", "ab"); }\n*/\nimport "C"\n\nimport "fmt"\n\nfunc main() { fmt.Println(C.GoString(C.hash())) }\n',
};

/** The libcrypt build, when this machine can link one (its gate says why not). */
function cryptBuild(): { gate: Gate; file?: string } {
  const tools = all(haveGo(), haveTools('gcc'));
  if (!tools.ok) return { gate: tools };
  try {
    return { gate: tools, file: cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath'], CRYPT) };
  } catch (e) {
    return { gate: { ok: false, reason: `libcrypt not linkable here: ${(e as Error).message.split('\n')[0]}` } };
  }
}
const crypt = cryptBuild();
const libcrypt = /^libcrypt\.so\.\d$/;

ruleTester(neededLibs, {
  valid: [
    ...GOOD,
    {
      name: 'libcrypt added through the extra parameter',
      gate: crypt.gate,
      artifact: () => crypt.file!,
      target: target('linux/amd64', { cgo: true }),
      policy: { checks: { 'needed-libs': ['error', { extra: ['libcrypt.so.1', 'libcrypt.so.2'] }] } },
    },
  ],
  invalid: [
    {
      name: 'a library off the allow-list',
      gate: crypt.gate,
      artifact: () => crypt.file!,
      target: target('linux/amd64', { cgo: true }),
      errors: [/^needs libcrypt\.so\.\d, which is not on the allowed library list$/],
      assert: async (r) => {
        const lib = (r.findings[0].data as { library: string }).library;
        expect(lib).toMatch(libcrypt);
        const extra = { checks: { 'needed-libs': ['error', { extra: [lib] }] } };
        expect((await validate(crypt.file!, target('linux/amd64', { cgo: true }), { checks: [neededLibs], policy: extra })).findings).toEqual([]);
      },
    },
  ],
});
