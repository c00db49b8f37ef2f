/**
 * glibc-version: the highest GLIBC_x.y version the binary requires stays at or below the
 * policy ceiling (auditwheel's way: .gnu.version_r, loader entries skipped), naming the
 * symbols that need more. Without a ceiling in the policy the check reports nothing.
 */
import { compareVersions } from '../arch';
import { zigTarget } from '../../platforms/toolchain';
import { options, text, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import type { Finding } from '../types';

export const schema = options({
  max: text('a version such as "2.17"', '^\\d+(\\.\\d+){0,2}$'),
});
export type GlibcVersionOptions = OptionsOf<typeof schema>;

function isLoader(file: string): boolean {
  return /^ld(-linux.*|64)?\.so/.test(file) || file.startsWith('ld-');
}

export const glibcVersion: BinaryCheck<GlibcVersionOptions> = {
  meta: {
    id: 'glibc-version',
    title: 'Required glibc version within the policy ceiling',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'Reads the GLIBC_x.y versions a binary requires (.gnu.version_r) and reports the ones above the policy ceiling ("max"), with the symbols that need them.',
    docs: 'docs/checks/glibc-version.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    const max = ctx.params.max;
    if (!max || ctx.kind !== 'elf') return out;
    const elf = ctx.elf();
    if (!elf || !elf.dynamic()) return out;
    const over = new Map<string, string>(); // version → library
    for (const vn of elf.versionNeeds()) {
      if (isLoader(vn.file)) continue;
      for (const v of vn.versions) {
        const i = v.name.indexOf('_');
        if (i < 0 || v.name.slice(0, i) !== 'GLIBC') continue;
        const num = v.name.slice(i + 1);
        if (!/^\d+(\.\d+)*$/.test(num)) continue;
        if (compareVersions(num, max) > 0) over.set(v.name, vn.file);
      }
    }
    if (over.size === 0) return out;
    const versions = [...over.keys()].sort((a, b) => compareVersions(b.slice(6), a.slice(6)));
    const symbols = elf
      .dynamicSymbols()
      .filter((s) => !s.defined && s.version && over.has(s.version))
      .sort((a, b) => compareVersions(b.version!.slice(6), a.version!.slice(6)));
    const names = symbols.map((s) => `${s.name}@${s.version}`);
    const zt = ctx.target.platform.goos === 'linux' ? zigTarget(ctx.target.platform, 'glibc') : undefined;
    const shown = names.slice(0, 8).join(', ') + (names.length > 8 ? `, … (${names.length} in all)` : '');
    out.push({
      checkId: 'glibc-version',
      severity: 'error',
      message: `requires ${versions[0]} (ceiling GLIBC_${max})${names.length ? `: ${shown}` : ''}`,
      fix: `link against an older glibc sysroot (glibc ≤ ${max}, e.g. an older distribution's cross toolchain${zt ? ` or zig cc -target ${zt}.${max}` : ''}), or raise the ceiling`,
      file: ctx.file,
      data: { max, versions, symbols: names },
    });
    return out;
  },
};
export default glibcVersion;
