import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INPUT_CHECK_ID, validateArtifacts } from './engine';
import type { SourceCheckContext, BinaryCheckContext } from './context';
import { collectExportNames } from './context';
import { defaultPolicy, loadPolicy } from './policy';
import { rpath } from './rules/rpath';
import { buildFixture, HELLO, REPRO } from './test-utils/fixtures';
import { target } from './test-utils/run';
import type { BinaryCheck, SourceCheck } from './rule';

describe('validateArtifacts', () => {
  let dir: string;
  let good: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-engine-'));
    good = buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: 'arm64' }, args: REPRO });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a binary at all\n');
    const bytes = fs.readFileSync(good);
    fs.writeFileSync(path.join(dir, 'truncated'), bytes.subarray(0, 200));
    fs.writeFileSync(path.join(dir, 'empty'), Buffer.alloc(0));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('missing, non-binary, empty and truncated inputs give one clear input error each, not a crash', async () => {
    const t = target('linux/arm64');
    const r = await validateArtifacts({
      workspaceRoot: dir,
      artifacts: ['missing', 'notes.txt', 'empty', 'truncated', '.'].map((p) => ({ path: p, target: t })),
      policy: defaultPolicy(),
    });
    expect(r.artifacts.map((a) => [a.file, a.kind, a.findings.length, a.findings[0]?.checkId])).toEqual([
      ['missing', 'missing', 1, INPUT_CHECK_ID],
      ['notes.txt', 'unknown', 1, INPUT_CHECK_ID],
      ['empty', 'unknown', 1, INPUT_CHECK_ID],
      ['truncated', 'elf', 1, INPUT_CHECK_ID],
      [dir, 'missing', 1, INPUT_CHECK_ID],
    ]);
    expect(r.artifacts[4].error).toBe(`cannot open ${dir}: it is a directory`);
    expect(r.artifacts[0].error).toBe('cannot open missing: no such file');
    expect(r.artifacts[1].error).toMatch(/notes\.txt is not an ELF, Mach-O, PE or ar file \(20 bytes\)/);
    expect(r.artifacts[3].error).toMatch(/^truncated cannot be parsed as elf: elf: at offset \d+: expected/);
    expect(r.counts).toEqual({ error: 5, warn: 0, total: 5, artifacts: 5, checksRun: 0 });
  });

  it('a missing artifact names the Nx target that builds it, with the real project and platform slug', async () => {
    const fixOf = async (req: Partial<Parameters<typeof validateArtifacts>[0]>, a: Record<string, unknown> = {}) =>
      (
        await validateArtifacts({
          workspaceRoot: dir,
          artifacts: [{ path: 'missing', target: target('linux/arm/7'), ...a }],
          policy: defaultPolicy(),
          ...req,
        })
      ).findings[0].fix;
    expect(await fixOf({ project: 'api' })).toBe('build it first (npx nx run api:build-linux-arm-7) or fix the path');
    expect(await fixOf({ project: 'api' }, { buildTarget: 'api:compile-arm' })).toBe('build it first (npx nx run api:compile-arm) or fix the path');
    expect(await fixOf({})).toBe('build it first or fix the path');
  });

  it('counts, bytes read (a small share of the file) and per-artifact grouping', async () => {
    const r = await validateArtifacts({
      artifacts: [
        { path: good, target: target('linux/arm64') },
        { path: good, target: target('linux/amd64') },
      ],
      policy: defaultPolicy(),
    });
    expect(r.artifacts[0].findings).toEqual([]);
    expect(r.artifacts[1].findings.map((f) => f.checkId)).toEqual(['binary-arch', 'buildinfo']);
    expect(r.counts).toMatchObject({ error: 2, warn: 0, total: 2, artifacts: 2, checksRun: 10 });
    expect(r.totalBytes).toBe(2 * fs.statSync(good).size);
    expect(r.bytesRead).toBeGreaterThan(0);
    expect(r.bytesRead / r.totalBytes).toBeLessThan(0.05);
    // outside the workspace root (a temp dir): shown as an absolute path
    expect(r.artifacts[0].file).toBe(good);
    expect(r.checks.map((c) => c.id)).toContain('binary-arch');
  });

  it('policy: off skips a check, warn downgrades its findings', async () => {
    const t = target('linux/amd64');
    const off = await validateArtifacts({ artifacts: [{ path: good, target: t }], policy: loadPolicy({ checks: { 'binary-arch': 'off', buildinfo: 'off' } }, 'p') });
    expect(off.findings).toEqual([]);
    expect(off.artifacts[0].checksRun).not.toContain('binary-arch');
    const warn = await validateArtifacts({ artifacts: [{ path: good, target: t }], policy: loadPolicy({ checks: { 'binary-arch': 'warn' } }, 'p') });
    expect(warn.findings.map((f) => `${f.severity} ${f.checkId}`)).toEqual(['warn binary-arch', 'error buildinfo']);
  });

  it('a check that throws gives one error finding naming the check', async () => {
    const boom: BinaryCheck = {
      meta: { id: 'boom', title: 'b', kind: 'binary', defaultSeverity: 'warn', description: 'd', docs: 'docs/checks/boom.md', schema: false },
      run(ctx: BinaryCheckContext) {
        ctx.elf()!.sectionData({ ...ctx.elf()!.sections[1], offset: 1e12, size: 10 });
        return [];
      },
    };
    const r = await validateArtifacts({ artifacts: [{ path: good, target: target('linux/arm64') }], policy: defaultPolicy(), checks: [boom, rpath] });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ checkId: 'boom', severity: 'error' });
    expect(r.findings[0].message).toMatch(/^check could not read what it needs: /);
    expect(r.artifacts[0].checksRun).toEqual(['boom', 'rpath']);
  });

  it('source checks run once per distinct target; the same finding is reported once', async () => {
    const seen: string[] = [];
    const src: SourceCheck = {
      meta: { id: 'asm-guard', title: 's', kind: 'source', defaultSeverity: 'error', description: 'd', docs: 'docs/checks/asm-guard.md', schema: false },
      run(ctx: SourceCheckContext) {
        seen.push(`${ctx.platform.goos}/${ctx.platform.goarch}:${ctx.sources.length}`);
        return [{ checkId: 'asm-guard', severity: 'error', message: 'unguarded', fix: 'guard it', file: `${ctx.projectRoot}/x.s`, line: 1 }];
      },
    };
    const r = await validateArtifacts({
      projectRoot: 'libs/m',
      artifacts: [
        { path: good, target: target('linux/arm64') },
        { path: good, target: target('linux/arm64') },
      ],
      sourceTargets: [target('linux/arm64'), target('linux/amd64'), target('linux/arm64')],
      sources: [{ path: 'x.s', content: 'TEXT ·f(SB),0,$0\n' }],
      policy: defaultPolicy(),
      checks: [src],
    });
    expect(seen).toEqual(['linux/arm64:1', 'linux/amd64:1']);
    expect(r.sources).toHaveLength(2);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ file: 'libs/m/x.s', line: 1 });
  });

  it('corrupted binaries (bytes flipped in the headers and tables, random truncation) never crash the engine', async () => {
    const orig = fs.readFileSync(good);
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const t = target('linux/arm64');
    const file = path.join(dir, 'mutant');
    for (let i = 0; i < 60; i++) {
      const buf = Buffer.from(orig);
      // The ELF header, program headers and section headers are where parsing decisions happen.
      const shoff = Number(buf.readBigUInt64LE(0x28));
      for (let k = 0; k < 1 + rnd(8); k++) {
        const at = rnd(3) === 0 ? shoff + rnd(Math.max(1, buf.length - shoff)) : rnd(4096);
        if (at < buf.length) buf[at] = rnd(256);
      }
      const cut = rnd(4) === 0 ? rnd(buf.length) : buf.length;
      fs.writeFileSync(file, buf.subarray(0, cut));
      const r = await validateArtifacts({ artifacts: [{ path: file, target: t }], policy: defaultPolicy() });
      expect(r.artifacts).toHaveLength(1);
      for (const f of r.findings) {
        expect(typeof f.message).toBe('string');
        expect(f.fix.length).toBeGreaterThan(0);
      }
    }
  });

  it('collectExportNames reads //export directives at column 0 of Go files only', () => {
    const names = collectExportNames([
      { path: 'a.go', content: '//export Add\nfunc Add() {}\n// export NotThis\n  //export NorThis\n//export Sub\n' },
      { path: 'b.c', content: '//export FromC\n' },
    ]);
    expect([...names].sort()).toEqual(['Add', 'Sub']);
  });
});
