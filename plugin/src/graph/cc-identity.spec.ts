import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ccIdentity } from './cc-identity';

describe('cc-identity', () => {
  it('prints the resolved compiler, its real path and its --version, and changes when the compiler does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-cc-'));
    const version = path.join(dir, 'version');
    const cc = path.join(dir, 'my-cross-gcc');
    fs.writeFileSync(cc, `#!/bin/sh\ncat '${version}'\n`, { mode: 0o755 });
    fs.writeFileSync(version, 'my-cross-gcc (Debian 12.2.0-14) 12.2.0\nmore\n');
    const env = { PATH: `${dir}${path.delimiter}${process.env.PATH}`, CC_FOR_linux_arm64: 'my-cross-gcc', CXX_FOR_linux_arm64: 'my-cross-gcc' };
    const first = ccIdentity(['linux/arm64'], env);
    expect(first).toContain(`CC my-cross-gcc ${fs.realpathSync(cc)} my-cross-gcc (Debian 12.2.0-14) 12.2.0`);
    expect(first).not.toContain('more');
    fs.writeFileSync(version, 'my-cross-gcc (Debian 12.2.0-15) 12.2.1\n');
    expect(ccIdentity(['linux/arm64'], env)).not.toEqual(first);
    // Another platform's variable is not this platform's compiler.
    expect(ccIdentity(['linux/riscv64'], { PATH: dir, CC_FOR_linux_arm64: 'my-cross-gcc' })).toMatch(/^no C toolchain: /);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--cc and --cxx name the compilers as the target options cc and cxx do: they win over the variables', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-cc-'));
    for (const [name, version] of [
      ['env-gcc', 'env-gcc 1.0'],
      ['hand-gcc', 'hand-gcc 2.0'],
      ['hand-g++', 'hand-g++ 2.0'],
    ]) {
      fs.writeFileSync(path.join(dir, name), `#!/bin/sh\necho '${version}' "$@"\n`, { mode: 0o755 });
    }
    const env = { PATH: `${dir}${path.delimiter}${process.env.PATH}`, CC_FOR_linux_arm64: 'env-gcc' };
    const hand = path.join(dir, 'hand-gcc');
    expect(ccIdentity(['linux/arm64'], env)).toContain('CC env-gcc');
    // cxx guessed from cc as the build guesses it (hand-gcc → hand-g++).
    expect(ccIdentity(['linux/arm64', '--cc', hand], env)).toBe(
      [`CC ${hand} ${fs.realpathSync(hand)} hand-gcc 2.0 --version`, `CXX ${path.join(dir, 'hand-g++')} ${fs.realpathSync(path.join(dir, 'hand-g++'))} hand-g++ 2.0 --version`].join('\n'),
    );
    // A command with arguments, as one word: its program is the first word, the arguments come before --version.
    expect(ccIdentity(['linux/arm64', '--cc', 'hand-gcc -m64'], env).split('\n')[0]).toBe(`CC hand-gcc -m64 ${fs.realpathSync(hand)} hand-gcc 2.0 -m64 --version`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
