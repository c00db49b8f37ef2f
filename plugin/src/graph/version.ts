/**
 * The version a build's `{version}` and a release are labelled with, defined once:
 *
 *   git describe --tags --always            v1.4.0, v1.4.0-3-g1a2b3c4, 1a2b3c4
 *   + "-dirty" when `git status --porcelain` prints anything: a tracked file changed, or a file
 *     git does not ignore is untracked
 *
 * `git describe --dirty` alone ignores untracked files, so a tree with a new Go file the build
 * compiles was labelled as the clean tag. The whole repository counts, not only the workspace:
 * `git describe --dirty` already looks at every tracked file of it, a build may read modules
 * outside the workspace root (go.work `use ../x`, go.mod `replace => ../y`), and the label names
 * a commit of the repository, which only a clean repository can be rebuilt from. A file to keep
 * out of the label belongs in .gitignore. goreleaser calls any `git status --porcelain` output
 * dirty as well.
 *
 *   node version.js
 *
 * prints the version of the repository holding the current directory, or `none` when there is
 * none: the runtime input of the release targets and of the build targets using `{version}`, so
 * their cache key holds exactly the label the executors compute.
 */
import { spawnSync } from 'node:child_process';

/** Runs git with `args` in `cwd`: its trimmed stdout, or an error sentence. */
export type GitRunner = (args: readonly string[], cwd: string) => { ok: true; out: string } | { ok: false; message: string };

export const runGit: GitRunner = (args, cwd) => {
  const r = spawnSync('git', [...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  if (r.error) return { ok: false, message: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed' : r.error.message };
  if (r.status !== 0) return { ok: false, message: (r.stderr || `exit status ${r.status}`).trim().split('\n')[0] };
  return { ok: true, out: r.stdout.trim() };
};

export const DESCRIBE_COMMAND: readonly string[] = ['describe', '--tags', '--always'];
/** Untracked files listed whatever `status.showUntrackedFiles` says. */
export const STATUS_COMMAND: readonly string[] = ['status', '--porcelain', '--untracked-files=normal'];
export const DIRTY_SUFFIX = '-dirty';
/** How the version is made, in one line for messages and docs. */
export const VERSION_SOURCE = `\`git ${DESCRIBE_COMMAND.join(' ')}\`, with ${DIRTY_SUFFIX} when \`git status --porcelain\` lists a change or an untracked file`;

/** The version of the repository holding `cwd` (see above), or why there is none. */
export function gitVersion(cwd: string, git: GitRunner = runGit): { ok: true; out: string } | { ok: false; message: string } {
  const d = git(DESCRIBE_COMMAND, cwd);
  if (!d.ok) return { ok: false, message: `git ${DESCRIBE_COMMAND.join(' ')} failed: ${d.message}` };
  if (!d.out) return { ok: false, message: `git ${DESCRIBE_COMMAND.join(' ')} printed nothing` };
  const s = git(STATUS_COMMAND, cwd);
  if (!s.ok) return { ok: false, message: `git ${STATUS_COMMAND.join(' ')} failed: ${s.message}` };
  return { ok: true, out: s.out ? `${d.out}${DIRTY_SUFFIX}` : d.out };
}

/** Whether a version says the tree it was made from had uncommitted changes. */
export const isDirtyVersion = (version: string): boolean => version.endsWith(DIRTY_SUFFIX);

/** The runtime input command printing the version (`node "<script>"`, run by Nx in a shell at the workspace root). */
export const versionCommand = (script: string): string => `node ${JSON.stringify(script)}`;

if (require.main === module) {
  const v = gitVersion(process.cwd());
  process.stdout.write(`${v.ok ? v.out : 'none'}\n`);
}
