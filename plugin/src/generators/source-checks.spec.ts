/**
 * What the generators write passes the plugin's own source checks (asm-guard, asm-coverage,
 * build-tags) on the default matrix and the arches the asm acceptance list names, with and
 * without -tags purego: generated code never produces a validate finding.
 */
import { logger } from '@nx/devkit';
import { validateArtifacts } from '../checks/engine';
import { defaultPolicy } from '../checks/policy';
import { SOURCE_CHECKS } from '../checks/registry';
import type { TargetSpec } from '../checks/types';
import { parsePlatform } from '../platforms/platform';
import { asmGenerator } from './asm/generator';
import { buildTagsGenerator } from './build-tags/generator';
import { libraryGenerator } from './library/generator';
import { emptyWorkspace, snapshotTree } from './shared/test-utils';

describe('generated code and the source checks', () => {
  it('reports nothing for asm and build-tags sets', async () => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const tree = emptyWorkspace();
    await libraryGenerator(tree, { name: 'mathx', modulePath: 'example.com/mathx' });
    await asmGenerator(tree, { project: 'mathx', signature: 'func Sum(xs []uint64) uint64', arches: 'amd64,arm64' });
    await asmGenerator(tree, { project: 'mathx', signature: 'func Dot(a, b []float64) float64', arches: 'amd64,arm64,riscv64,s390x' });
    await buildTagsGenerator(tree, { project: 'mathx', name: 'sockopt', platforms: 'linux,darwin,windows' });
    await buildTagsGenerator(tree, { project: 'mathx', name: 'hash', tag: 'purego' });
    const sources = Object.entries(snapshotTree(tree))
      .filter(([p]) => p.startsWith('libs/mathx/'))
      .map(([p, content]) => ({ path: p.slice('libs/mathx/'.length), content }));
    const platforms = ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64', 'linux/386', 'linux/s390x', 'js/wasm'];
    const sourceTargets: TargetSpec[] = platforms.flatMap((p) =>
      [[], ['purego']].map((tags) => ({ platform: parsePlatform(p), cgo: false, buildmode: 'exe' as const, tags })),
    );
    const checks = SOURCE_CHECKS.filter((c) => c.meta.id !== 'asmdecl'); // asmdecl needs go vet runs: the asm spec runs go vet itself
    expect(checks.map((c) => c.meta.id).sort()).toEqual(['asm-coverage', 'asm-guard', 'build-tags']);
    const validate = (files: typeof sources) =>
      validateArtifacts({ workspaceRoot: '/ws', project: 'mathx', projectRoot: 'libs/mathx', artifacts: [], sources: files, sourceTargets, policy: defaultPolicy(), checks });
    const result = await validate(sources);
    expect(result.sources).toHaveLength(sourceTargets.length);
    expect(result.sources.every((s) => s.checksRun.includes('asm-coverage'))).toBe(true);
    expect(result.sources.flatMap((s) => s.findings.map((f) => `${f.checkId}: ${f.message}`))).toEqual([]);

    // the same checks do see a broken set: an unguarded declaration and no fallback
    const broken = sources
      .filter((f) => f.path !== 'sum_fallback.go')
      .map((f) => (f.path === 'sum_decl.go' ? { ...f, content: f.content.replace(/^\/\/go:build .*\n\n/, '') } : f));
    expect(broken.find((f) => f.path === 'sum_decl.go')!.content.startsWith('package mathx')).toBe(true);
    const bad = await validate(broken);
    expect(bad.sources.flatMap((s) => s.findings.map((f) => f.checkId))).toContain('asm-coverage');
  });
});
