/**
 * Real artifacts the rule specs share: good builds of the default matrix and beyond, good cgo
 * builds per toolchain, and the helpers that produce defective ones. Each is a function (built on
 * first use, cached by ./fixtures) paired with the gate of the tools it needs, so a rule spec can
 * list it as a RuleTester case.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { all, haveGo, haveTools, type Gate } from '../../test-utils/gates';
import type { TargetSpec } from '../types';
import { buildFixture, CGO_HELLO, HELLO, REPRO } from './fixtures';
import { target } from './run';

export const hello = (env: Record<string, string>, args: string[] = REPRO): string => buildFixture({ files: HELLO, env, args });

export function cgo(cc: string, env: Record<string, string>, args: string[] = ['-trimpath', '-buildvcs=false'], files = CGO_HELLO): string {
  return buildFixture({ files, env: { CGO_ENABLED: '1', CC: cc, GOOS: 'linux', ...env }, args });
}

/** A good artifact and the target it was built for. */
export interface GoodArtifact {
  name: string;
  gate: Gate;
  artifact: () => string;
  target: TargetSpec;
}

/** The default matrix of the build executor, built without cgo. */
export const MATRIX: { platform: string; env: Record<string, string> }[] = [
  { platform: 'linux/amd64', env: { GOOS: 'linux', GOARCH: 'amd64' } },
  { platform: 'linux/arm64', env: { GOOS: 'linux', GOARCH: 'arm64' } },
  { platform: 'linux/arm/7', env: { GOOS: 'linux', GOARCH: 'arm', GOARM: '7' } },
  { platform: 'linux/riscv64', env: { GOOS: 'linux', GOARCH: 'riscv64' } },
  { platform: 'darwin/arm64', env: { GOOS: 'darwin', GOARCH: 'arm64' } },
  { platform: 'windows/amd64', env: { GOOS: 'windows', GOARCH: 'amd64' } },
];

/** Good builds without cgo: the default matrix, two arches beyond it, and a PIE. */
export const GOOD_BUILDS: GoodArtifact[] = [
  ...MATRIX.map(({ platform, env }) => ({ name: `${platform} hello`, gate: haveGo(), artifact: () => hello(env), target: target(platform) })),
  { name: 'linux/mipsle hello', gate: haveGo(), artifact: () => hello({ GOOS: 'linux', GOARCH: 'mipsle' }), target: target('linux/mipsle') },
  { name: 'linux/s390x hello', gate: haveGo(), artifact: () => hello({ GOOS: 'linux', GOARCH: 's390x' }), target: target('linux/s390x') },
  {
    name: "linux/amd64 PIE by Go's internal linker (interpreter, no libraries), buildmode pie",
    gate: haveGo(),
    artifact: () => hello({ GOOS: 'linux', GOARCH: 'amd64' }, [...REPRO, '-buildmode=pie']),
    target: target('linux/amd64', { buildmode: 'pie' }),
  },
  {
    name: 'linux/arm/7 cgo enabled but no C code (Go links internally and statically)',
    gate: all(haveGo(), haveTools('arm-linux-gnueabihf-gcc')),
    artifact: () => buildFixture({ files: HELLO, env: { CGO_ENABLED: '1', CC: 'arm-linux-gnueabihf-gcc', GOOS: 'linux', GOARCH: 'arm', GOARM: '7' }, args: REPRO }),
    target: target('linux/arm/7', { cgo: true }),
  },
  {
    name: 'linux/arm64 cgo enabled but no C code (Go links internally and statically)',
    gate: all(haveGo(), haveTools('aarch64-linux-gnu-gcc')),
    artifact: () => buildFixture({ files: HELLO, env: { CGO_ENABLED: '1', CC: 'aarch64-linux-gnu-gcc', GOOS: 'linux', GOARCH: 'arm64' }, args: REPRO }),
    target: target('linux/arm64', { cgo: true }),
  },
];

/** Good cgo builds, one per C toolchain and libc. */
interface CgoRecipe {
  name: string;
  cc: string;
  env: Record<string, string>;
  platform: string;
  libc: 'glibc' | 'musl';
  args?: string[];
  linkmode?: 'internal' | 'external';
}

const CGO_RECIPES: CgoRecipe[] = [
  { name: 'linux/amd64 glibc (gcc)', cc: 'gcc', env: { GOARCH: 'amd64' }, platform: 'linux/amd64', libc: 'glibc' },
  { name: 'linux/arm64 glibc (aarch64-linux-gnu-gcc)', cc: 'aarch64-linux-gnu-gcc', env: { GOARCH: 'arm64' }, platform: 'linux/arm64', libc: 'glibc' },
  { name: 'linux/arm/7 armhf (arm-linux-gnueabihf-gcc)', cc: 'arm-linux-gnueabihf-gcc', env: { GOARCH: 'arm', GOARM: '7' }, platform: 'linux/arm/7', libc: 'glibc' },
  {
    name: 'linux/riscv64 glibc (riscv64-linux-gnu-gcc, RVC + double-float flags)',
    cc: 'riscv64-linux-gnu-gcc',
    env: { GOARCH: 'riscv64' },
    platform: 'linux/riscv64',
    libc: 'glibc',
  },
  { name: 'linux/amd64 musl (musl-gcc)', cc: 'musl-gcc', env: { GOARCH: 'amd64' }, platform: 'linux/amd64', libc: 'musl' },
  {
    name: "linux/arm/7 cgo linked by Go's internal linker (-linkmode=internal)",
    cc: 'arm-linux-gnueabihf-gcc',
    env: { GOARCH: 'arm', GOARM: '7' },
    platform: 'linux/arm/7',
    libc: 'glibc',
    args: ['-trimpath', '-ldflags=-linkmode=internal'],
    linkmode: 'internal',
  },
];

export const GOOD_CGO_BUILDS: (GoodArtifact & { linkmode: 'internal' | 'external' })[] = CGO_RECIPES.map(({ name, cc, env, platform, libc, args, linkmode = 'external' }) => ({
  name,
  gate: all(haveGo(), haveTools(cc)),
  artifact: () => cgo(cc, env, args),
  target: target(platform, { cgo: true, libc, linkmode }),
  linkmode,
}));

/** Every good build above: each rule finds nothing in any of them. */
export const GOOD: GoodArtifact[] = [...GOOD_BUILDS, ...GOOD_CGO_BUILDS];

/** A scratch directory for artifacts a spec derives from real ones (patched copies, converted objects); removed by `cleanup`. */
export function scratchDir(prefix: string): { dir: () => string; cleanup: () => void } {
  let d: string | undefined;
  return {
    dir: () => (d ??= fs.mkdtempSync(path.join(os.tmpdir(), prefix))),
    cleanup: () => {
      if (d) fs.rmSync(d, { recursive: true, force: true });
      d = undefined;
    },
  };
}
