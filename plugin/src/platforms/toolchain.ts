/**
 * C toolchain resolution for cgo builds: which CC/CXX (and default flags) to use for a target.
 */
import { Libc, Platform } from './types';

export interface CToolchain {
  cc: string;
  cxx: string;
  cflags: string[];
  source: 'option' | 'env' | 'path' | 'zig' | 'host';
  description: string;
}

export type ToolchainResult = { ok: true; toolchain: CToolchain } | { ok: false; message: string };

export function resolveCToolchain(req: {
  platform: Platform;
  libc?: Libc;
  cc?: string;
  cxx?: string;
  cflags?: string[];
  env: Record<string, string | undefined>;
  hostGoos: string;
  hostGoarch: string;
  which?: (cmd: string) => string | undefined;
}): ToolchainResult {
  if (req.cc) {
    return {
      ok: true,
      toolchain: { cc: req.cc, cxx: req.cxx ?? req.cc, cflags: req.cflags ?? [], source: 'option', description: req.cc },
    };
  }
  return { ok: false, message: 'no C toolchain resolved' };
}
