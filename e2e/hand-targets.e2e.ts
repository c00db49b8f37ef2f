/**
 * Cache keys of targets written by hand in project.json, through the real `nx` CLI in a workspace
 * set up by `nx g @gocross/nx:init` (whose targetDefaults cache every `@gocross/nx:build` target):
 *
 * - docs/cgo.md's hand-written musl target has the inputs an inferred target of its platform has:
 *   a C compiler whose `--version` changes is a miss, so is a GOFLAGS change, a file named for
 *   another platform is not an input;
 * - a `cc` set by hand on an inferred target (in its options and in a configuration) is the
 *   compiler whose identity is hashed, not the one the plugin would pick;
 * - a hand-written test target misses on a GOFLAGS change, a hand-written validate target on a
 *   policy change;
 * - the user's own `inputs` win (and `"..."` extends ours).
 *
 * The compilers are shell scripts running the real gcc and musl-gcc, with a `--version` the test
 * changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  copyModule,
  describeRun,
  expectSuccess,
  nx,
  nxTaskFromCache,
  pathWith,
  requireTool,
  RunOptions,
  showProject,
  targetInputs as inputsOf,
  uniqueName,
  workspaceRoot,
  writeFile,
} from './utils';
import { all, haveTools, hostIs, itIf } from '../plugin/src/test-utils/gates';


describe('hand-written targets and hand-set compilers', () => {
  let ws: string;
  let project: string;
  let root: string;
  let tools: string;
  const targets: Record<string, unknown> = {};
  const writeProject = () =>
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, root, targets }, null, 2) + '\n');
  const inWs = (args: string[], opts: RunOptions = {}) => nx(args, { ...opts, cwd: ws });
  /** Runs the task; true when Nx replayed it from the cache. */
  const runTask = (id: string, opts: RunOptions = {}, extra: string[] = []): boolean => {
    const r = inWs(['run', id, ...extra, '--outputStyle=stream'], opts);
    if (r.code !== 0) throw new Error(describeRun(`nx run ${id}`, r));
    return nxTaskFromCache(r.output, id);
  };
  const targetInputs = (id: string, opts: RunOptions = {}) => inputsOf(id, opts, inWs);

  /** A compiler script `dir/name` running `real`, whose `--version` prints the file `dir/name.version`. */
  const wrapper = (dir: string, name: string, real: string, version: string): ((v: string) => void) => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.version`);
    fs.writeFileSync(file, `${version}\n`);
    fs.writeFileSync(
      path.join(dir, name),
      `#!/bin/sh\nif [ "$1" = "--version" ] && [ $# -eq 1 ]; then cat '${file}'; exit 0; fi\nexec '${real}' "$@"\n`,
      { mode: 0o755 },
    );
    return (v) => fs.writeFileSync(file, `${v}\n`);
  };

  beforeAll(() => {
    // A workspace of its own (sharing the installed packages), so init's targetDefaults do not
    // change the other test files' workspace.
    const shared = workspaceRoot();
    ws = fs.mkdtempSync(path.join(path.dirname(shared), 'ws-hand-'));
    fs.symlinkSync(path.join(shared, 'node_modules'), path.join(ws, 'node_modules'));
    writeFile(path.join(ws, 'package.json'), JSON.stringify({ name: 'gocross-e2e-hand', version: '0.0.0', private: true }, null, 2) + '\n');
    writeFile(path.join(ws, 'nx.json'), JSON.stringify({ useDaemonProcess: false }, null, 2) + '\n');
    writeFile(path.join(ws, 'go.work'), 'go 1.22\n');
    expectSuccess('nx g @gocross/nx:init', inWs(['g', '@gocross/nx:init', '--platforms=linux/amd64', '--no-interactive']));
    project = uniqueName('cgo-hand');
    root = copyModule('apps/cgo-hello', `apps/${project}`, {}, ws);
    writeFile(path.join(ws, root, 'gocross.json'), JSON.stringify({ cgo: true, platforms: ['linux/amd64'] }) + '\n');
    writeFile(path.join(ws, root, 'main_test.go'), 'package main\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {}\n');
    tools = path.join(ws, 'tools');
  });

  // docs/cgo.md's example for the host's arch, as outputs.e2e.ts runs it: musl-gcc is Debian's musl compiler for amd64.
  itIf(all(hostIs('linux', 'x64'), haveTools('musl-gcc')))(
    'docs/cgo.md’s hand-written musl target: the inputs of an inferred target of its platform; a new compiler or GOFLAGS is a miss',
    () => {
      const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'cgo.md'), 'utf8');
      const example = /"build-linux-arm64-musl": (\{[\s\S]*?\n\})/.exec(doc);
      if (!example) throw new Error('docs/cgo.md has no "build-linux-arm64-musl" example');
      targets['build-linux-amd64-musl'] = JSON.parse(example[1].replace(/apps\/api/g, root).replace(/arm64/g, 'amd64'));
      writeProject();
      // The compiler the build picks for linux/amd64 with musl is the triple's (toolchain.ts), first on PATH.
      const setVersion = wrapper(path.join(tools, 'bin'), 'x86_64-linux-musl-gcc', requireTool('musl-gcc', 'link the musl build'), 'musl-gcc (wrapper) 12.2.0');
      const env = { env: { PATH: pathWith(path.join(tools, 'bin')) } };
      const id = `${project}:build-linux-amd64-musl`;

      // Every step, then one comparison: a failure lists every stale hit at once.
      const steps: [string, boolean][] = [];
      const step = (what: string, opts: RunOptions) => steps.push([what, runTask(id, opts)]);
      step('first run', env);
      step('again', env);
      setVersion('musl-gcc (wrapper) 12.2.1');
      step('musl-gcc --version changed', env);
      step('again', env);
      const tagged = { env: { ...env.env, GOFLAGS: '-tags=gocross_hand' } };
      step('GOFLAGS=-tags=gocross_hand', tagged);
      step('again', tagged);
      writeFile(path.join(ws, root, 'other_windows.go'), 'package main\n');
      step('a file go never builds for linux/amd64 added', tagged);
      expect(steps).toEqual([
        ['first run', false],
        ['again', true],
        ['musl-gcc --version changed', false],
        ['again', true],
        ['GOFLAGS=-tags=gocross_hand', false],
        ['again', true],
        ['a file go never builds for linux/amd64 added', true],
      ]);
      // What a user sees.
      const shown = showProject(project, { ...env, cwd: ws }).targets['build-linux-amd64-musl'];
      expect(shown.executor).toBe('@gocross/nx:build');
      expect(shown.inputs).toEqual(
        expect.arrayContaining(['gocross-build-linux-amd64', '^gocross-build-linux-amd64', 'gocross-env', expect.objectContaining({ runtime: expect.stringMatching(/cc-identity\.js" linux\/amd64 --libc musl$/) })]),
      );
      const inputs = targetInputs(id, env);
      expect(inputs.environment).toEqual(expect.arrayContaining(['GOFLAGS', 'CC_FOR_linux_amd64']));
      expect(inputs.runtime).toEqual(expect.arrayContaining([expect.stringContaining('go env GOVERSION'), expect.stringContaining('cc-identity')]));
      expect(inputs.files).toEqual(expect.arrayContaining([`${root}/main.go`, 'go.work']));
    },
  );

  itIf(all(hostIs('linux', 'x64'), haveTools('gcc')))(
    'a cc set by hand on an inferred target, in its options and in a configuration: the identity of that compiler is hashed',
    () => {
      const gcc = requireTool('gcc', 'link the host cgo build');
      const dir = path.join(tools, 'opt');
      const setMain = wrapper(dir, 'main-cc', gcc, 'main-cc (wrapper) 12.2.0');
      const setAlt = wrapper(dir, 'alt-cc', gcc, 'alt-cc (wrapper) 12.2.0');
      targets['build-linux-amd64'] = {
        options: { cc: path.join(dir, 'main-cc') },
        configurations: { alt: { cc: path.join(dir, 'alt-cc') } },
      };
      writeProject();
      const id = `${project}:build-linux-amd64`;

      const steps: [string, boolean][] = [];
      const step = (what: string, extra: string[] = []) => steps.push([what, runTask(id, {}, extra)]);
      step('first run');
      step('again');
      setMain('main-cc (wrapper) 12.2.1');
      step('main-cc --version changed');
      step('again');
      step('-c alt, first run', ['-c', 'alt']);
      step('-c alt, again', ['-c', 'alt']);
      setAlt('alt-cc (wrapper) 12.2.1');
      step('-c alt, alt-cc --version changed', ['-c', 'alt']);
      step('-c alt, again', ['-c', 'alt']);
      expect(steps).toEqual([
        ['first run', false],
        ['again', true],
        ['main-cc --version changed', false],
        ['again', true],
        ['-c alt, first run', false],
        ['-c alt, again', true],
        ['-c alt, alt-cc --version changed', false],
        ['-c alt, again', true],
      ]);

      const runtime = (showProject(project, { cwd: ws }).targets['build-linux-amd64'].inputs ?? []).flatMap((i) => (typeof i === 'object' && i && 'runtime' in i ? [(i as { runtime: string }).runtime] : []));
      const identities = runtime.filter((r) => r.includes('cc-identity'));
      expect(identities).toEqual([
        expect.stringMatching(new RegExp(`linux/amd64 --cc ${path.join(dir, 'main-cc')}$`)),
        expect.stringMatching(new RegExp(`linux/amd64 --cc ${path.join(dir, 'alt-cc')}$`)),
      ]);
    },
  );

  itIf(all(hostIs('linux', 'x64'), haveTools('gcc')))('a hand-written test target: a GOFLAGS change is a miss', () => {
    targets['unit-host'] = {
      executor: '@gocross/nx:test',
      cache: true,
      options: { goos: 'linux', goarch: 'amd64', cgo: true },
    };
    writeProject();
    const id = `${project}:unit-host`;
    runTask(id);
    expect(runTask(id)).toBe(true);
    expect(runTask(id, { env: { GOFLAGS: '-tags=gocross_hand' } })).toBe(false);
    expect(showProject(project, { cwd: ws }).targets['unit-host'].inputs).toEqual(expect.arrayContaining(['gocross-linux-amd64', 'gocross-env']));
  });

  itIf(all(hostIs('linux', 'x64'), haveTools('gcc')))('a hand-written validate target depends on its build and hashes the policy files', () => {
    targets['check-host'] = { executor: '@gocross/nx:validate', options: { buildTarget: 'build-linux-amd64' } };
    writeProject();
    const id = `${project}:check-host`;
    runTask(id);
    expect(runTask(id)).toBe(true);
    const policy = path.join(ws, 'gocross.policy.json');
    writeFile(policy, JSON.stringify({ checks: { hardening: 'off' } }, null, 2) + '\n');
    expect(runTask(id)).toBe(false);
    const shown = showProject(project, { cwd: ws }).targets['check-host'] as { dependsOn?: unknown[]; inputs?: unknown[] };
    expect(shown.dependsOn).toEqual(['build-linux-amd64']);
    expect(shown.inputs).toEqual(expect.arrayContaining(['gocross-policy']));
  });

  it("the user's own inputs win over the plugin's; \"...\" adds to them", () => {
    const base = { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', outputDir: `dist/${root}/own` } };
    targets['build-own-inputs'] = { ...base, inputs: ['default', { env: 'MY_VAR' }] };
    targets['build-more-inputs'] = { ...base, inputs: ['...', { env: 'MY_VAR' }] };
    writeProject();
    const shown = showProject(project, { cwd: ws }).targets;
    expect(shown['build-own-inputs'].inputs).toEqual(['default', { env: 'MY_VAR' }]);
    expect(shown['build-more-inputs'].inputs).toEqual(['gocross-build-linux-arm64', '^gocross-build-linux-arm64', 'gocross-env', { env: 'MY_VAR' }]);
    // What Nx hashes for them.
    const own = targetInputs(`${project}:build-own-inputs`).environment;
    expect(own).toContain('MY_VAR');
    expect(own).not.toContain('GOFLAGS');
    expect(targetInputs(`${project}:build-more-inputs`).environment).toEqual(expect.arrayContaining(['MY_VAR', 'GOFLAGS']));
  });
});
