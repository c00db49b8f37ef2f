/**
 * CycloneDX 1.6 JSON SBOM of one Go binary, from the Go build info embedded in it (the same data
 * `go version -m` prints), built and serialized with @cyclonedx/cyclonedx-library.
 *
 * - `metadata.component`: the main module (type application), with a purl carrying the binary's
 *   own GOOS/GOARCH as qualifiers, read from its build info (not from the host, which is the
 *   cyclonedx-gomod pitfall) and `#subpath` when the main package is not the module root.
 * - `components`: one `library` per `dep` line, scope required, purl `pkg:golang/<path>@<version>`.
 *   A module replaced by another module version is listed as the replacement (the code that was
 *   compiled) with the original recorded in `gocross:gomod:replaces`; a module replaced by a local
 *   directory keeps its path and version, has no purl (no published module holds that code) and
 *   records the directory in `gocross:gomod:replacement:dir`.
 * - The go.sum `h1:` value is kept verbatim in the property `gocross:gomod:h1`. (It is a hash of
 *   the module's file tree, not of any one file; cyclonedx-gomod puts it into `hashes` as
 *   "SHA-256", which a reader would take for a file digest.)
 * - `metadata.properties`: the `cdx:gomod:` names cyclonedx-gomod defines where they exist (binary
 *   name and SHA-256, GOVERSION, GOOS, GOARCH, CGO_ENABLED, compiler, vcs.*, tags), plus every
 *   build setting verbatim as `gocross:go:build:<key>` (-ldflags, -trimpath, GOARM, GOAMD64… which
 *   cyclonedx-gomod does not map).
 * - Deterministic: the serial number is derived from the binary's SHA-256 (UUID version 8), the
 *   timestamp is the one given (the commit time) or absent, lists are sorted.
 */
import * as CDX from '@cyclonedx/cyclonedx-library';
import { bufferSource } from '../binary/source';
import { readBuildInfo } from '../binary/buildinfo';
import type { GoBuildInfo, BuildInfoModule } from '../binary/types';
import { sha256Hex } from './checksums';

export const CYCLONEDX_PREDICATE_TYPE = 'https://cyclonedx.org/bom';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

/** Percent-encoding of a purl component: only A-Z a-z 0-9 . - _ ~ stay as they are. */
function purlEncode(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9.\-_~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/**
 * purl of a Go module: `pkg:golang/<namespace>/<name>@<version>?<qualifiers>#<subpath>`. The
 * golang type definition says namespace and name are lowercased; each path segment is
 * percent-encoded, '+' in versions becomes %2B, qualifiers are sorted by key.
 */
export function golangPurl(modulePath: string, version?: string, qualifiers: Record<string, string> = {}, subpath?: string): string {
  const segs = modulePath.split('/').filter((s) => s !== '');
  if (segs.length === 0) throw new Error(`purl: empty Go module path ${JSON.stringify(modulePath)}`);
  let p = `pkg:golang/${segs.map((s) => purlEncode(s.toLowerCase())).join('/')}`;
  if (version) p += `@${purlEncode(version)}`;
  const q = Object.keys(qualifiers)
    .filter((k) => qualifiers[k] !== '')
    .sort()
    .map((k) => `${k.toLowerCase()}=${purlEncode(qualifiers[k])}`);
  if (q.length) p += `?${q.join('&')}`;
  const sub = (subpath ?? '').split('/').filter((s) => s !== '' && s !== '.' && s !== '..');
  if (sub.length) p += `#${sub.map(purlEncode).join('/')}`;
  return p;
}

/** A UUID (version 8, RFC 9562 "custom") from a SHA-256 digest: the same binary gives the same serial number. */
export function serialNumberFor(sha256: string): string {
  const b = Buffer.from(sha256.slice(0, 32), 'hex');
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** cyclonedx-gomod's names for the build settings it maps (its `cdx:gomod:build:…` properties). */
const GOMOD_SETTING_PROPS: Record<string, string> = {
  GOOS: 'cdx:gomod:build:env:GOOS',
  GOARCH: 'cdx:gomod:build:env:GOARCH',
  CGO_ENABLED: 'cdx:gomod:build:env:CGO_ENABLED',
  '-compiler': 'cdx:gomod:build:compiler',
  vcs: 'cdx:gomod:build:vcs',
  'vcs.revision': 'cdx:gomod:build:vcs:revision',
  'vcs.time': 'cdx:gomod:build:vcs:time',
  'vcs.modified': 'cdx:gomod:build:vcs:modified',
};

export interface SbomOptions {
  /** File name of the binary (e.g. 'app' or 'app.exe'). */
  binaryName: string;
  /** Lowercase hex SHA-256 of the binary. */
  binarySha256: string;
  /** SBOM timestamp (the commit time); omitted when not given, to keep the output reproducible. */
  timestamp?: Date;
  /** The SBOM generator, recorded in metadata.tools. */
  tool?: { name: string; version?: string };
  /**
   * The release's version (`v1.2.3`, what `git describe` says): the main component's version
   * when the build info has none (a workspace build records `(devel)`), and its purl's when it
   * is exactly a release tag (not `v1.2.3-4-gabcdef0` or `-dirty`, which no module proxy serves).
   */
  version?: string;
}

/** Whether a `git describe` version is exactly a semver tag: no commits after it, no local changes. */
export function isExactReleaseTag(v: string | undefined): v is string {
  return !!v && /^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(v) && !/-dirty$/.test(v) && !/-\d+-g[0-9a-f]{7,}(-|$)/.test(v);
}

/** The module that was compiled for a build info `dep` (or `mod`) line. */
export interface EffectiveModule {
  path: string;
  version: string;
  /** The h1: hash, '' when none was recorded. */
  sum: string;
  /** purl; undefined for a local directory replacement. */
  purl?: string;
  /** `path@version` of the module that was replaced, if any. */
  replaces?: string;
  /** Local directory of a directory replacement. */
  replacementDir?: string;
}

/** Resolves a build info module line through its `=>` replacement. */
export function effectiveModule(m: BuildInfoModule): EffectiveModule {
  const r = m.replace;
  // A module of the go.work workspace (or the main module's own tree): compiled from the local
  // directory, recorded as "(devel)" without a sum. No module proxy serves it: no purl.
  if (!r && m.version === '(devel)') return { path: m.path, version: m.version, sum: m.sum };
  if (!r) return { path: m.path, version: m.version, sum: m.sum, purl: golangPurl(m.path, m.version) };
  // go.mod: a replacement that is a file path starts with ./ or ../ (or is absolute); the build
  // info then records the version "(devel)" and no sum.
  const isDir = !r.version || r.version === '(devel)' || /^(\.\.?[\\/]|\/|[A-Za-z]:[\\/])/.test(r.path);
  if (isDir) return { path: m.path, version: m.version, sum: '', replacementDir: r.path };
  return { path: r.path, version: r.version, sum: r.sum, purl: golangPurl(r.path, r.version), replaces: `${m.path}@${m.version}` };
}

/** Builds the BOM model of a binary from its Go build info. */
export function sbomFromBuildInfo(bi: GoBuildInfo, opts: SbomOptions): CDX.Models.Bom {
  const { Models, Enums } = CDX;
  const mainPath = bi.main?.path || bi.path;
  if (!mainPath) throw new Error(`${opts.binaryName}: the Go build info names no main module`);
  const setting = (k: string) => bi.setting(k);
  const bom = new Models.Bom({ serialNumber: serialNumberFor(opts.binarySha256) });
  bom.metadata.timestamp = opts.timestamp;
  if (opts.tool) bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, opts.tool.name, { version: opts.tool.version }));

  const builtVersion = bi.main?.version && bi.main.version !== '(devel)' ? bi.main.version : undefined;
  const mainVersion = builtVersion ?? opts.version;
  const subpath = bi.path && bi.path.startsWith(`${mainPath}/`) ? bi.path.slice(mainPath.length + 1) : undefined;
  const qualifiers: Record<string, string> = { goarch: setting('GOARCH') ?? '', goos: setting('GOOS') ?? '' };
  const mainPurl = golangPurl(mainPath, builtVersion ?? (isExactReleaseTag(opts.version) ? opts.version : undefined), qualifiers, subpath);
  const main = new Models.Component(Enums.ComponentType.Application, mainPath, { version: mainVersion, purl: mainPurl, bomRef: mainPurl });
  if (bi.path) main.properties.add(new Models.Property('gocross:go:package', bi.path));
  if (bi.main?.sum) main.properties.add(new Models.Property('gocross:gomod:h1', bi.main.sum));
  bom.metadata.component = main;

  const props = bom.metadata.properties;
  props.add(new Models.Property('cdx:gomod:binary:name', opts.binaryName));
  props.add(new Models.Property('cdx:gomod:binary:hash:SHA-256', opts.binarySha256));
  props.add(new Models.Property('cdx:gomod:build:env:GOVERSION', bi.goVersion));
  for (const s of bi.settings) {
    const mapped = GOMOD_SETTING_PROPS[s.key];
    if (mapped) props.add(new Models.Property(mapped, s.value));
    if (s.key === '-tags') for (const t of s.value.split(',').filter(Boolean)) props.add(new Models.Property('cdx:gomod:build:tag', t));
    props.add(new Models.Property(`gocross:go:build:${s.key}`, s.value));
  }

  const refs = new Set<string>();
  for (const dep of bi.deps) {
    const e = effectiveModule(dep);
    let ref = e.purl ?? `gomod:${e.path}@${e.version}${e.replacementDir !== undefined ? `=>${e.replacementDir}` : ''}`;
    while (refs.has(ref)) ref += '+';
    refs.add(ref);
    const c = new Models.Component(Enums.ComponentType.Library, e.path, {
      version: e.version,
      purl: e.purl,
      bomRef: ref,
      scope: Enums.ComponentScope.Required,
    });
    if (e.sum) c.properties.add(new Models.Property('gocross:gomod:h1', e.sum));
    if (e.replaces) c.properties.add(new Models.Property('gocross:gomod:replaces', e.replaces));
    if (e.replacementDir !== undefined) c.properties.add(new Models.Property('gocross:gomod:replacement:dir', e.replacementDir));
    bom.components.add(c);
    main.dependencies.add(c.bomRef);
  }
  return bom;
}

/** JSON text of a BOM as CycloneDX 1.6, lists sorted, two-space indented, ending in a newline. */
export function serializeSbom(bom: CDX.Models.Bom): string {
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

/** SBOM JSON of a Go binary's bytes; throws when the file carries no Go build info. */
export function generateSbom(binary: Buffer, opts: Omit<SbomOptions, 'binarySha256'>): { json: string; bom: CDX.Models.Bom; buildInfo: GoBuildInfo } {
  const bi = readBuildInfo(bufferSource(binary));
  if (!bi) throw new Error(`${opts.binaryName}: no Go build info found (not a Go binary, or built without module support)`);
  const bom = sbomFromBuildInfo(bi, { ...opts, binarySha256: sha256Hex(binary) });
  return { json: serializeSbom(bom), bom, buildInfo: bi };
}

/** `path@version` of every module a binary was built from, as its SBOM lists them (effectiveModule), sorted. */
export function buildInfoModules(bi: GoBuildInfo): string[] {
  return bi.deps.map((d) => effectiveModule(d)).map((e) => `${e.path}@${e.version}`).sort();
}

/**
 * How an SBOM's modules differ from the build info of the binary it describes: the main module
 * (`metadata.component.name`) and the `name@version` of every component against the `dep` lines
 * (as sbomFromBuildInfo lists them: the replacement when replaced by a module, the original path
 * and version when replaced by a directory, `(devel)` for a workspace module). One line per
 * difference; none when they agree.
 */
export function sbomModuleDifferences(sbom: unknown, bi: GoBuildInfo): string[] {
  const bom = (sbom ?? {}) as { metadata?: { component?: { name?: unknown } }; components?: unknown };
  const out: string[] = [];
  const mainPath = bi.main?.path || bi.path;
  const named = bom.metadata?.component?.name;
  if (named !== mainPath) out.push(`main module ${JSON.stringify(named ?? null)}, the binary's build info says ${mainPath}`);
  const listed = (Array.isArray(bom.components) ? (bom.components as Array<{ name?: unknown; version?: unknown }>) : []).map((c) => `${typeof c?.name === 'string' ? c.name : '(unnamed)'}@${typeof c?.version === 'string' ? c.version : ''}`);
  const remaining = [...listed];
  const missing: string[] = [];
  for (const m of buildInfoModules(bi)) {
    const i = remaining.indexOf(m);
    if (i >= 0) remaining.splice(i, 1);
    else missing.push(m);
  }
  if (missing.length) out.push(`lists no component for ${missing.join(', ')} (in the binary's build info)`);
  if (remaining.length) out.push(`lists ${remaining.sort().join(', ')}, not in the binary's build info`);
  return out;
}

/** An in-toto v1 statement whose subject is the binary and whose predicate is the SBOM. */
export function sbomStatement(sbomJson: string, subject: { name: string; sha256: string }): object {
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: subject.name, digest: { sha256: subject.sha256 } }],
    predicateType: CYCLONEDX_PREDICATE_TYPE,
    predicate: JSON.parse(sbomJson),
  };
}
