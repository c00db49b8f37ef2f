/**
 * JUnit XML report, for CI systems that show test results: one <testsuite> per artifact (and
 * one per platform for source checks), one <testcase> per check that ran, failing when the
 * check has a finding at the configured severity (errors by default; `junitFailOn: 'warn'`
 * makes warnings fail too). Findings below that severity go to the test case's <system-out>.
 */
import type { Finding, Severity } from '../checks/types';
import type { ValidationResult } from '../checks/result';
import { describeTarget, docsPathFor, ReportOptions, ruleMetas, sortFindings, TOOL_NAME } from './common';

/**
 * Escapes text for XML 1.0 content and attribute values: the five special characters, and
 * characters XML 1.0 cannot carry at all (control characters other than tab/newline/CR, lone
 * surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD.
 */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

/** Escapes element text (keeps newlines readable). */
function text(s: string): string {
  return escapeXml(s).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

interface Case {
  name: string;
  findings: Finding[];
}

function suiteCases(checksRun: readonly string[], findings: readonly Finding[]): Case[] {
  const cases: Case[] = checksRun.map((id) => ({ name: id, findings: [] }));
  for (const f of findings) {
    let c = cases.find((x) => x.name === f.checkId);
    if (!c) cases.push((c = { name: f.checkId, findings: [] }));
    c.findings.push(f);
  }
  return cases;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

export function formatJUnit(result: ValidationResult, opts: ReportOptions = {}): string {
  const failOn: Severity = opts.junitFailOn ?? 'error';
  const fails = (f: Finding) => f.severity === 'error' || failOn === 'warn';
  const metas = ruleMetas(result);
  const suites: { name: string; classname: string; cases: Case[] }[] = [];
  for (const a of result.artifacts) {
    suites.push({ name: `${a.file} [${describeTarget(a.target)}]`, classname: a.file, cases: suiteCases(a.checksRun, a.findings) });
  }
  for (const s of result.sources) {
    const root = result.projectRoot || result.project || 'sources';
    suites.push({ name: `${root} sources [${describeTarget(s.target)}]`, classname: `${root} sources`, cases: suiteCases(s.checksRun, s.findings) });
  }
  const totalCases = suites.reduce((n, s) => n + s.cases.length, 0);
  const totalFailures = suites.reduce((n, s) => n + s.cases.filter((c) => c.findings.some(fails)).length, 0);
  const perCase = totalCases ? result.durationMs / totalCases : 0;

  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const suitesName = `${TOOL_NAME} validate${result.project ? ` ${result.project}` : ''}`;
  out.push(
    `<testsuites name="${escapeXml(suitesName)}" tests="${totalCases}" failures="${totalFailures}" errors="0" time="${seconds(result.durationMs)}">`,
  );
  for (const s of suites) {
    const failures = s.cases.filter((c) => c.findings.some(fails)).length;
    out.push(
      `  <testsuite name="${escapeXml(s.name)}" tests="${s.cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(perCase * s.cases.length)}">`,
    );
    for (const c of s.cases) {
      const head = `    <testcase classname="${escapeXml(s.classname)}" name="${escapeXml(c.name)}" time="${seconds(perCase)}"`;
      if (c.findings.length === 0) {
        out.push(`${head}/>`);
        continue;
      }
      out.push(`${head}>`);
      const failing = sortFindings(c.findings.filter(fails));
      const rest = sortFindings(c.findings.filter((f) => !fails(f)));
      if (failing.length) {
        const first = failing[0];
        const body = failing.map((f) => describe(f, docsPathFor(f.checkId, metas))).join('\n\n');
        const msg = failing.length > 1 ? `${first.message} (and ${failing.length - 1} more)` : first.message;
        out.push(`      <failure message="${escapeXml(msg)}" type="${escapeXml(first.severity)}">${text(body)}</failure>`);
      }
      if (rest.length) {
        out.push(`      <system-out>${text(rest.map((f) => describe(f, docsPathFor(f.checkId, metas))).join('\n\n'))}</system-out>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function describe(f: Finding, docs: string): string {
  const where = `${f.file}${f.line ? `:${f.line}` : ''}`;
  return `${f.severity} ${f.checkId}: ${f.message}\n  at: ${where}\n  fix: ${f.fix}\n  docs: ${docs}`;
}
