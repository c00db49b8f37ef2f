/**
 * The `builds` of a goreleaser config as gocross.json settings, with the settings that have no
 * gocross equivalent listed instead of dropped silently.
 *
 * Semantics follow goreleaser's Go builder (internal/builders/golang/{build,targets}.go, read at
 * commit cd616d2 of goreleaser/goreleaser):
 * - without `targets`, the platforms are goos × goarch (defaults [linux, darwin, windows] and
 *   [amd64, arm64, 386]), each arch multiplied by its variant list (goamd64 [v1], go386 [sse2],
 *   goarm [6], goarm64 [v8.0], gomips [hardfloat], goppc64 [power8], goriscv64 [rva20u64]), minus
 *   the pairs Go does not support (darwin/386, windows/arm, …: goreleaser's validTargets list)
 *   and minus every `ignore` entry whose set fields all match;
 * - `targets` (`linux_arm_7`, `linux_amd64_v3`, `darwin_arm64_v8.0`, `go_first_class`) replace
 *   that matrix; goos, goarch and the variant lists are then ignored;
 * - without `ldflags`, goreleaser uses `-s -w -X main.version={{.Version}} -X main.commit={{.Commit}}
 *   -X main.date={{.Date}} -X main.builtBy=goreleaser`.
 * A variant equal to Go's own default (v1, sse2, v8.0, hardfloat, power8, rva20u64) is left out
 * of the gocross platform, which builds the same binary; GOARM is always written, since Go's
 * default (7 when cross-compiling) is not goreleaser's (6).
 */
import { parse as parseYaml } from 'yaml';
import { isBuildMode } from '../../platforms/buildmode';

/** Settings of gocross.json the import writes. */
export interface ImportedSettings {
  platforms?: string[];
  tags?: string[];
  ldflags?: string;
  gcflags?: string;
  env?: Record<string, string>;
  mains?: string[];
  cgo?: boolean;
  buildmode?: string;
}

export interface ImportResult {
  settings: ImportedSettings;
  /** Settings that could not be mapped, one sentence each. */
  unmapped: string[];
  /** What was mapped with a change of meaning worth knowing. */
  notes: string[];
  /** The build names the settings come from (`id`, else `builds[i]`). */
  builds: string[];
}

export class GoreleaserImportError extends Error {}

type Build = Record<string, unknown>;

export const DEFAULT_GOOS = ['linux', 'darwin', 'windows'];
export const DEFAULT_GOARCH = ['amd64', 'arm64', '386'];
export const DEFAULT_LDFLAGS = '-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}} -X main.builtBy=goreleaser';

/** Variant field of each arch, goreleaser's default for it, and Go's own default. */
const VARIANT_FIELDS: Record<string, { field: string; goreleaser: string; go?: string }> = {
  amd64: { field: 'goamd64', goreleaser: 'v1', go: 'v1' },
  '386': { field: 'go386', goreleaser: 'sse2', go: 'sse2' },
  arm: { field: 'goarm', goreleaser: '6' },
  arm64: { field: 'goarm64', goreleaser: 'v8.0', go: 'v8.0' },
  mips: { field: 'gomips', goreleaser: 'hardfloat', go: 'hardfloat' },
  mipsle: { field: 'gomips', goreleaser: 'hardfloat', go: 'hardfloat' },
  mips64: { field: 'gomips', goreleaser: 'hardfloat', go: 'hardfloat' },
  mips64le: { field: 'gomips', goreleaser: 'hardfloat', go: 'hardfloat' },
  ppc64: { field: 'goppc64', goreleaser: 'power8', go: 'power8' },
  ppc64le: { field: 'goppc64', goreleaser: 'power8', go: 'power8' },
  riscv64: { field: 'goriscv64', goreleaser: 'rva20u64', go: 'rva20u64' },
};

/** goreleaser's validTargets and experimentalTargets (goos+goarch). */
const VALID_TARGETS = new Set([
  'aixppc64', 'android386', 'androidamd64', 'androidarm', 'androidarm64', 'darwinamd64', 'darwinarm64', 'dragonflyamd64',
  'freebsd386', 'freebsdamd64', 'freebsdarm', 'freebsdarm64', 'illumosamd64', 'iosarm64', 'jswasm', 'wasip1wasm',
  'linux386', 'linuxamd64', 'linuxarm', 'linuxarm64', 'linuxppc64', 'linuxppc64le', 'linuxmips', 'linuxmipsle',
  'linuxmips64', 'linuxmips64le', 'linuxs390x', 'linuxriscv64', 'linuxloong64', 'netbsd386', 'netbsdamd64', 'netbsdarm',
  'netbsdarm64', 'openbsd386', 'openbsdamd64', 'openbsdarm', 'openbsdarm64', 'plan9386', 'plan9amd64', 'plan9arm',
  'solarisamd64', 'solarissparc', 'solarissparc64', 'windowsarm64', 'windows386', 'windowsamd64', 'openbsdriscv64',
]);

/** What `go_first_class` and `go_118_first_class` stand for. */
export const FIRST_CLASS_TARGETS = ['darwin_amd64', 'darwin_arm64', 'linux_386', 'linux_amd64', 'linux_arm', 'linux_arm64', 'windows_386', 'windows_amd64'];

/** Build fields the import reads; any other field set on a build is reported. */
const KNOWN_FIELDS = new Set([
  'id', 'builder', 'skip', 'goos', 'goarch', 'goamd64', 'go386', 'goarm', 'goarm64', 'gomips', 'goppc64', 'goriscv64',
  'ignore', 'targets', 'flags', 'ldflags', 'gcflags', 'tags', 'env', 'main', 'binary', 'buildmode', 'tool', 'command',
]);

const TEMPLATES: [RegExp, string][] = [
  [/\{\{-?\s*\.Version\s*-?\}\}/g, '{version}'],
  [/\{\{-?\s*\.(?:Full)?Commit\s*-?\}\}/g, '{commit}'],
  [/\{\{-?\s*\.CommitDate\s*-?\}\}/g, '{commitDate}'],
  [/\{\{-?\s*\.Date\s*-?\}\}/g, '{commitDate}'],
];

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(str).filter((s) => s !== '');
}

/** goreleaser template text with the mappable templates as gocross placeholders. */
export function mapTemplates(text: string): string {
  let out = text;
  for (const [re, to] of TEMPLATES) out = out.replace(re, to);
  return out;
}

/** Splits flags on white space outside `{{ }}` (a template may contain spaces). */
export function splitFlags(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('{{', i)) {
      depth++;
      cur += '{{';
      i++;
    } else if (depth > 0 && text.startsWith('}}', i)) {
      depth--;
      cur += '}}';
      i++;
    } else if (depth === 0 && /\s/.test(text[i])) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += text[i];
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * ldflags (or gcflags) lines with templates mapped; a flag whose value keeps a template gocross
 * cannot resolve is dropped (with its `-X`) and reported.
 */
function mapFlagLines(lines: string[], what: string, unmapped: string[]): string {
  const kept: string[] = [];
  for (const line of lines) {
    const tokens = splitFlags(line);
    for (let i = 0; i < tokens.length; i++) {
      const t = mapTemplates(tokens[i]);
      if (t.includes('{{')) {
        const prev = kept[kept.length - 1];
        const withFlag = prev === '-X' || prev === '--X' ? `${kept.pop()} ${tokens[i]}` : tokens[i];
        unmapped.push(`${what} "${withFlag}": a template other than {{.Version}}, {{.Commit}}, {{.CommitDate}}, {{.Date}}`);
        continue;
      }
      kept.push(t);
    }
  }
  return kept.join(' ');
}

function variantOf(goarch: string, value: string | undefined, fromTargets: boolean): string | undefined {
  const spec = VARIANT_FIELDS[goarch];
  if (!spec) return undefined;
  if (value === undefined || value === '') return goarch === 'arm' ? spec.goreleaser : undefined;
  if (!fromTargets && spec.go !== undefined && value === spec.go) return undefined;
  return value;
}

function platformText(goos: string, goarch: string, variant: string | undefined): string {
  return variant ? `${goos}/${goarch}/${variant}` : `${goos}/${goarch}`;
}

/** The platforms of one build, as gocross writes them. */
export function buildPlatforms(b: Build, name: string, unmapped: string[]): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p)) out.push(p);
  };
  const targets = list(b.targets);
  if (targets.length > 0) {
    for (const f of ['goos', 'goarch', 'goamd64', 'go386', 'goarm', 'goarm64', 'gomips', 'goppc64', 'goriscv64', 'ignore']) {
      if (b[f] !== undefined) unmapped.push(`${name}.${f}: goreleaser ignores it when targets is set, and so does the import`);
    }
    for (const t of targets.flatMap((t) => (t === 'go_first_class' || t === 'go_118_first_class' ? FIRST_CLASS_TARGETS : [t]))) {
      const [goos, goarch, ...rest] = t.split('_');
      if (!goos || !goarch) {
        unmapped.push(`${name}.targets "${t}": not goos_goarch[_variant]`);
        continue;
      }
      add(platformText(goos, goarch, variantOf(goarch, rest.join('_') || undefined, true)));
    }
    return out;
  }
  const goos = b.goos !== undefined ? list(b.goos) : DEFAULT_GOOS;
  const goarch = b.goarch !== undefined ? list(b.goarch) : DEFAULT_GOARCH;
  const ignore = Array.isArray(b.ignore) ? (b.ignore as Record<string, unknown>[]) : [];
  for (const os of goos) {
    for (const arch of goarch) {
      const spec = VARIANT_FIELDS[arch];
      const values = spec ? (b[spec.field] !== undefined ? list(b[spec.field]) : [spec.goreleaser]) : [''];
      for (const v of values) {
        if (!VALID_TARGETS.has(os + arch)) continue;
        const ignored = ignore.some((ig) => {
          if (str(ig.goos) && str(ig.goos) !== os) return false;
          if (str(ig.goarch) && str(ig.goarch) !== arch) return false;
          for (const f of ['goamd64', 'go386', 'goarm', 'goarm64', 'gomips', 'goppc64', 'goriscv64']) {
            if (str(ig[f]) && (!spec || spec.field !== f || str(ig[f]) !== v)) return false;
          }
          return true;
        });
        if (!ignored) add(platformText(os, arch, variantOf(arch, v, false)));
      }
    }
  }
  return out;
}

interface BuildSettings {
  name: string;
  platforms: string[];
  values: Map<string, unknown>;
}

function readBuild(b: Build, name: string, topEnv: string[], unmapped: string[], notes: Set<string>): BuildSettings {
  const values = new Map<string, unknown>();
  for (const k of Object.keys(b)) {
    if (KNOWN_FIELDS.has(k)) continue;
    const why =
      k === 'hooks' ? 'gocross runs no build hooks: make them Nx targets the build depends on'
      : k === 'overrides' ? 'per-platform overrides have no gocross.json equivalent: set the options on the build-<platform> target'
      : k === 'dir' ? 'gocross builds from the module root: make the directory its own project'
      : k === 'mod_timestamp' ? 'gocross does not set the binary mtime (the Nx cache restores files with their own)'
      : 'no gocross.json equivalent';
    unmapped.push(`${name}.${k}: ${why}`);
  }
  if (b.tool !== undefined && str(b.tool) !== 'go') unmapped.push(`${name}.tool "${str(b.tool)}": gocross runs the go on PATH`);
  if (b.command !== undefined && str(b.command) !== 'build') unmapped.push(`${name}.command "${str(b.command)}": gocross runs go build`);

  // flags: -trimpath is gocross's default; -tags= joins tags; the rest is reported.
  const tags = list(b.tags).flatMap((t) => t.split(/[ ,]+/)).filter(Boolean);
  let trimpath = false;
  for (const f of list(b.flags).flatMap(splitFlags)) {
    if (f === '-trimpath' || f === '--trimpath') trimpath = true;
    else if (/^--?tags=/.test(f)) tags.push(...f.replace(/^--?tags=/, '').split(/[ ,]+/).filter(Boolean));
    else unmapped.push(`${name}.flags "${f}": gocross.json has no go build flags besides tags, ldflags and gcflags`);
  }
  if (!trimpath) notes.add(`${name} builds without -trimpath; gocross builds with it (reproducible, no local paths in the binary)`);
  const mappedTags = tags.map(mapTemplates);
  for (const t of mappedTags.filter((t) => t.includes('{{'))) unmapped.push(`${name}.tags "${t}": a template other than {{.Version}}, {{.Commit}}, {{.CommitDate}}, {{.Date}}`);
  values.set('tags', mappedTags.filter((t) => !t.includes('{{')));

  const ldLines = b.ldflags !== undefined ? list(b.ldflags) : [DEFAULT_LDFLAGS];
  if (b.ldflags === undefined) notes.add(`${name} sets no ldflags: imported goreleaser's default (${DEFAULT_LDFLAGS})`);
  const raw = ldLines.join(' ');
  values.set('ldflags', mapFlagLines(ldLines, `${name}.ldflags`, unmapped));
  if (/\{\{-?\s*\.Version\s*-?\}\}/.test(raw)) notes.add('{{.Version}} became {version}: `git describe --tags --always`, -dirty when `git status --porcelain` prints anything (v1.2.3, v1.2.3-4-gabc1234, v1.2.3-dirty, …), where goreleaser strips the leading v');
  if (/\{\{-?\s*\.Date\s*-?\}\}/.test(raw)) notes.add('{{.Date}} (the build time) became {commitDate}, the commit time: a build time would make every build differ');
  values.set('gcflags', mapFlagLines(list(b.gcflags), `${name}.gcflags`, unmapped));

  const env: Record<string, string> = {};
  let cgo: boolean | undefined;
  for (const e of [...topEnv, ...list(b.env)]) {
    const i = e.indexOf('=');
    if (i <= 0) {
      unmapped.push(`${name}.env "${e}": not KEY=value`);
      continue;
    }
    const k = e.slice(0, i);
    const v = mapTemplates(e.slice(i + 1));
    if (v.includes('{{')) {
      unmapped.push(`${name}.env "${e}": a template other than {{.Version}}, {{.Commit}}, {{.CommitDate}}, {{.Date}}`);
      continue;
    }
    if (k === 'CGO_ENABLED') cgo = v === '1';
    else if (/^GO(OS|ARCH|AMD64|386|ARM|ARM64|MIPS|MIPS64|PPC64|RISCV64)$/.test(k)) unmapped.push(`${name}.env ${k}: the platform sets it`);
    else env[k] = v;
  }
  values.set('env', env);
  values.set('cgo', cgo);
  if (cgo === undefined) notes.add(`${name} leaves CGO_ENABLED to go (on for native builds with a C compiler); gocross builds without cgo unless "cgo": true`);

  const main = str(b.main) || '.';
  values.set('main', main.replace(/\/+$/, '') === '.' || main === './' ? '.' : main.startsWith('./') || main.startsWith('../') ? main : `./${main}`);
  values.set('binary', mapTemplates(str(b.binary)));
  const buildmode = str(b.buildmode);
  values.set('buildmode', buildmode);
  return { name, platforms: buildPlatforms(b, name, unmapped), values };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface ImportContext {
  /** What go build names the binary of each main dir (for comparing with `binary`). */
  binaryName?: (main: string) => string | undefined;
}

/** Reads a goreleaser config text. Throws GoreleaserImportError for YAML gocross cannot use. */
export function importGoreleaser(text: string, ctx: ImportContext = {}): ImportResult {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new GoreleaserImportError(`not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new GoreleaserImportError('expected a YAML mapping at the top level');
  const top = doc as Record<string, unknown>;
  const unmapped: string[] = [];
  const notes = new Set<string>();
  if (top.builds !== undefined && !Array.isArray(top.builds)) throw new GoreleaserImportError('"builds" must be a list');
  const all = (top.builds as unknown[] | undefined) ?? [{}];
  if (all.length === 0) throw new GoreleaserImportError('"builds" is empty: nothing to import');
  const before = top.before as Record<string, unknown> | undefined;
  if (before && list(before.hooks).length > 0) unmapped.push('before.hooks: gocross runs no hooks: make them Nx targets the build depends on');
  const topEnv = list(top.env);

  const builds: BuildSettings[] = [];
  all.forEach((raw, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      unmapped.push(`builds[${i}]: not a mapping`);
      return;
    }
    const b = raw as Build;
    const name = str(b.id) || `builds[${i}]`;
    if (b.skip === true || str(b.skip) === 'true') {
      unmapped.push(`${name}: skip is set, the build is not imported`);
      return;
    }
    if (b.builder !== undefined && str(b.builder) !== 'go') {
      unmapped.push(`${name}: builder ${str(b.builder)} is not go, the build is not imported`);
      return;
    }
    builds.push(readBuild(b, name, topEnv, unmapped, notes));
  });
  if (builds.length === 0) throw new GoreleaserImportError('no Go build to import (every build is skipped or uses another builder)');

  // One gocross.json per project: platforms add up, every other setting must agree.
  const first = builds[0];
  const pick = (key: string): unknown => {
    const differing = builds.filter((b) => !same(b.values.get(key), first.values.get(key)));
    if (differing.length > 0) {
      const show = (v: unknown) => (v === undefined || v === '' ? '(unset)' : JSON.stringify(v));
      unmapped.push(
        `${key}: builds disagree (${[first, ...differing].map((b) => `${b.name} ${show(b.values.get(key))}`).join('; ')}); gocross.json has one value per project: imported ${first.name}'s`,
      );
    }
    return first.values.get(key);
  };
  const settings: ImportedSettings = {};
  const platforms: string[] = [];
  for (const b of builds) for (const p of b.platforms) if (!platforms.includes(p)) platforms.push(p);
  settings.platforms = platforms;
  const tags = pick('tags') as string[];
  if (tags.length) settings.tags = tags;
  const ldflags = pick('ldflags') as string;
  if (ldflags) settings.ldflags = ldflags;
  const gcflags = pick('gcflags') as string;
  if (gcflags) settings.gcflags = gcflags;
  const env = pick('env') as Record<string, string>;
  if (Object.keys(env).length) settings.env = env;
  const cgo = pick('cgo') as boolean | undefined;
  if (cgo) settings.cgo = true;
  const buildmode = pick('buildmode') as string;
  if (buildmode) {
    if (isBuildMode(buildmode)) {
      if (buildmode !== 'exe') settings.buildmode = buildmode;
    } else unmapped.push(`buildmode "${buildmode}": gocross builds exe, pie, c-shared or c-archive`);
  }
  const main = pick('main') as string;
  if (main !== '.') settings.mains = [main];
  const binary = pick('binary') as string;
  if (binary) {
    const expected = ctx.binaryName?.(main);
    const base = binary.split('/').pop() as string;
    if (binary.includes('{{') || binary.includes('{')) unmapped.push(`binary "${binary}": gocross names the binary as go build does${expected ? ` (${expected})` : ''}`);
    else if (binary.includes('/')) unmapped.push(`binary "${binary}": gocross writes the binary${expected ? ` as ${expected}` : ''} into each platform's output directory, without the ${binary.slice(0, binary.length - base.length)} directory`);
    else if (expected !== undefined && expected !== base) unmapped.push(`binary "${binary}": gocross names the binary as go build does (${expected})`);
  }
  return { settings, unmapped, notes: [...notes], builds: builds.map((b) => b.name) };
}
