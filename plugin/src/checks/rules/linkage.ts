/**
 * linkage: with cgo off a Go program must be truly static (no PT_INTERP, no DT_NEEDED); with
 * cgo on, its program loader must belong to the target arch and the expected C library
 * (glibc or musl). Knows the loaders Go's internal linker writes (/lib/ld-linux.so.3 on arm,
 * /lib64/ld64.so.1 on s390x).
 */
import { armSoftFloat, identifyLoader, LOADERS } from '../arch';
import { cTriple } from '../../platforms/arch';
import type { Libc, Platform } from '../../platforms/types';
import { ET_REL, isSharedLibrary, linkMode } from '../elf-util';
import { formatPlatform } from '../../platforms/platform';
import { flag, options, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import type { Finding } from '../types';

export const schema = options({
  allowDynamic: flag('accept a dynamically linked program for a cgo-off target'),
});
export type LinkageOptions = OptionsOf<typeof schema>;

export const linkage: BinaryCheck<LinkageOptions> = {
  meta: {
    id: 'linkage',
    title: 'Static when cgo is off; loader matches arch and libc when on',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'A cgo-off Go program must have no program interpreter and no needed libraries; a cgo program must name the loader of the target arch and C library (glibc or musl), or the device answers "no such file or directory".',
    docs: 'docs/checks/linkage.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    if (ctx.kind !== 'elf') return out;
    const elf = ctx.elf();
    if (!elf || elf.header.type === ET_REL) return out;
    const t = ctx.target;
    if (isSharedLibrary(elf)) {
      // A shared library has no loader of its own; its C library shows in DT_NEEDED.
      const libc = t.libc ?? 'glibc';
      const needed = elf.dynamic()?.needed ?? [];
      const wrong = libc === 'glibc' ? needed.find((n) => n === 'libc.so') : needed.find((n) => n === 'libc.so.6');
      if (t.cgo && wrong) {
        out.push({
          checkId: 'linkage',
          severity: 'error',
          message: `needs ${wrong}, the ${libc === 'glibc' ? 'musl' : 'glibc'} C library, but the target expects ${libc}`,
          fix: libc === 'musl' ? 'link with musl-gcc or a musl cross compiler (libc: musl selects one)' : 'link with the glibc C toolchain for the arch, or set libc: musl',
          file: ctx.file,
          data: { needed },
        });
      }
      return out;
    }
    const want = formatPlatform(t.platform);
    const interp = elf.interpreter;
    const needed = elf.dynamic()?.needed ?? [];
    const add = (message: string, fix: string, data?: Record<string, unknown>) =>
      out.push({ checkId: 'linkage', severity: 'error', message, fix, file: ctx.file, data });

    if (!t.cgo && !ctx.params.allowDynamic) {
      // Go's internal linker gives a PIE an interpreter even without cgo; libraries are what matter then.
      const pieInternal = t.buildmode === 'pie' && needed.length === 0;
      if ((interp !== undefined && !pieInternal) || needed.length > 0) {
        add(
          `dynamically linked (${interp ? `interpreter ${interp}` : 'no interpreter'}${needed.length ? `, needs ${needed.join(', ')}` : ''}) but the target has cgo off and should be static`,
          'build with CGO_ENABLED=0 (cgo: false) and without -linkmode=external, or set cgo: true on the target if C code is intended',
          { interpreter: interp, needed },
        );
        return out;
      }
    }
    if (interp === undefined) return out;
    const libc = t.libc ?? 'glibc';
    const loaders = LOADERS[t.platform.goarch];
    if (!loaders) return out;
    const ok = loaders[libc];
    if (ok.includes(interp)) {
      // arm: the loader must fit the float ABI of an externally linked binary.
      if (t.platform.goarch === 'arm' && libc === 'glibc' && linkMode(elf, t.linkmode) === 'external') {
        const hard = (elf.header.flags & 0x400) !== 0;
        const expect = hard ? '/lib/ld-linux-armhf.so.3' : '/lib/ld-linux.so.3';
        if (interp !== expect && !(armSoftFloat(t.platform) && interp === '/lib/ld-linux.so.3')) {
          add(`loader ${interp} does not match the ${hard ? 'hard' : 'soft'}-float ABI of this binary (expected ${expect})`, 'link with the C toolchain of the device\'s float ABI (arm-linux-gnueabihf-gcc for armhf)', { interpreter: interp });
        }
      }
      return out;
    }
    const who = identifyLoader(interp);
    if (who.length === 0) {
      add(`unknown program loader ${interp} for ${want} (${libc}); expected ${ok.join(' or ')}`, `link with the ${libc} C toolchain for ${t.platform.goarch}, or set libc to match the device`, { interpreter: interp });
    } else if (who.some((w) => w.goarch === t.platform.goarch)) {
      const other = who.find((w) => w.goarch === t.platform.goarch)!.libc;
      add(
        `${other} loader ${interp} but the target expects ${libc} (${ok[0]}): the binary will not start on a ${libc} system`,
        libc === 'musl'
          ? 'link with musl-gcc or a musl cross compiler (libc: musl selects one), or build static with cgo: false'
          : 'link with the glibc cross compiler for the arch, or set libc: musl if the device runs musl (Alpine, OpenWrt)',
        { interpreter: interp, loaderLibc: other },
      );
    } else {
      add(
        `loader ${interp} belongs to ${who.map((w) => `${w.goarch}/${w.libc}`).join(', ')}, not ${want}`,
        foreignLoaderFix(t.platform, libc, who.map((w) => w.goarch)),
        { interpreter: interp },
      );
    }
    return out;
  },
};
export default linkage;

/**
 * The fix when the loader is another arch's: a C compiler of that other arch linked the binary,
 * so the build needs the target's. Named the way a build chooses one (the target's `cc` option,
 * or `CC_FOR_<goos>_<goarch>`: plain `CC` is not read by gocross builds).
 */
function foreignLoaderFix(p: Platform, libc: Libc, linkedFor: readonly string[]): string {
  const triple = cTriple(p, libc);
  const compiler = triple ? `${triple}-gcc` : `a ${libc} C compiler for ${p.goarch}`;
  return `link with ${compiler}: set the target's cc option or $CC_FOR_${p.goos}_${p.goarch} (a C compiler for ${[...new Set(linkedFor)].join(' or ')} linked this binary)`;
}
