/**
 * The environment `go` runs with for one target: an allow-listed copy of the caller's
 * environment, then the target's own `env` option, then what the platform dictates (GOOS,
 * GOARCH, the variant variable, CGO_ENABLED) and, with cgo, the resolved C toolchain (CC, CXX,
 * CGO_CFLAGS with the variant's -march flags). Shared by the build and test executors so both
 * run `go` in exactly the same environment for the same options.
 */
import { platformEnv } from '../../platforms/env';
import { formatPlatform } from '../../platforms/platform';
import type { PlatformTable } from '../../platforms/table';
import { resolveCToolchain, type CToolchain } from '../../platforms/toolchain';
import type { Libc, Platform } from '../../platforms/types';
import { CGO_ENV_PASSTHROUGH, passthroughEnv } from './go';

/** Every variable that carries a platform choice; always set from the target, never inherited. */
const PLATFORM_VARIABLES = ['GOOS', 'GOARCH', 'GOARM', 'GOARM64', 'GOAMD64', 'GO386', 'GOMIPS', 'GOMIPS64', 'GOPPC64', 'GORISCV64'];

export interface TargetEnvOptions {
  cgo?: boolean;
  libc?: Libc;
  cc?: string;
  cxx?: string;
  cflags?: string[];
  env?: Record<string, string>;
}

export interface GoEnvContext {
  hostGoos: string;
  hostGoarch: string;
  goVersion: string;
  table: PlatformTable;
  env: NodeJS.ProcessEnv;
  which?: (cmd: string) => string | undefined;
  resolveToolchain?: typeof resolveCToolchain;
}

export type GoEnvResult =
  | { ok: true; env: Record<string, string>; toolchain?: CToolchain }
  | { ok: false; message: string };

export function buildGoEnv(platform: Platform, options: TargetEnvOptions, ctx: GoEnvContext): GoEnvResult {
  const cgo = options.cgo === true;
  const env: Record<string, string> = passthroughEnv(ctx.env);
  let toolchain: CToolchain | undefined;
  if (cgo) {
    const entry = ctx.table.find(platform.goos, platform.goarch);
    if (entry && !entry.cgoSupported) {
      return { ok: false, message: `cgo is not supported for ${formatPlatform(platform)} by ${ctx.goVersion}` };
    }
    const r = (ctx.resolveToolchain ?? resolveCToolchain)({
      platform,
      libc: options.libc,
      cc: options.cc,
      cxx: options.cxx,
      cflags: options.cflags,
      env: ctx.env,
      hostGoos: ctx.hostGoos,
      hostGoarch: ctx.hostGoarch,
      which: ctx.which,
    });
    if (!r.ok) return r;
    toolchain = r.toolchain;
    Object.assign(env, passthroughEnv(ctx.env, CGO_ENV_PASSTHROUGH));
  }
  Object.assign(env, options.env ?? {});
  for (const v of PLATFORM_VARIABLES) delete env[v];
  Object.assign(env, platformEnv(platform));
  env.CGO_ENABLED = cgo ? '1' : '0';
  if (toolchain) {
    env.CC = toolchain.cc;
    env.CXX = toolchain.cxx;
    const flags = [...toolchain.cflags, ...(options.cflags ?? [])];
    if (flags.length > 0) env.CGO_CFLAGS = [env.CGO_CFLAGS ?? '-O2 -g', ...flags].join(' ');
  }
  return { ok: true, env, toolchain };
}
