/**
 * Shared code of the report writers: options, tool identity, paths as URIs, check metadata
 * lookup (including the synthetic `input` check the engine uses for unreadable artifacts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckMeta, Finding, Severity, TargetSpec } from '../checks/types';
import type { ValidationResult } from '../checks/result';
import { formatPlatform } from '../platforms/platform';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'junit';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'junit'];

export const TOOL_NAME = 'gocross';
/** Where the check documentation is published (`docs/checks/<id>.md` is appended). */
export const DOCS_BASE_URI = 'https://github.com/gocross/gocross/blob/main/';
export const TOOL_INFORMATION_URI = 'https://github.com/gocross/gocross';

export interface ReportOptions {
  /** Workspace root, to make SARIF locations relative (`%SRCROOT%`). Default: process.cwd(). */
  workspaceRoot?: string;
  /** Version reported for the tool. Default: the @gocross/nx package version. */
  toolVersion?: string;
  /** Base URI for check documentation links. Default: DOCS_BASE_URI. */
  docsBaseUri?: string;
  /**
   * Markdown documentation per check id, used as SARIF rule help. Default: read from the
   * `docs/checks` directory next to the package when it exists (a source checkout), else a
   * summary built from the check's metadata.
   */
  docs?: (checkId: string) => string | undefined;
  /** Directory holding `<id>.md` check docs (used when `docs` is not given). */
  docsDir?: string;
  /** Findings of this severity and worse fail a JUnit test case. Default 'error'. */
  junitFailOn?: Severity;
  /** Base name of written files (`<base>.txt`, `.json`, `.sarif`, `.junit.xml`). Default 'gocross'. */
  baseName?: string;
}

/**
 * Where the time of a validation went, when the caller ran more than the engine: `go vet
 * -asmdecl` runs once per platform before the checks (see validate/asmdecl-runner). The result's
 * `durationMs` then covers both: `checksMs + vetMs`.
 */
export interface ValidationTiming {
  /** The engine's checks. */
  checksMs: number;
  /** All `go vet -asmdecl` runs. */
  vetMs: number;
  vet: { platform: string; durationMs: number }[];
}

/** A ValidationResult with the time spent outside the engine. */
export type TimedValidationResult = ValidationResult & { timing?: ValidationTiming };

/** The timing breakdown of a result, when it has one. */
export function timingOf(result: ValidationResult): ValidationTiming | undefined {
  return (result as TimedValidationResult).timing;
}

export const REPORT_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  text: '.txt',
  json: '.json',
  sarif: '.sarif',
  junit: '.junit.xml',
};

/**
 * Version of the package.json named @gocross/nx nearest above `from`: found from every file of the
 * package, whatever its depth — plugin/src/<folder> (tests), dist/<folder>[/<sub>] (tsc's output)
 * and the CLI bundles in dist/cli (scripts/build-plugin.js). undefined when there is none.
 */
export function findPackageVersion(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === '@gocross/nx') return typeof pkg.version === 'string' && pkg.version ? pkg.version : undefined;
    } catch {
      // no package.json here (or not JSON): look further up
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

let cachedVersion: string | undefined;
/** The @gocross/nx package version (read once from its package.json). */
export function packageVersion(): string {
  return (cachedVersion ??= findPackageVersion(__dirname) ?? '0.0.0');
}

/** Metadata of the synthetic check under which the engine reports unreadable inputs. */
export const INPUT_CHECK_META: CheckMeta = {
  id: 'input',
  title: 'Artifact can be read',
  kind: 'binary',
  defaultSeverity: 'error',
  description: 'The artifact exists and is an ELF, Mach-O, PE or ar file that can be parsed.',
  docs: 'docs/checks/input.md',
};

let cachedDocsRoot: string | null | undefined;
/**
 * The directory holding the documentation pages (`checks/<id>.md`, `failures/<id>.md`): the
 * copy the build puts into the package (`dist/docs`), else the repository's `docs/` when
 * running from a source checkout. Undefined when neither is there.
 */
export function docsRoot(): string | undefined {
  if (cachedDocsRoot === undefined) {
    const candidates = [path.join(__dirname, '..', 'docs'), path.join(__dirname, '..', '..', '..', 'docs')];
    cachedDocsRoot = candidates.find((d) => fs.existsSync(path.join(d, 'checks'))) ?? null;
  }
  return cachedDocsRoot ?? undefined;
}

/**
 * Where a user can read a docs page named as in CheckMeta (`docs/checks/binary-arch.md`): the
 * absolute path of the installed copy when it exists, else its URL in the repository.
 */
export function installedDocs(docs: string): string {
  if (/^[a-z]+:\/\//i.test(docs) || (path.isAbsolute(docs) && fs.existsSync(docs))) return docs;
  const root = docsRoot();
  const rel = docs.replace(/^\/+/, '');
  if (root && rel.startsWith('docs/')) {
    const file = path.join(root, ...rel.slice('docs/'.length).split('/'));
    if (fs.existsSync(file)) return file;
  }
  return docsUri(rel, {});
}

/**
 * Check metadata for every check id that appears in the result, in a stable order, with `docs`
 * as a page a user can open (see installedDocs).
 */
export function ruleMetas(result: ValidationResult): CheckMeta[] {
  return ruleMetasAsDeclared(result).map((m) => ({ ...m, docs: installedDocs(m.docs) }));
}

/** The metadata of a check id, or of a check that was renamed from it (meta.aliases). */
export function metaFor(checkId: string, metas: readonly CheckMeta[]): CheckMeta | undefined {
  return metas.find((m) => m.id === checkId) ?? metas.find((m) => m.aliases?.includes(checkId));
}

function ruleMetasAsDeclared(result: ValidationResult): CheckMeta[] {
  const out: CheckMeta[] = [...result.checks];
  const known = new Set(out.flatMap((c) => [c.id, ...(c.aliases ?? [])]));
  for (const f of result.findings) {
    if (known.has(f.checkId)) continue;
    known.add(f.checkId);
    out.push(
      f.checkId === INPUT_CHECK_META.id
        ? INPUT_CHECK_META
        : {
            id: f.checkId,
            title: f.checkId,
            kind: 'binary',
            defaultSeverity: f.severity,
            description: f.checkId,
            docs: `docs/checks/${f.checkId}.md`,
          },
    );
  }
  return out;
}

/** The docs of a finding's check, as a path that exists on this machine or a URL (see installedDocs). */
export function docsPathFor(checkId: string, metas: readonly CheckMeta[]): string {
  return installedDocs(metaFor(checkId, metas)?.docs ?? `docs/checks/${checkId}.md`);
}

/** The repository URL of a docs page, named as in CheckMeta or by its installed path. */
export function docsUri(docs: string, opts: ReportOptions): string {
  if (/^[a-z]+:\/\//i.test(docs)) return docs;
  let rel = docs;
  const root = docsRoot();
  if (path.isAbsolute(docs) && root) {
    const inside = path.relative(root, docs);
    if (!inside.startsWith('..') && !path.isAbsolute(inside)) rel = ['docs', ...inside.split(path.sep)].join('/');
  }
  return new URL(rel.replace(/^\/+/, ''), opts.docsBaseUri ?? DOCS_BASE_URI).href;
}

/** `linux/arm64` plus cgo/libc/tags, for headings. */
export function describeTarget(t: TargetSpec): string {
  const parts = [t.universal ? `${t.universal[0].goos}/${t.universal.map((p) => formatPlatform(p).split('/').slice(1).join('/')).join('+')} universal` : formatPlatform(t.platform)];
  parts.push(t.cgo ? `cgo${t.libc && t.platform.goos === 'linux' ? ` ${t.libc}` : ''}` : 'no cgo');
  if (t.buildmode && t.buildmode !== 'exe') parts.push(t.buildmode);
  if (t.tags && t.tags.length) parts.push(`tags ${t.tags.join(',')}`);
  return parts.join(', ');
}

/** Findings sorted for output: errors first, then by check id, file, line. Stable for equal keys. */
export function sortFindings(fs: readonly Finding[]): Finding[] {
  const rank = (s: Severity) => (s === 'error' ? 0 : 1);
  return fs
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        rank(a.f.severity) - rank(b.f.severity) ||
        cmp(a.f.file, b.f.file) ||
        (a.f.line ?? 0) - (b.f.line ?? 0) ||
        cmp(a.f.checkId, b.f.checkId) ||
        a.i - b.i,
    )
    .map((x) => x.f);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A finding's file as a URI reference: relative paths become `/`-separated percent-encoded
 * relative references (resolved against `%SRCROOT%`), absolute paths become `file:` URIs, or
 * relative ones when they lie inside the workspace.
 */
export function fileUri(file: string, workspaceRoot: string): { uri: string; relative: boolean } {
  const norm = file.split(path.sep).join('/');
  if (path.isAbsolute(file)) {
    const rel = path.relative(workspaceRoot, file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      return { uri: encodeRelative(rel.split(path.sep).join('/')), relative: true };
    }
    return { uri: pathToFileURL(file).href, relative: false };
  }
  return { uri: encodeRelative(norm.replace(/^\.\//, '')), relative: true };
}

function encodeRelative(p: string): string {
  return p
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/** Atomic write: temp file in the same directory, then rename over the target. */
export function writeFileAtomic(file: string, data: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    throw e;
  }
}
