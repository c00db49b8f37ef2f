/**
 * linkage on real artifacts: good builds pass; a cgo binary where a static one is expected, the
 * loader of the other C library or of another arch, and a c-shared library linked against the
 * other C library are reported.
 */
import { all, haveGo, haveTools, itIf } from '../../test-utils/gates';
import { writeTempTree } from '../../test-utils/tree';
import { runBuild } from '../../executors/build/executor';
import { cgo, GOOD } from '../test-utils/artifacts';
import { buildFixture, CGO_HELLO } from '../test-utils/fixtures';
import { ruleTester } from '../test-utils/rule-tester';
import { lines, target, validate } from '../test-utils/run';
import { linkage } from './linkage';

const LIBADD = {
  'go.mod': 'module example.com/libadd\n\ngo 1.22\n',
  'lib.go': 'package main\n\nimport "C"\n\n//export Add\nfunc Add(a, b C.int) C.int { return a + b }\n\nfunc main() {}\n',
};
const libadd = (cc: string) => buildFixture({ files: LIBADD, env: { CGO_ENABLED: '1', CC: cc }, args: ['-trimpath', '-buildmode=c-shared'], out: 'libadd.so' });
const sources = Object.entries(LIBADD).map(([path, content]) => ({ path, content }));
const cShared = (libc: 'glibc' | 'musl') => target('linux/amd64', { cgo: true, libc, buildmode: 'c-shared' });

const gcc = all(haveGo(), haveTools('gcc'));
const gccMusl = all(haveGo(), haveTools('gcc', 'musl-gcc'));

ruleTester(linkage, {
  valid: [
    ...GOOD,
    // Every rule, with the sources: a c-shared library for its own C library passes.
    { name: 'a c-shared library linked against musl, for a musl target (every rule)', gate: gccMusl, artifact: () => libadd('musl-gcc'), target: cShared('musl'), sources, allRules: true },
    { name: 'a c-shared library linked against glibc, for a glibc target (every rule)', gate: gccMusl, artifact: () => libadd('gcc'), target: cShared('glibc'), sources, allRules: true },
  ],
  invalid: [
    {
      name: 'a cgo binary where a static one is expected',
      gate: gcc,
      artifact: () => cgo('gcc', { GOARCH: 'amd64' }),
      target: target('linux/amd64'),
      errors: ['dynamically linked (interpreter /lib64/ld-linux-x86-64.so.2, needs libc.so.6) but the target has cgo off and should be static'],
    },
    {
      name: 'a glibc loader when musl is expected',
      gate: gccMusl,
      artifact: () => cgo('gcc', { GOARCH: 'amd64' }),
      target: target('linux/amd64', { cgo: true, libc: 'musl' }),
      errors: [{ message: /^glibc loader \/lib64\/ld-linux-x86-64\.so\.2 but the target expects musl \(\/lib\/ld-musl-x86_64\.so\.1\)/, fix: /musl-gcc/ }],
    },
    {
      name: 'a musl loader when glibc is expected',
      gate: gccMusl,
      artifact: () => cgo('musl-gcc', { GOARCH: 'amd64' }),
      target: target('linux/amd64', { cgo: true, libc: 'glibc' }),
      errors: [/^musl loader \/lib\/ld-musl-x86_64\.so\.1 but the target expects glibc/],
    },
    {
      name: 'a c-shared library linked against musl for a glibc target',
      gate: gccMusl,
      artifact: () => libadd('musl-gcc'),
      target: cShared('glibc'),
      errors: ['needs libc.so, the musl C library, but the target expects glibc'],
    },
    {
      name: 'a c-shared library linked against glibc for a musl target',
      gate: gccMusl,
      artifact: () => libadd('gcc'),
      target: cShared('musl'),
      errors: ['needs libc.so.6, the glibc C library, but the target expects musl'],
    },
    {
      // binary-arch catches the machine; linkage names the foreign loader on its own.
      name: 'a loader of another arch (host-linked binary validated as a linux/arm64 target)',
      gate: all(gcc, haveTools('aarch64-linux-gnu-gcc')),
      artifact: () => cgo('gcc', { GOARCH: 'amd64' }),
      target: target('linux/arm64', { cgo: true }),
      errors: [
        {
          message: 'loader /lib64/ld-linux-x86-64.so.2 belongs to amd64/glibc, not linux/arm64',
          fix: "link with aarch64-linux-gnu-gcc: set the target's cc option or $CC_FOR_linux_arm64 (a C compiler for amd64 linked this binary)",
        },
      ],
    },
  ],
});

describe('the foreign-loader fix, done as it says', () => {
  // The fix names a compiler and a variable; a build through the build executor with exactly
  // that setting links with the target's loader, and linkage passes. (Plain CC is not read.)
  itIf(all(gcc, haveTools('aarch64-linux-gnu-gcc')))('CC_FOR_linux_arm64=aarch64-linux-gnu-gcc gives a binary linkage accepts; CC alone does not change the compiler', async () => {
    const bad = cgo('gcc', { GOARCH: 'amd64' });
    const t = target('linux/arm64', { cgo: true });
    const fix = (await validate(bad, t, { checks: [linkage] })).findings[0]?.fix ?? '';
    const [, compiler, variable] = /^link with (\S+): set the target's cc option or \$(CC_FOR_\w+) /.exec(fix) ?? [];
    expect([compiler, variable]).toEqual(['aarch64-linux-gnu-gcc', 'CC_FOR_linux_arm64']);
    const ws = writeTempTree('gocross-linkage-fix-', CGO_HELLO);
    const build = async (env: NodeJS.ProcessEnv, dir: string) => {
      const r = await runBuild({ goos: 'linux', goarch: 'arm64', cgo: true, outputDir: dir }, { workspaceRoot: ws, projectRoot: '.', env }, { logger: { info: () => undefined, error: () => undefined } });
      expect(r.success).toBe(true);
      return r.artifacts[0];
    };
    const fixed = await build({ ...process.env, [variable]: compiler }, 'fixed');
    expect(lines(await validate(fixed, t, { checks: [linkage] }))).toEqual([]);
    // The fix does not say CC, because a gocross build does not read it: the output is the same.
    const withCc = await build({ ...process.env, CC: 'gcc' }, 'with-cc');
    expect(lines(await validate(withCc, t, { checks: [linkage] }))).toEqual([]);
  }, 240_000);
});
