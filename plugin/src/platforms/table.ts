/**
 * The platform table: the GOOS/GOARCH pairs the installed Go supports (`go tool dist list -json`),
 * cached per Go version, with the built-in Go 1.26 list as the fallback.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_DIST_LIST, BUILTIN_GO_VERSION, type DistEntry } from './dist-list';

/** The GOOS/GOARCH pairs one Go toolchain supports. */
export interface PlatformTable {
  /** GOVERSION of the toolchain the list came from (`go1.26.8`), or the built-in list's. */
  goVersion: string;
  /** Where the list came from: the go command just now, the on-disk cache, or the built-in copy. */
  source: 'go' | 'cache' | 'builtin';
  entries: readonly DistEntry[];
  find(goos: string, goarch: string): DistEntry | undefined;
  /** Every GOOS of the list, sorted. */
  oses(): string[];
  /** Every GOARCH supported with `goos` (or with any GOOS when omitted), sorted. */
  arches(goos?: string): string[];
}

export function createPlatformTable(
  entries: readonly DistEntry[],
  goVersion: string,
  source: PlatformTable['source'],
): PlatformTable {
  const byKey = new Map(entries.map((e) => [`${e.goos}/${e.goarch}`, e]));
  return {
    goVersion,
    source,
    entries,
    find: (goos, goarch) => byKey.get(`${goos}/${goarch}`),
    oses: () => [...new Set(entries.map((e) => e.goos))].sort(),
    arches: (goos) => [...new Set(entries.filter((e) => !goos || e.goos === goos).map((e) => e.goarch))].sort(),
  };
}

let builtin: PlatformTable | undefined;

/** The table of Go 1.26, committed as data (see dist-list.ts); used when `go` cannot be run. */
export function builtinPlatformTable(): PlatformTable {
  builtin ??= createPlatformTable(BUILTIN_DIST_LIST, BUILTIN_GO_VERSION, 'builtin');
  return builtin;
}

/** Parses the output of `go tool dist list -json`. Throws on anything else. */
export function parseDistListJson(text: string): DistEntry[] {
  const raw: unknown = JSON.parse(text);
  if (!Array.isArray(raw)) throw new Error('go tool dist list -json: expected a JSON array');
  return raw.map((r: unknown, i) => {
    const o = r as Record<string, unknown>;
    if (!o || typeof o.GOOS !== 'string' || typeof o.GOARCH !== 'string') {
      throw new Error(`go tool dist list -json: entry ${i} has no GOOS/GOARCH`);
    }
    return { goos: o.GOOS, goarch: o.GOARCH, cgoSupported: o.CgoSupported === true, firstClass: o.FirstClass === true };
  });
}

/** Runs a command with an argv array; the table loader's only contact with the outside. */
export type CommandRunner = (
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
) => { status: number | null; stdout: string; error?: Error };

const defaultRunner: CommandRunner = (file, args, env) => {
  const r = spawnSync(file, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', error: r.error };
};

export interface LoadTableOptions {
  /** The go command; default `go` from PATH. */
  go?: string;
  env?: NodeJS.ProcessEnv;
  /** GOVERSION if already known (skips `go env GOVERSION`). */
  goVersion?: string;
  /** Directory of the on-disk cache; default $GOCROSS_CACHE_DIR or <tmpdir>/gocross-cache. */
  cacheDir?: string;
  run?: CommandRunner;
}

const memory = new Map<string, PlatformTable>();

/**
 * The platform table of the installed Go: `go tool dist list -json`, read once per Go version
 * (cached in memory and on disk, keyed by GOVERSION). Falls back to the built-in Go 1.26 table
 * when `go` cannot be run or its answer cannot be parsed.
 */
export function loadPlatformTable(opts: LoadTableOptions = {}): PlatformTable {
  const env = opts.env ?? process.env;
  const go = opts.go ?? 'go';
  const run = opts.run ?? defaultRunner;
  let goVersion = opts.goVersion;
  if (!goVersion) {
    const r = run(go, ['env', 'GOVERSION'], env);
    if (r.error || r.status !== 0 || !r.stdout.trim()) return builtinPlatformTable();
    goVersion = r.stdout.trim();
  }
  const key = `${go}\0${goVersion}`;
  const hit = memory.get(key);
  if (hit) return hit;

  const cacheDir = opts.cacheDir ?? env.GOCROSS_CACHE_DIR ?? path.join(os.tmpdir(), 'gocross-cache');
  const cacheFile = path.join(cacheDir, `dist-list-${goVersion.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { goVersion?: string; entries?: DistEntry[] };
    if (cached.goVersion === goVersion && Array.isArray(cached.entries) && cached.entries.length > 0) {
      const t = createPlatformTable(cached.entries, goVersion, 'cache');
      memory.set(key, t);
      return t;
    }
  } catch {
    // no cache yet, or unreadable: ask go
  }

  const r = run(go, ['tool', 'dist', 'list', '-json'], env);
  if (r.error || r.status !== 0) return builtinPlatformTable();
  let entries: DistEntry[];
  try {
    entries = parseDistListJson(r.stdout);
  } catch {
    return builtinPlatformTable();
  }
  const t = createPlatformTable(entries, goVersion, 'go');
  memory.set(key, t);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cacheFile}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify({ goVersion, entries }));
    fs.renameSync(tmp, cacheFile);
  } catch {
    // a read-only cache dir only costs one extra `go tool dist list` next time
  }
  return t;
}

/** Forgets the in-memory tables (tests). */
export function clearPlatformTableMemo(): void {
  memory.clear();
}
