/**
 * Shared platform vocabulary. A platform is a GOOS/GOARCH pair plus at most one variant value
 * (the value of GOARM, GOARM64, GOAMD64, GO386, GOMIPS, GOMIPS64, GOPPC64 or GORISCV64,
 * whichever applies to the arch).
 *
 * Spellings:
 *   platform string   `linux/arm64`, `linux/arm/7`, `linux/amd64/v3`
 *   target suffix     `linux-arm64`, `linux-arm-7`, `linux-amd64-v3`  (→ `build-linux-arm-7`)
 */
export interface Platform {
  goos: string;
  goarch: string;
  /** Value of the arch's variant variable, e.g. '7' for GOARM, 'v3' for GOAMD64. */
  variant?: string;
}

/** Name of the environment variable that carries the variant for each GOARCH. */
export const VARIANT_VARIABLE: Readonly<Record<string, string>> = {
  arm: 'GOARM',
  arm64: 'GOARM64',
  amd64: 'GOAMD64',
  '386': 'GO386',
  mips: 'GOMIPS',
  mipsle: 'GOMIPS',
  mips64: 'GOMIPS64',
  mips64le: 'GOMIPS64',
  ppc64: 'GOPPC64',
  ppc64le: 'GOPPC64',
  riscv64: 'GORISCV64',
};

/** The C libraries a cgo binary can target; the first is the default. */
export const LIBCS = ['glibc', 'musl'] as const;

/** C library a cgo binary targets. */
export type Libc = (typeof LIBCS)[number];

/** Go -buildmode values the plugin supports. */
export type BuildMode = 'exe' | 'pie' | 'c-shared' | 'c-archive';
