/**
 * JSON report. The shape is versioned (`schemaVersion`) and only grows by adding fields:
 *
 * ```
 * {
 *   "schemaVersion": 1,
 *   "tool": { "name": "gocross", "version": "0.1.0" },
 *   "project": "api", "projectRoot": "apps/api",
 *   "ok": false,                       // no error findings
 *   "summary": { "errors", "warnings", "findings", "artifacts", "checksRun",
 *                "bytesRead", "totalBytes", "durationMs" },
 *   "policySources": ["gocross.policy.json"],
 *   "artifacts": [{ "file", "path", "platform": "linux/arm64", "target": TargetSpec,
 *                   "kind": "elf", "size", "bytesRead", "checksRun": [...], "error"?,
 *                   "findings": [Finding] }],
 *   "sources": [{ "platform": "linux/arm64", "target": TargetSpec, "checksRun": [...],
 *                 "findings": [Finding] }],
 *   "checks": [{ "id", "title", "kind", "defaultSeverity", "description", "docs",
 *                "aliases"? }],                    // former ids of a renamed check
 *   "timing"?: { "totalMs", "checksMs", "vetMs",       // when go vet -asmdecl ran:
 *                "vet": [{ "platform", "durationMs" }] } // totalMs = summary.durationMs
 * }
 * Finding = { "checkId", "severity": "error"|"warn", "message", "fix", "file", "line"?,
 *             "docs", "data"? }
 * ```
 */
import type { CheckMeta, Finding, Severity, TargetSpec } from '../checks/types';
import type { ValidationResult } from '../checks/result';
import { formatPlatform } from '../platforms/platform';
import { docsPathFor, packageVersion, ReportOptions, ruleMetas, timingOf, TOOL_NAME } from './common';

export const JSON_REPORT_SCHEMA_VERSION = 1;

export interface JsonFinding {
  checkId: string;
  severity: Severity;
  message: string;
  fix: string;
  file: string;
  line?: number;
  docs: string;
  data?: Record<string, unknown>;
}

export interface JsonReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  project?: string;
  projectRoot?: string;
  ok: boolean;
  summary: {
    errors: number;
    warnings: number;
    findings: number;
    artifacts: number;
    checksRun: number;
    bytesRead: number;
    totalBytes: number;
    durationMs: number;
  };
  policySources: string[];
  artifacts: {
    file: string;
    path: string;
    platform: string;
    target: TargetSpec;
    kind: string;
    size: number;
    bytesRead: number;
    checksRun: string[];
    error?: string;
    findings: JsonFinding[];
  }[];
  sources: { platform: string; target: TargetSpec; checksRun: string[]; findings: JsonFinding[] }[];
  checks: CheckMeta[];
  /** Where the time went, when go vet -asmdecl ran besides the checks. */
  timing?: { totalMs: number; checksMs: number; vetMs: number; vet: { platform: string; durationMs: number }[] };
}

export function toJsonReport(result: ValidationResult, opts: ReportOptions = {}): JsonReport {
  const metas = ruleMetas(result);
  const finding = (f: Finding): JsonFinding => {
    const out: JsonFinding = {
      checkId: f.checkId,
      severity: f.severity,
      message: f.message,
      fix: f.fix,
      file: f.file,
    } as JsonFinding;
    if (f.line !== undefined) out.line = f.line;
    out.docs = docsPathFor(f.checkId, metas);
    if (f.data !== undefined) out.data = f.data;
    return out;
  };
  const report: JsonReport = {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: opts.toolVersion ?? packageVersion() },
    ...(result.project !== undefined ? { project: result.project } : {}),
    ...(result.projectRoot !== undefined ? { projectRoot: result.projectRoot } : {}),
    ok: result.counts.error === 0,
    summary: {
      errors: result.counts.error,
      warnings: result.counts.warn,
      findings: result.counts.total,
      artifacts: result.counts.artifacts,
      checksRun: result.counts.checksRun,
      bytesRead: result.bytesRead,
      totalBytes: result.totalBytes,
      durationMs: Math.round(result.durationMs * 1000) / 1000,
    },
    policySources: [...result.policySources],
    artifacts: result.artifacts.map((a) => ({
      file: a.file,
      path: a.path,
      platform: formatPlatform(a.target.platform),
      target: a.target,
      kind: a.kind,
      size: a.size,
      bytesRead: a.bytesRead,
      checksRun: [...a.checksRun],
      ...(a.error !== undefined ? { error: a.error } : {}),
      findings: a.findings.map(finding),
    })),
    sources: result.sources.map((s) => ({
      platform: formatPlatform(s.target.platform),
      target: s.target,
      checksRun: [...s.checksRun],
      findings: s.findings.map(finding),
    })),
    checks: metas,
  };
  const timing = timingOf(result);
  if (timing) {
    const ms = (n: number) => Math.round(n * 1000) / 1000;
    report.timing = {
      totalMs: report.summary.durationMs,
      checksMs: ms(timing.checksMs),
      vetMs: ms(timing.vetMs),
      vet: timing.vet.map((v) => ({ platform: v.platform, durationMs: ms(v.durationMs) })),
    };
  }
  return report;
}

export function formatJson(result: ValidationResult, opts: ReportOptions = {}): string {
  return JSON.stringify(toJsonReport(result, opts), null, 2) + '\n';
}
