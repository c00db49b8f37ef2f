/**
 * SARIF 2.1.0 report (OASIS standard; what GitHub code scanning and most CI dashboards read).
 * One run; `tool.driver.rules` carries every check that ran (id, name, descriptions, help text
 * and markdown from the check's docs page, helpUri, default level); each finding becomes a
 * result with ruleId/ruleIndex, level, message (with the fix hint), and a location: the
 * artifact (relative to `%SRCROOT%`, the workspace root) or the source file with its line.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { CheckMeta, Finding } from '../checks/types';
import type { ValidationResult } from '../checks/result';
import { formatPlatform } from '../platforms/platform';
import {
  docsRoot,
  docsUri,
  fileUri,
  packageVersion,
  ReportOptions,
  ruleMetas,
  TOOL_INFORMATION_URI,
  TOOL_NAME,
} from './common';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

/** `binary-arch` → `BinaryArch` (SARIF rule names are PascalCase by convention). */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** Default docs lookup: `checks/<id>.md` of the pages installed with the package (or of the source checkout). */
function defaultDocs(opts: ReportOptions): (id: string) => string | undefined {
  if (opts.docs) return opts.docs;
  const root = docsRoot();
  const dirs = opts.docsDir ? [opts.docsDir] : root ? [path.join(root, 'checks')] : [];
  return (id: string) => {
    for (const d of dirs) {
      try {
        return fs.readFileSync(path.join(d, `${id}.md`), 'utf8');
      } catch {
        // not available
      }
    }
    return undefined;
  };
}

function plainText(markdown: string): string {
  return markdown
    .replace(/```[a-z]*\n?/g, '')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]*)\*\*/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^#+\s*/gm, '')
    .trim();
}

function rule(meta: CheckMeta, docs: (id: string) => string | undefined, opts: ReportOptions): Sarif.ReportingDescriptor {
  const helpUri = docsUri(meta.docs, opts);
  // The link text is the page's repository path, never a path on the machine that wrote the log.
  const md = docs(meta.id) ?? `**${meta.title}**\n\n${meta.description}\n\nSee [${new URL(helpUri).pathname.split('/').slice(-3).join('/')}](${helpUri}).`;
  return {
    id: meta.id,
    // A renamed check keeps its former ids, so results and suppressions under them still match.
    ...(meta.aliases?.length ? { deprecatedIds: [...meta.aliases], deprecatedNames: meta.aliases.map(ruleName) } : {}),
    name: ruleName(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: { text: plainText(md), markdown: md },
    helpUri,
    defaultConfiguration: { level: meta.defaultSeverity === 'error' ? 'error' : 'warning' },
    properties: { kind: meta.kind, tags: [TOOL_NAME, meta.kind] },
  };
}

function fingerprint(f: Finding): string {
  return createHash('sha256')
    .update([f.checkId, f.file, f.line ?? '', f.message].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

/** A SARIF 2.1.0 log (typed in full internally; kept opaque here so the package's types need no SARIF typings). */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Record<string, any>[];
}

export function toSarif(result: ValidationResult, opts: ReportOptions = {}): SarifLog {
  return buildSarif(result, opts) as SarifLog;
}

function buildSarif(result: ValidationResult, opts: ReportOptions): Sarif.Log {
  const root = path.resolve(opts.workspaceRoot ?? process.cwd());
  const docs = defaultDocs(opts);
  const metas = ruleMetas(result);
  const rules = metas.map((m) => rule(m, docs, opts));
  const ruleIndex = new Map(metas.map((m, i) => [m.id, i]));
  const aliasIndex = new Map(metas.flatMap((m, i) => (m.aliases ?? []).map((a) => [a, i] as const)));

  const artifacts: Sarif.Artifact[] = [];
  const artifactIndex = new Map<string, number>();
  for (const a of result.artifacts) {
    if (artifactIndex.has(a.file)) continue;
    const { uri, relative } = fileUri(a.file, root);
    const art: Sarif.Artifact = {
      location: relative ? { uri, uriBaseId: SRCROOT } : { uri },
      roles: ['analysisTarget'],
      properties: { platform: formatPlatform(a.target.platform), kind: a.kind },
    };
    if (a.kind !== 'missing') art.length = a.size;
    artifactIndex.set(a.file, artifacts.length);
    artifacts.push(art);
  }

  const results: Sarif.Result[] = [];
  const add = (f: Finding, platform: string) => {
    const { uri, relative } = fileUri(f.file, root);
    const loc: Sarif.ArtifactLocation = relative ? { uri, uriBaseId: SRCROOT } : { uri };
    const idx = artifactIndex.get(f.file);
    if (idx !== undefined) loc.index = idx;
    const physical: Sarif.PhysicalLocation = { artifactLocation: loc };
    if (f.line !== undefined && f.line >= 1) physical.region = { startLine: f.line };
    const r: Sarif.Result = {
      ruleId: f.checkId,
      level: f.severity === 'error' ? 'error' : 'warning',
      message: { text: f.fix ? `${f.message}\nfix: ${f.fix}` : f.message },
      locations: [{ physicalLocation: physical }],
      partialFingerprints: { 'gocrossFinding/v1': fingerprint(f) },
      properties: { platform, fix: f.fix, ...(f.data ? { data: f.data } : {}) },
    };
    const ri = ruleIndex.get(f.checkId) ?? aliasIndex.get(f.checkId);
    if (ri !== undefined) r.ruleIndex = ri;
    results.push(r);
  };
  for (const a of result.artifacts) for (const f of a.findings) add(f, formatPlatform(a.target.platform));
  for (const s of result.sources) for (const f of s.findings) add(f, formatPlatform(s.target.platform));

  const run: Sarif.Run = {
    tool: {
      driver: {
        name: TOOL_NAME,
        fullName: 'gocross binary validation (@gocross/nx)',
        version: opts.toolVersion ?? packageVersion(),
        semanticVersion: opts.toolVersion ?? packageVersion(),
        informationUri: TOOL_INFORMATION_URI,
        rules,
      },
    },
    originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(root + path.sep).href } },
    invocations: [
      {
        executionSuccessful: true,
        toolExecutionNotifications: result.artifacts
          .filter((a) => a.error)
          .map((a) => ({
            level: 'error' as const,
            message: { text: a.error! },
            locations: [{ physicalLocation: { artifactLocation: fileLocation(a.file, root) } }],
          })),
        properties: {
          durationMs: Math.round(result.durationMs),
          bytesRead: result.bytesRead,
          totalBytes: result.totalBytes,
          policySources: result.policySources,
        },
      },
    ],
    artifacts,
    results,
    columnKind: 'unicodeCodePoints',
  };
  if (result.project) run.properties = { project: result.project, projectRoot: result.projectRoot ?? '' };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

function fileLocation(file: string, root: string): Sarif.ArtifactLocation {
  const { uri, relative } = fileUri(file, root);
  return relative ? { uri, uriBaseId: SRCROOT } : { uri };
}

export function formatSarif(result: ValidationResult, opts: ReportOptions = {}): string {
  return JSON.stringify(toSarif(result, opts), null, 2) + '\n';
}
