#!/usr/bin/env node
/**
 * `gocross`: the validate engine, the readers and the platform table as a plain command line,
 * for artifacts Nx did not build (goreleaser releases, vendored tools, a colleague's `.so`).
 * Same readers, checks, policy and report writers as the `validate` executor.
 *
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error.
 */
import { Command, CommanderError, Option } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Binary from '../binary';
import type { ByteSource, FileKind, FileSource } from '../binary';
import type * as Checks from '../checks';
import type { ArtifactInput, DeclaredExports, Policy } from '../checks';
import type * as CgoExports from '../checks/rules/exports';
import type { TargetSpec } from '../checks/types';
import type * as PlatformSyntax from '../platforms/platform';
import type * as PlatformEnv from '../platforms/env';
import type * as PlatformTable from '../platforms/table';
import type { BuildMode, Libc, Platform } from '../platforms/types';
import { BUILDMODES } from '../platforms/buildmode';
import type * as Report from '../report';
import type { ReportFormat } from '../report/common';
import { docsRoot, INPUT_CHECK_META, packageVersion, REPORT_FORMATS } from '../report/common';
import type * as Explain from '../executors/shared/explain';
import type * as Inspect from './inspect';
import type * as PlatformRows from './platforms';
import type * as Targets from './targets';
import type * as Plan from '../validate/plan';
import type { PlannedArtifact } from '../validate/plan';
import { sortByName } from './collate';

/*
 * Start-up is most of a typical run (a handful of binaries validate in a few milliseconds), so
 * each command loads what it needs when it runs: `gocross --help` loads commander and
 * report/common (version, formats) only, and `gocross validate` never loads the platform table,
 * the inspector or the report writers of formats it was not asked for.
 */
/**
 * A module loaded on first use and kept: bundled, each `require` of an ES module builds a new
 * CommonJS view of its exports (every export copied), which per file of a large directory adds up.
 */
function onUse<T>(load: () => T): () => T {
  let m: T | undefined;
  return () => (m ??= load());
}
const binary = onUse((): typeof Binary => require('../binary'));
const checks = onUse((): typeof Checks => require('../checks'));
const cgoExports = onUse((): typeof CgoExports => require('../checks/rules/exports'));
const platformSyntax = onUse((): typeof PlatformSyntax => require('../platforms/platform'));
const platformEnv = onUse((): typeof PlatformEnv => require('../platforms/env'));
const platformTable = onUse((): typeof PlatformTable => require('../platforms/table'));
const report = onUse((): typeof Report => require('../report'));
const explain = onUse((): typeof Explain => require('../executors/shared/explain'));
const inspect = onUse((): typeof Inspect => require('./inspect'));
const platformRows = onUse((): typeof PlatformRows => require('./platforms'));
const targets = onUse((): typeof Targets => require('./targets'));
const plan = onUse((): typeof Plan => require('../validate/plan'));

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stderr is a terminal (progress is shown only then, and never when CI is set). */
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A usage or I/O problem: one line on stderr, exit 2. */
class CliError extends Error {}

interface ValidateFlags {
  platform?: string;
  cgo?: boolean;
  libc?: Libc;
  buildmode?: BuildMode;
  policy?: string;
  format: string;
  out?: string;
  failOn: 'error' | 'warn';
  goreleaser?: string;
}

/** Files below the given paths, directories walked (no symlinked directories followed). */
function collectFiles(paths: string[], cwd: string): string[] {
  const out: string[] = [];
  const list = (dir: string) => {
    // localeCompare order (./collate), without loading ICU for the names builds produce
    const entries = sortByName(fs.readdirSync(dir, { withFileTypes: true }), (e) => e.name);
    // dir is absolute and normalized, an entry's name one component: no path.join per entry
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const e of entries) {
      if (e.isSymbolicLink()) continue;
      // the entry's type is known from the directory: no stat per entry
      if (e.isFile()) out.push(prefix + e.name);
      else if (e.isDirectory()) list(prefix + e.name);
    }
  };
  const walk = (abs: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const name = path.relative(cwd, abs) || abs;
      if (code === 'ENOENT') throw new CliError(`nothing to validate: ${name} does not exist`);
      throw new CliError(`cannot read ${name}: ${code ?? (e as Error).message}`);
    }
    if (st.isDirectory()) list(abs);
    else if (st.isFile()) out.push(abs);
  };
  for (const p of paths) walk(path.resolve(cwd, p));
  return out;
}

type Opened = FileSource & { release(): void };

/**
 * The files of one run, each opened once: its kind and build info are read while planning, and
 * the engine validates the same source, so nothing is parsed twice (the readers parse once per
 * source). Descriptors are let go after each file is planned and opened again by the engine.
 */
class OpenFiles {
  private readonly files = new Map<string, Opened>();

  get(abs: string): Opened {
    let src = this.files.get(abs);
    if (!src) {
      try {
        src = binary().openFileReleasable(abs);
      } catch (e) {
        throw new CliError(`cannot open ${abs}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      this.files.set(abs, src);
    }
    return src;
  }

  tryGet(abs: string): Opened | undefined {
    try {
      return this.get(abs);
    } catch {
      return undefined;
    }
  }

  /** For the engine (which closes it): the source already read, else the file opened anew. */
  take(abs: string): FileSource {
    const src = this.files.get(abs);
    this.files.delete(abs);
    return src ?? binary().openFile(abs);
  }

  release(abs: string): void {
    this.files.get(abs)?.release();
  }

  forget(abs: string): void {
    this.files.get(abs)?.close();
    this.files.delete(abs);
  }

  closeAll(): void {
    for (const src of this.files.values()) src.close();
    this.files.clear();
  }
}

function kindOf(src: ByteSource): FileKind {
  return binary().detectKind(src);
}

/** Go build info of a file, or undefined for a non-Go or unreadable binary. */
function buildInfoTarget(src: ByteSource): TargetSpec | undefined {
  try {
    const info = binary().readBuildInfo(src);
    return info ? targets().targetFromBuildInfo(info) : undefined;
  } catch {
    return undefined;
  }
}

/** What a universal Mach-O file for macOS holds when nothing says otherwise (Go builds no other darwin arch). */
const UNIVERSAL_ARCHES = ['amd64', 'arm64'];

/**
 * The target of a universal (fat) Mach-O file: one platform per expected slice (the one the
 * caller named, else amd64 and arm64), each with the variant its slice's build info records
 * when the slice is of that arch, and the rest (cgo, buildmode, tags) from the first slice
 * that has build info.
 */
function universalTarget(src: ByteSource | undefined, named: Platform | undefined, base: (p: Platform) => TargetSpec): TargetSpec {
  const { readBuildInfo, readMachO } = binary();
  const { targetFromBuildInfo } = targets();
  const infos: TargetSpec[] = [];
  try {
    if (!src) throw new Error('not opened');
    const m = readMachO(src);
    m.images.forEach((_, i) => {
      try {
        const info = readBuildInfo(src, i);
        const t = info ? targetFromBuildInfo(info) : undefined;
        if (t) infos.push(t);
      } catch {
        // a slice without readable build info is judged by the other checks
      }
    });
  } catch {
    // unreadable: the engine reports it as an input finding
  }
  const goos = named?.goos ?? infos[0]?.platform.goos ?? 'darwin';
  const universal: Platform[] = named
    ? [named]
    : UNIVERSAL_ARCHES.map((goarch) => {
        const variant = infos.find((t) => t.platform.goarch === goarch)?.platform.variant;
        return variant ? { goos, goarch, variant } : { goos, goarch };
      });
  const first = infos[0] ?? base(universal[0]);
  return { ...first, platform: universal[0], universal };
}

/**
 * The functions declared by the header cgo writes beside a c-shared library: go build names it
 * after the output with its last extension replaced (`libfoo.so` → `libfoo.h`). Undefined when
 * there is none or it is not cgo's.
 */
function headerExports(abs: string, cwd: string): DeclaredExports | undefined {
  const header = abs.slice(0, abs.length - path.extname(abs).length) + '.h';
  let text: string;
  try {
    text = fs.readFileSync(header, 'utf8');
  } catch {
    return undefined;
  }
  if (!text.includes('End of boilerplate cgo prologue.')) return undefined;
  return { from: path.relative(cwd, header) || header, names: cgoExports().parseCgoHeaderExports(text) };
}

function parseFormats(text: string): ReportFormat[] {
  const formats = text.split(',').map((f) => f.trim()).filter(Boolean);
  const bad = formats.find((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad !== undefined || formats.length === 0) {
    throw new CliError(`unknown format "${bad ?? text}": use ${REPORT_FORMATS.join(', ')} (comma-separated)`);
  }
  return formats as ReportFormat[];
}

function checkedPlatform(text: string, goVersion?: string): Platform {
  const { parsePlatform, PlatformSyntaxError } = platformSyntax();
  let p: Platform;
  try {
    p = parsePlatform(text);
  } catch (e) {
    if (e instanceof PlatformSyntaxError) throw new CliError(e.message);
    throw e;
  }
  const table = platformTable().loadPlatformTable();
  const bad = platformEnv().validatePlatform(p, goVersion ?? table.goVersion, table);
  if (bad) throw new CliError(bad);
  return p;
}

async function runValidate(paths: string[], flags: ValidateFlags, io: CliIo): Promise<number> {
  const open = new OpenFiles();
  try {
    return await planAndValidate(paths, flags, io, open);
  } finally {
    open.closeAll();
  }
}

async function planAndValidate(paths: string[], flags: ValidateFlags, io: CliIo, open: OpenFiles): Promise<number> {
  const formats = parseFormats(flags.format);
  if (paths.length === 0 && !flags.goreleaser) throw new CliError('validate: name at least one file or directory, or --goreleaser dist/artifacts.json');
  // An empty argument (an unset shell variable) would otherwise resolve to the current directory.
  if (paths.some((p) => p.trim() === '')) throw new CliError('validate: an empty path names nothing to validate');
  let policy: Policy;
  try {
    policy = checks().resolvePolicy({ workspaceRoot: io.cwd, explicit: flags.policy });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const fixed = flags.platform ? checkedPlatform(flags.platform) : undefined;
  // What the command line states is the expectation, over manifests, build info and paths.
  const stated: Plan.StatedTarget = { platform: fixed, cgo: flags.cgo, libc: flags.libc, buildmode: flags.buildmode };
  // A target nothing but its platform is known of; what was stated is put in afterwards.
  const base = (platform: Platform): TargetSpec => ({ platform, cgo: false, buildmode: 'exe' });

  const artifacts: PlannedArtifact[] = [];
  let skipped = 0;
  const unknownTarget: string[] = [];
  const progress = io.isTTY && !io.env.CI;

  if (flags.goreleaser) {
    const file = path.resolve(io.cwd, flags.goreleaser);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read ${flags.goreleaser}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let listed;
    try {
      listed = targets().parseGoreleaserArtifacts(text, flags.goreleaser);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    // goreleaser records paths relative to the project it ran in: the directory holding dist/.
    const projectDir = path.dirname(path.dirname(file));
    for (const b of listed) {
      const abs = path.resolve(projectDir, b.path);
      if (!fs.existsSync(abs)) throw new CliError(`${flags.goreleaser} lists ${b.path}, which does not exist`);
      // one that cannot be opened (a directory) is the engine's input finding, as for the executor
      const src = open.tryGet(abs);
      const fromInfo = b.universal ? universalTarget(src, undefined, base) : src && buildInfoTarget(src);
      open.release(abs);
      const recorded = { ...(fromInfo ?? base(b.platform)), platform: b.universal && fromInfo ? fromInfo.platform : b.platform };
      const target = plan().withStated(recorded, stated, { platform: false });
      const declaredExports = target.buildmode === 'c-shared' ? headerExports(abs, io.cwd) : undefined;
      artifacts.push({ path: abs, target, expectedPlatform: targets().platformFromPath(b.path), displayPath: path.relative(io.cwd, abs), declaredExports });
    }
  }

  const files = collectFiles(paths, io.cwd);
  files.forEach((abs, i) => {
    if (progress && files.length > 1) io.stderr(`\r[${i + 1}/${files.length}] ${path.relative(io.cwd, abs)}`.slice(0, 120).padEnd(60) + '\x1b[K');
    const src = open.get(abs);
    const kind = kindOf(src);
    if (kind === 'unknown' || kind === 'goobj') {
      open.forget(abs);
      skipped++;
      return;
    }
    const display = path.relative(io.cwd, abs) || abs;
    const fromPath = targets().platformFromPath(display);
    let planned: PlannedArtifact | undefined;
    if (kind === 'macho-fat') {
      // Each slice of a universal file is judged against its own arch (binary-arch, buildinfo).
      const target = plan().withStated(universalTarget(src, fixed ?? fromPath, base), stated, { platform: false });
      planned = { path: abs, target, expectedPlatform: fromPath, displayPath: display };
    } else {
      try {
        const { planFile, realFs } = plan();
        planned = planFile(realFs, abs, {
          stated,
          fromBuildInfo: () => buildInfoTarget(src),
          fromPath: fromPath ? base(fromPath) : undefined,
          expectedPlatform: fromPath,
          displayPath: display,
          display: (p) => path.relative(io.cwd, p) || p,
        });
      } catch (e) {
        if (e instanceof plan().PlanError) throw new CliError(e.message);
        throw e;
      }
    }
    open.release(abs);
    if (!planned) {
      unknownTarget.push(display);
      return;
    }
    const declaredExports = planned.target.buildmode === 'c-shared' ? headerExports(abs, io.cwd) : undefined;
    artifacts.push(declaredExports ? { ...planned, declaredExports } : planned);
  });
  if (progress && files.length > 1) io.stderr('\r\x1b[K');
  if (artifacts.length === 0 && unknownTarget.length === 0) {
    const where: string[] = [];
    if (flags.goreleaser) where.push(`${flags.goreleaser} lists no binaries`);
    if (paths.length === 1 && files.length === 1 && files[0] === path.resolve(io.cwd, paths[0])) {
      where.push(`${paths[0]} is not an ELF, Mach-O, PE or ar file`);
    } else if (paths.length > 0) {
      const what = skipped > 0 ? `only ${skipped} non-binary file(s)` : 'no files';
      where.push(`${paths.join(', ')} ${paths.length > 1 ? 'hold' : 'holds'} ${what}`);
    }
    throw new CliError(`nothing to validate: ${where.join('; ')}`);
  }
  if (unknownTarget.length > 0) {
    throw new CliError(
      `cannot tell the target platform of ${unknownTarget[0]}${unknownTarget.length > 1 ? ` (and ${unknownTarget.length - 1} more)` : ''}: ` +
        'it has no Go build info and its path names no platform; pass --platform os/arch[/variant]',
    );
  }

  const { engineInputs, withPlannedFindings } = plan();
  const result = withPlannedFindings(await checks().validateArtifacts({ workspaceRoot: io.cwd, artifacts: engineInputs(artifacts), policy, open: (abs) => open.take(abs) }), artifacts);
  const { formatReport, formatText, writeReports } = report();
  if (flags.out) {
    try {
      const written = writeReports(result, formats, path.resolve(io.cwd, flags.out), { workspaceRoot: io.cwd, junitFailOn: flags.failOn });
      for (const w of written) io.stderr(`wrote ${path.relative(io.cwd, w) || w}\n`);
    } catch (e) {
      throw new CliError(`cannot write reports to ${flags.out}: ${(e as Error).message}`);
    }
  }
  if (flags.out) io.stdout(formatText(result));
  else for (const f of formats) io.stdout(formatReport(result, f, { workspaceRoot: io.cwd, junitFailOn: flags.failOn }));
  io.stderr(
    `${artifacts.length} artifact(s) validated, ${skipped} non-binary file(s) skipped: ` +
      `${result.counts.error} error(s), ${result.counts.warn} warning(s)\n`,
  );
  const failing = flags.failOn === 'warn' ? result.counts.error + result.counts.warn : result.counts.error;
  return failing > 0 ? 1 : 0;
}

/** The doc page of a check (`checks/<id>.md`) or a build-failure hint (`failures/<id>.md`), when installed. */
export function docPage(kind: 'checks' | 'failures', id: string): string | undefined {
  const root = docsRoot();
  const file = root ? path.join(root, kind, `${id}.md`) : undefined;
  return file && fs.existsSync(file) ? file : undefined;
}

/** Everything `gocross explain` knows: the checks, the `input` pseudo-check, the build-failure hints. */
export function explainIds(): { checks: string[]; failures: string[] } {
  return { checks: [...checks().ALL_CHECKS.map((c) => c.meta.id), INPUT_CHECK_META.id], failures: [...explain().FAILURE_IDS] };
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('gocross');
  program
    .description('Validate and inspect Go build artifacts: ELF, Mach-O, PE, archives and Go build info.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .version(packageVersion(), '-V, --version', 'print the version of @gocross/nx')
    .showHelpAfterError(false);

  program
    .command('validate')
    .description('run every check on binaries and archives; directories are walked, non-binaries skipped')
    .argument('[paths...]', 'files or directories')
    .option('--platform <os/arch[/variant]>', 'expected target platform (default: what a build manifest records, else the platform the path names, else the Go build info)')
    .option('--cgo', 'expect cgo builds (a build manifest that disagrees is an error)')
    .option('--no-cgo', 'expect builds without cgo (a build manifest that disagrees is an error)')
    .addOption(new Option('--libc <libc>', 'expected C library of cgo builds (a build manifest that disagrees is an error)').choices(['glibc', 'musl']))
    .addOption(new Option('--buildmode <mode>', 'expected Go -buildmode (a build manifest that disagrees is an error)').choices([...BUILDMODES]))
    .option('--policy <file>', 'policy file (default: ./gocross.policy.json when present)')
    .option('--format <list>', 'report formats: text,json,sarif,junit', 'text')
    .option('--out <dir>', 'write the reports into this directory')
    .addOption(new Option('--fail-on <severity>', 'exit 1 for findings at or above').choices(['error', 'warn']).default('error'))
    .option('--goreleaser <artifacts.json>', 'validate every binary goreleaser lists, against the platform it recorded')
    .action(async (paths: string[], flags: ValidateFlags) => setExit(await runValidate(paths, flags, io)));

  program
    .command('verify')
    .description('verify a signed release directory with its public key: signatures, checksums, SBOM and provenance subjects, then the binary checks')
    .argument('<release-dir>')
    .option('--key <pub.pem>', 'public key PEM (SPKI, as openssl ec -pubout or cosign.pub)')
    .option('--policy <file>', 'policy file for the binary checks (default: ./gocross.policy.json when present)')
    .option('--json', 'print JSON')
    .action(async (dir: string, flags: { key?: string; policy?: string; json?: boolean }) => {
      // Loaded on use: the release library stays out of the start-up of every other command.
      const { runVerify } = require('./verify') as typeof import('./verify');
      setExit(await runVerify(dir, flags, io));
    });

  program
    .command('inspect')
    .description('show what the readers see in a file: format, machine, interpreter, libraries, hardening, Go build info')
    .argument('<file>')
    .option('--json', 'print JSON')
    .action((file: string, flags: { json?: boolean }) => {
      const abs = path.resolve(io.cwd, file);
      if (!fs.existsSync(abs)) throw new CliError(`no such file: ${file}`);
      if (fs.statSync(abs).isDirectory()) throw new CliError(`${file} is a directory: inspect takes one file`);
      let d;
      try {
        d = inspect().describeFile(abs);
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      io.stdout(flags.json ? JSON.stringify(d, null, 2) + '\n' : inspect().formatInspection(file, d));
      setExit(0);
    });

  program
    .command('platforms')
    .description('the GOOS/GOARCH table with variants and the first Go release of each, marking what the installed Go supports')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) => {
      const table = platformTable().loadPlatformTable({ env: io.env });
      const { platformRows: rowsOf, formatPlatformRows } = platformRows();
      const rows = rowsOf(table);
      io.stdout(flags.json ? JSON.stringify({ goVersion: table.goVersion, source: table.source, platforms: rows }, null, 2) + '\n' : formatPlatformRows(table, rows));
      setExit(0);
    });

  program
    .command('explain')
    .description('print the documentation page of a check, of the input pseudo-check, or of a build-failure hint id')
    .argument('<id>')
    .action((id: string) => {
      // A former id (`elf-arch`) explains the check it was renamed to.
      const meta = id === INPUT_CHECK_META.id ? INPUT_CHECK_META : checks().findCheck(id)?.meta;
      if (meta) {
        const doc = docPage('checks', meta.id);
        io.stdout(doc ? fs.readFileSync(doc, 'utf8') : `# ${meta.id}: ${meta.title}\n\n${meta.description}\n`);
        return setExit(0);
      }
      if (explain().FAILURE_IDS.includes(id)) {
        const doc = docPage('failures', id);
        if (!doc) throw new CliError(`the page of build-failure hint "${id}" is not installed (failures/${id}.md)`);
        io.stdout(fs.readFileSync(doc, 'utf8'));
        return setExit(0);
      }
      const known = explainIds();
      throw new CliError(`unknown id "${id}": checks ${known.checks.join(', ')}; build-failure hints ${known.failures.join(', ')}`);
    });

  program
    .command('verify-reproducible')
    .description('build a Go module for a platform, rebuild it from a second checkout at another path with an empty GOCACHE, compare the sha256 and name why they differ (exit 1)')
    .argument('[module-dir]', 'the module (default: the current directory)')
    .requiredOption('--platform <os/arch[/variant]>', 'platform to build')
    .option('--main <dir...>', 'main package dirs (default: gocross.json mains, else .)')
    .option('--tags <list>', 'build tags, comma-separated')
    .option('--ldflags <flags>', 'go -ldflags ({version}, {commit}, {commitDate} resolved from git)')
    .option('--gcflags <flags>', 'go -gcflags')
    .option('--cgo', 'build with cgo')
    .addOption(new Option('--libc <libc>', 'C library of a cgo build').choices(['glibc', 'musl']))
    .addOption(new Option('--buildmode <mode>', 'go -buildmode').choices([...BUILDMODES]))
    .option('--no-trimpath', 'build without -trimpath')
    .option('--no-reproducible', 'keep vcs stamping and the build id (no -buildvcs=false, no -buildid=)')
    .option('--args <arg...>', 'extra go build arguments')
    .option('--existing', 'compare with the artifact already in dist/ instead of building it first')
    .option('--keep', 'leave the second checkout in place')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string | undefined, flags) => {
      const { verifyReproducibleCommand } = require('./reproducible') as typeof import('./reproducible');
      setExit(await verifyReproducibleCommand(dir, flags, io));
    });
  return program;
}

/** Runs the CLI on argv (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof CliError) {
      io.stderr(`gocross: ${e.message}\n`);
      return 2;
    }
    io.stderr(`gocross: ${(e as Error).message ?? String(e)}\n`);
    return 2;
  }
}

/**
 * A writer to stdout or stderr. process.stdout and process.stderr are created on first use and
 * load node:stream, node:net or node:tty (milliseconds of every run), so output goes to the file
 * descriptor with write(2) instead, which also leaves nothing unflushed at exit. When that cannot
 * finish (a non-blocking pipe that is full: EAGAIN) or fails (EPIPE), the rest and everything
 * after it goes through the stream, which queues it or reports the error as node always has.
 * Windows consoles keep the streams.
 */
export function fdWriter(fd: 1 | 2, stream: () => NodeJS.WritableStream): (s: string) => void {
  let viaStream = process.platform === 'win32';
  return (s) => {
    if (viaStream) {
      stream().write(s);
      return;
    }
    let buf = Buffer.from(s, 'utf8');
    try {
      while (buf.length > 0) {
        const n = fs.writeSync(fd, buf);
        if (n <= 0) throw new Error('short write');
        buf = buf.subarray(n);
      }
      return;
    } catch {
      viaStream = true;
    }
    stream().write(buf);
  };
}

/**
 * Whether stderr is a terminal, without loading node:tty (and node:net with it) when it plainly
 * is not: a pipe or a file is not a character device, and neither is /dev/null one.
 */
export function stderrIsTerminal(): boolean {
  if (process.platform === 'win32') return process.stderr.isTTY === true;
  try {
    const st = fs.fstatSync(2);
    if (!st.isCharacterDevice() || st.rdev === fs.statSync('/dev/null').rdev) return false;
  } catch {
    return false;
  }
  return (require('node:tty') as typeof import('node:tty')).isatty(2);
}

/** Runs the CLI as the process: argv from the command line, output to stdout/stderr, the exit code set. */
export function runCli(argv: string[] = process.argv.slice(2)): Promise<number> {
  return main(argv, {
    stdout: fdWriter(1, () => process.stdout),
    stderr: fdWriter(2, () => process.stderr),
    isTTY: stderrIsTerminal(),
    cwd: process.cwd(),
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
    return code;
  });
}

if (require.main === module) void runCli();
