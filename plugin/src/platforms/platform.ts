import { Platform } from './types';

/** Raised for a platform string that is not of the form os/arch[/variant]. */
export class PlatformSyntaxError extends Error {
  override readonly name = 'PlatformSyntaxError';
}

const PART = /^[a-z0-9]+$/;
const VARIANT = /^[a-z0-9.,]+$/;

/** Parses `linux/arm64`, `linux/arm/7`, `linux/amd64/v3`, `linux/arm64/v8.2,lse`. Syntax only. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || !PART.test(parts[0]) || !PART.test(parts[1])) {
    throw new PlatformSyntaxError(
      `invalid platform "${text}": expected <os>/<arch>[/<variant>], e.g. linux/arm64 or linux/arm/7`,
    );
  }
  if (parts.length === 3 && (!parts[2] || !VARIANT.test(parts[2]))) {
    throw new PlatformSyntaxError(`invalid platform "${text}": bad variant "${parts[2]}"`);
  }
  const p: Platform = { goos: parts[0], goarch: parts[1] };
  if (parts.length === 3) p.variant = parts[2];
  return p;
}

/** `linux/arm/7` */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.goos}/${p.goarch}/${p.variant}` : `${p.goos}/${p.goarch}`;
}

/** `linux-arm-7`; characters other than [a-z0-9.] in a variant become `-` (`v8.2,lse` → `v8.2-lse`). */
export function platformSlug(p: Platform): string {
  const base = `${p.goos}-${p.goarch}`;
  return p.variant ? `${base}-${p.variant.replace(/[^a-z0-9.]/g, '-')}` : base;
}

export function samePlatform(a: Platform, b: Platform): boolean {
  return a.goos === b.goos && a.goarch === b.goarch && (a.variant ?? '') === (b.variant ?? '');
}

/** The GOOS/GOARCH of the machine running Nx. */
export function hostPlatform(platform: string = process.platform, arch: string = process.arch): Platform {
  const goos = platform === 'win32' ? 'windows' : platform === 'sunos' ? 'solaris' : platform;
  const archMap: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm: 'arm',
    arm64: 'arm64',
    riscv64: 'riscv64',
    s390x: 's390x',
    ppc64: process.platform === 'aix' ? 'ppc64' : 'ppc64le',
    loong64: 'loong64',
    mips: 'mips',
    mipsel: 'mipsle',
  };
  return { goos, goarch: archMap[arch] ?? arch };
}

/** Whether `p` is selected by a list of `os/arch[/variant]` names (a name without a variant selects every variant). */
export function platformSelected(p: Platform, names: readonly string[] | undefined): boolean {
  if (!names) return true;
  const full = formatPlatform(p);
  return names.some((n) => n === full || n === `${p.goos}/${p.goarch}`);
}
