/**
 * rpath: DT_RPATH / DT_RUNPATH entries that let someone else's files be loaded: empty or
 * relative entries (resolved against the current directory), world-writable directories
 * (/tmp, /var/tmp, /dev/shm), entries off the policy's allow-list; DT_RPATH at all (warn: it
 * takes precedence over LD_LIBRARY_PATH).
 */
import { flag, list, options, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import type { Finding } from '../types';

export const schema = options({
  allow: list('the only absolute entries allowed'),
  allowRpath: flag('no warning for DT_RPATH itself'),
});
export type RpathOptions = OptionsOf<typeof schema>;

const WORLD_WRITABLE = ['/tmp', '/var/tmp', '/dev/shm'];

function underDir(p: string, dir: string): boolean {
  const norm = p.replace(/\/+$/, '');
  return norm === dir || norm.startsWith(`${dir}/`);
}

export const rpath: BinaryCheck<RpathOptions> = {
  meta: {
    id: 'rpath',
    title: 'No RPATH/RUNPATH into writable, relative or unapproved places',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'Reports RPATH/RUNPATH entries that are empty, relative, under /tmp, /var/tmp or /dev/shm, or not on the policy allow-list, and warns about DT_RPATH itself.',
    docs: 'docs/checks/rpath.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    if (ctx.kind !== 'elf') return out;
    const dyn = ctx.elf()?.dynamic();
    if (!dyn) return out;
    const allow = ctx.params.allow;
    const entries: { tag: 'DT_RPATH' | 'DT_RUNPATH'; value: string }[] = [
      ...dyn.rpath.map((value) => ({ tag: 'DT_RPATH' as const, value })),
      ...dyn.runpath.map((value) => ({ tag: 'DT_RUNPATH' as const, value })),
    ];
    if (dyn.rpath.length > 0 && ctx.params.allowRpath !== true) {
      out.push({
        checkId: 'rpath',
        severity: 'warn',
        message: `DT_RPATH is used (${dyn.rpath.join(' ; ')}); it overrides LD_LIBRARY_PATH and is deprecated`,
        fix: 'link with -Wl,--enable-new-dtags (DT_RUNPATH) or drop the rpath',
        file: ctx.file,
      });
    }
    for (const e of entries) {
      for (const p of e.value.split(':')) {
        let problem: string | undefined;
        if (p === '') problem = 'an empty entry (searches the current directory)';
        else if (p.startsWith('$ORIGIN') || p.startsWith('${ORIGIN}')) problem = undefined;
        else if (!p.startsWith('/')) problem = 'a relative entry (resolved against the current directory)';
        else if (WORLD_WRITABLE.some((d) => underDir(p, d))) problem = 'a world-writable directory (anyone can plant a library there)';
        if (!problem && allow && p !== '' && !allow.includes(p)) problem = 'not on the policy allow-list';
        if (problem) {
          out.push({
            checkId: 'rpath',
            severity: 'error',
            message: `${e.tag} entry "${p}" is ${problem}`,
            fix: 'remove -rpath from the link flags (ldflags -extldflags, CGO_LDFLAGS) or use an absolute system path or $ORIGIN',
            file: ctx.file,
            data: { tag: e.tag, entry: p, value: e.value },
          });
        }
      }
    }
    return out;
  },
};
export default rpath;
