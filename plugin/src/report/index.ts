/**
 * Report writers: text, JSON, SARIF 2.1.0 and JUnit XML, from the engine's ValidationResult.
 * `writeReports` writes the chosen formats into a directory atomically (temp file + rename) and
 * returns the written paths.
 */
import * as path from 'node:path';
import type { ValidationResult } from '../checks/result';
import { REPORT_EXTENSIONS, ReportFormat, ReportOptions, writeFileAtomic } from './common';
import { formatJson } from './json';
import { formatJUnit } from './junit';
import { formatSarif } from './sarif';
import { formatText } from './text';

export * from './common';
export { formatText, formatBytes } from './text';
export { formatJson, toJsonReport, JSON_REPORT_SCHEMA_VERSION } from './json';
export type { JsonReport, JsonFinding } from './json';
export { formatSarif, toSarif, ruleName, SARIF_SCHEMA_URI } from './sarif';
export type { SarifLog } from './sarif';
export { formatJUnit, escapeXml } from './junit';

/** The report in one format, as a string. */
export function formatReport(result: ValidationResult, format: ReportFormat, opts: ReportOptions = {}): string {
  switch (format) {
    case 'text':
      return formatText(result);
    case 'json':
      return formatJson(result, opts);
    case 'sarif':
      return formatSarif(result, opts);
    case 'junit':
      return formatJUnit(result, opts);
    default:
      throw new Error(`unknown report format '${String(format)}' (expected text, json, sarif or junit)`);
  }
}

/** Path of a format's file inside `outDir`. */
export function reportPath(outDir: string, format: ReportFormat, opts: ReportOptions = {}): string {
  return path.join(outDir, `${opts.baseName ?? 'gocross'}${REPORT_EXTENSIONS[format]}`);
}

/**
 * Writes one file per format into `outDir` (created if needed), each atomically, and returns
 * the absolute paths in the order of `formats` (duplicates written once).
 */
export function writeReports(
  result: ValidationResult,
  formats: ReportFormat[],
  outDir: string,
  opts: ReportOptions = {},
): string[] {
  const written: string[] = [];
  for (const format of [...new Set(formats)]) {
    const data = formatReport(result, format, opts);
    const file = path.resolve(reportPath(outDir, format, opts));
    writeFileAtomic(file, data);
    written.push(file);
  }
  return written;
}
