/**
 * `@gocross/nx:doctor`: for each platform of a project's (or the workspace's) matrix, what this
 * machine can do, proven by doing it (probe.ts): build a Go program, compile and link C and build
 * a cgo program with the C compiler the build uses, run the result the way the test executor
 * does (natively or under which qemu and sysroot); and is every body-less Go function implemented
 * for it? Prints a table (or JSON); every gap comes with the command that closes it (the exact
 * Debian package where there is one); the last line claims only what the probes proved; fails
 * when the matrix cannot be fully served here.
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asmCoverage } from '../../checks/rules/asm-coverage';
import { SUPPORTED_ASM_ARCHES } from '../../generators/asm/stubs';
import type { SourceFile } from '../../checks/result';
import { readProjectSources as readGoSources } from '../../gowork/sources';
import { platformFromOptions, validatePlatform } from '../../platforms/env';
import { formatPlatform, parsePlatform, platformSlug } from '../../platforms/platform';
import type { PlatformTable } from '../../platforms/table';
import { debianCCompilerPackage, debianLibcCrossPackage, debianLibcDevPackage, tripleOfCompiler } from '../../platforms/debian';
import { cTriple } from '../../platforms/arch';
import { resolveCToolchain, type CToolchain } from '../../platforms/toolchain';
import type { Libc, Platform } from '../../platforms/types';
import { explainGoFailure } from '../shared/explain';
import { loadGo, which } from '../shared/go';
import { runMethod } from '../test/qemu';
import { createProber, type ProbeStep, type Prober } from './probe';
import { readProjectOverride, type ProjectOverride } from '../../graph/options';
import type { DoctorExecutorSchema } from './schema';

export type Status = 'ok' | 'gap' | 'info' | 'blocked';

export interface DoctorCell {
  /** ok: proven here; gap: required and missing; info: not required, or nothing here can do it; blocked: not tried because another gap of the row stops it. */
  status: Status;
  /** Short text for the table (`aarch64-linux-gnu-gcc`, `qemu-aarch64 -L /usr/aarch64-linux-gnu`, `native`). */
  summary: string;
  /** One line saying what is missing, for gaps and infos. */
  detail?: string;
  /** Command or change that closes the gap. */
  fix?: string;
}

/** What the probes of a row did on this machine. */
export interface DoctorProof {
  /** A Go program was built for the platform. */
  built: boolean;
  /** A C program was compiled and linked with the platform's C compiler, and a cgo program built (cgo required). */
  cgoLinked: boolean;
  /** A program built for the platform ran here and printed what it should. */
  ran: boolean;
  /** How it ran: `native`, `qemu-arm -L /usr/arm-linux-gnueabihf`. */
  ranWith?: string;
}

export interface DoctorRow {
  platform: string;
  libc?: Libc;
  /** Whether a build target of the matrix needs cgo for this platform. */
  cgoRequired: boolean;
  go: DoctorCell;
  cgo: DoctorCell;
  tests: DoctorCell;
  asm: DoctorCell;
  proof: DoctorProof;
}

export interface DoctorReport {
  goVersion: string;
  host: string;
  rows: DoctorRow[];
  /** Every gap, one line each, with its fix. */
  gaps: { platform: string; area: 'go' | 'cgo' | 'tests' | 'asm'; detail: string; fix?: string }[];
  /** True when every platform was built (and linked with C where cgo is required), and run wherever this machine can run it. */
  ok: boolean;
}

export interface MatrixEntry {
  platform: Platform;
  cgo: boolean;
  libc?: Libc;
  /** C compiler options of the build target (cc, cxx, cflags, env), used as the build uses them. */
  cc?: string;
  cxx?: string;
  cflags?: string[];
  env?: Record<string, string>;
}

export interface ProjectSources {
  project: string;
  projectRoot: string;
  sources: SourceFile[];
}

export interface DiagnoseRequest {
  matrix: MatrixEntry[];
  projects: ProjectSources[];
  goVersion: string;
  hostGoos: string;
  hostGoarch: string;
  table: PlatformTable;
  env: Record<string, string | undefined>;
  which: (cmd: string) => string | undefined;
  exists?: (p: string) => boolean;
  /** Builds, links and runs the probes for one platform (probe.ts on a real machine). */
  probe: Prober;
}

/** The last lines of a failed step's output that say something (gcc and go print a lot). */
function tail(output: string, lines = 3): string {
  const useful = output
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l && !/^\s*\d* \|/.test(l) && !/^\s+\^/.test(l) && !/^(In file included from|\s+from |compilation terminated|collect2: error)/.test(l.trim()));
  const errors = useful.filter((l) => /error|cannot|not found|No such file|undefined reference|Could not/i.test(l));
  return (errors.length ? errors.slice(0, lines) : useful.slice(-lines)).join(' | ');
}

/** The package with the target's C headers and crt files for the compiler in use. */
function libcDevFix(cc: string, p: Platform, libc: Libc | undefined, hostTriple: string | undefined): string | undefined {
  const first = cc.trim().split(/\s+/)[0];
  const base = first.slice(first.lastIndexOf('/') + 1);
  if (base === 'musl-gcc') return 'apt-get install -y musl-tools';
  const named = tripleOfCompiler(cc);
  if (!named && /^(gcc|cc|clang)(-[\d.]+)?$/.test(base)) return 'apt-get install -y libc6-dev';
  const triple = named ?? cTriple(p, libc ?? 'glibc');
  const pkg = triple ? debianLibcDevPackage(triple, hostTriple) : undefined;
  return pkg ? `apt-get install -y ${pkg}` : undefined;
}

/** A cell for a failed probe step: the explainer's reading of its output, with a command as the fix when there is one. */
function failedStep(step: ProbeStep, what: string, p: Platform, m: MatrixEntry, cc: string | undefined, required: boolean, hostTriple: string | undefined): DoctorCell {
  const hints = explainGoFailure(step.output, { goos: p.goos, goarch: p.goarch, variant: p.variant, cgo: cc !== undefined, cc });
  const status: Status = required ? 'gap' : 'info';
  const libcMissing = hints.find((h) => h.id === 'cross-libc-missing');
  if (libcMissing && cc) {
    return { status, summary: 'no target libc', detail: `${what}: ${libcMissing.message.replace(/^.*? runs, but /, '')}`, fix: libcDevFix(cc, p, m.libc, hostTriple) ?? libcMissing.fix };
  }
  const loader = hints.find((h) => h.id === 'qemu-no-loader');
  if (loader) {
    const triple = cTriple(p, m.libc ?? 'glibc');
    const pkg = triple && (m.libc ?? 'glibc') === 'glibc' ? debianLibcCrossPackage(triple) : undefined;
    return { status, summary: 'no target libc', detail: `${what}: ${loader.message}`, fix: pkg ? `apt-get install -y ${pkg}` : 'pass the target\'s sysroot with the sysroot option' };
  }
  if (hints.length > 0) return { status, summary: 'fails', detail: `${what}: ${hints[0].message}`, fix: hints[0].fix };
  return { status, summary: 'fails', detail: `${what} failed: ${tail(step.output)} (${step.command})` };
}

/** The diagnosis. Reads nothing from disk or processes except through `which`, `exists` and `probe`. */
export function diagnose(req: DiagnoseRequest): DoctorReport {
  const rows: DoctorRow[] = [];
  const gaps: DoctorReport['gaps'] = [];
  const exists = req.exists ?? fs.existsSync;
  const hostTriple = req.hostGoos === 'linux' ? cTriple({ goos: 'linux', goarch: req.hostGoarch }) : undefined;
  for (const m of req.matrix) {
    const p = m.platform;
    const name = formatPlatform(p);
    const label = m.libc === 'musl' ? `${name} (musl)` : name;
    const row: DoctorRow = {
      platform: name,
      ...(m.libc ? { libc: m.libc } : {}),
      cgoRequired: m.cgo,
      go: { status: 'ok', summary: 'ok' },
      cgo: { status: 'info', summary: '-' },
      tests: { status: 'ok', summary: '' },
      asm: { status: 'ok', summary: 'ok' },
      proof: { built: false, cgoLinked: false, ran: false },
    };
    const gap = (area: DoctorReport['gaps'][number]['area'], cell: DoctorCell) => {
      row[area] = cell;
      if (cell.status === 'gap') gaps.push({ platform: label, area, detail: cell.detail ?? cell.summary, ...(cell.fix ? { fix: cell.fix } : {}) });
    };

    const bad = validatePlatform(p, req.goVersion, req.table);
    const entry = req.table.find(p.goos, p.goarch);
    const method = runMethod({ platform: p, libc: m.libc, hostGoos: req.hostGoos, hostGoarch: req.hostGoarch, which: req.which, exists });

    // Which C compiler the build would use (the build target's cc, $CC_FOR_…, PATH, zig, host).
    let toolchain: CToolchain | undefined;
    let noCc: string | undefined;
    if (entry?.cgoSupported) {
      const tc = resolveCToolchain({ platform: p, libc: m.libc, cc: m.cc, cxx: m.cxx, cflags: m.cflags, env: req.env, hostGoos: req.hostGoos, hostGoarch: req.hostGoarch, which: req.which });
      if (tc.ok) toolchain = tc.toolchain;
      else noCc = tc.message;
    }

    const probe = bad
      ? undefined
      : req.probe({ platform: p, options: { libc: m.libc, cc: m.cc, cxx: m.cxx, cflags: m.cflags, env: m.env }, toolchain, cgo: m.cgo, method });

    // Pure Go
    if (bad) {
      gap('go', { status: 'gap', summary: 'unsupported', detail: bad, fix: 'install a Go release that supports it (https://go.dev/dl/) or drop it from the matrix' });
    } else if (probe && !probe.go.ok) {
      gap('go', failedStep(probe.go, 'go build of a pure-Go program', p, m, undefined, true, hostTriple));
    } else {
      row.proof.built = true;
    }

    // cgo
    if (entry && !entry.cgoSupported) {
      gap('cgo', m.cgo
        ? { status: 'gap', summary: 'unsupported', detail: `go does not support cgo for ${name}`, fix: `set cgo: false for ${name}` }
        : { status: 'info', summary: 'n/a' });
    } else if (entry && !toolchain) {
      const isHost = p.goos === req.hostGoos && p.goarch === req.hostGoarch;
      const pkg = debianCCompilerPackage(p, m.libc);
      const fix = isHost && p.goos === 'linux' && (m.libc ?? 'glibc') === 'glibc'
        ? 'apt-get install -y gcc'
        : pkg
        ? `apt-get install -y ${pkg}`
        : m.libc === 'musl' && p.goos === 'linux' && p.goarch === req.hostGoarch
          ? 'apt-get install -y musl-tools'
          : `install zig, or set CC_FOR_${p.goos}_${p.goarch}`;
      gap('cgo', { status: m.cgo ? 'gap' : 'info', summary: 'no C compiler', detail: noCc, fix });
    } else if (entry && toolchain && probe) {
      const flags = toolchain.cflags.length ? ` ${toolchain.cflags.join(' ')}` : '';
      const summary = `${toolchain.cc}${flags}`;
      const failed = [
        [probe.cCompile, 'compiling a C program'],
        [probe.cLink, 'linking a C program'],
        [probe.cgo, 'go build of a cgo program'],
      ].find(([s]) => s && !(s as ProbeStep).ok) as [ProbeStep, string] | undefined;
      if (failed) {
        gap('cgo', failedStep(failed[0], `${failed[1]} with ${toolchain.cc}`, p, m, toolchain.cc, m.cgo, hostTriple));
      } else if (!probe.cCompile || !probe.cLink || (m.cgo && !probe.cgo)) {
        gap('cgo', { status: m.cgo ? 'gap' : 'info', summary: 'not probed', detail: `the C probe for ${name} did not run` });
      } else {
        gap('cgo', { status: m.cgo ? 'ok' : 'info', summary });
        if (m.cgo) row.proof.cgoLinked = true;
      }
    }

    // tests
    const runWith = method.kind === 'native' ? 'native' : method.kind === 'qemu' ? (method.sysroot && m.cgo ? `${method.qemu} -L ${method.sysroot}` : method.qemu) : undefined;
    if (method.kind === 'unavailable') {
      if (method.fix) gap('tests', { status: 'gap', summary: 'no emulator', detail: method.reason, fix: method.fix });
      // Nothing on this machine can run it (another OS): say so, it is not a gap to fix here.
      else gap('tests', { status: 'info', summary: 'compile only', detail: method.reason });
    } else if (!probe?.run) {
      const why = bad || (probe && !probe.go.ok) ? 'go cannot build for it' : 'the cgo probe could not be built';
      gap('tests', { status: 'blocked', summary: 'not run', detail: `nothing was run: ${why}` });
    } else if (!probe.run.ok) {
      gap('tests', failedStep(probe.run, `running a ${probe.run.binary === 'cgo' ? 'cgo' : 'Go'} program with ${runWith}`, p, m, undefined, true, hostTriple));
    } else {
      gap('tests', { status: 'ok', summary: runWith as string });
      row.proof.ran = true;
      row.proof.ranWith = runWith;
    }

    // body-less functions
    if (entry) {
      const missing: { file: string; line?: number; message: string; fix: string; fn: string; rel?: string; project: string; signature?: string; sources: readonly SourceFile[] }[] = [];
      for (const proj of req.projects) {
        const findings = asmCoverage.run({
          target: { platform: p, cgo: m.cgo, buildmode: 'exe', ...(m.libc ? { libc: m.libc } : {}) },
          platform: p,
          projectRoot: proj.projectRoot,
          sources: proj.sources,
          params: {},
        });
        for (const f of findings) {
          const data = (f.data ?? {}) as { function?: string; package?: string; duplicate?: boolean };
          const src = proj.sources.find((s) => path.posix.join(proj.projectRoot, s.path) === f.file || s.path === f.file);
          const lineText = src && f.line ? src.content.split('\n')[f.line - 1] : undefined;
          const sig = lineText && /^func\s+\w+\s*\(.*\)[^{]*$/.test(lineText.trim()) ? lineText.trim() : undefined;
          missing.push({ file: f.file, line: f.line, message: f.message, fix: f.fix, fn: data.function ?? '?', rel: src?.path, project: proj.project, signature: data.duplicate ? undefined : sig, sources: proj.sources });
        }
      }
      if (missing.length > 0) {
        const first = missing[0];
        // A set the asm generator manages (<base>_decl.go next to <base>_fallback.go): re-running it with
        // the arch extends the set. A hand-written declaration: asm-coverage's fix (the generator refuses
        // a function that is already declared outside its set).
        const set = first.rel ? /^([a-z0-9][a-z0-9_]*)_decl\.go$/.exec(path.posix.basename(first.rel)) : null;
        const dir = first.rel ? path.posix.dirname(first.rel) : '.';
        const managed = set !== null && first.sources.some((s) => s.path === path.posix.join(dir, `${set[1]}_fallback.go`));
        const gen =
          managed && first.signature && SUPPORTED_ASM_ARCHES.includes(p.goarch)
            ? `nx g @gocross/nx:asm --project ${first.project}${dir !== '.' ? ` --directory ${dir}` : ''} --file ${set![1]} --signature "${first.signature}" --arches ${p.goarch}`
            : first.fix;
        gap('asm', {
          status: 'gap',
          summary: `${missing.length} missing`,
          detail: missing.map((x) => `${x.fn} (${x.file}${x.line ? `:${x.line}` : ''})`).join(', ') + ` ${missing.length === 1 ? 'has' : 'have'} no implementation for ${name}`,
          fix: gen,
        });
      }
    }
    rows.push(row);
  }
  return {
    goVersion: req.goVersion,
    host: `${req.hostGoos}/${req.hostGoarch}`,
    rows,
    gaps,
    ok: gaps.length === 0,
  };
}

/** The report as a fixed-width table followed by the gaps and their fixes, and one sentence saying what was proven. */
export function formatDoctorReport(r: DoctorReport): string {
  const head = ['PLATFORM', 'GO', 'CGO', 'TESTS', 'ASM'];
  const mark = (c: DoctorCell) => (c.status === 'gap' ? `✗ ${c.summary}` : c.status === 'blocked' ? `- ${c.summary}` : c.summary);
  const body = r.rows.map((row) => [
    row.libc === 'musl' ? `${row.platform} (musl)` : row.platform,
    mark(row.go),
    row.cgoRequired || row.cgo.status !== 'info' ? mark(row.cgo) : `(${row.cgo.summary})`,
    mark(row.tests),
    mark(row.asm),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [`gocross doctor — ${r.goVersion} on ${r.host}`, '', line(head), ...body.map(line)];
  const infos = r.rows.flatMap((row) =>
    (['cgo', 'tests'] as const)
      .filter((a) => row[a].status === 'info' && row[a].detail)
      .map((a) => {
        const t = fixOnce(row[a].detail as string, row[a].fix);
        return `  ${row.platform} ${a}: ${t.detail}${t.fix ? ` — ${t.fix}` : ''}`;
      }),
  );
  if (infos.length) out.push('', 'Notes (not required by the matrix):', ...infos);
  if (r.gaps.length) {
    out.push('', `${r.gaps.length} gap${r.gaps.length === 1 ? '' : 's'}:`);
    for (const g of r.gaps) {
      const t = fixOnce(g.detail, g.fix);
      out.push(`  ${g.platform} ${g.area}: ${t.detail}${t.fix ? `\n    fix: ${t.fix}` : ''}`);
    }
  }
  out.push('', provenSentence(r));
  return out.join('\n') + '\n';
}

/**
 * A detail of the form `<what is missing>: <way>, or <way>…` (the C toolchain's message) and a
 * fix that is one of those ways, said once: the detail keeps what is missing, the fix comes first
 * and the other ways follow it in parentheses.
 */
export function fixOnce(detail: string, fix: string | undefined): { detail: string; fix?: string } {
  if (!fix) return { detail };
  const at = detail.indexOf(': ');
  if (at < 0) return { detail, fix };
  const ways = detail.slice(at + 2).split(', or ');
  const others = ways.filter((w) => w !== fix && !w.startsWith(`${fix} (`));
  if (others.length === ways.length) return { detail, fix };
  return { detail: detail.slice(0, at), fix: others.length ? `${fix} (or ${others.join(', or ')})` : fix };
}

const names = (rows: DoctorRow[]) => rows.map((x) => (x.libc === 'musl' ? `${x.platform} (musl)` : x.platform)).join(', ');

/** Claims only what the probes did: built, linked (with C where cgo is required), run (where it ran). */
export function provenSentence(r: DoctorReport): string {
  const rows = r.rows;
  if (!r.ok) {
    // What was built, linked with C and run, each said on its own: a platform built but not run
    // (no emulator, another OS) is not claimed as run, nor one run as the only one built.
    const some = (done: DoctorRow[], of: DoctorRow[]) => (done.length === 0 ? 'none' : done.length === rows.length && of.length > 1 ? `all ${rows.length} platforms` : names(done));
    const cgo = rows.filter((x) => x.cgoRequired);
    const parts = [`built: ${some(rows.filter((x) => x.proof.built), rows)}`];
    if (cgo.length) parts.push(`linked with C: ${some(cgo.filter((x) => x.proof.cgoLinked), cgo)}`);
    parts.push(`run: ${some(rows.filter((x) => x.proof.ran), rows)}`);
    return `Not every platform of the matrix can be served here (${parts.join('; ')}).`;
  }
  const cgo = rows.filter((x) => x.cgoRequired);
  const linked = cgo.length === 0 ? 'built and linked' : cgo.length === rows.length ? 'built and linked (with C)' : `built and linked (with C for ${names(cgo)})`;
  const notRun = rows.filter((x) => !x.proof.ran);
  if (notRun.length === 0) return `Every platform of the matrix was ${linked.replace(/^built and linked/, 'built, linked')} and run here.`;
  const ran = rows.filter((x) => x.proof.ran);
  return `Every platform of the matrix was ${linked} here; ${ran.length ? `run: ${names(ran)}; ` : ''}tests only compiled for ${names(notRun)} (nothing here runs them).`;
}

// ---------------------------------------------------------------------------------------------
// Matrix and sources from the Nx workspace.

interface ProjectsLike {
  projects: Record<string, { root: string; targets?: Record<string, { executor?: string; options?: Record<string, unknown> }> }>;
}

const BUILD_EXECUTORS = new Set(['@gocross/nx:build']);

/**
 * Platforms (with cgo, libc and C compiler options) of the build targets of the given projects,
 * deduplicated. `overrideOf` gives a project's gocross.json: its cgo and libc apply where a build
 * target does not set them, and its platforms stand in for a project without build targets.
 */
export function matrixFromProjects(projects: ProjectsLike, names: string[], overrideOf: (name: string) => ProjectOverride | undefined = () => undefined): MatrixEntry[] {
  const byKey = new Map<string, MatrixEntry>();
  for (const name of names) {
    const proj = projects.projects[name];
    const ov = overrideOf(name);
    let builds = 0;
    for (const t of Object.values(proj?.targets ?? {})) {
      if (!t.executor || !BUILD_EXECUTORS.has(t.executor) || !t.options) continue;
      const o = t.options as { goos?: string; goarch?: string; cgo?: boolean; libc?: Libc; cc?: string; cxx?: string; cflags?: string[]; env?: Record<string, string> };
      if (!o.goos || !o.goarch) continue;
      const pr = platformFromOptions(o as { goos: string; goarch: string });
      if (!pr.ok) continue;
      builds += 1;
      const libc = o.libc ?? ov?.libc;
      addEntry(byKey, {
        platform: pr.platform,
        cgo: (o.cgo ?? ov?.cgo) === true,
        ...(libc ? { libc } : {}),
        ...(o.cc ? { cc: o.cc } : {}),
        ...(o.cxx ? { cxx: o.cxx } : {}),
        ...(o.cflags?.length ? { cflags: [...o.cflags] } : {}),
        ...(o.env && Object.keys(o.env).length ? { env: { ...o.env } } : {}),
      });
    }
    if (builds === 0 && Array.isArray(ov?.platforms)) {
      for (const e of matrixFromStrings(ov.platforms, ov.cgo === true, ov.libc)) addEntry(byKey, e);
    }
  }
  return [...byKey.values()];
}

function entryKey(e: MatrixEntry): string {
  return `${platformSlug(e.platform)}|${e.libc ?? 'glibc'}`;
}

function addEntry(byKey: Map<string, MatrixEntry>, e: MatrixEntry): void {
  const key = entryKey(e);
  const prev = byKey.get(key);
  if (!prev) byKey.set(key, { ...e });
  else if (e.cgo && !prev.cgo) byKey.set(key, { ...e, cgo: true }); // the cgo target's compiler options are the ones to probe
}

/** Platforms given as strings (`linux/arm64`, `linux/arm/7`, `linux/arm64:musl`). */
export function matrixFromStrings(list: string[], cgo: boolean, libc?: Libc): MatrixEntry[] {
  const byKey = new Map<string, MatrixEntry>();
  for (const s of list) {
    const [plat, lc] = s.split(':');
    const l = (lc as Libc | undefined) ?? libc;
    if (l && l !== 'glibc' && l !== 'musl') throw new Error(`unknown libc "${l}" in "${s}": use glibc or musl`);
    addEntry(byKey, { platform: parsePlatform(plat), cgo, ...(l ? { libc: l } : {}) });
  }
  return [...byKey.values()];
}

/** `.go` and `.s` files of a project (paths relative to its root), skipping what go ignores, node_modules, dist, tmp and nested modules. */
export function readProjectSources(absRoot: string): SourceFile[] {
  return readGoSources(absRoot, { skipNestedModules: true, also: ['node_modules', 'dist', 'tmp'] });
}

export interface DoctorInput {
  workspaceRoot: string;
  /** Project to diagnose; undefined (or workspace: true) means every project of the workspace. */
  projectName?: string;
  projects: ProjectsLike;
  env?: NodeJS.ProcessEnv;
  go?: string;
}

export interface DoctorDeps {
  /** Replaces the real probes (tests). */
  probe?: Prober;
  write?: (text: string) => void;
  error?: (text: string) => void;
}

/**
 * The given platforms, completed from the build targets of each: the libc when not given (glibc
 * when any build target of the platform links glibc — the default — and musl only when every
 * one links musl, so a hand-written musl target beside the inferred build does not hide the
 * glibc one), cgo when not given, and the C compiler options of the matching target, so the
 * probe uses what the build uses.
 */
export function matrixForPlatforms(given: MatrixEntry[], fromTargets: readonly MatrixEntry[], cgo: boolean | undefined): MatrixEntry[] {
  for (const m of given) {
    const slug = platformSlug(m.platform);
    const same = fromTargets.filter((t) => platformSlug(t.platform) === slug);
    if (!m.libc && same.length > 0 && same.every((t) => t.libc === 'musl')) m.libc = 'musl';
    const libcOf = (t: MatrixEntry) => t.libc ?? 'glibc';
    const target = same.find((t) => libcOf(t) === libcOf(m) && t.cgo) ?? same.find((t) => libcOf(t) === libcOf(m));
    // cgo not given: a platform needs cgo when one of the build targets for it says so.
    if (cgo === undefined) m.cgo = target?.cgo === true;
    if (target) for (const k of ['cc', 'cxx', 'cflags', 'env'] as const) if (target[k] !== undefined) (m as unknown as Record<string, unknown>)[k] = target[k];
  }
  return given;
}

export async function runDoctor(options: DoctorExecutorSchema, input: DoctorInput, deps: DoctorDeps = {}): Promise<{ success: boolean; report?: DoctorReport }> {
  const write = deps.write ?? ((t: string) => process.stdout.write(t));
  const error = deps.error ?? ((t: string) => console.error(t));
  const env = input.env ?? process.env;
  const loaded = loadGo(env, { go: input.go });
  if (!loaded.ok) {
    error(loaded.message);
    return { success: false };
  }
  const { goEnv, table } = loaded;
  const names = options.workspace || !input.projectName ? Object.keys(input.projects.projects) : [input.projectName];
  let matrix: MatrixEntry[];
  try {
    const fromTargets = matrixFromProjects(input.projects, names, (n) => {
      const root = input.projects.projects[n]?.root;
      return root === undefined ? undefined : readProjectOverride(input.workspaceRoot, root)?.override;
    });
    if (options.platforms && options.platforms.length > 0) {
      matrix = matrixForPlatforms(matrixFromStrings(options.platforms, options.cgo === true, options.libc), fromTargets, options.cgo);
    } else {
      matrix = fromTargets;
    }
  } catch (e) {
    error((e as Error).message);
    return { success: false };
  }
  if (matrix.length === 0) {
    error(`no platforms to check: ${names.length === 1 ? `project ${names[0]}` : 'the workspace'} has no @gocross/nx:build targets; pass platforms (e.g. ["linux/arm64"])`);
    return { success: false };
  }
  const projects: ProjectSources[] = names
    .map((n) => ({ n, root: input.projects.projects[n]?.root }))
    .filter((x): x is { n: string; root: string } => typeof x.root === 'string')
    .filter((x) => fs.existsSync(path.join(input.workspaceRoot, x.root, 'go.mod')))
    .map((x) => ({ project: x.n, projectRoot: x.root, sources: readProjectSources(path.join(input.workspaceRoot, x.root)) }));
  const whichHere = (c: string) => which(c, env);
  const prober = deps.probe
    ? { probe: deps.probe, dispose: () => undefined }
    : createProber({ go: loaded.go, goVersion: goEnv.GOVERSION, hostGoos: goEnv.GOHOSTOS, hostGoarch: goEnv.GOHOSTARCH, table, env, which: whichHere });
  let report: DoctorReport;
  try {
    report = diagnose({
      matrix,
      projects,
      goVersion: goEnv.GOVERSION,
      hostGoos: goEnv.GOHOSTOS,
      hostGoarch: goEnv.GOHOSTARCH,
      table,
      env,
      which: whichHere,
      probe: prober.probe,
    });
  } finally {
    prober.dispose();
  }
  write(options.json ? JSON.stringify(report, null, 2) + '\n' : formatDoctorReport(report));
  return { success: report.ok, report };
}

export default async function doctorExecutor(options: DoctorExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  if (!context.projectsConfigurations) {
    console.error('@gocross/nx:doctor: the workspace project configuration is not available');
    return { success: false };
  }
  const r = await runDoctor(options, {
    workspaceRoot: context.root,
    projectName: context.projectName,
    projects: context.projectsConfigurations as unknown as ProjectsLike,
  });
  return { success: r.success };
}
