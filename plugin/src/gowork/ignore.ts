/**
 * What the go command leaves out when it walks a module (`go list ./...`, `go build ./...`):
 * files and directories whose names start with `.` or `_`, directories named `testdata`, and,
 * in module mode, `vendor` directories (their packages are the vendored dependencies, never
 * matched by `./...`). Callers that skip more (build output, `node_modules`) say so through
 * `also`, so every walk names its own extra directories next to the one go rule.
 */

export interface IgnoreOptions {
  /** Whether `vendor` directories are left out (default true, as in module mode). */
  vendor?: boolean;
  /** Directory names this caller skips besides go's (`node_modules`, `dist`, …). */
  also?: Iterable<string>;
}

/** A file or directory name go ignores by its first character (`.git`, `_old.go`). */
export function isGoIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/** Whether a walk with these options leaves the directory `name` out. */
export function isIgnoredDirName(name: string, opts: IgnoreOptions = {}): boolean {
  if (isGoIgnoredName(name) || name === 'testdata') return true;
  if (name === 'vendor' && opts.vendor !== false) return true;
  if (opts.also) for (const a of opts.also) if (a === name) return true;
  return false;
}

/** A directory-name test for one set of options, for walks that test many names. */
export function ignoredDirTest(opts: IgnoreOptions = {}): (name: string) => boolean {
  const also = new Set(opts.also ?? []);
  const vendor = opts.vendor !== false;
  return (name) => isGoIgnoredName(name) || name === 'testdata' || (vendor && name === 'vendor') || also.has(name);
}

/** Whether go ignores the file at a `/`-separated relative path: an ignored directory on the way, or an ignored name. */
export function isIgnoredPath(p: string, opts: IgnoreOptions = {}): boolean {
  const parts = p.split('/');
  const dir = ignoredDirTest(opts);
  for (const seg of parts.slice(0, -1)) if (dir(seg)) return true;
  return isGoIgnoredName(parts[parts.length - 1]);
}
