/**
 * Runs `go` for a test as an oracle: only PATH, HOME, TMPDIR, GOROOT and the caches of this
 * machine's environment, the local toolchain, no GOFLAGS and no go.work, plus `env`.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

export function goOracle(args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOROOT', 'TMPDIR']) if (process.env[k]) base[k] = process.env[k] as string;
  return spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...base, GOTOOLCHAIN: 'local', GOFLAGS: '', GOWORK: 'off', ...env }, timeout: 300000 });
}

/**
 * The environment of a `go` child a test builds with: PATH, HOME, the caches (GOCACHE defaulting to
 * the user cache), GOPATH/GOMODCACHE/GOROOT when set, no go.work, no GOFLAGS, the local toolchain,
 * a UTF-8 C locale, then `extra`.
 */
export function goTestEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    GOCACHE: process.env.GOCACHE ?? path.join(os.homedir(), '.cache/go-build'),
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
    GOFLAGS: '',
    LANG: 'C.UTF-8',
  };
  for (const k of ['GOPATH', 'GOMODCACHE', 'GOROOT']) if (process.env[k]) env[k] = process.env[k] as string;
  return { ...env, ...extra };
}
