/**
 * C toolchain resolution for cgo builds: which C compiler (CC/CXX) builds C code for a target,
 * and which default flags make that code fit the target's micro-architecture.
 *
 * Order (first hit wins):
 *   1. the target's `cc` / `cxx` options;
 *   2. `CC_FOR_<goos>_<goarch>` / `CXX_FOR_<goos>_<goarch>` (Go's own spelling, lower case, and the
 *      upper-case form), then `CC_FOR_TARGET` / `CXX_FOR_TARGET`;
 *   3. a cross compiler on PATH named by the GNU triple (`aarch64-linux-gnu-gcc`,
 *      `arm-linux-gnueabihf-gcc`, `aarch64-linux-musl-gcc` for musl, …), `musl-gcc` for host musl;
 *   4. `zig cc -target <triple>` when `zig` is on PATH;
 *   5. the host `gcc` / `cc`, only when the target is the host platform (and glibc on Linux).
 * Plain `CC` from the environment is deliberately not used: it names the host compiler in most
 * setups, and a host compiler fed a foreign GOARCH is exactly failure mode #1.
 *
 * `cflags` of the result are the defaults derived from the platform variant (GOARM → `-march=armv7-a+fp
 * -mfloat-abi=hard`, GOARM64=v8.2 → `-march=armv8.2-a`, …), minus any kind the caller's own `cflags`
 * already set (a user `-march=` replaces ours). Callers append their own flags after these.
 */
import { archFacts, cTriple, isSoftFloat, mingwTriple } from './arch';
import { Libc, Platform } from './types';
import { formatPlatform } from './platform';

export interface CToolchain {
  cc: string;
  cxx: string;
  cflags: string[];
  source: 'option' | 'env' | 'path' | 'zig' | 'host';
  description: string;
}

export type ToolchainResult = { ok: true; toolchain: CToolchain } | { ok: false; message: string };

export interface ToolchainRequest {
  platform: Platform;
  libc?: Libc;
  cc?: string;
  cxx?: string;
  cflags?: string[];
  env: Record<string, string | undefined>;
  hostGoos: string;
  hostGoarch: string;
  which?: (cmd: string) => string | undefined;
}

export function resolveCToolchain(req: ToolchainRequest): ToolchainResult {
  const { platform } = req;
  const libc: Libc = req.libc ?? 'glibc';
  const which = req.which ?? defaultWhich(req.env);
  const name = formatPlatform(platform);
  const isHost = platform.goos === req.hostGoos && platform.goarch === req.hostGoarch;
  const gnuFlags = () => variantCflags(platform, req.cflags);

  if (libc === 'musl' && platform.goos !== 'linux') {
    return { ok: false, message: `libc "musl" applies to linux targets only, not ${name}` };
  }

  // 1. options
  if (req.cc && req.cc.trim()) {
    const missing = missingCommand(req.cc, which);
    if (missing) return { ok: false, message: `C compiler "${missing}" (option cc) was not found on PATH` };
    const cxx = req.cxx?.trim() || guessCxx(req.cc);
    return ok(req.cc.trim(), cxx, gnuFlags(), 'option', `${req.cc.trim()} (option cc)`);
  }

  // 2. environment
  const envKeys = [
    [`CC_FOR_${platform.goos}_${platform.goarch}`, `CXX_FOR_${platform.goos}_${platform.goarch}`],
    [`CC_FOR_${platform.goos.toUpperCase()}_${platform.goarch.toUpperCase()}`, `CXX_FOR_${platform.goos.toUpperCase()}_${platform.goarch.toUpperCase()}`],
    ['CC_FOR_TARGET', 'CXX_FOR_TARGET'],
  ];
  for (const [ccKey, cxxKey] of envKeys) {
    const cc = req.env[ccKey]?.trim();
    if (!cc) continue;
    const missing = missingCommand(cc, which);
    if (missing) return { ok: false, message: `C compiler "${missing}" (from $${ccKey}) was not found on PATH` };
    const cxx = req.env[cxxKey]?.trim() || req.cxx?.trim() || guessCxx(cc);
    return ok(cc, cxx, gnuFlags(), 'env', `${cc} (from $${ccKey})`);
  }

  // 3. cross compilers on PATH, by triple
  const triple = cTriple(platform, libc) ?? mingwTriple(platform);
  if (triple) {
    const gcc = `${triple}-gcc`;
    const found = which(gcc);
    if (found) {
      const gxx = `${triple}-g++`;
      return ok(gcc, req.cxx?.trim() || gxx, gnuFlags(), 'path', `${gcc} (${found})`);
    }
  }
  if (libc === 'musl' && isHost && platform.goos === 'linux') {
    const found = which('musl-gcc');
    if (found) return ok('musl-gcc', req.cxx?.trim() || 'musl-gcc', gnuFlags(), 'path', `musl-gcc (${found})`);
  }

  // 4. zig
  const zt = zigTarget(platform, libc);
  if (zt) {
    const zig = which('zig');
    if (zig) {
      return ok(`zig cc -target ${zt}`, `zig c++ -target ${zt}`, zigCflags(platform), 'zig', `zig cc -target ${zt} (${zig})`);
    }
  }

  // 5. the host compiler, for the host platform only
  if (isHost && (platform.goos !== 'linux' || libc === 'glibc')) {
    for (const [cc, cxx] of [['gcc', 'g++'], ['cc', 'c++'], ['clang', 'clang++']]) {
      const found = which(cc);
      if (found) return ok(cc, req.cxx?.trim() || cxx, gnuFlags(), 'host', `${cc} (${found}, host compiler)`);
    }
  }

  return { ok: false, message: noToolchainMessage(platform, libc, isHost) };
}

function ok(cc: string, cxx: string, cflags: string[], source: CToolchain['source'], description: string): ToolchainResult {
  return { ok: true, toolchain: { cc, cxx, cflags, source, description } };
}

/** The first word of a compiler command line when it cannot be found, else undefined. */
function missingCommand(cmd: string, which: (c: string) => string | undefined): string | undefined {
  const first = cmd.trim().split(/\s+/)[0];
  return which(first) ? undefined : first;
}

/** `aarch64-linux-gnu-gcc` → `aarch64-linux-gnu-g++`, `clang` → `clang++`, `zig cc …` → `zig c++ …`. */
export function guessCxx(cc: string): string {
  const parts = cc.trim().split(/\s+/);
  const first = parts[0];
  if (first.endsWith('zig') && parts[1] === 'cc') return [first, 'c++', ...parts.slice(2)].join(' ');
  let cxx = first;
  if (/gcc(-\d+)?$/.test(first)) cxx = first.replace(/gcc(-\d+)?$/, 'g++$1');
  else if (/clang(-\d+)?$/.test(first)) cxx = first.replace(/clang(-\d+)?$/, 'clang++$1');
  else if (/(^|[/-])cc$/.test(first)) cxx = first.replace(/cc$/, 'c++');
  return [cxx, ...parts.slice(1)].join(' ');
}

/**
 * Default C flags for a platform variant, for gcc and clang. Flags of a kind (`-march`, `-mcpu`,
 * `-mfpu`, `-mfloat-abi`, `-marm`/`-mthumb`) the user already passes in `userFlags` are left out.
 */
export function variantCflags(p: Platform, userFlags: readonly string[] = []): string[] {
  const flags = baseVariantFlags(p);
  const kinds = new Set(userFlags.map(flagKind).filter((k): k is string => k !== undefined));
  return flags.filter((f) => {
    const k = flagKind(f);
    return k === undefined || !kinds.has(k);
  });
}

function flagKind(flag: string): string | undefined {
  const m = /^-(march|mcpu|mtune|mfpu|mfloat-abi)=/.exec(flag);
  if (m) return m[1];
  if (flag === '-marm' || flag === '-mthumb') return 'isa-mode';
  if (flag === '-msoft-float' || flag === '-mhard-float') return 'mfloat-abi';
  return undefined;
}

function baseVariantFlags(p: Platform): string[] {
  const v = p.variant ?? '';
  const [level, ...features] = v.split(',');
  switch (p.goarch) {
    case 'arm': {
      const soft = isSoftFloat(p);
      const abi = soft ? '-mfloat-abi=soft' : '-mfloat-abi=hard';
      switch (level || '7') {
        case '5':
          return soft ? ['-march=armv5te', '-marm', abi] : ['-march=armv5te+fp', '-marm', abi];
        case '6':
          // ARMv6 has no Thumb-2: hard-float code must be ARM code (gcc: "Thumb-1 hard-float VFP ABI" is unimplemented).
          return soft ? ['-march=armv6', '-marm', abi] : ['-march=armv6+fp', '-marm', abi];
        case '7':
          return soft ? ['-march=armv7-a', abi] : ['-march=armv7-a+fp', abi];
        default:
          return [];
      }
    }
    case 'arm64': {
      if (!level) return [];
      const m = /^v(\d+)\.(\d+)$/.exec(level);
      if (!m) return [];
      const major = m[1];
      const minor = m[2];
      let arch = minor === '0' ? `armv${major}-a` : `armv${major}.${minor}-a`;
      for (const f of features) if (f === 'lse' || f === 'crypto') arch += `+${f}`;
      return [`-march=${arch}`];
    }
    case 'amd64':
      return /^v[234]$/.test(level) ? [`-march=x86-64-${level}`] : [];
    case '386':
      return level === 'sse2' ? ['-msse2', '-mfpmath=sse'] : [];
    case 'riscv64':
      if (level === 'rva20u64') return ['-march=rv64gc'];
      if (level === 'rva22u64') return ['-march=rv64gc_zba_zbb_zbs'];
      if (level === 'rva23u64') return ['-march=rv64gcv_zba_zbb_zbs'];
      return [];
    case 'ppc64':
    case 'ppc64le':
      return /^power(8|9|10)$/.test(level) ? [`-mcpu=${level}`] : [];
    case 'mips':
    case 'mipsle':
    case 'mips64':
    case 'mips64le':
      return level === 'softfloat' ? ['-msoft-float'] : [];
    default:
      return [];
  }
}

/** zig spells CPUs its own way; only the float ABI is carried over (the triple does the rest). */
function zigCflags(p: Platform): string[] {
  if ((p.goarch === 'mips' || p.goarch === 'mipsle' || p.goarch === 'mips64' || p.goarch === 'mips64le') && isSoftFloat(p)) {
    return ['-msoft-float'];
  }
  return [];
}

/** The `-target` of `zig cc` for a platform, or undefined when zig cannot target it. */
export function zigTarget(p: Platform, libc: Libc = 'glibc'): string | undefined {
  if (p.goos === 'linux') {
    if (p.goarch === 'arm') {
      const soft = isSoftFloat(p);
      return libc === 'musl' ? (soft ? 'arm-linux-musleabi' : 'arm-linux-musleabihf') : soft ? 'arm-linux-gnueabi' : 'arm-linux-gnueabihf';
    }
    const arch = archFacts(p.goarch)?.zigArch;
    if (!arch) return undefined;
    if (libc === 'musl') return `${arch}-linux-musl`;
    if (p.goarch === 'mips64' || p.goarch === 'mips64le') return `${arch}-linux-gnuabi64`;
    return `${arch}-linux-gnu`;
  }
  if (p.goos === 'darwin' && (p.goarch === 'amd64' || p.goarch === 'arm64')) return `${archFacts(p.goarch)?.zigArch}-macos`;
  if (p.goos === 'windows' && (p.goarch === 'amd64' || p.goarch === 'arm64' || p.goarch === '386')) {
    return `${archFacts(p.goarch)?.zigArch}-windows-gnu`;
  }
  return undefined;
}

/** The Debian/Ubuntu package that provides `<triple>-gcc` (`gcc-aarch64-linux-gnu`, `gcc-x86-64-linux-gnu`). */
export function debianGccPackage(triple: string): string {
  if (triple === 'x86_64-w64-mingw32') return 'gcc-mingw-w64-x86-64';
  if (triple === 'i686-w64-mingw32') return 'gcc-mingw-w64-i686';
  return `gcc-${triple.replace(/_/g, '-')}`;
}

function noToolchainMessage(p: Platform, libc: Libc, isHost: boolean): string {
  const name = formatPlatform(p);
  const zt = zigTarget(p, libc);
  const zigHint = zt ? `install zig and it is used as "zig cc -target ${zt}"` : undefined;
  const envHint = `set the target's cc option or $CC_FOR_${p.goos}_${p.goarch}`;
  const triple = cTriple(p, libc) ?? (p.goarch !== 'arm64' ? mingwTriple(p) : undefined);
  if (libc === 'musl' && p.goos === 'linux') {
    const parts = [
      isHost ? 'apt-get install -y musl-tools (musl-gcc)' : `put a musl cross compiler ${triple ?? ''}-gcc (musl-cross-make) on PATH`,
      zigHint,
      envHint,
    ].filter(Boolean);
    return `no C compiler for ${name} with musl: ${parts.join(', or ')}`;
  }
  if (isHost && p.goos === 'linux') {
    // The machine's own compiler: Debian's package is gcc (gcc-<triple> of the host arch is only a virtual name).
    const parts = ['apt-get install -y gcc (Debian/Ubuntu)', zigHint, envHint].filter(Boolean);
    return `no C compiler for ${name} (gcc, cc, clang${triple ? ` and ${triple}-gcc` : ''} not on PATH): ${parts.join(', or ')}`;
  }
  if (triple) {
    const parts = [`apt-get install -y ${debianGccPackage(triple)} (Debian/Ubuntu)`, zigHint, envHint].filter(Boolean);
    return `no C cross compiler for ${name} (${triple}-gcc not on PATH): ${parts.join(', or ')}`;
  }
  // No packaged cross compiler for it (darwin, ios, the BSDs): a cgo project that cannot get one
  // builds the other platforms by dropping this one from its matrix.
  const parts = [zigHint, envHint, `leave ${name} out of the project's platforms ("platforms" in its gocross.json, or the plugin options in nx.json)`].filter(Boolean);
  return `no C compiler for ${name} on this machine: ${parts.join(', or ')}`;
}

function defaultWhich(env: Record<string, string | undefined>): (cmd: string) => string | undefined {
  // Loaded lazily: keeps this module free of node: imports for pure callers and tests with an injected which.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { which } = require('./which') as typeof import('./which');
  return (cmd) => which(cmd, env as NodeJS.ProcessEnv);
}
