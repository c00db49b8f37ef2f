/**
 * The identity of the C (and C++) compiler a cgo build of one platform uses: a runtime input of
 * cgo targets, so upgrading or swapping the cross gcc is a cache miss and not a replay of
 * binaries built by the old compiler.
 *
 *   node cc-identity.js <os/arch[/variant]> [--libc musl] [--cc <cmd>] [--cxx <cmd>]
 *
 * Resolves the compiler exactly as the build executor does (resolveCToolchain, with the
 * environment Nx gives the task) and prints, for CC and CXX: the command, the absolute path
 * of its program (symlinks resolved) and the first line of `<cmd> --version`. When no compiler
 * resolves it prints why; that text is hashed too, so installing one later is a miss as well.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { hostPlatform, parsePlatform } from '../platforms/platform';
import { resolveCToolchain } from '../platforms/toolchain';
import type { Libc } from '../platforms/types';
import { which } from '../platforms/which';

export function compilerIdentity(cmd: string, env: NodeJS.ProcessEnv): string {
  const words = cmd.trim().split(/\s+/);
  const found = which(words[0], env);
  let real = found ?? 'not found';
  try {
    if (found) real = fs.realpathSync(found);
  } catch {
    // keep the PATH hit
  }
  const r = spawnSync(words[0], [...words.slice(1), '--version'], { env, encoding: 'utf8', timeout: 30_000 });
  const first = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => l.trim() !== '') ?? `exit ${r.status}`;
  return `${cmd} ${real} ${first.trim()}`;
}

export function ccIdentity(argv: string[], env: NodeJS.ProcessEnv = process.env): string {
  const platform = parsePlatform(argv[0] ?? '');
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const host = hostPlatform();
  const r = resolveCToolchain({
    platform,
    libc: opt('libc') as Libc | undefined,
    cc: opt('cc'),
    cxx: opt('cxx'),
    env,
    hostGoos: host.goos,
    hostGoarch: host.goarch,
  });
  if (!r.ok) return `no C toolchain: ${r.message}`;
  return [`CC ${compilerIdentity(r.toolchain.cc, env)}`, `CXX ${compilerIdentity(r.toolchain.cxx, env)}`].join('\n');
}

if (require.main === module) {
  try {
    process.stdout.write(`${ccIdentity(process.argv.slice(2))}\n`);
  } catch (e) {
    process.stdout.write(`cc-identity: ${(e as Error).message}\n`);
  }
}
