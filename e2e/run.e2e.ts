/**
 * `run-<platform>` through the real `nx` CLI: a small Go CLI that prints its arguments and its
 * stdin, built for linux/arm64 by the inferred build target and run under qemu-aarch64. Checks the
 * words after `--`, `--args="…"`, `args` in project.json, stdin, the exit code, and what a user
 * whose `nx` writes to a terminal gets when piping input (util-linux `script` provides the terminal).
 */
import * as path from 'node:path';
import { describeRun, goWorkUse, nxBinIn, nx, nxEnv, run, uniqueName, workspaceRoot, writeFile } from './utils';
import { haveTools, hostIs, itIf } from '../plugin/src/test-utils/gates';

const MAIN = [
  'package main',
  '',
  'import (',
  '\t"fmt"',
  '\t"io"',
  '\t"os"',
  '\t"runtime"',
  ')',
  '',
  'func main() {',
  '\tin, err := io.ReadAll(os.Stdin)',
  '\tif err != nil {',
  '\t\tfmt.Fprintln(os.Stderr, "reading stdin:", err)',
  '\t\tos.Exit(2)',
  '\t}',
  '\tfmt.Printf("on %s/%s args=%q stdin=%q\\n", runtime.GOOS, runtime.GOARCH, os.Args[1:], in)',
  '\tif len(os.Args) > 1 && os.Args[1] == "exit3" {',
  '\t\tos.Exit(3)',
  '\t}',
  '}',
  '',
].join('\n');

describe('run-<platform> through nx', () => {
  let ws: string;
  let project: string;

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('argcat');
    const root = `apps/${project}`;
    writeFile(path.join(ws, root, 'go.mod'), `module gocross.example/${root}\n\ngo 1.22\n`);
    writeFile(path.join(ws, root, 'main.go'), MAIN);
    // A target of project.json next to the inferred ones: args as an array.
    const targets = {
      'run-args': { executor: '@gocross/nx:run', options: { buildTarget: 'build-linux-arm64', args: ['x y', '--z'] }, dependsOn: ['build-linux-arm64'] },
    };
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, root, targets }, null, 2) + '\n');
    goWorkUse(root, ws);
  });

  itIf(haveTools('qemu-aarch64'))('-- words reach the program in order and piped stdin reaches it under qemu-aarch64', () => {
    const r = nx(['run', `${project}:run-linux-arm64`, '--', 'a', 'b c', '--flag', 'value'], { input: 'line 1\nline 2\n' });
    if (r.code !== 0) throw new Error(describeRun('run-linux-arm64', r));
    expect(r.output).toContain('on linux/arm64 args=["a" "b c" "--flag" "value"] stdin="line 1\\nline 2\\n"');
    expect(r.output).toMatch(/running \S+ a 'b c' --flag value for linux\/arm64 under qemu-aarch64/);
    // The words are for the program, not for the build it depends on.
    expect(r.output).toMatch(new RegExp(`> nx run ${project}:build-linux-arm64\\s`));
    expect(r.output).not.toMatch(/nx run \S+:build-linux-arm64 .*--flag/);
  });

  itIf(haveTools('qemu-aarch64'))('--args="--flag value" is split like a command line; args in project.json come first, then the -- words', () => {
    const a = nx(['run', `${project}:run-linux-arm64`, '--args=--flag value'], { input: '' });
    if (a.code !== 0) throw new Error(describeRun('run-linux-arm64 --args', a));
    expect(a.output).toContain('args=["--flag" "value"] stdin=""');
    const b = nx(['run', `${project}:run-args`, '--', 'more'], { input: 'x' });
    if (b.code !== 0) throw new Error(describeRun('run-args', b));
    expect(b.output).toContain('args=["x y" "--z" "more"] stdin="x"');
  });

  itIf(haveTools('qemu-aarch64'))('exit code 3 of the program fails the nx run and is named', () => {
    const r = nx(['run', `${project}:run-linux-arm64`, '--', 'exit3'], { input: '' });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('args=["exit3"]');
    expect(r.output).toMatch(/argcat\S* for linux\/arm64 exited with code 3 \(under qemu-aarch64\)/);
    expect(r.output).toMatch(/Running target run-linux-arm64 for project \S+ .*failed/);
    expect(r.output).toMatch(new RegExp(`Failed tasks:\\s+- ${project}:run-linux-arm64\\s`));
  });

  itIf(hostIs('linux', 'x64'))('run-darwin-arm64 on Linux: the binary is built but not run, and the run fails saying so (with and without CI)', () => {
    for (const CI of [undefined, 'true']) {
      const r = nx(['run', `${project}:run-darwin-arm64`], { input: '', env: { CI } });
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(new RegExp(`not run: darwin/arm64 binaries cannot run on this linux/amd64 machine \\(qemu-user runs Linux binaries on Linux only\\); it is built \\(dist/apps/${project}/darwin-arm64/${project}\\): run it on a darwin/arm64 machine`));
      expect(r.output).not.toMatch(/skipped/);
      expect(r.output).toMatch(new RegExp(`Failed tasks:\\s+- ${project}:run-darwin-arm64\\s`));
    }
  });

  // script(1), from util-linux, gives nx a terminal.
  itIf(haveTools('qemu-aarch64', 'script'))('nx writing to a terminal: piped input is refused with the fix, and the fix works', () => {
    const nxCmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(nxBinIn(ws))} run ${project}:run-linux-arm64 -- a`;
    // script(1) gives the command a terminal as stdout; its own stdin is /dev/null-like (closed).
    const inTerminal = (env: Record<string, string | undefined>) =>
      run('script', ['-qec', `printf 'one\\ntwo\\n' | ${nxCmd}`, '/dev/null'], { cwd: ws, env: nxEnv(env), input: '', timeoutMs: 5 * 60 * 1000 });
    const refused = inTerminal({});
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/the input piped into nx \(pipe:\[\d+\]\) would reach argcat\S* without its end: Nx runs this task in a pseudo-terminal/);
    expect(refused.output).toContain(`NX_NATIVE_COMMAND_RUNNER=false npx nx run ${project}:run-linux-arm64`);
    const fixed = inTerminal({ NX_NATIVE_COMMAND_RUNNER: 'false' });
    if (fixed.code !== 0) throw new Error(describeRun('run-linux-arm64 with NX_NATIVE_COMMAND_RUNNER=false in a terminal', fixed));
    expect(fixed.output).toContain('args=["a"] stdin="one\\ntwo\\n"');
  });
});
