import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveBuildOutputs } from '../../platforms/outputs';
import type { BuildExecutorSchema } from '../build/schema';
import { resolveCToolchain } from '../../platforms/toolchain';
import { parseTargetRef, pipedInputFix, pipedInputNotReaching, programArgs, readTargetOptionsFrom, runBinary, splitCommandLine, spawnProgram } from './executor';
import { memoryLogger } from '../shared/test-utils/memory-logger';
import { all, haveTools, hostIs, itIf } from '../../test-utils/gates';


/** A workspace whose project x has a linux/amd64 build target b with a (shell script) binary already built. */
function stubBinaryWorkspace() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-run-stdin-'));
  const bin = path.join(ws, 'dist', 'x');
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
  const projects = { projects: { x: { root: 'x', targets: { b: { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'amd64', outputPath: 'dist/x' } } } } } };
  return { ws, bin, projects };
}

describe('target references and options', () => {
  const projects = {
    projects: {
      api: {
        root: 'apps/api',
        targets: {
          'build-linux-arm64': {
            executor: '@gocross/nx:build',
            options: { goos: 'linux', goarch: 'arm64', outputDir: 'dist/{projectRoot}/arm64', tags: ['{projectRoot}'] },
            configurations: { production: { ldflags: '-s -w' } },
          },
        },
      },
    },
  };
  it('parses target, project:target and project:target:configuration', () => {
    expect(parseTargetRef('build-linux-arm64', 'api')).toEqual({ project: 'api', target: 'build-linux-arm64' });
    expect(parseTargetRef('web:build-arm64', 'api')).toEqual({ project: 'web', target: 'build-arm64' });
    expect(parseTargetRef('web:build:production', undefined)).toEqual({ project: 'web', target: 'build', configuration: 'production' });
    expect(parseTargetRef('build', undefined)).toBeUndefined();
    expect(parseTargetRef('a::b', 'x')).toBeUndefined();
  });
  it('merges a configuration and replaces {projectRoot}', () => {
    const r = readTargetOptionsFrom(projects, { project: 'api', target: 'build-linux-arm64', configuration: 'production' }, '/ws');
    expect(r).toEqual({
      ok: true,
      projectRoot: 'apps/api',
      executor: '@gocross/nx:build',
      options: { goos: 'linux', goarch: 'arm64', outputDir: 'dist/apps/api/arm64', tags: ['apps/api'], ldflags: '-s -w' },
    });
  });
  it('names the build targets when the one asked for does not exist', () => {
    const r = readTargetOptionsFrom(projects, { project: 'api', target: 'build-linux-riscv64' }, '/ws');
    expect(r).toEqual({ ok: false, message: 'project "api" has no target "build-linux-riscv64" (build targets: build-linux-arm64)' });
  });
});

describe('program arguments', () => {
  it('splits a command line like a shell', () => {
    expect(splitCommandLine('--flag value')).toEqual(['--flag', 'value']);
    expect(splitCommandLine(`  --name 'a b' "c \\"d\\"" e\\ f ''  `)).toEqual(['--name', 'a b', 'c "d"', 'e f', '']);
    expect(() => splitCommandLine("'open")).toThrow("unterminated '");
  });
  // __unparsed__ values below are what Nx 24.0.6 passed for each command line (checked with a scratch executor).
  it('appends the words after -- to the target args, in order', () => {
    // nx run app:run-linux-arm64 -- --flag value positional
    expect(programArgs({ buildTarget: 'b', args: ['--v'], __unparsed__: ['--flag', 'value', 'positional'], _: ['positional'] })).toEqual([
      '--v',
      '--flag',
      'value',
      'positional',
    ]);
    // nx run app:run-linux-arm64 -- a "b c"
    expect(programArgs({ buildTarget: 'b', __unparsed__: ['a', 'b c'] })).toEqual(['a', 'b c']);
  });
  it('--args on the command line replaces the target args and is split like a shell command line', () => {
    // nx run app:run-linux-arm64 --args="--flag value" (Nx itself turns it into ["--flag value"])
    expect(programArgs({ buildTarget: 'b', args: ['--flag value'], __unparsed__: ['--args=--flag value'] })).toEqual(['--flag', 'value']);
    expect(programArgs({ buildTarget: 'b', args: ['x'], __unparsed__: ['--args', 'one', 'two'] })).toEqual(['one', 'two']);
  });
  it('takes out the options of the executor itself, and passes everything after a second -- unchanged', () => {
    expect(programArgs({ buildTarget: 'b', cpu: 'cortex-a53', __unparsed__: ['--cpu=cortex-a53', 'a', '--env.X=1', '--build-target', 'x', 'b'] })).toEqual([
      'a',
      'b',
    ]);
    // nx run app:run-linux-arm64 -- -- --cpu 4
    expect(programArgs({ buildTarget: 'b', __unparsed__: ['--', '--cpu', '4'] })).toEqual(['--cpu', '4']);
  });
  it('a string args in project.json is split; an array is kept; without a command line the positionals follow', () => {
    expect(programArgs({ buildTarget: 'b', args: '--port 8080' })).toEqual(['--port', '8080']);
    expect(programArgs({ buildTarget: 'b', args: ['a b'] })).toEqual(['a b']);
    expect(programArgs({ buildTarget: 'b', args: ['a'], _: ['p'] })).toEqual(['a', 'p']);
  });
});

describe('stdin', () => {
  /** A process tree: pid → [fd0, parent]. */
  const tree = (t: Record<number, [string, number | undefined]>) => ({ fd0: (p: number) => t[p]?.[0], parent: (p: number) => t[p]?.[1] });
  it('finds input piped into nx that reaches the task through a pseudo-terminal', () => {
    // run-executor (pty) <- fork.js (pty) <- sh (pty) <- nx (pipe), as Nx 24 runs a task when its output is a terminal
    const t = tree({ 10: ['/dev/pts/3', 9], 9: ['/dev/pts/3', 8], 8: ['/dev/pts/3', 7], 7: ['pipe:[42]', 6], 6: ['/dev/pts/0', undefined] });
    expect(pipedInputNotReaching(10, true, t)).toBe('pipe:[42]');
    expect(pipedInputNotReaching(10, false, t)).toBeUndefined();
    // nx < input.txt
    expect(pipedInputNotReaching(10, true, tree({ 10: ['/dev/pts/3', 7], 7: ['/home/u/input.txt', undefined] }))).toBe('/home/u/input.txt');
    // a terminal above a terminal (typing), or /dev/null: nothing is lost
    expect(pipedInputNotReaching(10, true, tree({ 10: ['/dev/pts/3', 7], 7: ['/dev/pts/0', undefined] }))).toBeUndefined();
    expect(pipedInputNotReaching(10, true, tree({ 10: ['/dev/pts/3', 7], 7: ['/dev/null', undefined] }))).toBeUndefined();
  });
  it('finds nothing for this process when its stdin is not a terminal', () => {
    expect(pipedInputNotReaching(process.pid, false)).toBeUndefined();
  });
  it('refuses to run when the piped input would reach the program without its end, saying how to fix it', async () => {
    const logger = memoryLogger();
    const { ws, projects } = stubBinaryWorkspace();
    try {
      let spawned = false;
      const r = await runBinary(
        { buildTarget: 'b' },
        { workspaceRoot: ws, projectName: 'x', projects, env: {}, hostGoos: 'linux', hostGoarch: 'amd64' },
        { logger, pipedInputLost: () => 'pipe:[7]', spawn: async () => ((spawned = true), { code: 0, signal: null, stdout: '', stderr: '', output: '' }) },
      );
      expect(r.success).toBe(false);
      expect(spawned).toBe(false);
      expect(logger.lines.join('\n')).toContain('the input piped into nx (pipe:[7]) would reach x without its end: Nx runs this task in a pseudo-terminal');
      expect(logger.lines.join('\n')).toContain('NX_NATIVE_COMMAND_RUNNER=false');
      expect(logger.lines.join('\n')).not.toMatch(/<[a-z]+>/);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
  it('passes the task stdin to the program by default (the end-to-end test runs it through nx)', async () => {
    const { ws, projects } = stubBinaryWorkspace();
    try {
      const seen: unknown[] = [];
      const r = await runBinary(
        { buildTarget: 'b', __unparsed__: ['a'] },
        { workspaceRoot: ws, projectName: 'x', projects, env: {}, hostGoos: 'linux', hostGoarch: 'amd64' },
        { logger: memoryLogger(), pipedInputLost: () => undefined, spawn: async (_f, args, o) => (seen.push(o.stdin, args), { code: 0, signal: null, stdout: '', stderr: '', output: '' }) },
      );
      expect(r.success).toBe(true);
      expect(seen).toEqual(['inherit', ['a']]);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
  it('a binary this machine cannot run is not run, and the target fails saying so (locally as on CI)', async () => {
    const logger = memoryLogger();
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-run-other-'));
    try {
      for (const [slug, name] of [['darwin-arm64', 'fzf'], ['linux-s390x', 'fzf']]) {
        fs.mkdirSync(path.join(ws, 'dist', slug), { recursive: true });
        fs.writeFileSync(path.join(ws, 'dist', slug, name), 'x');
      }
      const projects = {
        projects: {
          fzf: {
            root: 'fzf',
            targets: {
              'build-darwin-arm64': { executor: '@gocross/nx:build', options: { goos: 'darwin', goarch: 'arm64', outputPath: 'dist/darwin-arm64/fzf' } },
              'build-linux-s390x': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 's390x', outputPath: 'dist/linux-s390x/fzf' } },
            },
          },
        },
      };
      let spawned = false;
      const deps = { logger, pipedInputLost: () => undefined, spawn: async () => ((spawned = true), { code: 0, signal: null, stdout: '', stderr: '', output: '' }) };
      for (const env of [{ PATH: '' }, { PATH: '', CI: 'true' }]) {
        logger.lines.length = 0;
        const darwin = await runBinary({ buildTarget: 'build-darwin-arm64' }, { workspaceRoot: ws, projectName: 'fzf', projects, env, hostGoos: 'linux', hostGoarch: 'amd64' }, deps);
        expect(darwin).toMatchObject({ success: false, ran: 'none' });
        expect(logger.lines).toEqual([
          'error: not run: darwin/arm64 binaries cannot run on this linux/amd64 machine (qemu-user runs Linux binaries on Linux only); it is built (dist/darwin-arm64/fzf): run it on a darwin/arm64 machine',
        ]);
        logger.lines.length = 0;
        const s390x = await runBinary({ buildTarget: 'build-linux-s390x' }, { workspaceRoot: ws, projectName: 'fzf', projects, env, hostGoos: 'linux', hostGoarch: 'amd64' }, deps);
        expect(s390x.success).toBe(false);
        expect(logger.lines).toEqual(['error: not run: fzf for linux/s390x needs an emulator here: qemu-s390x is not installed — fix: apt-get install -y qemu-user']);
      }
      expect(spawned).toBe(false);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
  it('spawnProgram writes given input to the program and closes it', async () => {
    const r = await spawnProgram('sh', ['-c', 'cat; echo end'], { cwd: os.tmpdir(), env: { PATH: process.env.PATH ?? '' }, stdout: null, stderr: null, stdin: 'a\nb\n' });
    expect(r).toMatchObject({ code: 0, output: 'a\nb\nend\n' });
  });
});

describe('running built binaries, for real', () => {
  let ws: string;
  const projectRoot = 'apps/echo';
  const targets: Record<string, { executor: string; options: BuildExecutorSchema }> = {
    'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cgo: true } },
    'build-linux-arm-7': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm', goarm: '7', cgo: true } },
    'build-linux-riscv64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'riscv64' } },
    'build-linux-s390x': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 's390x' } },
    'build-linux-mips64le': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'mips64le' } },
    'build-linux-amd64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'amd64' } },
  };
  const projects = () => ({ projects: { echo: { root: projectRoot, targets } } });
  const env = () => ({ ...process.env, GOWORK: 'off' });

  /** Builds a target's binary with go directly into the path the build executor would use. */
  function build(target: string, override?: Partial<BuildExecutorSchema>): string {
    const options = { ...targets[target].options, ...override };
    const out = resolveBuildOutputs(options, { workspaceRoot: ws, projectRoot });
    const e: Record<string, string> = { ...(env() as Record<string, string>), GOOS: options.goos, GOARCH: options.goarch, CGO_ENABLED: options.cgo ? '1' : '0' };
    if (options.goarm) e.GOARM = options.goarm;
    if (options.cgo) {
      const tc = resolveCToolchain({ platform: out.platform, env: process.env, hostGoos: 'linux', hostGoarch: 'amd64' });
      if (!tc.ok) throw new Error(tc.message);
      e.CC = tc.toolchain.cc;
      e.CGO_CFLAGS = ['-O2', ...tc.toolchain.cflags].join(' ');
    }
    const file = out.files[0].path;
    const r = spawnSync('go', ['build', '-trimpath', '-o', file, '.'], { cwd: path.join(ws, projectRoot), env: e, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return file;
  }

  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-run-'));
    const dir = path.join(ws, projectRoot);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/echo\n\ngo 1.22\n');
    fs.writeFileSync(
      path.join(dir, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"io"\n\t"os"\n\t"runtime"\n\t"strings"\n)\n\nvar extra = ""\n\nfunc main() {\n\tfmt.Printf("%s/%s%s args=%s\\n", runtime.GOOS, runtime.GOARCH, extra, strings.Join(os.Args[1:], ","))\n\tif len(os.Args) > 1 && os.Args[1] == "fail" {\n\t\tos.Exit(3)\n\t}\n\tif len(os.Args) > 1 && os.Args[1] == "stdin" {\n\t\tb, _ := io.ReadAll(os.Stdin)\n\t\tfmt.Printf("stdin=%q\\n", b)\n\t}\n}\n',
    );
    fs.writeFileSync(
      path.join(dir, 'cgo.go'),
      '//go:build cgo\n\npackage main\n\n/*\nstatic int add(int a, int b) { return a + b; }\n*/\nimport "C"\n\nimport "fmt"\n\nfunc init() { extra = fmt.Sprintf(" cgo=%d", int(C.add(2, 3))) }\n',
    );
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  const cases = [
    { target: 'build-linux-arm64', tools: ['aarch64-linux-gnu-gcc', 'qemu-aarch64'], expect: 'linux/arm64 cgo=5 args=a,b c\n', l: true },
    { target: 'build-linux-arm-7', tools: ['arm-linux-gnueabihf-gcc', 'qemu-arm'], expect: 'linux/arm cgo=5 args=a,b c\n', l: true },
    { target: 'build-linux-riscv64', tools: ['qemu-riscv64'], expect: 'linux/riscv64 args=a,b c\n', l: false },
    { target: 'build-linux-amd64', tools: [], expect: 'linux/amd64 args=a,b c\n', l: false },
  ];
  for (const c of cases)
  itIf(all(haveTools('go', ...c.tools), c.target === 'build-linux-amd64' ? hostIs('linux', 'x64') : { ok: true }))(`${c.target} runs with args`, async () => {
    build(c.target);
    const logger = memoryLogger();
    const r = await runBinary(
      { buildTarget: c.target, args: ['a', 'b c'] },
      { workspaceRoot: ws, projectName: 'echo', projects: projects(), env: env() },
      { logger, stdout: null, stderr: null },
    );
    expect(r.output).toBe(c.expect);
    expect(r.success).toBe(true);
    expect(r.ran).toBe(c.target === 'build-linux-amd64' ? 'native' : 'qemu');
    expect(r.argv?.includes('-L')).toBe(c.l);
  });

  itIf(haveTools('go', 'qemu-aarch64', 'aarch64-linux-gnu-gcc'))('feeds stdin to a program under qemu and passes the words after -- in order', async () => {
    build('build-linux-arm64');
    const logger = memoryLogger();
    const r = await runBinary(
      { buildTarget: 'build-linux-arm64', args: ['stdin'], __unparsed__: ['--flag', 'value', 'b c'] },
      { workspaceRoot: ws, projectName: 'echo', projects: projects(), env: env() },
      { logger, stdout: null, stderr: null, stdin: 'a\nb\n' },
    );
    expect(r.output).toBe('linux/arm64 cgo=5 args=stdin,--flag,value,b c\nstdin="a\\nb\\n"\n');
    expect(r.success).toBe(true);
    expect(logger.lines.find((l) => l.startsWith('info: running'))).toMatch(/ stdin --flag value 'b c' for linux\/arm64 under qemu-aarch64$/);
  });

  itIf(haveTools('go', 'arm-linux-gnueabihf-gcc', 'qemu-arm'))('emulates the device CPU: a GOARM=7 build dies on a Pi Zero CPU, a GOARM=6 build runs', async () => {
    build('build-linux-arm-7', { cgo: false });
    const logger = memoryLogger();
    const r7 = await runBinary(
      { buildTarget: 'build-linux-arm-7', cpu: 'arm1176' },
      { workspaceRoot: ws, projectName: 'echo', projects: projects(), env: env() },
      { logger, stdout: null, stderr: null },
    );
    expect(r7.success).toBe(false);
    expect(r7.argv?.slice(1, 3)).toEqual(['-cpu', 'arm1176']);
    expect(logger.lines.join('\n')).toContain('hint [cpu-too-old]');
    const six = { ...targets, 'build-linux-arm-6': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm', goarm: '6' } as BuildExecutorSchema } };
    const out = resolveBuildOutputs(six['build-linux-arm-6'].options, { workspaceRoot: ws, projectRoot });
    const b = spawnSync('go', ['build', '-o', out.files[0].path, '.'], {
      cwd: path.join(ws, projectRoot),
      env: { ...(env() as Record<string, string>), GOOS: 'linux', GOARCH: 'arm', GOARM: '6', CGO_ENABLED: '0' },
      encoding: 'utf8',
    });
    expect(b.stderr).toBe('');
    const r6 = await runBinary(
      { buildTarget: 'build-linux-arm-6', cpu: 'arm1176' },
      { workspaceRoot: ws, projectName: 'echo', projects: { projects: { echo: { root: projectRoot, targets: six } } }, env: env() },
      { logger: memoryLogger(), stdout: null, stderr: null },
    );
    expect(r6.output).toBe('linux/arm args=\n');
    expect(r6.success).toBe(true);
  });

  itIf(haveTools('go', 'qemu-s390x'))('passes a non-zero exit status through as a failure', async () => {
    build('build-linux-s390x');
    const logger = memoryLogger();
    const r = await runBinary(
      { buildTarget: 'echo:build-linux-s390x', args: ['fail'] },
      { workspaceRoot: ws, projects: projects(), env: env() },
      { logger, stdout: null, stderr: null },
    );
    expect(r.output).toBe('linux/s390x args=fail\n');
    expect(r).toMatchObject({ success: false, ran: 'qemu', exitCode: 3 });
    expect(logger.lines.join('\n')).toContain('exited with code 3 (under qemu-s390x)');
  });

  it('refuses a missing artifact, naming the build command', async () => {
    const logger = memoryLogger();
    const r = await runBinary({ buildTarget: 'build-linux-mips64le' }, { workspaceRoot: ws, projectName: 'echo', projects: projects(), env: env() }, { logger });
    expect(r.success).toBe(false);
    expect(logger.lines.join('\n')).toContain('build it first with npx nx run echo:build-linux-mips64le');
  });

  itIf(haveTools('go', 'qemu-mips64el'))('refuses a binary of the wrong architecture', async () => {
    // The riscv64 binary sitting where the mips64le one should be.
    const wrong = build('build-linux-riscv64');
    const mipsPath = resolveBuildOutputs(targets['build-linux-mips64le'].options, { workspaceRoot: ws, projectRoot }).files[0].path;
    fs.mkdirSync(path.dirname(mipsPath), { recursive: true });
    fs.copyFileSync(wrong, mipsPath);
    const logger = memoryLogger();
    const r = await runBinary({ buildTarget: 'build-linux-mips64le' }, { workspaceRoot: ws, projectName: 'echo', projects: projects(), env: env() }, { logger });
    expect(r.success).toBe(false);
    expect(logger.lines.join('\n')).toContain('is a riscv64 binary, not linux/mips64le: rebuild it with npx nx run echo:build-linux-mips64le');
    // The validate target of that platform is named when the project has one (with the project's target prefix), never guessed.
    expect(logger.lines.join('\n')).not.toContain(':validate');
    const withValidate = { projects: { echo: { root: projectRoot, targets: { ...targets, 'validate-linux-mips64le': { executor: '@gocross/nx:validate', options: { buildTarget: 'build-linux-mips64le' } } } } } };
    const logger2 = memoryLogger();
    await runBinary({ buildTarget: 'build-linux-mips64le' }, { workspaceRoot: ws, projectName: 'echo', projects: withValidate, env: env() }, { logger: logger2 });
    expect(logger2.lines.join('\n')).toContain('rebuild it with npx nx run echo:build-linux-mips64le, and see npx nx run echo:validate-linux-mips64le');
  });
});

describe('pipedInputFix', () => {
  it('names the task when it is known, and has no placeholder when it is not', () => {
    expect(pipedInputFix('app:run-linux-arm64')).toContain('(… | NX_NATIVE_COMMAND_RUNNER=false npx nx run app:run-linux-arm64)');
    expect(pipedInputFix()).toContain('Run it with NX_NATIVE_COMMAND_RUNNER=false in the environment of the nx command, or');
    expect(pipedInputFix()).not.toMatch(/<[a-z]+>/);
  });
});
