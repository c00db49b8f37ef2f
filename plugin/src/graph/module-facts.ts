/**
 * What a module's scan says about one platform: which main packages `go build` can build for it
 * (a `package main` whose files are all excluded by build constraints is no main there), and
 * which files its `//go:embed` lines pull in.
 */
import type { ConstraintContext } from '../platforms/constraint-expr';
import type { Platform } from '../platforms/types';
import type { ResolvedProjectOptions } from './options';
import { fileBuiltIn, isMainIn, ModuleScan } from './scan';

export interface ModuleFacts {
  /** Every main package of the module on some platform, after `mains`/`exclude` (`.`, `./cmd/api`). */
  mains: string[];
  /** The main packages built for p. */
  mainsFor(p: Platform): string[];
  /** Embedded files (module-relative; `dir/**` for a large directory) a build for p reads; with `test`, only those of test files. */
  embedsFor(p: Platform, test?: boolean): string[];
}

export function constraintContext(p: Platform, opts: Pick<ResolvedProjectOptions, 'tags' | 'cgo'>): ConstraintContext {
  const ctx: ConstraintContext = { goos: p.goos, goarch: p.goarch, cgo: opts.cgo };
  if (p.variant !== undefined) ctx.variant = p.variant;
  if (opts.tags?.length) ctx.tags = opts.tags;
  return ctx;
}

/** Facts of a scanned module; `selected` are the main packages kept by `mains`/`exclude`. */
export function moduleFacts(scan: ModuleScan, opts: Pick<ResolvedProjectOptions, 'tags' | 'cgo'>, selected: readonly string[] = scan.mains): ModuleFacts {
  const byMain = new Map(scan.packages.map((p) => [p.dir === '.' ? '.' : `./${p.dir}`, p]));
  const embedUses = scan.packages.flatMap((p) => p.embeds ?? []);
  const memo = new Map<string, string[]>();
  const mainsFor = (p: Platform): string[] => {
    const key = `m ${p.goos}/${p.goarch}/${p.variant ?? ''}`;
    let r = memo.get(key);
    if (!r) {
      const ctx = constraintContext(p, opts);
      r = selected.filter((m) => {
        const files = byMain.get(m)?.mainFiles;
        // Without per-file facts (a scan that did not record them) the package is a main everywhere.
        return !files || isMainIn(files, ctx);
      });
      memo.set(key, r);
    }
    return r;
  };
  const embedsFor = (p: Platform, test = false): string[] => {
    if (embedUses.length === 0) return [];
    const key = `e${test ? 't' : ''} ${p.goos}/${p.goarch}/${p.variant ?? ''}`;
    let r = memo.get(key);
    if (!r) {
      const ctx = constraintContext(p, opts);
      const files = new Set<string>();
      for (const u of embedUses) {
        if (!!u.test !== test) continue;
        const base = u.from.slice(u.from.lastIndexOf('/') + 1);
        if (!fileBuiltIn(base, u.expr, ctx)) continue;
        for (const f of u.files) files.add(f);
      }
      r = [...files].sort();
      memo.set(key, r);
    }
    return r;
  };
  return { mains: [...selected], mainsFor, embedsFor };
}

/** Facts for a fixed list of mains, the same on every platform, and no embeds. */
export function staticFacts(mains: readonly string[]): ModuleFacts {
  return { mains: [...mains], mainsFor: () => [...mains], embedsFor: () => [] };
}
