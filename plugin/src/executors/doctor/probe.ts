/**
 * What doctor proves by doing it, per platform: `go build` of a tiny Go program; compiling and
 * linking a tiny C program with the C compiler and flags the build would use; `go build` of a
 * tiny cgo program in the environment the build executor gives go (buildGoEnv); and running the
 * binary the way the test executor runs tests (natively, or through the same qemu-exec wrapper,
 * qemu and sysroot). The disk and process side of doctor; diagnose() only reads the results.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PlatformTable } from '../../platforms/table';
import type { CToolchain } from '../../platforms/toolchain';
import type { Libc, Platform } from '../../platforms/types';
import { buildGoEnv } from '../shared/target-env';
import { execCommand, type RunMethod } from '../test/qemu';

/** The options of a build target that decide how C code is compiled for it. */
export interface ProbeTargetOptions {
  libc?: Libc;
  cc?: string;
  cxx?: string;
  cflags?: string[];
  env?: Record<string, string>;
}

export interface ProbeRequest {
  platform: Platform;
  options: ProbeTargetOptions;
  /** The C toolchain the build would use, when one was found. */
  toolchain?: CToolchain;
  /** The matrix needs cgo for this platform: build the cgo program and run it (else the pure-Go one). */
  cgo: boolean;
  /** How the test executor would run binaries of the platform. */
  method: RunMethod;
}

export interface ProbeStep {
  ok: boolean;
  /** The command line, for the report. */
  command: string;
  /** stdout + stderr (or the spawn error). */
  output: string;
}

export interface ProbeResult {
  /** `go build` of a pure-Go program (CGO_ENABLED=0). */
  go: ProbeStep;
  /** `$CC $CGO_CFLAGS -c probe.c`: headers of the target's C library. */
  cCompile?: ProbeStep;
  /** `$CC $CGO_CFLAGS probe.o`: crt files and libc of the target. */
  cLink?: ProbeStep;
  /** `go build` of a cgo program with CC/CGO_CFLAGS as the build sets them. */
  cgo?: ProbeStep;
  /** The cgo binary (cgo required) or the pure-Go one, run natively or under qemu. */
  run?: ProbeStep & { binary: 'go' | 'cgo' };
}

export type Prober = (req: ProbeRequest) => ProbeResult;

export const PROBE_OUTPUT = 'gocross probe ok';

const GO_MAIN = `package main\n\nfunc main() { println("${PROBE_OUTPUT}") }\n`;
const C_PROBE = `#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\nint main(void) {\n  char buf[32];\n  strcpy(buf, "probe");\n  printf("%s %d\\n", buf, (int)strlen(buf));\n  return EXIT_SUCCESS;\n}\n`;
const CGO_MAIN = `package main

/*
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int probe(void) {
  char *s = malloc(16);
  if (!s) return -1;
  strcpy(s, "gocross");
  int n = (int)strlen(s);
  free(s);
  return n;
}
*/
import "C"

func main() {
	if C.probe() != 7 {
		panic("the C function returned a wrong value")
	}
	println("${PROBE_OUTPUT}")
}
`;

export interface ProberContext {
  go: string;
  goVersion: string;
  hostGoos: string;
  hostGoarch: string;
  table: PlatformTable;
  env: NodeJS.ProcessEnv;
  which: (cmd: string) => string | undefined;
  /** Directory for the probe modules and binaries; created, and removed by dispose(). */
  tmpdir?: string;
  /** Time limit per build and per run. */
  timeoutMs?: number;
}

/** A prober working in a fresh temporary directory; call dispose() when done. */
export function createProber(ctx: ProberContext): { probe: Prober; dispose: () => void } {
  const root = fs.mkdtempSync(path.join(ctx.tmpdir ?? os.tmpdir(), 'gocross-doctor-'));
  const timeout = ctx.timeoutMs ?? 5 * 60 * 1000;
  const write = (dir: string, files: Record<string, string>) => {
    fs.mkdirSync(dir, { recursive: true });
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  };
  const goMod = 'module gocross.invalid/probe\n\ngo 1.21\n';
  write(path.join(root, 'go'), { 'go.mod': goMod, 'main.go': GO_MAIN });
  write(path.join(root, 'cgo'), { 'go.mod': goMod, 'main.go': CGO_MAIN });
  write(path.join(root, 'c'), { 'probe.c': C_PROBE });
  let n = 0;

  const step = (file: string, args: string[], opts: { cwd?: string; env: Record<string, string> }): ProbeStep => {
    const command = [file, ...args].map(shellWord).join(' ');
    const r = spawnSync(file, args, { cwd: opts.cwd, env: opts.env, encoding: 'utf8', timeout, maxBuffer: 16 * 1024 * 1024 });
    if (r.error) return { ok: false, command, output: `${(r.stdout ?? '') + (r.stderr ?? '')}${r.error.message}`.trim() };
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const why = r.signal ? `killed by ${r.signal}` : r.status !== 0 ? `exit status ${r.status}` : '';
    return { ok: !why, command, output: why ? `${output}${output.endsWith('\n') || !output ? '' : '\n'}${why}` : output };
  };

  const probe: Prober = (req) => {
    n += 1;
    const out = path.join(root, `p${n}`);
    fs.mkdirSync(out, { recursive: true });
    const ctxEnv = { hostGoos: ctx.hostGoos, hostGoarch: ctx.hostGoarch, goVersion: ctx.goVersion, table: ctx.table, env: ctx.env, which: ctx.which };
    const exe = req.platform.goos === 'windows' ? '.exe' : '';
    const fixed = { GOWORK: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local' };
    const result: ProbeResult = { go: { ok: false, command: 'go build', output: '' } };

    const pure = buildGoEnv(req.platform, { cgo: false, env: req.options.env }, ctxEnv);
    const goBin = path.join(out, `go${exe}`);
    result.go = pure.ok
      ? step(ctx.go, ['build', '-o', goBin, '.'], { cwd: path.join(root, 'go'), env: { ...pure.env, ...fixed } })
      : { ok: false, command: 'go build', output: pure.message };

    let cgoBin: string | undefined;
    if (req.toolchain) {
      const withC = buildGoEnv(req.platform, { cgo: true, ...req.options }, ctxEnv);
      if (!withC.ok) {
        result.cCompile = { ok: false, command: req.toolchain.cc, output: withC.message };
      } else {
        const [cc, ...ccArgs] = splitWords(withC.env.CC);
        const cflags = splitWords(withC.env.CGO_CFLAGS ?? '');
        const ldflags = splitWords(withC.env.CGO_LDFLAGS ?? '');
        const obj = path.join(out, 'probe.o');
        result.cCompile = step(cc, [...ccArgs, ...cflags, '-c', path.join(root, 'c', 'probe.c'), '-o', obj], { env: withC.env });
        if (result.cCompile.ok) {
          result.cLink = step(cc, [...ccArgs, ...cflags, obj, '-o', path.join(out, `c${exe}`), ...ldflags], { env: withC.env });
        }
        if (req.cgo && result.cCompile.ok && result.cLink?.ok) {
          cgoBin = path.join(out, `cgo${exe}`);
          result.cgo = step(ctx.go, ['build', '-o', cgoBin, '.'], { cwd: path.join(root, 'cgo'), env: { ...withC.env, ...fixed } });
          if (!result.cgo.ok) cgoBin = undefined;
        }
      }
    }

    const bin: { file: string; binary: 'go' | 'cgo' } | undefined = req.cgo
      ? cgoBin ? { file: cgoBin, binary: 'cgo' } : undefined
      : result.go.ok ? { file: goBin, binary: 'go' } : undefined;
    if (bin && req.method.kind !== 'unavailable') {
      const runEnv: Record<string, string> = {};
      for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) runEnv[k] = v;
      let s: ProbeStep;
      if (req.method.kind === 'native') {
        s = step(bin.file, [], { cwd: out, env: runEnv });
      } else {
        const ex = execCommand(req.method);
        s = step(ex.argv[0], [...ex.argv.slice(1), bin.file], { cwd: out, env: { ...runEnv, ...ex.env } });
      }
      if (s.ok && !s.output.includes(PROBE_OUTPUT)) s = { ...s, ok: false, output: `${s.output}\n(the probe did not print "${PROBE_OUTPUT}")` };
      result.run = { ...s, binary: bin.binary };
    }
    return result;
  };
  return { probe, dispose: () => fs.rmSync(root, { recursive: true, force: true }) };
}

function splitWords(s: string): string[] {
  return s.trim().split(/\s+/).filter(Boolean);
}

function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
