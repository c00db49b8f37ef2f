/**
 * The doctor target: per platform of a project's matrix, whether it can be built, linked with
 * cgo and tested on this machine. cgo-hello (cgo, four Linux platforms via its gocross.json) is
 * served by the Debian cross compilers and qemu-user; with a PATH that has none of them the
 * doctor fails and names what to install.
 */
import * as path from 'node:path';
import { describeRun, IN_CI, makeGoRecorder, minimalPath, nx, which, workspaceRoot } from './utils';

describe('doctor', () => {
  const crossTools = ['aarch64-linux-gnu-gcc', 'arm-linux-gnueabihf-gcc', 'riscv64-linux-gnu-gcc', 'qemu-aarch64', 'qemu-arm', 'qemu-riscv64'];

  test('cgo-hello: every platform of its matrix can be built, linked and tested here', () => {
    const missing = crossTools.filter((t) => !which(t));
    if (missing.length) {
      if (IN_CI) throw new Error(`missing on PATH: ${missing.join(', ')} (see .ci/run)`);
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED PART: doctor success case needs ${missing.join(', ')}`);
      return;
    }
    const r = nx(['run', 'cgo-hello:doctor', '--skip-nx-cache']);
    if (r.code !== 0) throw new Error(describeRun('nx run cgo-hello:doctor', r));
    for (const p of ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64']) {
      expect(r.output).toMatch(new RegExp(`^${p.replace(/\//g, '\\/')}\\s+ok\\b`, 'm'));
    }
    expect(r.output).toMatch(/qemu-aarch64/);
    expect(r.output).toMatch(/aarch64-linux-gnu-gcc/);
  });

  test('cgo-hello with no cross compilers or emulators on PATH: fails and says what to install', () => {
    const ws = workspaceRoot();
    const rec = makeGoRecorder(path.join(ws, 'tmp', 'recorder-doctor'));
    const r = nx(['run', 'cgo-hello:doctor', '--skip-nx-cache'], {
      env: { PATH: minimalPath(rec), CC: undefined, CXX: undefined },
    });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/gcc-aarch64-linux-gnu/);
    expect(rec.buildCalls()).toEqual([]);
  });
});
