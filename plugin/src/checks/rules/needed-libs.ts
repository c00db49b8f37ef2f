/**
 * needed-libs: every DT_NEEDED library is on the allow-list (default: the manylinux2014 set
 * plus musl's libc.so and the program loaders), so the binary runs on a stock system.
 */
import { LOADERS } from '../arch';
import { list, options, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import type { Finding } from '../types';

export const schema = options({
  allow: list('the allowed libraries (replaces the default list)'),
  extra: list('libraries added to the list'),
});
export type NeededLibsOptions = OptionsOf<typeof schema>;

export const MANYLINUX2014_LIBS: readonly string[] = [
  'libgcc_s.so.1', 'libstdc++.so.6', 'libm.so.6', 'libdl.so.2', 'librt.so.1', 'libc.so.6', 'libnsl.so.1',
  'libutil.so.1', 'libpthread.so.0', 'libresolv.so.2', 'libX11.so.6', 'libXext.so.6', 'libXrender.so.1',
  'libICE.so.6', 'libSM.so.6', 'libGL.so.1', 'libgobject-2.0.so.0', 'libgthread-2.0.so.0', 'libglib-2.0.so.0',
  'libexpat.so.1', 'libz.so.1',
];

function defaultAllow(): Set<string> {
  const s = new Set<string>([...MANYLINUX2014_LIBS, 'libc.so']);
  for (const l of Object.values(LOADERS)) for (const p of [...l.glibc, ...l.musl]) s.add(p.slice(p.lastIndexOf('/') + 1));
  return s;
}

export const neededLibs: BinaryCheck<NeededLibsOptions> = {
  meta: {
    id: 'needed-libs',
    title: 'Needed shared libraries are on the allow-list',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'Every DT_NEEDED entry must be on the allow-list (default: manylinux2014 libraries, musl libc.so and the program loaders; policy "allow" replaces it, "extra" adds to it).',
    docs: 'docs/checks/needed-libs.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    if (ctx.kind !== 'elf') return out;
    const needed = ctx.elf()?.dynamic()?.needed ?? [];
    if (needed.length === 0) return out;
    const allow = ctx.params.allow ? new Set(ctx.params.allow) : defaultAllow();
    for (const x of ctx.params.extra ?? []) allow.add(x);
    for (const lib of needed) {
      if (!allow.has(lib)) {
        out.push({
          checkId: 'needed-libs',
          severity: 'error',
          message: `needs ${lib}, which is not on the allowed library list`,
          fix: `link ${lib.replace(/\.so.*$/, '')} statically, or add "${lib}" to needed-libs "extra" in gocross.policy.json if the device ships it`,
          file: ctx.file,
          data: { library: lib },
        });
      }
    }
    return out;
  },
};
export default neededLibs;
