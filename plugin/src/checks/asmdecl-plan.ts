/**
 * Which `go vet -asmdecl` runs a module needs: asmdecl only looks at the `.s` files of a
 * package, so a GOOS/GOARCH for which no package builds a `.s` file has nothing to check, and a
 * package without one has nothing to report. The plan is one run per distinct GOOS/GOARCH of
 * the matrix that has assembly, each on just the package directories with such files
 * (`./internal/sum`, `.`), and the list of platforms skipped. Decided from the file names and
 * build constraints (../platforms/constraint-header through ./source-scan); pure, nothing here reads
 * the disk or spawns.
 */
import type { SourceFile } from './types';
import { builtFor, dirOf, isIgnoredPath } from './source-scan';
import { VARIANT_VARIABLE } from '../platforms/types';

export interface AsmdeclPlatform {
  goos: string;
  goarch: string;
}

export interface AsmdeclPlannedRun extends AsmdeclPlatform {
  /** Package patterns relative to the module directory, sorted: `.`, `./internal/sum`. */
  packages: string[];
}

export interface AsmdeclPlan {
  /** One per distinct GOOS/GOARCH with assembly, in matrix order. */
  runs: AsmdeclPlannedRun[];
  /** Distinct GOOS/GOARCHes of the matrix for which no package builds a `.s` file. */
  skipped: AsmdeclPlatform[];
}

export interface PlanAsmdeclOptions {
  /**
   * The environment vet will run with: `-tags` in GOFLAGS and the arch variant variables
   * (GOARM, GOAMD64…) decide constraints the way they decide them for vet. Default: none set.
   */
  env?: Record<string, string | undefined>;
  /** Go version for `go1.N` tags. Default: the built-in one of ../platforms/constraint-expr. */
  goVersion?: string;
}

/** Build tags set through GOFLAGS (`-tags=a,b` or `-tags a,b`; the last one wins, as with flags). */
export function goflagsTags(goflags: string | undefined): string[] {
  const words = (goflags ?? '').split(/\s+/).filter(Boolean);
  let tags: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const m = /^--?tags(?:=(.*))?$/.exec(words[i]);
    if (!m) continue;
    const v = m[1] ?? words[++i] ?? '';
    tags = v.split(/[\s,]+/).filter(Boolean);
  }
  return tags;
}

/** The package pattern of a module-relative directory: `.` or `./a/b`. */
export function packagePattern(dir: string): string {
  return dir === '' ? '.' : `./${dir}`;
}

/**
 * Plans the asmdecl runs for a module whose files are `sources` (paths relative to the module
 * directory, as readProjectSources gives them) and the platforms of a matrix. A package counts
 * for a GOOS/GOARCH when one of its `.s` files is built for it (file-name suffix and
 * `//go:build` / `// +build`, with cgo off as vet runs) and it has a Go file built for it (go
 * skips directories without one under `./...`). Directories of nested modules (below another
 * go.mod) and those go ignores (testdata, `_x`, `.x`, vendor) are left out, as `./...` does.
 */
export function planAsmdecl(sources: readonly SourceFile[], platforms: readonly AsmdeclPlatform[], opts: PlanAsmdeclOptions = {}): AsmdeclPlan {
  const env = opts.env ?? {};
  const tags = goflagsTags(env.GOFLAGS);
  const nested = sources.filter((f) => /(^|\/)go\.mod$/.test(f.path) && f.path !== 'go.mod').map((f) => dirOf(f.path));
  const inModule = (p: string) => !nested.some((d) => p.startsWith(`${d}/`));
  const files = sources.filter((f) => (f.path.endsWith('.s') || f.path.endsWith('.go')) && !isIgnoredPath(f.path) && inModule(f.path));
  const asmDirs = new Set(files.filter((f) => f.path.endsWith('.s')).map((f) => dirOf(f.path)));
  const plan: AsmdeclPlan = { runs: [], skipped: [] };
  const seen = new Set<string>();
  for (const { goos, goarch } of platforms) {
    const key = `${goos}/${goarch}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const variantVar = VARIANT_VARIABLE[goarch];
    const variant = variantVar ? env[variantVar] || undefined : undefined;
    const ctx = { goos, goarch, tags, cgo: false, variant, goVersion: opts.goVersion };
    const withAsm = new Set<string>();
    const withGo = new Set<string>();
    for (const f of files) {
      const d = dirOf(f.path);
      if (!asmDirs.has(d)) continue;
      const isAsm = f.path.endsWith('.s');
      if ((isAsm ? withAsm : withGo).has(d)) continue;
      if (builtFor(f, ctx)) (isAsm ? withAsm : withGo).add(d);
    }
    const dirs = [...withAsm].filter((d) => withGo.has(d)).sort();
    if (dirs.length) plan.runs.push({ goos, goarch, packages: dirs.map(packagePattern) });
    else plan.skipped.push({ goos, goarch });
  }
  return plan;
}
