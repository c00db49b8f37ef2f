import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type * as Sarif from 'sarif';
import { validateArtifacts, type ValidationResult } from '../checks/engine';
import { defaultPolicy, loadPolicy } from '../checks/policy';
import { BINARY_CHECKS } from '../checks/registry';
import { parsePlatform } from '../platforms/platform';
import { asmGuard } from '../checks/rules/asm-guard';
import { buildFixture, HELLO, REPRO } from '../checks/test-utils/fixtures';
import { describeIf, haveTools } from '../test-utils/gates';
import {
  escapeXml,
  formatJUnit,
  formatText,
  REPORT_FORMATS,
  toJsonReport,
  toSarif,
  writeReports,
  type TimedValidationResult,
} from './index';
import { SARIF_SCHEMA_URI } from './sarif';
import { describeTarget, docsPathFor, findPackageVersion } from './common';

const SCHEMA_FILE = require.resolve('@datadog/datadog-ci-plugin-sarif/package.json').replace(
  /package\.json$/,
  'dist/json-schema/sarif-schema-2.1.0.json',
);

const describeGo = describeIf(haveTools('go'));

describeGo('report writers on a real validation result', () => {
  let ws: string;
  let result: ValidationResult;
  let clean: ValidationResult;

  beforeAll(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-report-'));
    // Built for linux/arm64 but declared linux/amd64: binary-arch must fail it.
    const arm64 = buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: 'arm64' }, args: REPRO });
    const amd64 = buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: 'amd64' }, args: REPRO });
    const dist = path.join(ws, 'dist/apps/api');
    fs.mkdirSync(path.join(dist, 'linux-amd64'), { recursive: true });
    fs.copyFileSync(arm64, path.join(dist, 'linux-amd64', 'api'));
    fs.copyFileSync(amd64, path.join(dist, 'linux-amd64', 'api-ok'));
    fs.writeFileSync(path.join(dist, 'notes & <stuff>.txt'), 'not a binary\u0001 "quoted"\n');
    const target = { platform: { goos: 'linux', goarch: 'amd64' }, cgo: false, buildmode: 'exe' as const };
    const sources = [
      { path: 'go.mod', content: 'module example.com/api\n\ngo 1.22\n' },
      { path: 'sum.go', content: 'package api\n\nfunc Sum(xs []int) int\n' },
      { path: 'sum.s', content: '#include "textflag.h"\n\n// comment\nTEXT ·Sum(SB),NOSPLIT,$0-32\n\tMOVQ xs+0(FP), AX\n\tRET\n' },
    ];
    result = await validateArtifacts({
      workspaceRoot: ws,
      project: 'api',
      projectRoot: 'apps/api',
      artifacts: [
        { path: 'dist/apps/api/linux-amd64/api', target },
        { path: 'dist/apps/api/linux-amd64/api-ok', target },
        { path: 'dist/apps/api/missing', target },
        { path: 'dist/apps/api/notes & <stuff>.txt', target },
      ],
      sources,
      policy: defaultPolicy(),
      checks: [...BINARY_CHECKS, asmGuard],
    });
    clean = await validateArtifacts({
      workspaceRoot: ws,
      artifacts: [{ path: 'dist/apps/api/linux-amd64/api-ok', target }],
      policy: loadPolicy({ checks: { 'build-id': 'off' } }, 'inline'),
      checks: BINARY_CHECKS,
    });
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('the fixture result has the findings the tests rely on', () => {
    const ids = result.findings.map((f) => f.checkId);
    expect(ids).toContain('binary-arch');
    expect(ids).toContain('input');
    expect(ids).toContain('asm-guard');
    expect(result.counts.error).toBeGreaterThanOrEqual(4);
  });

  it('text: one line per finding with fix and docs, grouped per artifact, and a summary', () => {
    const text = formatText(result);
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.includes('dist/apps/api/linux-amd64/api ') && l.startsWith('FAIL'));
    expect(head).toBeGreaterThanOrEqual(0);
    const elf = lines.findIndex((l, i) => i > head && /^ {2}error +binary-arch +\S/.test(l));
    expect(elf).toBeGreaterThan(head);
    expect(lines[elf + 1]).toMatch(/^ +fix: \S/);
    // docs name the page on this machine (here the repository's docs/, in a package its own copy)
    expect(lines[elf + 2].trim()).toBe(`docs: ${path.resolve(__dirname, '../../../docs/checks/binary-arch.md')}`);
    expect(text).toMatch(/^ok +dist\/apps\/api\/linux-amd64\/api-ok/m);
    expect(text).toMatch(/apps\/api\/sum\.s:4: sum\.s has no architecture guard/);
    const c = result.counts;
    expect(lines[lines.length - 2]).toMatch(new RegExp(`^FAILED: ${c.error} errors?, ${c.warn} warnings? in 4 artifacts`));
    expect(formatText(clean).trim().split('\n').pop()).toMatch(/^passed: 0 errors, 0 warnings in 1 artifact \(\d+ checks, read .* of .*\)/);
  });

  it('json: stable documented shape that round-trips the result', () => {
    const j = JSON.parse(JSON.stringify(toJsonReport(result)));
    expect(j.schemaVersion).toBe(1);
    expect(j.tool.name).toBe('gocross');
    expect(j.ok).toBe(false);
    expect(j.summary.errors).toBe(result.counts.error);
    expect(j.artifacts).toHaveLength(4);
    expect(j.artifacts[0]).toMatchObject({ file: 'dist/apps/api/linux-amd64/api', platform: 'linux/amd64', kind: 'elf' });
    const elf = j.artifacts[0].findings.find((f: { checkId: string }) => f.checkId === 'binary-arch');
    expect(Object.keys(elf).slice(0, 6)).toEqual(['checkId', 'severity', 'message', 'fix', 'file', 'docs'].filter((k) => k in elf).slice(0, 6));
    expect(elf.docs).toBe(path.resolve(__dirname, '../../../docs/checks/binary-arch.md'));
    for (const c of j.checks) expect({ id: c.id, exists: fs.existsSync(c.docs) }).toEqual({ id: c.id, exists: true });
    expect(j.artifacts[2].kind).toBe('missing');
    expect(j.sources[0].findings[0]).toMatchObject({ checkId: 'asm-guard', file: 'apps/api/sum.s', line: 4 });
    expect(j.checks.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['binary-arch', 'asm-guard', 'input']));
    // A renamed check lists its former ids; a finding recorded under one still finds the page.
    expect(j.checks.find((c: { id: string }) => c.id === 'binary-arch')).toMatchObject({ aliases: ['elf-arch'] });
    expect(j.checks.find((c: { id: string }) => c.id === 'rpath')).not.toHaveProperty('aliases');
    expect(docsPathFor('elf-arch', j.checks)).toBe(elf.docs);
    expect(toJsonReport(clean).ok).toBe(true);
    expect(j.timing).toBeUndefined();
  });

  it('timing: with go vet runs, the JSON report and the text summary say where the time went', () => {
    const timed: TimedValidationResult = {
      ...clean,
      durationMs: 12.5 + 900 + 1100,
      timing: { checksMs: 12.5, vetMs: 2000, vet: [{ platform: 'linux/amd64', durationMs: 900 }, { platform: 'linux/arm64', durationMs: 1100 }] },
    };
    expect(toJsonReport(timed).timing).toEqual({
      totalMs: 2012.5,
      checksMs: 12.5,
      vetMs: 2000,
      vet: [{ platform: 'linux/amd64', durationMs: 900 }, { platform: 'linux/arm64', durationMs: 1100 }],
    });
    expect(toJsonReport(timed).summary.durationMs).toBe(2012.5);
    expect(formatText(timed).trim().split('\n').pop()).toMatch(/, 2013 ms, go vet -asmdecl 2000 ms of it \(linux\/amd64 900 ms, linux\/arm64 1100 ms\)\)$/);
  });

  describe('sarif', () => {
    let validate: ReturnType<Ajv['compile']>;
    beforeAll(() => {
      const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
      // The published SARIF 2.1.0 schema, as the OASIS TC ships it.
      expect(schema.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
      expect(schema.$id).toMatch(/oasis-tcs\/sarif-spec\/.*sarif-schema-2\.1\.0\.json$/);
      const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
      addFormats(ajv);
      validate = ajv.compile(schema);
    });

    it('validates against the SARIF 2.1.0 schema', () => {
      for (const r of [result, clean]) {
        const log = JSON.parse(JSON.stringify(toSarif(r, { workspaceRoot: ws })));
        const ok = validate(log);
        expect(validate.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      }
    });

    it('the schema really rejects broken logs (the validator is not vacuous)', () => {
      const log = JSON.parse(JSON.stringify(toSarif(result, { workspaceRoot: ws })));
      log.runs[0].results[0].level = 'fatal';
      expect(validate(log)).toBe(false);
      const log2 = JSON.parse(JSON.stringify(toSarif(result, { workspaceRoot: ws })));
      delete log2.runs[0].tool.driver.name;
      expect(validate(log2)).toBe(false);
    });

    it('has rules with metadata and results pointing at them, with relative locations', () => {
      const log = toSarif(result, { workspaceRoot: ws }) as unknown as Sarif.Log;
      expect(log.$schema).toBe(SARIF_SCHEMA_URI);
      const run = log.runs[0];
      const rules = run.tool.driver.rules!;
      const elfRule = rules.find((r) => r.id === 'binary-arch')!;
      expect(elfRule).toMatchObject({
        name: 'BinaryArch',
        // The former id and name, so results and suppressions recorded under them still match.
        deprecatedIds: ['elf-arch'],
        deprecatedNames: ['ElfArch'],
        defaultConfiguration: { level: 'error' },
        helpUri: 'https://github.com/gocross/gocross/blob/main/docs/checks/binary-arch.md',
      });
      expect(elfRule.shortDescription!.text.length).toBeGreaterThan(5);
      expect(elfRule.fullDescription!.text.length).toBeGreaterThan(10);
      expect(elfRule.help!.markdown!.length).toBeGreaterThan(10);
      for (const r of run.results!) {
        expect(rules[r.ruleIndex!].id).toBe(r.ruleId);
        expect(['error', 'warning']).toContain(r.level);
      }
      const elf = run.results!.find((r) => r.ruleId === 'binary-arch')!;
      const loc = elf.locations![0].physicalLocation!.artifactLocation!;
      expect(loc).toMatchObject({ uri: 'dist/apps/api/linux-amd64/api', uriBaseId: '%SRCROOT%' });
      expect(run.artifacts![loc.index!].location!.uri).toBe('dist/apps/api/linux-amd64/api');
      expect(run.artifacts![loc.index!].length).toBe(fs.statSync(path.join(ws, 'dist/apps/api/linux-amd64/api')).size);
      const asm = run.results!.find((r) => r.ruleId === 'asm-guard')!;
      expect(asm.locations![0].physicalLocation).toMatchObject({
        artifactLocation: { uri: 'apps/api/sum.s', uriBaseId: '%SRCROOT%' },
        region: { startLine: 4 },
      });
      const odd = run.results!.find((r) => r.ruleId === 'input' && r.message.text!.includes('notes'))!;
      expect(odd.locations![0].physicalLocation!.artifactLocation!.uri).toBe('dist/apps/api/notes%20%26%20%3Cstuff%3E.txt');
      expect(run.originalUriBaseIds!['%SRCROOT%'].uri).toMatch(/^file:\/\/.*\/$/);
      expect(run.invocations![0].executionSuccessful).toBe(true);
    });

    it('uses the docs pages as rule help when they are available', () => {
      const log = toSarif(result, { workspaceRoot: ws, docs: (id) => (id === 'asm-guard' ? '# asm-guard\n\nUse `_amd64.s`.' : undefined) }) as unknown as Sarif.Log;
      const rule = log.runs[0].tool.driver.rules!.find((r) => r.id === 'asm-guard')!;
      expect(rule.help).toEqual({ text: 'asm-guard\n\nUse _amd64.s.', markdown: '# asm-guard\n\nUse `_amd64.s`.' });
    });
  });

  describe('junit', () => {
    const parse = (xml: string) => {
      expect(XMLValidator.validate(xml)).toBe(true);
      return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase', 'failure'].includes(n) }).parse(xml);
    };

    it('is well-formed XML with one testcase per (artifact, check) and failures for errors', () => {
      const doc = parse(formatJUnit(result));
      const suites = doc.testsuites.testsuite as { name: string; tests: string; failures: string; testcase: { name: string; failure?: { message: string }[] }[] }[];
      expect(suites).toHaveLength(result.artifacts.length + result.sources.length);
      const api = suites.find((s) => s.name.startsWith('dist/apps/api/linux-amd64/api ['))!;
      expect(api.testcase.map((t) => t.name)).toEqual(result.artifacts[0].checksRun);
      const elf = api.testcase.find((t) => t.name === 'binary-arch')!;
      expect(elf.failure![0].message).toBe(result.artifacts[0].findings.find((f) => f.checkId === 'binary-arch')!.message);
      const ok = suites.find((s) => s.name.startsWith('dist/apps/api/linux-amd64/api-ok'))!;
      expect(ok.failures).toBe('0');
      expect(ok.testcase.every((t) => !t.failure)).toBe(true);
      const odd = suites.find((s) => s.name.includes('notes & <stuff>.txt'))!;
      expect(odd.testcase[0].name).toBe('input');
      expect(Number(doc.testsuites.failures)).toBe(suites.reduce((n, s) => n + Number(s.failures), 0));
    });

    it('fails on warnings only when asked', () => {
      const warned = { ...clean, findings: [], artifacts: clean.artifacts.map((a) => ({ ...a, findings: [{ checkId: a.checksRun[0], severity: 'warn' as const, message: 'w <1>', fix: 'f', file: a.file }] })) };
      const soft = parse(formatJUnit(warned));
      expect(soft.testsuites.failures).toBe('0');
      expect(formatJUnit(warned)).toContain('<system-out>warn');
      const hard = parse(formatJUnit(warned, { junitFailOn: 'warn' }));
      expect(hard.testsuites.failures).toBe('1');
    });

    it('escapes markup, quotes and characters XML cannot carry', () => {
      const nasty = 'a<b>&"c\'\u0000\u001b\uD800z';
      const esc = escapeXml(nasty);
      expect(esc).toBe('a&lt;b&gt;&amp;&quot;c&apos;\uFFFD\uFFFD\uFFFDz');
      const withNasty = { ...clean, artifacts: clean.artifacts.map((a) => ({ ...a, file: nasty, findings: [{ checkId: 'x]]>', severity: 'error' as const, message: nasty, fix: ']]>', file: nasty }] })) };
      const doc = parse(formatJUnit(withNasty));
      const tc = doc.testsuites.testsuite[0].testcase.find((t: { name: string }) => t.name === 'x]]>');
      expect(tc.failure[0].message).toBe('a<b>&"c\'\uFFFD\uFFFD\uFFFDz');
    });
  });

  it('writeReports writes every format atomically and returns the paths', () => {
    const out = path.join(ws, 'reports', 'api');
    const files = writeReports(result, [...REPORT_FORMATS, 'json'], out, { workspaceRoot: ws });
    expect(files.map((f) => path.basename(f))).toEqual(['gocross.txt', 'gocross.json', 'gocross.sarif', 'gocross.junit.xml']);
    expect(fs.readdirSync(out).sort()).toEqual(['gocross.json', 'gocross.junit.xml', 'gocross.sarif', 'gocross.txt']);
    expect(fs.readFileSync(files[0], 'utf8')).toBe(formatText(result));
    expect(JSON.parse(fs.readFileSync(files[1], 'utf8')).summary.errors).toBe(result.counts.error);
    // Rewriting replaces the files whole (no temp files left behind).
    writeReports(clean, ['json'], out);
    expect(JSON.parse(fs.readFileSync(files[1], 'utf8')).ok).toBe(true);
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(() => writeReports(result, ['html' as never], out)).toThrow(/unknown report format 'html'/);
  });
});

describe('describeTarget', () => {
  const t = (platform: string, extra: Record<string, unknown> = {}) =>
    ({ platform: parsePlatform(platform), cgo: false, buildmode: 'exe', linkmode: 'internal', tags: [], trimpath: true, ...extra }) as Parameters<typeof describeTarget>[0];
  it('names the C library of a cgo build for linux only: windows and darwin have none', () => {
    expect(describeTarget(t('linux/arm64', { cgo: true, libc: 'glibc' }))).toBe('linux/arm64, cgo glibc');
    expect(describeTarget(t('linux/amd64', { cgo: true, libc: 'musl', buildmode: 'pie' }))).toBe('linux/amd64, cgo musl, pie');
    expect(describeTarget(t('windows/amd64', { cgo: true, libc: 'glibc' }))).toBe('windows/amd64, cgo');
    expect(describeTarget(t('darwin/arm64', { cgo: true }))).toBe('darwin/arm64, cgo');
    expect(describeTarget(t('linux/riscv64'))).toBe('linux/riscv64, no cgo');
  });
});

describe('findPackageVersion', () => {
  it('finds the @gocross/nx package.json from every place its code runs: src, dist, the CLI bundles in dist/cli, an install', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-pkgversion-'));
    try {
      const write = (rel: string, pkg: object) => {
        fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), JSON.stringify(pkg));
      };
      // A workspace with the package installed, and a package.json of another name in between.
      write('package.json', { name: 'workspace', version: '1.0.0' });
      write('node_modules/@gocross/nx/package.json', { name: '@gocross/nx', version: '9.8.7' });
      write('node_modules/@gocross/nx/dist/templates/package.json', { name: 'template', version: '0.0.1' });
      const pkg = path.join(root, 'node_modules', '@gocross', 'nx');
      for (const d of ['dist/cli', 'dist/executors/build', 'dist/templates/x', 'src/executors/build']) {
        fs.mkdirSync(path.join(pkg, d), { recursive: true });
        expect([d, findPackageVersion(path.join(pkg, d))]).toEqual([d, '9.8.7']);
      }
      expect(findPackageVersion(root)).toBeUndefined();
      // This checkout: plugin/package.json.
      expect(findPackageVersion(__dirname)).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
