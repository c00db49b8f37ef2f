/**
 * The release smoke gate: before packaging, each platform's binary is run with the configured
 * arguments, natively or under qemu-user (the run and test executors' `runMethod`), and must exit
 * 0. A platform that cannot run here (darwin or windows on Linux, a foreign arch without its
 * qemu) is recorded as "not smoke-tested" — never as passed. On CI (CI=true) a Linux platform
 * whose qemu-user is missing fails instead, as the run executor does.
 *
 * The result is written to the release as smoke.json: deterministic (no times, no output), so
 * the cached release and its checksums stay byte-identical between runs.
 */
import { spawnSync } from 'node:child_process';
import { formatPlatform, platformSelected } from '../../platforms/platform';
import type { Libc, Platform } from '../../platforms/types';
import { passthroughEnv, which } from '../shared/go';
import { peekElf, runMethod } from '../test/qemu';

export interface SmokeOptions {
  args: string[];
  /** `os/arch[/variant]` of the platforms to run; default all of the release. */
  platforms?: string[];
}

export interface SmokeSubject {
  /** Absolute path of the binary. */
  file: string;
  /** Its name in the archive. */
  binary: string;
  platform: Platform;
  libc?: Libc;
}

export interface SmokeEntry {
  platform: string;
  binary: string;
  result: 'passed' | 'failed' | 'not smoke-tested';
  /** `native` or the qemu program (`qemu-aarch64`). */
  ran?: string;
  exitCode?: number | null;
  reason?: string;
}

export interface SmokeReport {
  args: string[];
  results: SmokeEntry[];
}

export interface SmokeDeps {
  env: NodeJS.ProcessEnv;
  hostGoos: string;
  hostGoarch: string;
  /** Runs argv; default spawnSync with a 120 s timeout. */
  spawn?: (argv: string[], env: Record<string, string>) => { status: number | null; signal: string | null; stderr: string; error?: Error };
}

const defaultSpawn: NonNullable<SmokeDeps['spawn']> = (argv, env) => {
  const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
  return { status: r.status, signal: r.signal, stderr: r.stderr ?? '', error: r.error };
};


/** Runs the smoke test of each subject. `fatal` holds one line per failure (the release must stop). */
export function smokeTest(opts: SmokeOptions, subjects: SmokeSubject[], deps: SmokeDeps): { report: SmokeReport; fatal: string[]; lines: string[] } {
  const spawn = deps.spawn ?? defaultSpawn;
  const results: SmokeEntry[] = [];
  const fatal: string[] = [];
  const lines: string[] = [];
  const args = opts.args.map(String);
  for (const s of subjects) {
    const name = formatPlatform(s.platform);
    if (!platformSelected(s.platform, opts.platforms)) {
      results.push({ platform: name, binary: s.binary, result: 'not smoke-tested', reason: 'not in smoke.platforms' });
      lines.push(`smoke: ${name}: not smoke-tested (not in smoke.platforms)`);
      continue;
    }
    const m = runMethod({ platform: s.platform, libc: s.libc, hostGoos: deps.hostGoos, hostGoarch: deps.hostGoarch, which: (c) => which(c, deps.env) });
    if (m.kind === 'unavailable') {
      const reason = `${m.reason}${m.fix ? ` (fix: ${m.fix})` : ''}`;
      // A Linux binary could run under qemu-user here: on CI its absence is a failure, not a skip.
      if (deps.env.CI === 'true' && s.platform.goos === 'linux' && deps.hostGoos === 'linux') {
        fatal.push(`smoke test of ${s.binary} for ${name} cannot run: ${reason} (CI=true: not skipped)`);
      }
      results.push({ platform: name, binary: s.binary, result: 'not smoke-tested', reason: m.reason });
      lines.push(`smoke: ${name}: not smoke-tested: ${reason}`);
      continue;
    }
    const argv = m.kind === 'native' ? [s.file, ...args] : [m.qemuPath, ...(peekElf(s.file)?.interp && m.sysroot ? ['-L', m.sysroot] : []), s.file, ...args];
    const ran = m.kind === 'native' ? 'native' : m.qemu;
    const r = spawn(argv, passthroughEnv(deps.env));
    if (r.status === 0 && !r.error) {
      results.push({ platform: name, binary: s.binary, result: 'passed', ran, exitCode: 0 });
      lines.push(`smoke: ${name}: passed (${s.binary} ${args.join(' ')}, ${ran})`.replace(/ ,/, ','));
      continue;
    }
    const how = r.error ? `could not start: ${r.error.message}` : r.signal ? `was killed by ${r.signal}` : `exited with code ${r.status}`;
    const err = r.stderr.trim().split('\n')[0]?.slice(0, 200);
    results.push({ platform: name, binary: s.binary, result: 'failed', ran, exitCode: r.status, reason: how });
    fatal.push(`smoke test of ${s.binary} for ${name} failed: ${s.binary} ${args.join(' ')} ${how}${ran !== 'native' ? ` under ${ran}` : ''}${err ? `: ${err}` : ''}`);
    lines.push(`smoke: ${name}: FAILED (${how})`);
  }
  results.sort((a, b) => (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : 0));
  return { report: { args, results }, fatal, lines };
}
