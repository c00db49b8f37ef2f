/**
 * Why two builds of the same source differ, from the two binaries: their Go build info (Go
 * version, vcs stamps, -ldflags, cgo settings, target settings, dependencies), the source paths
 * either one embeds, their Go build ids and the sections whose contents differ, each with a
 * sample of the differing bytes. Each cause is one sentence; the most specific come first.
 */
import * as fs from 'node:fs';
import { detectKind, openFile, readBuildInfo, readElf, readMachO, readPe, type GoBuildInfo } from '../../binary';

export interface Section {
  name: string;
  offset: number;
  size: number;
}

export interface DiffCause {
  /** go-version, paths, vcs, ldflags, cgo, settings, deps, build-id, sections, size. */
  kind: string;
  message: string;
}

/** What each build's checkout looked like (the paths searched for in the binaries). */
export interface CheckoutPaths {
  /** Source roots of the first build (workspace and module dir), longest first is not required. */
  first: string[];
  second: string[];
}

/** The file's sections with their file ranges (ELF, Mach-O first image, PE); [] for other files. */
export function fileSections(file: string): Section[] {
  const src = openFile(file);
  try {
    const kind = detectKind(src);
    if (kind === 'elf') {
      return readElf(src)
        .sections.filter((s) => s.name && s.type !== 8 /* SHT_NOBITS */ && s.size > 0)
        .map((s) => ({ name: s.name, offset: s.offset, size: s.size }));
    }
    if (kind === 'macho' || kind === 'macho-fat') {
      const img = readMachO(src).images[0];
      return img ? img.segments.flatMap((seg) => seg.sections.filter((s) => s.offset > 0 && s.size > 0).map((s) => ({ name: `${s.segname},${s.name}`, offset: s.offset, size: s.size }))) : [];
    }
    if (kind === 'pe') {
      return readPe(src).sections.filter((s) => s.sizeOfRawData > 0).map((s) => ({ name: s.name, offset: s.pointerToRawData, size: s.sizeOfRawData }));
    }
    return [];
  } catch {
    return [];
  } finally {
    src.close();
  }
}

function buildInfoOf(file: string): GoBuildInfo | undefined {
  const src = openFile(file);
  try {
    return readBuildInfo(src);
  } catch {
    return undefined;
  } finally {
    src.close();
  }
}

function goBuildId(file: string): string | undefined {
  const src = openFile(file);
  try {
    return detectKind(src) === 'elf' ? readElf(src).goBuildId() : undefined;
  } catch {
    return undefined;
  } finally {
    src.close();
  }
}

const show = (v: string | undefined) => (v === undefined ? '(unset)' : v === '' || /\s/.test(v) ? JSON.stringify(v) : v);

/** Settings whose difference is named by its own kind. */
function settingKind(key: string): string {
  if (key.startsWith('vcs')) return 'vcs';
  if (key === '-ldflags') return 'ldflags';
  if (key.startsWith('CGO_') || key === 'CC' || key === 'CXX') return 'cgo';
  if (key === '-trimpath') return 'paths';
  return 'settings';
}

const KIND_TEXT: Record<string, string> = {
  vcs: 'vcs stamps differ (the checkouts differ in revision, commit time or uncommitted changes; build with -buildvcs=false, the reproducible default, or from a clean checkout)',
  ldflags: 'ldflags differ',
  cgo: 'cgo compiler or C flags differ',
  paths: '-trimpath differs',
  settings: 'build settings differ',
};

/** Differences in Go build info, grouped by kind. */
export function compareBuildInfo(a: GoBuildInfo | undefined, b: GoBuildInfo | undefined): DiffCause[] {
  const out: DiffCause[] = [];
  if (!a || !b) {
    if (a || b) out.push({ kind: 'settings', message: `only the ${a ? 'first' : 'second'} binary carries Go build info` });
    return out;
  }
  if (a.goVersion !== b.goVersion) out.push({ kind: 'go-version', message: `Go version differs: ${a.goVersion} vs ${b.goVersion} (pin the toolchain: GOTOOLCHAIN=local and the same Go)` });
  const byKind = new Map<string, string[]>();
  const keys = [...new Set([...a.settings.map((s) => s.key), ...b.settings.map((s) => s.key)])];
  for (const k of keys) {
    const va = a.setting(k);
    const vb = b.setting(k);
    if (va === vb) continue;
    const kind = settingKind(k);
    byKind.set(kind, [...(byKind.get(kind) ?? []), `${k} ${show(va)} vs ${show(vb)}`]);
  }
  // Since Go 1.24 the vcs stamps also set the main module's version (v1.2.3+dirty, pseudo-versions).
  if ((a.main?.version ?? '') !== (b.main?.version ?? '')) {
    const kind = a.settings.some((s) => s.key.startsWith('vcs')) || b.settings.some((s) => s.key.startsWith('vcs')) ? 'vcs' : 'settings';
    byKind.set(kind, [...(byKind.get(kind) ?? []), `main module version ${show(a.main?.version)} vs ${show(b.main?.version)}`]);
  }
  for (const kind of ['vcs', 'ldflags', 'cgo', 'paths', 'settings']) {
    const d = byKind.get(kind);
    if (d) out.push({ kind, message: `${KIND_TEXT[kind]}: ${d.join('; ')}` });
  }
  const deps = (bi: GoBuildInfo) => new Map(bi.deps.map((d) => [d.path, `${d.version}${d.replace ? ` => ${d.replace.path} ${d.replace.version}` : ''}`]));
  const da = deps(a);
  const db = deps(b);
  const changed = [...new Set([...da.keys(), ...db.keys()])].filter((p) => da.get(p) !== db.get(p));
  if (changed.length > 0) {
    out.push({ kind: 'deps', message: `dependencies differ: ${changed.slice(0, 5).map((p) => `${p} ${show(da.get(p))} vs ${show(db.get(p))}`).join('; ')}${changed.length > 5 ? ` (and ${changed.length - 5} more)` : ''}` });
  }
  return out;
}

/** File offsets of `needle` in `buf`. */
function offsetsOf(buf: Buffer, needle: string, max = 1000): number[] {
  const out: number[] = [];
  const n = Buffer.from(needle);
  for (let i = buf.indexOf(n); i >= 0 && out.length < max; i = buf.indexOf(n, i + 1)) out.push(i);
  return out;
}

function sectionAt(sections: Section[], off: number): string | undefined {
  return sections.find((s) => off >= s.offset && off < s.offset + s.size)?.name;
}

function sectionNames(sections: Section[], offsets: number[]): string {
  const names = [...new Set(offsets.map((o) => sectionAt(sections, o) ?? '(outside sections)'))];
  return names.slice(0, 6).join(', ') + (names.length > 6 ? ', …' : '');
}

/** The printable text around `off` (a string the linker placed there), or a hex sample. */
export function sampleAt(buf: Buffer, off: number): string {
  const printable = (c: number) => c >= 0x20 && c < 0x7f;
  if (off < buf.length && printable(buf[off])) {
    let s = off;
    let e = off;
    while (s > 0 && off - s < 40 && printable(buf[s - 1])) s--;
    while (e < buf.length && e - off < 40 && printable(buf[e])) e++;
    if (e - s >= 4) return JSON.stringify(buf.subarray(s, e).toString('latin1'));
  }
  return buf.subarray(off, Math.min(buf.length, off + 16)).toString('hex');
}

/**
 * Source paths of one build found in its binary and not in the other's: what -trimpath
 * removes. The longest path of a checkout that is found names it.
 */
export function comparePaths(a: Buffer, b: Buffer, sa: Section[], sb: Section[], paths: CheckoutPaths): DiffCause[] {
  const found = (buf: Buffer, list: string[]) => {
    for (const p of [...list].sort((x, y) => y.length - x.length)) {
      const offs = offsetsOf(buf, p);
      if (offs.length > 0) return { path: p, offs };
    }
    return undefined;
  };
  const fa = found(a, paths.first);
  const fb = found(b, paths.second);
  if (!fa && !fb) return [];
  const parts: string[] = [];
  const times = (n: number) => (n === 1 ? 'once' : `${n} times`);
  if (fa) parts.push(`the first holds its source path ${fa.path} ${times(fa.offs.length)} (in ${sectionNames(sa, fa.offs)})`);
  if (fb) parts.push(`the second holds ${fb.path} ${times(fb.offs.length)} (in ${sectionNames(sb, fb.offs)})`);
  return [{ kind: 'paths', message: `paths: ${parts.join(', ')}; build with -trimpath (trimpath: true, the default)` }];
}

/** Sections whose contents differ, with a sample of the first differing bytes of each. */
export function compareSections(a: Buffer, b: Buffer, sa: Section[], sb: Section[]): DiffCause[] {
  const byName = new Map(sb.map((s) => [s.name, s]));
  const differing: string[] = [];
  for (const s of sa) {
    const t = byName.get(s.name);
    if (!t) {
      differing.push(`${s.name} (only in the first)`);
      continue;
    }
    const ca = a.subarray(s.offset, s.offset + s.size);
    const cb = b.subarray(t.offset, t.offset + t.size);
    if (ca.equals(cb)) continue;
    const n = Math.min(ca.length, cb.length);
    let i = 0;
    while (i < n && ca[i] === cb[i]) i++;
    const size = s.size === t.size ? `${s.size} bytes` : `${s.size} vs ${t.size} bytes`;
    differing.push(i < n ? `${s.name} (${size}; at +0x${i.toString(16)}: ${sampleAt(ca, i)} vs ${sampleAt(cb, i)})` : `${s.name} (${size})`);
  }
  for (const t of sb) if (!sa.some((s) => s.name === t.name)) differing.push(`${t.name} (only in the second)`);
  if (differing.length === 0) return [];
  return [{ kind: 'sections', message: `differs in data: ${differing.slice(0, 8).join('; ')}${differing.length > 8 ? ` (and ${differing.length - 8} more sections)` : ''}` }];
}

/** Every cause found for two different binaries of the same build (never empty). */
export function diagnose(first: string, second: string, paths: CheckoutPaths): DiffCause[] {
  const a = fs.readFileSync(first);
  const b = fs.readFileSync(second);
  const sa = fileSections(first);
  const sb = fileSections(second);
  const causes: DiffCause[] = [];
  causes.push(...compareBuildInfo(buildInfoOf(first), buildInfoOf(second)));
  causes.push(...comparePaths(a, b, sa, sb, paths));
  const ia = goBuildId(first);
  const ib = goBuildId(second);
  if (ia !== ib) causes.push({ kind: 'build-id', message: `Go build id (.note.go.buildid) differs: ${show(ia)} vs ${show(ib)} (it is derived from the inputs, so it follows the other causes)` });
  causes.push(...compareSections(a, b, sa, sb));
  if (causes.length === 0) {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    causes.push({ kind: 'size', message: a.length !== b.length ? `sizes differ: ${a.length} vs ${b.length} bytes, first difference at 0x${i.toString(16)}` : `first difference at offset 0x${i.toString(16)}: ${sampleAt(a, i)} vs ${sampleAt(b, i)}` });
  }
  return causes;
}
