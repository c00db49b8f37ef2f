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
import { all, haveTools, itIf, lackFiles } from '../../test-utils/gates';

/** The probes for real: real go, real cross gcc, real qemu-user, on this machine. */

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
  itIf(haveTools('go', 'aarch64-linux-gnu-gcc', 'qemu-aarch64'))('linux/arm64 with cgo: compiles, links, builds a cgo program and runs it under qemu-aarch64 -L /usr/aarch64-linux-gnu', () => {
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

  const armhf = haveTools('go', 'arm-linux-gnueabihf-gcc', 'qemu-arm');
  let missingHeader = '';
  itIf(armhf)('linux/arm/7 with a cross gcc whose target C library is not installed: names libc6-dev-armhf-cross, which owns the missing header', () => {
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
    missingHeader = (header as RegExpExecArray)[1];
  });
  itIf(all(armhf, haveTools('dpkg', 'apt-cache')))('linux/arm/7: libc6-dev-armhf-cross owns that header and apt can install it', () => {
    expect(missingHeader).not.toBe('');
    const owner = spawnSync('dpkg', ['-S', `/usr/arm-linux-gnueabihf/include/${missingHeader}`], { encoding: 'utf8' });
    expect(owner.stdout.split(':')[0]).toBe('libc6-dev-armhf-cross');
    expect(aptInstallable(['libc6-dev-armhf-cross'])).toEqual(['libc6-dev-armhf-cross']);
  });

  // With the loader at /lib (an arm64 host, or libc6:arm64 installed) qemu finds it without -L.
  const noLoader = all(haveTools('go', 'aarch64-linux-gnu-gcc', 'qemu-aarch64'), lackFiles('/lib/ld-linux-aarch64.so.1'));
  let gapDetail = '';
  itIf(noLoader)('linux/arm64 cgo binary under qemu without the target sysroot: names libc6-arm64-cross, which owns the loader', () => {
    // As on a machine where /usr/aarch64-linux-gnu does not exist: the test executor passes no -L.
    const { report, calls } = doctorFor([{ platform: parsePlatform('linux/arm64'), cgo: true }], (p) => p !== '/usr/aarch64-linux-gnu' && fs.existsSync(p));
    expect(calls[0].cgo?.ok).toBe(true);
    expect(calls[0].run).toMatchObject({ ok: false, binary: 'cgo' });
    expect(report.rows[0]).toMatchObject({ cgo: { status: 'ok' }, tests: { status: 'gap', summary: 'no target libc' }, proof: { cgoLinked: true, ran: false } });
    expect(report.gaps.map((g) => g.fix)).toEqual(['apt-get install -y libc6-arm64-cross']);
    gapDetail = report.gaps[0].detail;
  });
  itIf(all(noLoader, haveTools('dpkg')))('linux/arm64 without the target sysroot: libc6-arm64-cross owns the loader it names', () => {
    const loader = /loader (\S+) of/.exec(gapDetail) as RegExpExecArray;
    expect(loader).not.toBeNull();
    const owner = spawnSync('dpkg', ['-S', `/usr/aarch64-linux-gnu${loader[1]}`], { encoding: 'utf8' });
    expect(owner.stdout.split(':')[0]).toBe('libc6-arm64-cross');
  });

  itIf(haveTools('go'))('pure Go for a platform with nothing to run it: built, tests compile only', () => {
    const { report, calls } = doctorFor([{ platform: parsePlatform('windows/amd64'), cgo: false }]);
    expect(calls[0].go.ok).toBe(true);
    expect(calls[0].run).toBeUndefined();
    expect(report.rows[0]).toMatchObject({ tests: { status: 'info', summary: 'compile only' }, proof: { built: true, ran: false } });
    expect(formatDoctorReport(report).trimEnd().split('\n').pop()).toBe(
      'Every platform of the matrix was built and linked here; tests only compiled for windows/amd64 (nothing here runs them).',
    );
  });
});
