/**
 * Human-readable report: findings grouped per artifact (then source findings per platform),
 * one line per finding (`error  binary-arch  <message>`) followed by its fix and docs lines, and a
 * summary line.
 */
import type { Finding } from '../checks/types';
import type { ValidationResult } from '../checks/result';
import { describeTarget, docsPathFor, ruleMetas, sortFindings, timingOf } from './common';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Bytes in a short human form (B, KiB, MiB, GiB). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

function findingLines(findings: readonly Finding[], docsFor: (id: string) => string, showFile: boolean): string[] {
  const sorted = sortFindings(findings);
  const sevWidth = 5;
  const idWidth = Math.max(0, ...sorted.map((f) => f.checkId.length));
  const out: string[] = [];
  for (const f of sorted) {
    const where = showFile ? `${f.file}${f.line ? `:${f.line}` : ''}: ` : '';
    out.push(`  ${f.severity.padEnd(sevWidth)}  ${f.checkId.padEnd(idWidth)}  ${where}${oneLine(f.message)}`);
    const pad = ' '.repeat(2 + sevWidth + 2 + idWidth + 2);
    if (f.fix) out.push(`${pad}fix: ${oneLine(f.fix)}`);
    out.push(`${pad}docs: ${docsFor(f.checkId)}`);
  }
  return out;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The text report. */
/** `, go vet -asmdecl 1840 ms of it (linux/amd64 910 ms, linux/arm64 930 ms)` when vet ran. */
function vetPart(result: ValidationResult): string {
  const t = timingOf(result);
  if (!t || t.vet.length === 0) return '';
  return `, go vet -asmdecl ${Math.round(t.vetMs)} ms of it (${t.vet.map((v) => `${v.platform} ${Math.round(v.durationMs)} ms`).join(', ')})`;
}

export function formatText(result: ValidationResult): string {
  const metas = ruleMetas(result);
  const docsFor = (id: string) => docsPathFor(id, metas);
  const lines: string[] = [];
  if (result.project) lines.push(`gocross validate: ${result.project}${result.projectRoot ? ` (${result.projectRoot})` : ''}`, '');

  for (const a of result.artifacts) {
    const head = `${a.file}  [${describeTarget(a.target)}]`;
    if (a.findings.length === 0) {
      lines.push(`ok     ${head}  ${plural(a.checksRun.length, 'check')} passed`);
      continue;
    }
    const errors = a.findings.filter((f) => f.severity === 'error').length;
    lines.push(`${errors ? 'FAIL ' : 'WARN '}  ${head}`);
    lines.push(...findingLines(a.findings, docsFor, false));
  }
  for (const s of result.sources) {
    const head = `sources  [${describeTarget(s.target)}]`;
    if (s.findings.length === 0) {
      if (s.checksRun.length) lines.push(`ok     ${head}  ${plural(s.checksRun.length, 'check')} passed`);
      continue;
    }
    const errors = s.findings.filter((f) => f.severity === 'error').length;
    lines.push(`${errors ? 'FAIL ' : 'WARN '}  ${head}`);
    lines.push(...findingLines(s.findings, docsFor, true));
  }

  const c = result.counts;
  const read =
    result.totalBytes > 0
      ? `, read ${formatBytes(result.bytesRead)} of ${formatBytes(result.totalBytes)}`
      : '';
  const verdict = c.error > 0 ? 'FAILED' : 'passed';
  lines.push(
    '',
    `${verdict}: ${plural(c.error, 'error')}, ${plural(c.warn, 'warning')} in ${plural(c.artifacts, 'artifact')}` +
      ` (${plural(c.checksRun, 'check')}${read}, ${Math.round(result.durationMs)} ms${vetPart(result)})`,
  );
  return lines.join('\n') + '\n';
}
