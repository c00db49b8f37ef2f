/**
 * The test executor end to end: `go test` of libs/mathx cross-compiled for linux/arm64 and run
 * under qemu-aarch64 (so the arm64 assembly runs), and proof that the tests really ran on the
 * target: a test that fails only when GOARCH is arm64 makes the arm64 target fail and leaves
 * the native one green.
 */
import * as path from 'node:path';
import { copyModule, describeRun, makeGoRecorder, minimalPath, nx, nxTaskFromCache, uniqueName, workspaceRoot, writeFile } from './utils';
import { haveTools, itIf } from '../plugin/src/test-utils/gates';

describe('test executor', () => {
  let ws: string;
  let project: string;
  let root: string;

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('mathx-test');
    root = copyModule('libs/mathx', `libs/${project}`);
    const targets = {
      'test-arm64x': { executor: '@gocross/nx:test', options: { goos: 'linux', goarch: 'arm64', args: ['-count=1', '-v'] } },
      'test-arm64x-purego': {
        executor: '@gocross/nx:test',
        options: { goos: 'linux', goarch: 'arm64', tags: ['purego'], args: ['-count=1', '-v'] },
      },
      'test-s390x': { executor: '@gocross/nx:test', options: { goos: 'linux', goarch: 's390x', args: ['-count=1', '-v'] } },
      'test-amd64x': { executor: '@gocross/nx:test', options: { goos: 'linux', goarch: 'amd64', args: ['-count=1', '-v'] } },
    };
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, root, targets }, null, 2) + '\n');
  });

  itIf(haveTools('qemu-aarch64'))('go test for linux/arm64 runs under qemu-aarch64 and passes (assembly and purego)', () => {
    for (const t of ['test-arm64x', 'test-arm64x-purego']) {
      const r = nx(['run', `${project}:${t}`, '--skip-nx-cache']);
      if (r.code !== 0) throw new Error(describeRun(t, r));
      expect(r.output).toMatch(/--- PASS: TestSumMatchesGo/);
    }
  });

  itIf(haveTools('qemu-s390x'))('go test for linux/s390x (big-endian, pure-Go fallback) passes under qemu-s390x', () => {
    const r = nx(['run', `${project}:test-s390x`, '--skip-nx-cache']);
    if (r.code !== 0) throw new Error(describeRun('test-s390x', r));
    expect(r.output).toMatch(/--- PASS: TestSumSmall/);
  });

  itIf(haveTools('qemu-aarch64'))('a test failing only on arm64 fails the arm64 target and not the amd64 one', () => {
    writeFile(
      path.join(ws, root, 'arch_only_test.go'),
      [
        'package mathx',
        '',
        'import (',
        '\t"runtime"',
        '\t"testing"',
        ')',
        '',
        'func TestNotOnArm64(t *testing.T) {',
        '\tif runtime.GOARCH == "arm64" {',
        '\t\tt.Fatal("ran on " + runtime.GOOS + "/" + runtime.GOARCH)',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
    const arm = nx(['run', `${project}:test-arm64x`, '--skip-nx-cache']);
    expect(arm.code).not.toBe(0);
    expect(arm.output).toMatch(/ran on linux\/arm64/);
    const amd = nx(['run', `${project}:test-amd64x`, '--skip-nx-cache']);
    if (amd.code !== 0) throw new Error(describeRun('test-amd64x', amd));
  });
});

describe('inferred test target and the cache', () => {
  itIf(haveTools('qemu-aarch64'))('a run without qemu (tests only compiled) is not replayed once qemu is installed', () => {
    const ws = workspaceRoot();
    const project = uniqueName('mathx-qemu-cache');
    copyModule('libs/mathx', `libs/${project}`);
    const task = `${project}:test-linux-arm64`;
    // No qemu on PATH; CI=false so that a missing emulator is a skip, not a failure.
    const rec = makeGoRecorder(path.join(ws, 'tmp', `recorder-${project}`));
    const without = nx(['run', task], { env: { PATH: minimalPath(rec), CI: 'false', CC: undefined, CXX: undefined } });
    if (without.code !== 0) throw new Error(describeRun(`${task} without qemu`, without));
    expect(without.output).toMatch(/skipped running the tests for linux\/arm64: qemu-aarch64 is not installed/);
    // qemu is back on PATH: the tests run instead of the compile-only result coming from the cache.
    const withQemu = nx(['run', task], { env: { CI: 'false' } });
    if (withQemu.code !== 0) throw new Error(describeRun(`${task} with qemu`, withQemu));
    expect(nxTaskFromCache(withQemu.output, task)).toBe(false);
    expect(withQemu.output).not.toMatch(/skipped running the tests/);
    expect(withQemu.output).toMatch(/under qemu-aarch64/);
    // And that result is cached in its turn.
    const again = nx(['run', task], { env: { CI: 'false' } });
    if (again.code !== 0) throw new Error(describeRun(`${task} again`, again));
    expect(nxTaskFromCache(again.output, task)).toBe(true);
  });
});

describe('run executor', () => {
  itIf(haveTools('qemu-aarch64'))('nx run hello:run-linux-arm64 builds if needed and runs the binary under qemu-aarch64', () => {
    const r = nx(['run', 'hello:run-linux-arm64']);
    if (r.code !== 0) throw new Error(describeRun('run-linux-arm64', r));
    expect(r.output).toMatch(/^linux\/arm64$/m);
  });
});
