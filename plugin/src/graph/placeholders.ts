/**
 * `{version}`, `{commit}` and `{commitDate}` in a build's ldflags, gcflags, tags and env values,
 * resolved from git when the build runs:
 *
 *   {version}     git describe --tags --always, -dirty when git status --porcelain prints anything
 *                 (graph/version.ts: untracked files count too)
 *   {commit}      git rev-parse HEAD
 *   {commitDate}  git log -1 --format=%cI
 *
 * Only what the options use is asked of git, and options without a placeholder are returned as
 * they are. The inferred build targets carry a runtime input printing the same values (see
 * graph/build-flags.ts), so a new tag or commit is a cache miss and the same one a hit.
 */
import { gitVersion, runGit, VERSION_SOURCE, type GitRunner } from './version';

export { runGit, type GitRunner };

/** The build options placeholders may appear in (a subset of the build executor's options). */
export interface FlagOptions {
  ldflags?: string;
  gcflags?: string;
  tags?: string[];
  env?: Record<string, string>;
}

export const PLACEHOLDERS = ['version', 'commit', 'commitDate'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The git command whose output replaces `{commit}` and `{commitDate}` (`{version}` is graph/version.ts's). */
export const PLACEHOLDER_COMMANDS: Readonly<Record<Exclude<Placeholder, 'version'>, readonly string[]>> = {
  commit: ['rev-parse', 'HEAD'],
  commitDate: ['log', '-1', '--format=%cI'],
};

const PATTERN = /\{(version|commit|commitDate)\}/g;

/** The placeholders a text uses. */
export function placeholdersIn(text: string | undefined): Placeholder[] {
  if (!text) return [];
  return [...new Set([...text.matchAll(PATTERN)].map((m) => m[1] as Placeholder))];
}

/** Every text of the options that may hold a placeholder. */
function placeholderTexts(o: FlagOptions): string[] {
  return [o.ldflags ?? '', o.gcflags ?? '', ...(o.tags ?? []), ...Object.values(o.env ?? {})];
}

/** The placeholders the options use, in PLACEHOLDERS order. */
export function usedPlaceholders(o: FlagOptions): Placeholder[] {
  const used = new Set(placeholderTexts(o).flatMap(placeholdersIn));
  return PLACEHOLDERS.filter((p) => used.has(p));
}

export type PlaceholderResult<O extends FlagOptions = FlagOptions> = { ok: true; options: O; values: Partial<Record<Placeholder, string>> } | { ok: false; message: string };

/**
 * The options with their placeholders replaced by what git says in `cwd`, or one sentence saying
 * why a placeholder could not be resolved (not a git repository, git missing…).
 */
export function resolvePlaceholders<O extends FlagOptions>(options: O, cwd: string, git: GitRunner = runGit): PlaceholderResult<O> {
  const used = usedPlaceholders(options);
  if (used.length === 0) return { ok: true, options, values: {} };
  const values: Partial<Record<Placeholder, string>> = {};
  for (const p of used) {
    if (p === 'version') {
      const v = gitVersion(cwd, git);
      if (!v.ok) return { ok: false, message: `{version} in the build options is ${VERSION_SOURCE}, which failed in ${cwd}: ${v.message}` };
      values.version = v.out;
      continue;
    }
    const r = git(PLACEHOLDER_COMMANDS[p], cwd);
    if (!r.ok) return { ok: false, message: `{${p}} in the build options is resolved with \`git ${PLACEHOLDER_COMMANDS[p].join(' ')}\`, which failed in ${cwd}: ${r.message}` };
    if (!r.out) return { ok: false, message: `{${p}} in the build options: \`git ${PLACEHOLDER_COMMANDS[p].join(' ')}\` printed nothing in ${cwd}` };
    values[p] = r.out;
  }
  const sub = (s: string) => s.replace(PATTERN, (_, name: Placeholder) => values[name] as string);
  const out: O = { ...options };
  if (options.ldflags !== undefined) out.ldflags = sub(options.ldflags);
  if (options.gcflags !== undefined) out.gcflags = sub(options.gcflags);
  if (options.tags !== undefined) out.tags = options.tags.map(sub);
  if (options.env !== undefined) out.env = Object.fromEntries(Object.entries(options.env).map(([k, v]) => [k, sub(v)]));
  return { ok: true, options: out, values };
}
