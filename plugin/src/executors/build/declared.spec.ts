import type { ExecutorContext } from '@nx/devkit';
import * as path from 'node:path';
import { interpolateOutputs, undeclaredFiles } from './declared';
import { undeclaredMessage } from './executor';
import type { BuildExecutorSchema } from './schema';

const ws = path.resolve('/ws');

function context(target: Record<string, unknown>, targetName = 'build-linux-arm64-musl'): ExecutorContext {
  return {
    root: ws,
    cwd: ws,
    isVerbose: false,
    projectName: 'api',
    targetName,
    target,
    projectsConfigurations: { version: 2, projects: { api: { root: 'apps/api' } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as unknown as ExecutorContext;
}

describe('declared outputs', () => {
  it('interpolates workspace, project and option tokens; drops entries whose option is unset', () => {
    expect(
      interpolateOutputs(
        ['{workspaceRoot}/dist/{projectRoot}/linux-arm64', '{options.outputDir}', '{options.outputPath}.intoto.json', '{projectRoot}/bin', '!{workspaceRoot}/x', '...'],
        { workspaceRoot: ws, projectRoot: 'apps/api', projectName: 'api', options: { outputDir: 'dist/musl' } },
      ),
    ).toEqual([path.join(ws, 'dist/apps/api/linux-arm64'), path.join(ws, 'dist/musl'), path.join(ws, 'apps/api/bin')]);
  });

  it('a directory covers what is below it, not its siblings', () => {
    const d = [path.join(ws, 'dist/a/linux-arm64')];
    expect(undeclaredFiles([path.join(ws, 'dist/a/linux-arm64/a'), path.join(ws, 'dist/a/linux-arm64-musl/a')], d)).toEqual([
      path.join(ws, 'dist/a/linux-arm64-musl/a'),
    ]);
  });

  it('a cached hand-written musl target without outputs is refused with what to set; outputDir with the init defaults is accepted', () => {
    const options: BuildExecutorSchema = { goos: 'linux', goarch: 'arm64', cgo: true, libc: 'musl' };
    const initDefaults = ['...', '{options.outputDir}', '{options.outputPath}', '{options.outputPath}.intoto.json'];
    const msg = undeclaredMessage(options, context({ cache: true, options, outputs: initDefaults }), 'apps/api', options);
    expect(msg).toBe(
      'api:build-linux-arm64-musl writes dist/apps/api/linux-arm64-musl/api (and 1 more), which is not among the target\'s outputs, ' +
        'so the Nx cache would replay it without that file: set "outputDir": "dist/apps/api/linux-arm64-musl" ' +
        '(the targetDefaults of nx g @gocross/nx:init declare {options.outputDir}) or add "{workspaceRoot}/dist/apps/api/linux-arm64-musl" to its outputs',
    );
    const withDir = { ...options, outputDir: 'dist/apps/api/linux-arm64-musl' };
    expect(undeclaredMessage(withDir, context({ cache: true, options: withDir, outputs: initDefaults }), 'apps/api', withDir)).toBeUndefined();
    // Not cached: nothing to replay wrongly.
    expect(undeclaredMessage(options, context({ options }), 'apps/api', options)).toBeUndefined();
    // A c-shared header next to outputPath is not covered by the file's own entry.
    const so = { goos: 'linux', goarch: 'amd64', cgo: true, buildmode: 'c-shared' as const, outputPath: 'dist/lib/libx.so' };
    expect(undeclaredMessage(so, context({ cache: true, options: so, outputs: initDefaults }), 'apps/api', so)).toMatch(
      /^api:build-linux-arm64-musl writes dist\/lib\/libx\.h, which is not among/,
    );
  });
});
