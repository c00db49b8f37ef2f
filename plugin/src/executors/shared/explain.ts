/**
 * Explains known `go build` / `go test` / qemu failures of cross builds with a one-line fix.
 *
 * Each signature below was reproduced on a Debian machine with Go, Debian's cross gcc and
 * qemu-user (see explain.spec.ts, which reproduces every one of them). Output that matches no
 * signature yields no hints: unknown failures pass through untouched.
 */
import { hostPlatform } from '../../platforms/platform';
import { installedDocs } from '../../report/common';
import { debianLibcCrossPackage, debianLibcDevPackage, tripleOfCompiler } from '../../platforms/debian';
import { cTriple, elfMachineLabel } from '../../platforms/arch';
import { debianGccPackage, zigTarget } from '../../platforms/toolchain';
import { VARIANT_VARIABLE } from '../../platforms/types';
import { which } from '../../platforms/which';

export interface FailureHint {
  id: string;
  message: string;
  fix: string;
  docs: string;
}

export interface ExplainContext {
  goos: string;
  goarch: string;
  cgo: boolean;
  cc?: string;
  /** The platform variant (GOARM etc.), when known: `linux/arm/5` links against armel, not armhf. */
  variant?: string;
  /** Finds a program on PATH (default: the PATH of this process). */
  which?: (cmd: string) => string | undefined;
}

interface Signature {
  id: string;
  pattern: RegExp;
  explain(m: RegExpExecArray, ctx: ExplainContext): { message: string; fix: string };
}

/** Quotes gcc and ld use around names: ASCII, backquote or typographic. */
const Q = `[‘’'\`"]`;

/** libc headers a cross compiler without the target's C library fails on (gcc ships the others). */
const LIBC_HEADERS = ['stdio', 'stdlib', 'string', 'strings', 'stdint', 'errno', 'pthread', 'signal', 'unistd', 'features', 'limits', 'fcntl', 'time', 'sched', 'dlfcn', 'grp', 'pwd', 'netdb', 'math', 'setjmp', 'locale', 'wchar']
  .map((h) => `${h}\\.h`)
  .join('|');

function platformName(ctx: ExplainContext): string {
  return `${ctx.goos}/${ctx.goarch}`;
}

function ccName(ctx: ExplainContext): string {
  return ctx.cc ? `"${ctx.cc}"` : 'the default C compiler';
}

/** "apt-get install -y gcc-aarch64-linux-gnu (or zig)" for the context's platform, when known. */
function installCrossCc(ctx: ExplainContext): string {
  const triple = cTriple({ goos: ctx.goos, goarch: ctx.goarch });
  const zt = zigTarget({ goos: ctx.goos, goarch: ctx.goarch });
  const own = triple ? `${triple}-gcc` : undefined;
  const first = ctx.cc?.trim().split(/\s+/)[0];
  const chosen = first !== undefined && first !== own && !(own && first.endsWith(`/${own}`));
  const setting = `cc / CC_FOR_${ctx.goos}_${ctx.goarch}`;
  // The platform's own cross gcc is here, yet another compiler ran: a setting chose it.
  if (chosen && own && (ctx.which ?? which)(own)) {
    return `${own} is installed here, but "${ctx.cc}" was used: set ${setting} to ${own}, or remove the setting (cc option, CC_FOR_${ctx.goos}_${ctx.goarch}, CC_FOR_TARGET) that chose "${ctx.cc}" (gocross then picks ${own})`;
  }
  const parts: string[] = [];
  // For this machine's own platform Debian's package is gcc (gcc-<triple> is then only a virtual name).
  const host = hostPlatform();
  const pkg = host.goos === 'linux' && host.goos === ctx.goos && host.goarch === ctx.goarch ? 'gcc' : triple && debianGccPackage(triple);
  if (triple) parts.push(`apt-get install -y ${pkg} (gocross then picks ${own} unless ${setting} names another compiler)`);
  if (zt) parts.push(`install zig (zig cc -target ${zt})`);
  parts.push(`set ${setting} to a C compiler for ${platformName(ctx)}`);
  const prefix = chosen ? `use a C compiler for ${platformName(ctx)} instead of "${ctx.cc}": ` : '';
  return prefix + parts.join(', or ');
}

function sysrootLib(ctx: ExplainContext): string | undefined {
  const triple = cTriple({ goos: ctx.goos, goarch: ctx.goarch });
  return triple ? `/usr/${triple}/lib` : undefined;
}

const SIGNATURES: readonly Signature[] = [
  {
    id: 'cgo-foreign-asm',
    // runtime/cgo's gcc_<arch>.S handed to a compiler for another arch.
    pattern: /\bgcc_(\w+)\.S:(?:\d+:)? (?:Error|Assembler messages)/,
    explain: (m, ctx) => ({
      message: `${ccName(ctx)} does not compile for ${m[1] === ctx.goarch ? platformName(ctx) : m[1]}: runtime/cgo's gcc_${m[1]}.S was assembled by a compiler for another architecture (usually the host gcc)`,
      fix: installCrossCc(ctx),
    }),
  },
  {
    id: 'cgo-wrong-cc',
    // Go passes arch flags (-marm, -m64, -m32, -march=z13 …) that only the right compiler accepts.
    pattern: new RegExp(
      `(?:unrecognized command[- ]line option ${Q}(-m(?:arm|thumb|64|32|abi=[\\w]+|fpu=[\\w-]+|float-abi=\\w+)|-mno-[\\w-]+)${Q})|(?:bad value ${Q}([\\w.-]+)${Q} for ${Q}-march=${Q} switch)`,
    ),
    explain: (m, ctx) => ({
      message: `${ccName(ctx)} is not a C compiler for ${platformName(ctx)}: it rejects ${m[1] ? `${m[1]}, which go passes for GOARCH=${ctx.goarch}` : `-march=${m[2]}`}`,
      fix: installCrossCc(ctx),
    }),
  },
  {
    id: 'cc-not-found',
    pattern: /cgo: C compiler "([^"]+)" not found|exec: "([^"]*(?:gcc|clang|cc|zig)[^"]*)": executable file not found/,
    explain: (m, ctx) => ({
      message: `the C compiler "${m[1] ?? m[2]}" used for ${platformName(ctx)} is not installed or not on PATH`,
      fix: installCrossCc(ctx),
    }),
  },
  {
    id: 'cross-libc-missing',
    // The C compiler runs but the target's C library is not installed: gcc's own headers are
    // there, stdio.h & co. are not (or the host's are found and their bits/ are not), and ld
    // finds no crt1.o / crti.o / libc. Debian ships them in libc6-dev-<arch>-cross.
    pattern: new RegExp(
      [
        `fatal error: ((?:bits|gnu|sys|asm|asm-generic|linux)/[\\w.-]+\\.h|${LIBC_HEADERS}): No such file or directory`,
        `fatal error: ${Q}((?:bits|gnu|sys)/[\\w.-]+\\.h|${LIBC_HEADERS})${Q} file not found`,
        `no include path in which to search for (${LIBC_HEADERS})`,
        `cannot find ((?:[SgrM]?crt[1in]|crtbegin\\w*)\\.o|-l(?:c|pthread|dl|m|rt|resolv|util))(?=[:\\s]|$)`,
      ].join('|'),
      'm',
    ),
    explain: (m, ctx) => {
      const missing = m[1] ?? m[2] ?? m[3] ?? m[4];
      const kind = /\.h$/.test(missing) ? 'header' : 'startup file or library';
      const lib = crossLibcPackage(m.input, ctx);
      return {
        message: `${ccName(ctx)} runs, but the C library of ${platformName(ctx)}${lib.triple ? ` (${lib.triple})` : ''} is not installed: the ${kind} ${missing} is missing`,
        fix: lib.fix,
      };
    },
  },
  {
    id: 'missing-function-body',
    pattern: /(\S+\.go):(\d+):(?:\d+:)? missing function body/,
    explain: (m, ctx) => ({
      message: `${m[1]}:${m[2]} declares a function without a body and nothing implements it for ${platformName(ctx)} (its assembly exists only for other architectures)`,
      fix: `add a pure-Go fallback for GOARCH=${ctx.goarch} (the @gocross/nx:asm generator writes guarded assembly plus the fallback) or an implementation in a _${ctx.goarch}.s file`,
    }),
  },
  {
    id: 'build-constraints-exclude',
    pattern: /build constraints exclude all Go files in (\S+)/,
    explain: (m, ctx) => {
      const cgoOff = !ctx.cgo;
      return {
        message: `no Go file of ${m[1]} is selected for ${platformName(ctx)}${cgoOff ? ' with CGO_ENABLED=0' : ''} (file-name suffixes and //go:build lines exclude them all${cgoOff ? '; files that import "C" are left out when cgo is off' : ''})`,
        fix: `add a file whose build constraint matches ${platformName(ctx)}${cgoOff ? ', or enable cgo for this target (cgo: true) if the package needs C' : ''}, or drop ${platformName(ctx)} from this project's platforms`,
      };
    },
  },
  {
    id: 'incompatible-library',
    pattern: /skipping incompatible (\S+) when searching for (-l\S+)/,
    explain: (m, ctx) => {
      const lib = sysrootLib(ctx);
      return {
        message: `${m[1]} is built for another architecture, so the linker skipped it while looking for ${m[2]} for ${platformName(ctx)}`,
        fix: `rebuild ${m[1]} with the ${platformName(ctx)} cross compiler${lib ? `, or point -L at the target's libraries (${lib})` : ''}; the archive-arch check of this project's validate target names the foreign objects`,
      };
    },
  },
  {
    id: 'file-wrong-format',
    pattern: /(?:Relocations in generic ELF \(EM: (\d+)\)[\s\S]*?)?(\S+): error adding symbols: file in wrong format/,
    explain: (m, ctx) => {
      const em = m[1] ? Number(m[1]) : undefined;
      const what = em !== undefined ? ` (its objects are ${elfMachineLabel(em)})` : '';
      return {
        message: `${m[2].replace(/:$/, '')} is not an object or library for ${platformName(ctx)}${what}`,
        fix: `rebuild it with the ${platformName(ctx)} cross compiler (or link the target's build of the library); the archive-arch check of this project's validate target lists every foreign member`,
      };
    },
  },
  {
    id: 'glibc-symbol-version',
    pattern: new RegExp(`undefined reference to ${Q}([\\w.$]+)@(GLIBC_[\\d.]+)${Q}`),
    explain: (m, ctx) => {
      const zt = zigTarget({ goos: ctx.goos, goarch: ctx.goarch });
      return {
        message: `object code references ${m[1]}@${m[2]}, a glibc version the libc being linked (${platformName(ctx)} sysroot) does not provide`,
        fix: `rebuild that object or library against the target's glibc (or an older one), link statically against musl (libc: musl)${zt ? `, or pin the glibc version with zig cc, whose -target takes it after the triple (${zt}.2.28 for glibc 2.28)` : ''}`,
      };
    },
  },
  {
    id: 'pie-relocation',
    pattern: new RegExp(
      `(\\S+?):? ?relocation (R_\\w+) against (${Q}?[^\\s]+${Q}?|symbol ${Q}[^'’\`]+${Q}) can not be used when making a (PIE|shared) object(?:; recompile with (-f\\w+))?`,
    ),
    explain: (m, ctx) => ({
      message: `${m[1]} contains position-dependent code (${m[2]}) that cannot go into a ${m[4] === 'PIE' ? 'PIE executable' : 'shared object'} for ${platformName(ctx)}`,
      fix: `recompile that C code with ${m[5] ?? '-fPIC'} (add it to its CFLAGS), or build this target with buildmode "exe"`,
    }),
  },
  {
    id: 'cpu-too-old',
    // Go's own startup check (GOAMD64) or SIGILL from the CPU / the emulated CPU.
    pattern: /This program can only be run on (\w+) processors with (v\d) microarchitecture support|uncaught target signal 4 \(Illegal instruction\)|SIGILL: illegal instruction/,
    explain: (m, ctx) => {
      const variable = LOWEST[ctx.goarch] ? VARIANT_VARIABLE[ctx.goarch] : undefined;
      return {
        message: m[2]
          ? `the binary needs an ${m[1]} ${m[2]} CPU (GOAMD64=${m[2]}) and this one is older`
          : `the binary for ${platformName(ctx)} executed an instruction this CPU does not have`,
        fix: `build for the device's level${variable ? ` (a lower ${variable}, e.g. ${variable}=${LOWEST[ctx.goarch]})` : ''}${ctx.cgo ? ' and check the -march in cflags' : ''}; add a target per CPU level to the matrix, and test with the device's CPU (cpu option, e.g. "arm1176" or "cortex-a53")`,
      };
    },
  },
  {
    id: 'qemu-no-loader',
    pattern: new RegExp(`qemu-([\\w]+): Could not open ${Q}(/[^'’\`]+)${Q}`),
    explain: (m, ctx) => {
      const triple = cTriple({ goos: ctx.goos, goarch: ctx.goarch, variant: ctx.variant });
      return {
        message: `qemu-${m[1]} cannot find the dynamic loader ${m[2]} of this ${platformName(ctx)} binary`,
        fix: triple && debianLibcCrossPackage(triple)
          ? `install the target's libc (apt-get install -y ${debianLibcCrossPackage(triple)}) and run with qemu-${m[1]} -L /usr/${triple} (test-/run- targets do this), or build with cgo off`
          : `pass the directory holding the target's C library (the root ${m[2]} is under) to qemu-${m[1]} as -L (the sysroot option of test and run targets), or build with cgo off`,
      };
    },
  },
];

/** The lowest level of each arch whose variant is a CPU level (mips's is a float ABI). */
const LOWEST: Readonly<Record<string, string>> = { arm: '6', arm64: 'v8.0', amd64: 'v1', riscv64: 'rva20u64', ppc64: 'power8', ppc64le: 'power8', '386': 'sse2' };

/**
 * The package holding the missing C library: for a Debian cross gcc (named by its triple, or
 * seen in gcc's paths in the output) `libc6-dev-<arch>-cross`; for the host gcc `libc6-dev`;
 * for musl-gcc `musl-tools`.
 */
function crossLibcPackage(output: string, ctx: ExplainContext): { triple?: string; fix: string } {
  const first = ctx.cc?.trim().split(/\s+/)[0];
  const base = first?.slice(first.lastIndexOf('/') + 1);
  if (base === 'musl-gcc') return { fix: 'apt-get install -y musl-tools (musl-gcc and the musl headers and libraries)' };
  const triple =
    tripleOfCompiler(ctx.cc) ??
    /\/gcc-cross\/([\w.-]+)\//.exec(output)?.[1] ??
    (base && /^(gcc|cc|clang)(-[\d.]+)?$/.test(base) ? undefined : cTriple({ goos: ctx.goos, goarch: ctx.goarch, variant: ctx.variant }));
  // The host compiler (gcc, cc, clang without a target): this machine's own libc6-dev.
  if (!triple) {
    return { fix: 'apt-get install -y libc6-dev (the C library headers and startup files of this machine), or point cc at a compiler for the target' };
  }
  // The explainer runs where go ran: the machine's own triple is its native compiler's.
  const host = hostPlatform();
  const pkg = debianLibcDevPackage(triple, host.goos === 'linux' ? cTriple(host) : undefined);
  if (pkg === 'libc6-dev') return { triple, fix: 'apt-get install -y libc6-dev (the C library headers and startup files of this machine)' };
  if (pkg) return { triple, fix: `apt-get install -y ${pkg} (the headers and crt files of ${triple}; Debian/Ubuntu install them only as a Recommends of ${debianGccPackage(triple)})` };
  return { triple, fix: `install the C library (sysroot) of ${triple} where ${first ?? 'the compiler'} finds it, or pass that sysroot directory to the compiler as --sysroot in cflags and ldflags` };
}

/** Ids of every signature the explainer knows, in matching order. */
export const FAILURE_IDS: readonly string[] = SIGNATURES.map((s) => s.id);

/** Hints for the known failure signatures found in `output` (at most one per id), in table order. */
export function explainGoFailure(output: string, ctx: ExplainContext): FailureHint[] {
  const hints: FailureHint[] = [];
  if (!output) return hints;
  for (const s of SIGNATURES) {
    const m = s.pattern.exec(output);
    if (!m) continue;
    // The wrong-cc flag message also accompanies the foreign-asm one; keep the more precise hint only.
    if (s.id === 'cgo-wrong-cc' && hints.some((h) => h.id === 'cgo-foreign-asm')) continue;
    const { message, fix } = s.explain(m, ctx);
    hints.push({ id: s.id, message, fix, docs: `docs/failures/${s.id}.md` });
  }
  return hints;
}

/** One line per hint, as executors print them, naming the page a user can open (the installed copy, else its URL). */
export function formatHints(hints: readonly FailureHint[]): string[] {
  return hints.map((h) => `hint [${h.id}]: ${h.message} — ${h.fix} (${installedDocs(h.docs)})`);
}

/** Why a child failed, in words: the error that kept it from starting, the signal, or the exit status. */
export function failureReason(r: { code: number | null; signal: NodeJS.Signals | null; error?: Error }): string {
  return r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit status ${r.code}`;
}

/** The hint lines for a failed `go` run of one platform, given the environment the child had. */
export function hintLinesFor(
  output: string,
  platform: { goos: string; goarch: string },
  env: Record<string, string>,
  explain: (output: string, ctx: ExplainContext) => FailureHint[] = explainGoFailure,
): string[] {
  return formatHints(explain(output, { goos: platform.goos, goarch: platform.goarch, cgo: env.CGO_ENABLED === '1', cc: env.CC }));
}
