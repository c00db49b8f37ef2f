/**
 * buildinfo: what the Go toolchain recorded in the binary matches the target: GOOS, GOARCH,
 * the arch's variant (GOAMD64, GOARM, GOARM64…), CGO_ENABLED, -trimpath, -tags; the Go version
 * is at least the policy minimum; no `replace` of standard-library-like or golang.org/x/sys
 * modules; no vcs.modified=true when the policy forbids dirty builds.
 */
import type { BinaryCheckContext } from '../context';
import { flag, list, options, text, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import { goarchOfMachO } from '../arch';
import { goVersionAtLeast, goVersionToSemver } from '../../platforms/go-version';
import type { GoBuildInfo } from '../../binary/types';
import { VARIANT_VARIABLE } from '../../platforms/types';
import type { Finding, TargetSpec } from '../types';

export const schema = options({
  minGoVersion: text('a Go version such as "1.22" or "go1.22.3"', '^(go)?\\d+(\\.\\d+){0,2}$'),
  allowDirty: flag('accept builds from a modified working tree (default true)'),
  requireTrimpath: flag("require -trimpath (default: the target's trimpath)"),
  allowReplace: list('module paths whose replace is intended'),
});
export type BuildinfoOptions = OptionsOf<typeof schema>;

/** Variant values Go uses when the variable is unset (GOARM depends on the host: not listed). */
const DEFAULT_VARIANT: Readonly<Record<string, string>> = {
  GOAMD64: 'v1',
  GOARM64: 'v8.0',
  GORISCV64: 'rva20u64',
  GO386: 'sse2',
  GOMIPS: 'hardfloat',
  GOMIPS64: 'hardfloat',
  GOPPC64: 'power8',
};

/** Module paths whose replacement changes low-level behaviour the whole program relies on. */
export function isSensitiveModule(p: string): boolean {
  const first = p.split('/')[0];
  return !first.includes('.') || p === 'golang.org/x/sys' || p.startsWith('golang.org/x/sys/') || p === 'golang.org/x/arch';
}

function sameVariant(a: string, b: string): boolean {
  if (a === b) return true;
  // GOARM=7 and GOARM=7,hardfloat name the same target
  const strip = (v: string) => v.replace(/,hardfloat$/, '');
  return strip(a) === strip(b);
}

export const buildinfo: BinaryCheck<BuildinfoOptions> = {
  meta: {
    id: 'buildinfo',
    title: 'Go build info matches the target',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'Compares the GOOS, GOARCH, variant, CGO_ENABLED, -trimpath and -tags recorded by the Go toolchain with the target, checks the Go version against a minimum, and flags replaced standard-like or golang.org/x/sys modules and dirty VCS builds.',
    docs: 'docs/checks/buildinfo.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    if (ctx.kind === 'ar') return out;
    const m = ctx.kind === 'macho-fat' ? ctx.macho() : undefined;
    if (!m || !m.fat) {
      const bi = ctx.buildInfo();
      if (bi) judge(ctx, bi, ctx.target, '', out);
      return out;
    }
    // A universal file: each slice is its own Go build, judged against the platform of the arch
    // its place in the fat header names (binary-arch reports slices of unexpected arches).
    m.images.forEach((img, i) => {
      const cputype = img.fatCputype ?? img.cputype;
      const goarch = goarchOfMachO(cputype);
      if (!goarch) return;
      const platform = (ctx.target.universal ?? [ctx.target.platform]).find((p) => p.goarch === goarch) ?? { goos: ctx.target.platform.goos, goarch };
      const bi = ctx.sliceBuildInfo(i);
      if (bi) judge(ctx, bi, { ...ctx.target, platform }, `${goarch} slice: `, out);
    });
    return out;
  },
};

function judge(ctx: BinaryCheckContext<BuildinfoOptions>, bi: GoBuildInfo, t: TargetSpec, prefix: string, out: Finding[]): void {
  const add = (message: string, fix: string, data?: Record<string, unknown>, severity: 'error' | 'warn' = 'error') =>
    out.push({ checkId: 'buildinfo', severity, message: prefix + message, fix, file: ctx.file, data });

  const goos = bi.setting('GOOS');
  const goarch = bi.setting('GOARCH');
  if (goos && goos !== t.platform.goos) add(`built with GOOS=${goos}, target is GOOS=${t.platform.goos}`, `rebuild with GOOS=${t.platform.goos}`, { goos });
  if (goarch && goarch !== t.platform.goarch) add(`built with GOARCH=${goarch}, target is GOARCH=${t.platform.goarch}`, `rebuild with GOARCH=${t.platform.goarch}`, { goarch });
  if (goarch === t.platform.goarch) {
    const v = VARIANT_VARIABLE[goarch];
    const recorded = v ? bi.setting(v) : undefined;
    const expected = t.platform.variant ?? (v ? DEFAULT_VARIANT[v] : undefined);
    if (v && recorded !== undefined && expected !== undefined && !sameVariant(recorded, expected)) {
      add(
        `built with ${v}=${recorded}, target is ${v}=${expected}: the binary may use instructions the device lacks`,
        `rebuild with ${v}=${expected} (the ${v.toLowerCase()} option of the build target; check the environment for a stray ${v})`,
        { variable: v, recorded, expected },
      );
    }
  }
  const cgo = bi.setting('CGO_ENABLED');
  if (cgo !== undefined && (cgo === '1') !== t.cgo) {
    add(`built with CGO_ENABLED=${cgo}, target has cgo ${t.cgo ? 'on' : 'off'}`, `rebuild with CGO_ENABLED=${t.cgo ? 1 : 0} (cgo option of the build target)`, { cgo });
  }
  const trim = bi.setting('-trimpath') === 'true';
  const wantTrim = ctx.params.requireTrimpath ?? t.trimpath;
  if (wantTrim === true && !trim) {
    add('built without -trimpath: local paths are embedded and the build is not reproducible', 'build with -trimpath (trimpath: true, the default)', undefined, 'warn');
  }
  if (t.tags) {
    const recorded = (bi.setting('-tags') ?? '').split(',').filter(Boolean).sort();
    const wanted = [...t.tags].filter(Boolean).sort();
    if (recorded.join(',') !== wanted.join(',')) {
      add(
        `built with tags [${recorded.join(', ')}], target has tags [${wanted.join(', ')}]`,
        'rebuild with the target\'s tags option (and no extra -tags in GOFLAGS)',
        { recorded, wanted },
      );
    }
  }
  const min = ctx.params.minGoVersion;
  if (min) {
    const want = min.replace(/^go/, '');
    // A pre-release counts as its release; a version that cannot be read is not judged.
    if (goVersionToSemver(bi.goVersion) && !goVersionAtLeast(bi.goVersion, want)) {
      add(`built with ${bi.goVersion}, policy requires go${want} or newer`, `upgrade the Go toolchain to go${want}+ (go.mod toolchain line, GOTOOLCHAIN)`, { goVersion: bi.goVersion, min: want });
    }
  }
  const allowReplace = new Set(ctx.params.allowReplace ?? []);
  for (const d of bi.deps) {
    if (!d.replace || allowReplace.has(d.path) || !isSensitiveModule(d.path)) continue;
    const v = d.replace.version;
    const to = v && v !== '(devel)' ? `${d.replace.path}@${v}` : d.replace.path;
    add(
      `module ${d.path} is replaced by ${to}: a local or unofficial copy of a low-level module`,
      `remove the replace of ${d.path} from go.mod (or list it in buildinfo "allowReplace" if intended)`,
      { module: d.path, replace: d.replace.path, replaceVersion: d.replace.version },
    );
  }
  if (ctx.params.allowDirty === false && bi.setting('vcs.modified') === 'true') {
    add(`built from a modified working tree (vcs.modified=true, revision ${bi.setting('vcs.revision') ?? '?'})`, 'commit your changes and rebuild (release builds must come from a clean checkout)');
  }
}
export default buildinfo;
