/**
 * The build manifest: what `@gocross/nx:build` actually built, written next to each artifact as
 * `<artifact>.intoto.json`. It is an in-toto Statement v1 whose predicate is SLSA Provenance v1
 * (see docs/manifest.md for the build type). It is not signed: a developer-run Nx task can claim
 * SLSA Build L1 at most.
 *
 * The validate executor and the CLI judge an artifact against its manifest (see
 * ../../validate/plan.ts), so a build run with overrides (`--cgo`) is judged as what it was.
 */
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GoBuildInfo, BuildInfoModule } from '../binary/types';
import type { BuildMode, Libc, Platform } from '../platforms/types';
import { VARIANT_VARIABLE } from '../platforms/types';

// Loaded on first use: the CLI's `validate` reads manifests (parseManifest) but never hashes or
// spawns here, and node:crypto and node:child_process cost milliseconds of its start-up.
const crypto = (): typeof Crypto => require('node:crypto');
const childProcess = (): typeof ChildProcess => require('node:child_process');

export const MANIFEST_SUFFIX = '.intoto.json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PROVENANCE_TYPE = 'https://slsa.dev/provenance/v1';
/** Build type of the predicate; its parameters are described in docs/manifest.md. */
export const BUILD_TYPE = 'https://gocross.dev/buildtypes/nx-go-build/v1';
/** The builder: a developer- or CI-run Nx task, no hosted platform (SLSA Build L1 at most). */
export const BUILDER_ID = 'https://gocross.dev/builders/nx-task/v1';

/** `dist/app/linux-arm64/app` → `dist/app/linux-arm64/app.intoto.json`. */
export function manifestPathFor(artifact: string): string {
  return artifact + MANIFEST_SUFFIX;
}

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, unknown>;
}

/** What gocross records about the build; `internalParameters` of the predicate. */
export interface GocrossBuildParameters {
  /** `linux/arm/7`. */
  platform: string;
  goos: string;
  goarch: string;
  /** Value of the arch's variant variable (GOARM, GOAMD64, …), when set. */
  variant?: string;
  cgo: boolean;
  /** Set when cgo is on. */
  libc?: Libc;
  /** C compiler command, when cgo is on. */
  cc?: string;
  /** First line of `<cc> --version`. */
  ccVersion?: string;
  buildmode: BuildMode;
  linkmode: 'internal' | 'external';
  tags: string[];
  /** `-ldflags` as passed to go (with `-buildid=` for reproducible builds). */
  ldflags: string;
  trimpath: boolean;
  /** GOVERSION of the go that built it. */
  goVersion: string;
  /** Main package dir, relative to the project root. */
  main: string;
  /** Project root, relative to the workspace root. */
  projectRoot: string;
  /**
   * Arguments of `go` as run in the project root, the temporary output name replaced by the
   * artifact's path relative to the project root (no path of the machine).
   */
  goArgs: string[];
  /** Target variables of go's environment: GOOS, GOARCH, the variant, CGO_ENABLED, CC, CGO_CFLAGS… */
  env: Record<string, string>;
}

export interface BuildStatement {
  _type: typeof STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: typeof PROVENANCE_TYPE;
  predicate: {
    buildDefinition: {
      buildType: string;
      externalParameters: { target?: string; options: Record<string, unknown> };
      internalParameters: GocrossBuildParameters;
      resolvedDependencies: ResourceDescriptor[];
    };
    runDetails: {
      builder: { id: string; version?: Record<string, string> };
      metadata?: Record<string, unknown>;
    };
  };
}

/** Which linker a build uses: external for cgo and C build modes unless `-linkmode=internal` is forced. */
export function linkmodeOf(buildmode: BuildMode, cgo: boolean, ldflags: string | undefined): 'internal' | 'external' {
  const ld = ldflags ?? '';
  if (/-linkmode[= ]external/.test(ld)) return 'external';
  if (/-linkmode[= ]internal/.test(ld)) return 'internal';
  return cgo || buildmode === 'c-shared' || buildmode === 'c-archive' ? 'external' : 'internal';
}

export function sha256File(file: string): string {
  const h = crypto().createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** `h1:<base64>` → hex of the decoded bytes (a `dirHash` digest), or undefined. */
export function dirHashOf(sum: string): string | undefined {
  const m = /^h1:([A-Za-z0-9+/]+=*)$/.exec(sum);
  if (!m) return undefined;
  const bytes = Buffer.from(m[1], 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

function moduleDescriptor(m: BuildInfoModule, main = false): ResourceDescriptor {
  const r = m.replace;
  // A replacement by a local directory has no version: the module is named as required.
  const local = r !== undefined && (!r.version || r.version === '(devel)' || /^(\.|\/|[A-Za-z]:)/.test(r.path));
  const eff = r && !local ? r : m;
  const d: ResourceDescriptor = { name: m.path, uri: `pkg:golang/${eff.path}@${eff.version || '(devel)'}` };
  const hex = eff.sum ? dirHashOf(eff.sum) : undefined;
  if (hex) d.digest = { dirHash: hex };
  const annotations: Record<string, unknown> = {};
  if (main) annotations.main = true;
  if (r && local) annotations.replacedBy = r.path;
  else if (r) annotations.replaces = `${m.path}@${m.version}`;
  if (Object.keys(annotations).length) d.annotations = annotations;
  return d;
}

/** The Go toolchain and the modules the binary's build info lists (main module first). */
export function resolvedDependencies(goVersion: string, info: GoBuildInfo | undefined): ResourceDescriptor[] {
  const out: ResourceDescriptor[] = [{ name: 'go', uri: `https://go.dev/dl/#${goVersion}`, annotations: { version: goVersion } }];
  if (!info) return out;
  if (info.main?.path) out.push(moduleDescriptor(info.main, true));
  for (const d of info.deps) out.push(moduleDescriptor(d));
  return out;
}

export interface StatementInput {
  /** Absolute paths of the products of one main package: the artifact first, then e.g. its C header. */
  products: string[];
  /** `project:target[:configuration]`, when run by Nx. */
  target?: string;
  /** The target's resolved options (overrides included). */
  options: Record<string, unknown>;
  parameters: GocrossBuildParameters;
  buildInfo?: GoBuildInfo;
  pluginVersion: string;
}

/** The statement for one artifact. Deterministic: no timestamps, so a rebuild writes the same bytes. */
export function buildStatement(input: StatementInput, digest: (file: string) => { sha256: string; size: number }): BuildStatement {
  const subject = input.products.map((p) => {
    const d = digest(p);
    return { name: path.basename(p), digest: { sha256: d.sha256 }, annotations: { size: d.size } };
  });
  const externalParameters: BuildStatement['predicate']['buildDefinition']['externalParameters'] = { options: sortKeys(recordedOptions(input.options)) };
  if (input.target) externalParameters.target = input.target;
  return {
    _type: STATEMENT_TYPE,
    subject,
    predicateType: PROVENANCE_TYPE,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters,
        internalParameters: input.parameters,
        resolvedDependencies: resolvedDependencies(input.parameters.goVersion, input.buildInfo),
      },
      runDetails: {
        builder: { id: BUILDER_ID, version: { '@gocross/nx': input.pluginVersion, go: input.parameters.goVersion } },
      },
    },
  };
}

/**
 * The options as recorded: values of the `env` option (which may carry a GOPROXY URL with a
 * token, GOPRIVATE hosts…) are replaced by `sha256:<hex>` of the value, so a manifest shipped with
 * the artifact tells whether two builds had the same settings without revealing them.
 */
export function recordedOptions(options: Record<string, unknown>): Record<string, unknown> {
  const env = options.env;
  if (!env || typeof env !== 'object' || Array.isArray(env)) return options;
  const hidden: Record<string, string> = {};
  for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
    hidden[k] = `sha256:${crypto().createHash('sha256').update(String(v)).digest('hex')}`;
  }
  return { ...options, env: hidden };
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Writes the statement through a temporary file renamed into place. */
export function writeManifestFile(file: string, statement: BuildStatement, pid = process.pid): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${pid}`);
  fs.writeFileSync(tmp, JSON.stringify(statement, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** The platform recorded in a statement's parameters. */
export function platformOfParameters(p: GocrossBuildParameters): Platform {
  const platform: Platform = { goos: p.goos, goarch: p.goarch };
  if (p.variant && VARIANT_VARIABLE[p.goarch]) platform.variant = p.variant;
  return platform;
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/**
 * Parses and checks a manifest's text: an in-toto Statement v1 with a SLSA Provenance v1
 * predicate of gocross's build type. Throws a ManifestError whose message names the file and the
 * first problem.
 */
export function parseManifest(text: string, file: string): BuildStatement {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const bad = (what: string) => new ManifestError(`${file}: not a gocross build manifest: ${what}`);
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(doc)) throw bad('$ must be an object');
  if (doc._type !== STATEMENT_TYPE) throw bad(`$._type must be ${STATEMENT_TYPE}`);
  if (doc.predicateType !== PROVENANCE_TYPE) throw bad(`$.predicateType must be ${PROVENANCE_TYPE}`);
  if (!Array.isArray(doc.subject) || doc.subject.length === 0) throw bad('$.subject must be a non-empty array');
  doc.subject.forEach((s, i) => {
    if (!isObj(s) || typeof s.name !== 'string' || !isObj(s.digest) || typeof s.digest.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(s.digest.sha256)) {
      throw bad(`$.subject[${i}] must have a name and a sha256 digest`);
    }
  });
  const pred = doc.predicate;
  if (!isObj(pred) || !isObj(pred.buildDefinition) || !isObj(pred.runDetails)) throw bad('$.predicate must have buildDefinition and runDetails');
  if (pred.buildDefinition.buildType !== BUILD_TYPE) throw bad(`$.predicate.buildDefinition.buildType must be ${BUILD_TYPE}`);
  const ip = pred.buildDefinition.internalParameters;
  if (!isObj(ip)) throw bad('$.predicate.buildDefinition.internalParameters must be an object');
  for (const k of ['goos', 'goarch', 'buildmode', 'linkmode', 'goVersion']) {
    if (typeof ip[k] !== 'string' || ip[k] === '') throw bad(`$.predicate.buildDefinition.internalParameters.${k} must be a non-empty string`);
  }
  if (typeof ip.cgo !== 'boolean') throw bad('$.predicate.buildDefinition.internalParameters.cgo must be a boolean');
  if (!Array.isArray(ip.tags)) throw bad('$.predicate.buildDefinition.internalParameters.tags must be an array');
  return doc as unknown as BuildStatement;
}

/** The sha256 a statement records for the file named `name`, if any. */
export function subjectDigest(statement: BuildStatement, name: string): string | undefined {
  return statement.subject.find((s) => s.name === name)?.digest?.sha256;
}

/** First line of `<cc> --version` (the command may carry arguments, as `zig cc -target …` does). */
export function ccVersion(cc: string, env: Record<string, string>): string | undefined {
  const argv = cc.trim().split(/\s+/).filter(Boolean);
  if (argv.length === 0) return undefined;
  const r = childProcess().spawnSync(argv[0], [...argv.slice(1), '--version'], { encoding: 'utf8', env, timeout: 20_000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return undefined;
  return r.stdout.split('\n')[0].trim() || undefined;
}
