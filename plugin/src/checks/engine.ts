/**
 * The check engine: opens each artifact with the binary readers, runs every binary check on it
 * and every source check once per target platform, applies the policy (off / warn / error and
 * parameters) and returns findings grouped per artifact, with counts and bytes read.
 *
 * Unreadable or non-binary inputs give one clear error finding (check id `input`) instead of a
 * crash; a check that throws gives one error finding naming the check.
 */
import * as path from 'node:path';
import { detectKind, openFile, readAr, readBuildInfo, readElf, readMachO, readPe } from '../binary';
import type { ByteSource, FileKind, GoBuildInfo } from '../binary/types';
import { formatPlatform } from '../platforms/platform';
import { platformTargetName } from '../platforms/env';
import { collectExportNames, type BinaryCheckContext, type SourceCheckContext } from './context';
import type { AnyOptions } from './options';
import { ALL_CHECKS } from './registry';
import { checkMetaOf, isBinaryCheck, isSourceCheck, type Check } from './rule';
import type {
  ArtifactInput,
  ArtifactResult,
  SourceFile,
  SourceResult,
  ValidationRequest,
  ValidationResult,
} from './result';
import type { Finding, Policy, Severity, TargetSpec } from './types';

export * from './result';

/** Id used for findings about the input itself (missing, unreadable, not a binary). */
export const INPUT_CHECK_ID = 'input';

function settingFor(check: Check, policy: Policy): { severity: Severity | undefined; params: AnyOptions } {
  // loadPolicy files entries under current ids; a hand-made policy may still use a former one.
  const e = policy.checks[check.meta.id] ?? check.meta.aliases?.map((a) => policy.checks[a]).find((x) => x !== undefined);
  if (!e) return { severity: check.meta.defaultSeverity, params: {} };
  return { severity: e.setting === 'off' ? undefined : e.setting, params: e.params };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Memoises a reader call; a throw is remembered and rethrown to every caller. */
function lazy<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  let err: unknown;
  return () => {
    if (!done) {
      done = true;
      try {
        value = fn();
      } catch (e) {
        err = e;
      }
    }
    if (err !== undefined) throw err;
    return value;
  };
}

function displayName(a: ArtifactInput, root: string): string {
  if (a.displayPath) return a.displayPath;
  const abs = path.resolve(root, a.path);
  const rel = path.relative(root, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

/** Runs each check the policy leaves on; `run` calls one with the context for its parameters. */
function runChecks<C extends Check>(
  checks: readonly C[],
  policy: Policy,
  file: string,
  run: (check: C, params: AnyOptions) => Finding[],
): { checksRun: string[]; findings: Finding[] } {
  const checksRun: string[] = [];
  const findings: Finding[] = [];
  for (const check of checks) {
    const { severity, params } = settingFor(check, policy);
    if (!severity) continue;
    checksRun.push(check.meta.id);
    let out: Finding[];
    try {
      out = run(check, params);
    } catch (e) {
      out = [
        {
          checkId: check.meta.id,
          severity: 'error',
          message: `check could not read what it needs: ${errorMessage(e)}`,
          fix: 'the file is malformed or truncated; rebuild it, and report a bug if a fresh build gives the same error',
          file,
        },
      ];
      findings.push(...out);
      continue;
    }
    // The policy's severity replaces the check's own (a check may emit 'warn' for softer cases
    // of an 'error' check; those stay warnings unless the policy downgrades everything).
    for (const f of out) {
      const sev: Severity = severity === 'warn' ? 'warn' : f.severity;
      findings.push({ ...f, severity: sev });
    }
  }
  return { checksRun, findings };
}

/** What to do about a missing artifact: the Nx target that builds it, when the request says which project it is. */
function missingFix(a: ArtifactInput, project: string | undefined): string {
  const target = a.buildTarget ?? (project ? `${project}:${platformTargetName(a.target.platform)}` : undefined);
  return target ? `build it first (npx nx run ${target}) or fix the path` : 'build it first or fix the path';
}

function validateOne(a: ArtifactInput, req: ValidationRequest, checks: readonly Check[], root: string, exportNames: () => Set<string>): ArtifactResult {
  const file = displayName(a, root);
  const abs = path.resolve(root, a.path);
  let src: (ByteSource & { close?: () => void }) | undefined;
  try {
    src = req.open ? req.open(abs) : openFile(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const msg = `cannot open ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : errorMessage(e)}`;
    return {
      path: a.path,
      file,
      target: a.target,
      kind: 'missing',
      size: 0,
      bytesRead: 0,
      checksRun: [],
      error: msg,
      findings: [
        {
          checkId: INPUT_CHECK_ID,
          severity: 'error',
          message: msg,
          fix: missingFix(a, req.project),
          file,
        },
      ],
    };
  }
  try {
    const source = src;
    let kind: FileKind;
    try {
      kind = detectKind(source);
    } catch {
      kind = 'unknown';
    }
    const base: Omit<ArtifactResult, 'findings' | 'checksRun' | 'bytesRead'> = {
      path: a.path,
      file,
      target: a.target,
      kind,
      size: source.size,
    };
    if (kind === 'unknown' || kind === 'goobj') {
      const msg =
        kind === 'goobj'
          ? `${file} is a Go object file, not a program, shared library or archive`
          : `${file} is not an ELF, Mach-O, PE or ar file (${source.size} bytes)`;
      return {
        ...base,
        bytesRead: source.bytesRead,
        checksRun: [],
        error: msg,
        findings: [
          {
            checkId: INPUT_CHECK_ID,
            severity: 'error',
            message: msg,
            fix: 'point validate at build outputs only (files option globs), or rebuild the artifact',
            file,
          },
        ],
      };
    }
    const elf = lazy(() => (kind === 'elf' ? readElf(source) : undefined));
    const macho = lazy(() => (kind === 'macho' || kind === 'macho-fat' ? readMachO(source) : undefined));
    const pe = lazy(() => (kind === 'pe' ? readPe(source) : undefined));
    const archive = lazy(() => (kind === 'ar' ? readAr(source) : undefined));
    const buildInfo = lazy(() => (kind === 'ar' ? undefined : readBuildInfo(source)));
    const slices = new Map<number, GoBuildInfo | undefined>();
    const sliceBuildInfo = (i: number) => {
      if (i === 0) return buildInfo();
      if (kind !== 'macho-fat') return undefined;
      if (!slices.has(i)) slices.set(i, readBuildInfo(source, i));
      return slices.get(i);
    };
    const sources = req.sources ?? [];
    // Parse the container up front so a malformed file gives one clear finding, not one per check.
    try {
      elf();
      macho();
      pe();
      archive();
    } catch (e) {
      const msg = `${file} cannot be parsed as ${kind}: ${errorMessage(e)}`;
      return {
        ...base,
        bytesRead: source.bytesRead,
        checksRun: [],
        error: msg,
        findings: [{ checkId: INPUT_CHECK_ID, severity: 'error', message: msg, fix: 'the file is truncated or corrupt: rebuild it', file }],
      };
    }
    const ctx = (params: AnyOptions): BinaryCheckContext => ({
      target: a.target,
      expectedPlatform: a.expectedPlatform,
      file,
      kind,
      size: source.size,
      elf,
      macho,
      pe,
      archive,
      buildInfo,
      sliceBuildInfo,
      params,
      sources,
      exportedNames: exportNames,
      declaredExports: a.declaredExports,
    });
    const { checksRun, findings } = runChecks(checks.filter(isBinaryCheck), req.policy, file, (check, params) => check.run(ctx(params)));
    return { ...base, bytesRead: source.bytesRead, checksRun, findings };
  } finally {
    try {
      src.close?.();
    } catch {
      // already closed
    }
  }
}

function targetKey(t: TargetSpec): string {
  return `${formatPlatform(t.platform)}|${t.cgo ? 1 : 0}|${[...(t.tags ?? [])].sort().join(',')}`;
}

/** Validates artifacts (binary checks) and the project's sources per target (source checks). */
export async function validateArtifacts(req: ValidationRequest): Promise<ValidationResult> {
  const started = process.hrtime.bigint();
  const root = path.resolve(req.workspaceRoot ?? process.cwd());
  const checks = req.checks ?? ALL_CHECKS;
  const sources: SourceFile[] = req.sources ?? [];
  let names: Set<string> | undefined;
  const exportNames = () => (names ??= collectExportNames(sources));

  const artifacts = req.artifacts.map((a) => validateOne(a, req, checks, root, exportNames));

  const sourceResults: SourceResult[] = [];
  const sourceChecks = checks.filter(isSourceCheck);
  if (sourceChecks.length > 0 && sources.length > 0) {
    const targets = new Map<string, TargetSpec>();
    for (const t of req.sourceTargets ?? req.artifacts.map((a) => a.target)) {
      if (!targets.has(targetKey(t))) targets.set(targetKey(t), t);
    }
    const projectRoot = req.projectRoot ?? '';
    for (const t of targets.values()) {
      const ctx = (params: AnyOptions): SourceCheckContext => ({ target: t, platform: t.platform, projectRoot, sources, params, asmdecl: req.asmdecl });
      const r = runChecks(sourceChecks, req.policy, projectRoot || '.', (check, params) => check.run(ctx(params)));
      sourceResults.push({ target: t, ...r });
    }
  }

  // The same source finding for several platforms is reported once.
  const seen = new Set<string>();
  for (const s of sourceResults) {
    s.findings = s.findings.filter((f) => {
      const k = `${f.checkId}|${f.file}|${f.line ?? ''}|${f.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  const findings = [...artifacts.flatMap((a) => a.findings), ...sourceResults.flatMap((s) => s.findings)];
  const ran = new Set([...artifacts.flatMap((a) => a.checksRun), ...sourceResults.flatMap((s) => s.checksRun)]);
  return {
    project: req.project,
    projectRoot: req.projectRoot,
    policySources: req.policy.sources,
    artifacts,
    sources: sourceResults,
    findings,
    counts: {
      error: findings.filter((f) => f.severity === 'error').length,
      warn: findings.filter((f) => f.severity === 'warn').length,
      total: findings.length,
      artifacts: artifacts.length,
      checksRun: ran.size,
    },
    bytesRead: artifacts.reduce((n, a) => n + a.bytesRead, 0),
    totalBytes: artifacts.reduce((n, a) => n + a.size, 0),
    durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    checks: checks.filter((c) => ran.has(c.meta.id)).map(checkMetaOf),
  };
}
