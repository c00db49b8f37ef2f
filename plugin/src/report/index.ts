/**
 * Report writers: text, JSON, SARIF 2.1.0 and JUnit XML, from the engine's ValidationResult.
 * `writeReports` writes the chosen formats into a directory atomically (temp file + rename) and
 * returns the written paths.
 *
 * The text writer is always needed (it is what a run prints); the JSON, SARIF and JUnit writers
 * are loaded on first use, so a run that asks for text alone never loads them (SARIF pulls in
 * node:crypto). Their functions are exported here as wrappers that load the module when called.
 */
import * as path from 'node:path';
import type { ValidationResult } from '../checks/result';
import { REPORT_EXTENSIONS, ReportFormat, ReportOptions, writeFileAtomic } from './common';
import { formatText } from './text';
import type * as Json from './json';
import type * as Sarif from './sarif';
import type * as JUnit from './junit';

export * from './common';
export { formatText, formatBytes } from './text';
export type { JsonReport, JsonFinding } from './json';
export type { SarifLog } from './sarif';

const json = (): typeof Json => require('./json');
const sarif = (): typeof Sarif => require('./sarif');
const junit = (): typeof JUnit => require('./junit');

export const formatJson: typeof Json.formatJson = (result, opts) => json().formatJson(result, opts);
export const toJsonReport: typeof Json.toJsonReport = (result, opts) => json().toJsonReport(result, opts);
export const formatSarif: typeof Sarif.formatSarif = (result, opts) => sarif().formatSarif(result, opts);
export const toSarif: typeof Sarif.toSarif = (result, opts) => sarif().toSarif(result, opts);
export const ruleName: typeof Sarif.ruleName = (id) => sarif().ruleName(id);
export const formatJUnit: typeof JUnit.formatJUnit = (result, opts) => junit().formatJUnit(result, opts);
export const escapeXml: typeof JUnit.escapeXml = (s) => junit().escapeXml(s);

/** The report in one format, as a string. */
export function formatReport(result: ValidationResult, format: ReportFormat, opts: ReportOptions = {}): string {
  switch (format) {
    case 'text':
      return formatText(result);
    case 'json':
      return json().formatJson(result, opts);
    case 'sarif':
      return sarif().formatSarif(result, opts);
    case 'junit':
      return junit().formatJUnit(result, opts);
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
