/**
 * `@gocross/nx:doctor`: for each platform of a project's (or the workspace's) matrix, can this
 * machine build it with pure Go, link it with cgo (which C compiler), run its tests (natively or
 * under which qemu), and is every body-less Go function implemented for it? Prints a table (or
 * JSON); every gap comes with the command that closes it; fails when the matrix cannot be
 * fully served here.
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asmCoverage } from '../../checks/asm-coverage';
import type { SourceFile } from '../../checks/result';
import { platformFromOptions, validatePlatform } from '../../platforms/env';
import { formatPlatform, parsePlatform, platformSlug } from '../../platforms/platform';
import type { PlatformTable } from '../../platforms/table';
import { cTriple } from '../../platforms/triples';
import { debianGccPackage, resolveCToolchain } from '../../platforms/toolchain';
import type { Libc, Platform } from '../../platforms/types';
import { loadGo, which } from '../shared/go';
import { runMethod } from '../test/qemu';
import type { DoctorExecutorSchema } from './schema';

export type Status = 'ok' | 'gap' | 'info';

export interface DoctorCell {
  status: Status;
  /** Short text for the table (`aarch64-linux-gnu-gcc`, `qemu-aarch64 -L /usr/aarch64-linux-gnu`, `native`). */
  summary: string;
  /** One line saying what is missing, for gaps and infos. */
  detail?: string;
  /** Command or change that closes the gap. */
  fix?: string;
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
}

export interface DoctorReport {
  goVersion: string;
  host: string;
  rows: DoctorRow[];
  /** Every gap, one line each, with its fix. */
  gaps: { platform: string; area: 'go' | 'cgo' | 'tests' | 'asm'; detail: string; fix?: string }[];
  /** True when every platform can be built, linked, tested and is fully implemented here. */
  ok: boolean;
}

export interface MatrixEntry {
  platform: Platform;
  cgo: boolean;
  libc?: Libc;
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
}

const DEB_ARCH: Readonly<Record<string, string>> = {
  amd64: 'amd64', '386': 'i386', arm64: 'arm64', arm: 'armhf', riscv64: 'riscv64', ppc64le: 'ppc64el', ppc64: 'ppc64',
  s390x: 's390x', mips: 'mips', mipsle: 'mipsel', mips64: 'mips64', mips64le: 'mips64el', loong64: 'loong64',
};

/** The diagnosis. Reads nothing from disk except through `which`/`exists`. */
export function diagnose(req: DiagnoseRequest): DoctorReport {
  const rows: DoctorRow[] = [];
  const gaps: DoctorReport['gaps'] = [];
  const exists = req.exists ?? fs.existsSync;
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
    };
    const gap = (area: DoctorReport['gaps'][number]['area'], cell: DoctorCell) => {
      row[area] = cell;
      if (cell.status === 'gap') gaps.push({ platform: label, area, detail: cell.detail ?? cell.summary, ...(cell.fix ? { fix: cell.fix } : {}) });
    };

    // Pure Go
    const bad = validatePlatform(p, req.goVersion, req.table);
    if (bad) {
      gap('go', { status: 'gap', summary: 'unsupported', detail: bad, fix: 'install a Go release that supports it (https://go.dev/dl/) or drop it from the matrix' });
    }
    const entry = req.table.find(p.goos, p.goarch);

    // cgo
    if (entry && !entry.cgoSupported) {
      gap('cgo', m.cgo
        ? { status: 'gap', summary: 'unsupported', detail: `go does not support cgo for ${name}`, fix: `set cgo: false for ${name}` }
        : { status: 'info', summary: 'n/a' });
    } else if (entry) {
      const tc = resolveCToolchain({ platform: p, libc: m.libc, env: req.env, hostGoos: req.hostGoos, hostGoarch: req.hostGoarch, which: req.which });
      if (tc.ok) {
        const flags = tc.toolchain.cflags.length ? ` ${tc.toolchain.cflags.join(' ')}` : '';
        gap('cgo', { status: 'ok', summary: `${tc.toolchain.cc}${flags}` });
      } else {
        const triple = cTriple(p, m.libc ?? 'glibc');
        const fix = triple && (m.libc ?? 'glibc') === 'glibc'
          ? `apt-get install -y ${debianGccPackage(triple)}`
          : m.libc === 'musl' && p.goos === 'linux' && p.goarch === req.hostGoarch
            ? 'apt-get install -y musl-tools'
            : `install zig, or set CC_FOR_${p.goos}_${p.goarch}`;
        gap('cgo', m.cgo
          ? { status: 'gap', summary: 'no C compiler', detail: tc.message, fix }
          : { status: 'info', summary: 'no C compiler', detail: tc.message, fix });
      }
    }

    // tests
    const method = runMethod({ platform: p, libc: m.libc, hostGoos: req.hostGoos, hostGoarch: req.hostGoarch, which: req.which, exists });
    if (method.kind === 'native') {
      gap('tests', { status: 'ok', summary: 'native' });
    } else if (method.kind === 'qemu') {
      if (m.cgo && !method.sysroot) {
        const triple = cTriple(p, m.libc ?? 'glibc');
        const deb = triple === 'arm-linux-gnueabi' ? 'armel' : DEB_ARCH[p.goarch];
        gap('tests', {
          status: 'gap',
          summary: `${method.qemu} (no sysroot)`,
          detail: `cgo binaries for ${name} are dynamic and ${method.qemu} needs the target's loader and libc${triple ? ` in /usr/${triple}` : ''}`,
          fix: m.libc === 'musl' || !deb ? `pass the target's sysroot with the sysroot option` : `apt-get install -y libc6-${deb}-cross`,
        });
      } else {
        gap('tests', { status: 'ok', summary: method.sysroot && m.cgo ? `${method.qemu} -L ${method.sysroot}` : method.qemu });
      }
    } else if (method.fix) {
      gap('tests', { status: 'gap', summary: 'no emulator', detail: method.reason, fix: method.fix });
    } else {
      // Nothing on this machine can run it (another OS): say so, it is not a gap to fix here.
      gap('tests', { status: 'info', summary: 'compile only', detail: method.reason });
    }

    // body-less functions
    if (entry) {
      const missing: { file: string; line?: number; message: string; fix: string; fn: string; dir: string; project: string; signature?: string }[] = [];
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
          missing.push({ file: f.file, line: f.line, message: f.message, fix: f.fix, fn: data.function ?? '?', dir: data.package ?? '.', project: proj.project, signature: data.duplicate ? undefined : sig });
        }
      }
      if (missing.length > 0) {
        const first = missing[0];
        const gen = first.signature
          ? `nx g @gocross/nx:asm --project=${first.project} --directory=${first.dir} --signature='${first.signature}'`
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

/** The report as a fixed-width table followed by the gaps and their fixes. */
export function formatDoctorReport(r: DoctorReport): string {
  const head = ['PLATFORM', 'GO', 'CGO', 'TESTS', 'ASM'];
  const mark = (c: DoctorCell) => (c.status === 'gap' ? `✗ ${c.summary}` : c.summary);
  const body = r.rows.map((row) => [
    row.libc === 'musl' ? `${row.platform} (musl)` : row.platform,
    mark(row.go),
    row.cgoRequired || row.cgo.status !== 'ok' ? mark(row.cgo) : `(${row.cgo.summary})`,
    mark(row.tests),
    mark(row.asm),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [`gocross doctor — ${r.goVersion} on ${r.host}`, '', line(head), ...body.map(line)];
  const infos = r.rows.flatMap((row) =>
    (['cgo', 'tests'] as const)
      .filter((a) => row[a].status === 'info' && row[a].detail)
      .map((a) => `  ${row.platform} ${a}: ${row[a].detail}${row[a].fix ? ` — ${row[a].fix}` : ''}`),
  );
  if (infos.length) out.push('', 'Notes (not required by the matrix):', ...infos);
  if (r.gaps.length) {
    out.push('', `${r.gaps.length} gap${r.gaps.length === 1 ? '' : 's'}:`);
    for (const g of r.gaps) out.push(`  ${g.platform} ${g.area}: ${g.detail}${g.fix ? `\n    fix: ${g.fix}` : ''}`);
  } else {
    out.push('', 'Every platform of the matrix can be built, linked and tested here.');
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Matrix and sources from the Nx workspace.

interface ProjectsLike {
  projects: Record<string, { root: string; targets?: Record<string, { executor?: string; options?: Record<string, unknown> }> }>;
}

const BUILD_EXECUTORS = new Set(['@gocross/nx:build']);

/** Platforms (with cgo/libc) of the build targets of the given projects, deduplicated. */
export function matrixFromProjects(projects: ProjectsLike, names: string[]): MatrixEntry[] {
  const byKey = new Map<string, MatrixEntry>();
  for (const name of names) {
    const proj = projects.projects[name];
    for (const t of Object.values(proj?.targets ?? {})) {
      if (!t.executor || !BUILD_EXECUTORS.has(t.executor) || !t.options) continue;
      const o = t.options as { goos?: string; goarch?: string; cgo?: boolean; libc?: Libc };
      if (!o.goos || !o.goarch) continue;
      const pr = platformFromOptions(o as { goos: string; goarch: string });
      if (!pr.ok) continue;
      addEntry(byKey, { platform: pr.platform, cgo: o.cgo === true, ...(o.libc ? { libc: o.libc } : {}) });
    }
  }
  return [...byKey.values()];
}

function addEntry(byKey: Map<string, MatrixEntry>, e: MatrixEntry): void {
  const key = `${platformSlug(e.platform)}|${e.libc ?? 'glibc'}`;
  const prev = byKey.get(key);
  if (prev) prev.cgo = prev.cgo || e.cgo;
  else byKey.set(key, { ...e });
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

const SKIP_DIRS = new Set(['node_modules', 'vendor', 'testdata', 'dist', 'tmp']);

/** `.go` and `.s` files of a project (paths relative to its root), skipping vendor, testdata, hidden dirs and nested modules. */
export function readProjectSources(absRoot: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const abs = path.join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || fs.existsSync(path.join(abs, 'go.mod'))) continue;
        walk(abs, r);
      } else if (e.isFile() && (e.name.endsWith('.go') || e.name.endsWith('.s'))) {
        out.push({ path: r, content: fs.readFileSync(abs, 'utf8') });
      }
    }
  };
  walk(absRoot, '');
  return out;
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
  write?: (text: string) => void;
  error?: (text: string) => void;
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
    const fromTargets = matrixFromProjects(input.projects, names);
    if (options.platforms && options.platforms.length > 0) {
      matrix = matrixFromStrings(options.platforms, options.cgo === true, options.libc);
      // cgo not given: a platform needs cgo when one of the build targets for it says so.
      if (options.cgo === undefined) {
        for (const m of matrix) {
          const slug = platformSlug(m.platform);
          m.cgo = fromTargets.some((t) => t.cgo && platformSlug(t.platform) === slug && (t.libc ?? 'glibc') === (m.libc ?? 'glibc'));
        }
      }
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
  const report = diagnose({
    matrix,
    projects,
    goVersion: goEnv.GOVERSION,
    hostGoos: goEnv.GOHOSTOS,
    hostGoarch: goEnv.GOHOSTARCH,
    table,
    env,
    which: (c) => which(c, env),
  });
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
