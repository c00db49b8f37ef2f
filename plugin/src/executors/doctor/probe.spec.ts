import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePlatform } from '../../platforms/platform';
import { loadGo, which } from '../shared/go';
import { diagnose, formatDoctorReport, type MatrixEntry } from './executor';
import { createProber, PROBE_OUTPUT } from './probe';
import { aptInstallable } from './test-utils/apt';
import { compilerWithoutTargetLibc } from './test-utils/hidden-libc';

/** The probes for real: real go, real cross gcc, real qemu-user, on this machine. */

function need(tool: string): boolean {
  if (which(tool)) return true;
  if (process.env.CI === 'true') throw new Error(`${tool} is required on CI`);
  console.warn(`skipped: ${tool} is not installed`);
  return false;
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-probe-spec-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function doctorFor(matrix: MatrixEntry[], exists?: (p: string) => boolean) {
  const env = { ...process.env, GOFLAGS: '' };
  const loaded = loadGo(env);
  if (!loaded.ok) throw new Error(loaded.message);
  const ctx = { go: loaded.go, goVersion: loaded.goEnv.GOVERSION, hostGoos: loaded.goEnv.GOHOSTOS, hostGoarch: loaded.goEnv.GOHOSTARCH, table: loaded.table, env, which: (c: string) => which(c, env) };
  const prober = createProber({ ...ctx, tmpdir: dir });
  const calls: ReturnType<typeof prober.probe>[] = [];
  try {
    const report = diagnose({
      ...ctx,
      matrix,
      projects: [],
      exists,
      probe: (req) => {
        const r = prober.probe(req);
        calls.push(r);
        return r;
      },
    });
    return { report, calls };
  } finally {
    prober.dispose();
  }
}

describe('probes on this machine', () => {
  it('linux/arm64 with cgo: compiles, links, builds a cgo program and runs it under qemu-aarch64 -L /usr/aarch64-linux-gnu', () => {
    if (!need('go') || !need('aarch64-linux-gnu-gcc') || !need('qemu-aarch64')) return;
    const { report, calls } = doctorFor([{ platform: parsePlatform('linux/arm64'), cgo: true }]);
    expect(calls[0].cCompile?.ok).toBe(true);
    expect(calls[0].cLink?.ok).toBe(true);
    expect(calls[0].cgo).toMatchObject({ ok: true });
    expect(calls[0].run).toMatchObject({ ok: true, binary: 'cgo' });
    expect(calls[0].run?.output).toContain(PROBE_OUTPUT);
    expect(calls[0].run?.command).toContain('qemu-exec.js');
    expect(report.ok).toBe(true);
    expect(report.rows[0]).toMatchObject({ tests: { status: 'ok', summary: 'qemu-aarch64 -L /usr/aarch64-linux-gnu' }, proof: { built: true, cgoLinked: true, ran: true } });
  });

  it('linux/arm/7 with a cross gcc whose target C library is not installed: names libc6-dev-armhf-cross, which owns the missing header', () => {
    if (!need('go') || !need('arm-linux-gnueabihf-gcc') || !need('qemu-arm')) return;
    const cc = compilerWithoutTargetLibc('arm-linux-gnueabihf', dir, which) as string;
    const { report, calls } = doctorFor([{ platform: parsePlatform('linux/arm/7'), cgo: true, cc }]);
    expect(calls[0].go.ok).toBe(true);
    expect(calls[0].cCompile?.ok).toBe(false);
    expect(calls[0].cCompile?.command).toContain(cc);
    expect(calls[0].cCompile?.command).toContain('-march=armv7-a+fp');
    expect(calls[0].run).toBeUndefined();
    expect(report.ok).toBe(false);
    expect(report.rows[0]).toMatchObject({ cgo: { status: 'gap', summary: 'no target libc' }, tests: { status: 'blocked' }, proof: { cgoLinked: false, ran: false } });
    expect(report.gaps).toHaveLength(1);
    expect(report.gaps[0].fix).toBe('apt-get install -y libc6-dev-armhf-cross');
    const header = /the header (\S+) is missing/.exec(report.gaps[0].detail);
    expect(header).not.toBeNull();
    expect(formatDoctorReport(report)).not.toMatch(/Every platform/);
    if (!need('dpkg') || !need('apt-cache')) return;
    const owner = spawnSync('dpkg', ['-S', `/usr/arm-linux-gnueabihf/include/${(header as RegExpExecArray)[1]}`], { encoding: 'utf8' });
    expect(owner.stdout.split(':')[0]).toBe('libc6-dev-armhf-cross');
    expect(aptInstallable(['libc6-dev-armhf-cross'])).toEqual(['libc6-dev-armhf-cross']);
  });

  it('linux/arm64 cgo binary under qemu without the target sysroot: names libc6-arm64-cross, which owns the loader', () => {
    if (!need('go') || !need('aarch64-linux-gnu-gcc') || !need('qemu-aarch64')) return;
    if (fs.existsSync('/lib/ld-linux-aarch64.so.1')) {
      console.warn('skipped: /lib/ld-linux-aarch64.so.1 exists here, qemu finds the loader without -L');
      return;
    }
    // As on a machine where /usr/aarch64-linux-gnu does not exist: the test executor passes no -L.
    const { report, calls } = doctorFor([{ platform: parsePlatform('linux/arm64'), cgo: true }], (p) => p !== '/usr/aarch64-linux-gnu' && fs.existsSync(p));
    expect(calls[0].cgo?.ok).toBe(true);
    expect(calls[0].run).toMatchObject({ ok: false, binary: 'cgo' });
    expect(report.rows[0]).toMatchObject({ cgo: { status: 'ok' }, tests: { status: 'gap', summary: 'no target libc' }, proof: { cgoLinked: true, ran: false } });
    expect(report.gaps.map((g) => g.fix)).toEqual(['apt-get install -y libc6-arm64-cross']);
    if (!need('dpkg')) return;
    const loader = /loader (\S+) of/.exec(report.gaps[0].detail) as RegExpExecArray;
    const owner = spawnSync('dpkg', ['-S', `/usr/aarch64-linux-gnu${loader[1]}`], { encoding: 'utf8' });
    expect(owner.stdout.split(':')[0]).toBe('libc6-arm64-cross');
  });

  it('pure Go for a platform with nothing to run it: built, tests compile only', () => {
    if (!need('go')) return;
    const { report, calls } = doctorFor([{ platform: parsePlatform('windows/amd64'), cgo: false }]);
    expect(calls[0].go.ok).toBe(true);
    expect(calls[0].run).toBeUndefined();
    expect(report.rows[0]).toMatchObject({ tests: { status: 'info', summary: 'compile only' }, proof: { built: true, ran: false } });
    expect(formatDoctorReport(report).trimEnd().split('\n').pop()).toBe(
      'Every platform of the matrix was built and linked here; tests only compiled for windows/amd64 (nothing here runs them).',
    );
  });
});
