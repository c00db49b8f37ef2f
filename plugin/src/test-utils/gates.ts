/**
 * Tests that need something this machine may lack (a tool on PATH, a file, another host
 * architecture). Outside CI such a test is registered as skipped, with the reason in its name, so
 * the summary counts it as skipped and never as passed. Under `CI=true` it is registered as a test
 * that fails with the reason: CI installs everything (`.ci/run`), so a missing tool there is a bug.
 * A gate CI does not promise to open (`optional`, e.g. a Go release other than a fixture's) skips
 * with its reason everywhere.
 *
 *   const itCross = itIf(haveTools('aarch64-linux-gnu-gcc', 'qemu-aarch64'));
 *   itCross('links and runs under qemu', () => { … });
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { which } from '../platforms/which';

export const IN_CI = process.env.CI === 'true';

/** What a gate decided: `ok`, or the reason the tests behind it cannot run here. */
export interface Gate {
  ok: boolean;
  reason?: string;
  /** Closed for a reason CI does not promise to remove (see `optional`): skipped even under CI. */
  optional?: boolean;
}

/** A gate on any condition: open when `ok`, else closed for `reason`. */
export function gate(ok: boolean, reason: string): Gate {
  return ok ? { ok: true } : { ok: false, reason };
}

/**
 * The same gate, but when closed its tests are skipped (with the reason) even under CI: for a
 * condition CI does not set up, e.g. a Go release other than the one a fixture was recorded with.
 */
export function optional(g: Gate): Gate {
  return g.ok ? g : { ...g, optional: true };
}

export { which };

/** Every tool on PATH, or the names of those missing. */
export function haveTools(...tools: string[]): Gate {
  const missing = tools.filter((t) => !which(t));
  return missing.length === 0 ? { ok: true } : { ok: false, reason: `needs ${missing.join(', ')} on PATH` };
}

/** `go` on PATH and runnable. */
export function haveGo(): Gate {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true } : { ok: false, reason: 'needs go on PATH' };
}

/** Every file present (e.g. a cross libc's loader). */
export function haveFiles(...files: string[]): Gate {
  const missing = files.filter((f) => !fs.existsSync(f));
  return missing.length === 0 ? { ok: true } : { ok: false, reason: `needs ${missing.join(', ')}` };
}

/** Every file absent (e.g. a loader whose presence hides the failure a test reproduces). */
export function lackFiles(...files: string[]): Gate {
  const present = files.filter((f) => fs.existsSync(f));
  return present.length === 0 ? { ok: true } : { ok: false, reason: `needs ${present.join(', ')} absent` };
}

/** The host is `platform`/`arch` as Node names them (e.g. linux/x64). */
export function hostIs(platform: NodeJS.Platform, arch: string): Gate {
  return process.platform === platform && process.arch === arch
    ? { ok: true }
    : { ok: false, reason: `needs a ${platform}/${arch} host (this is ${process.platform}/${process.arch})` };
}

/** All gates at once; optional only if every closed one is. */
export function all(...gates: Gate[]): Gate {
  const closed = gates.filter((g) => !g.ok);
  if (closed.length === 0) return { ok: true };
  const reason = closed.map((g) => g.reason as string).join('; ');
  return closed.every((g) => g.optional) ? { ok: false, reason, optional: true } : { ok: false, reason };
}

/** Under CI=true a closed gate fails its tests, unless it is optional. */
function failsHere(g: Gate): boolean {
  return IN_CI && !g.optional;
}

type TestFn = (name: string, fn?: jest.ProvidesCallback, timeout?: number) => void;

const told = new Set<string>();

/**
 * Prints the skip once per reason and file: Jest lists no test names of a file whose tests are
 * all skipped, so the reason would otherwise not show.
 */
function tellSkip(name: string, reason: string | undefined): void {
  if (told.has(`${reason}`)) return;
  told.add(`${reason}`);
  console.warn(`skipped: ${name} [${reason}]`);
}

/**
 * `it` when the gate is open; else a skipped test named with the reason, or, under CI, a test
 * that fails with the reason.
 */
export function itIf(gate: Gate): TestFn {
  if (gate.ok) return it;
  if (failsHere(gate)) {
    return (name: string) =>
      it(name, () => {
        throw new Error(`cannot run here: ${gate.reason} (CI=true installs everything; see .ci/run)`);
      });
  }
  return (name: string, fn?: jest.ProvidesCallback, timeout?: number) => {
    tellSkip(name, gate.reason);
    it.skip(`${name} [skipped: ${gate.reason}]`, fn, timeout);
  };
}

/** `describe` when the gate is open; else its tests are skipped (or, under CI, one failing test says why). */
export function describeIf(gate: Gate): (name: string, fn: () => void) => void {
  if (gate.ok) return describe;
  if (failsHere(gate)) {
    return (name: string) =>
      describe(name, () => {
        it('has what it needs', () => {
          throw new Error(`cannot run here: ${gate.reason} (CI=true installs everything; see .ci/run)`);
        });
      });
  }
  return (name: string, fn: () => void) => {
    tellSkip(name, gate.reason);
    describe.skip(`${name} [skipped: ${gate.reason}]`, fn);
  };
}
