/**
 * Where the CLI's targets come from when no Nx build target describes them: the `--platform`
 * flags, the binary's own Go build info, the directory names build tools use for platforms, and
 * goreleaser's `dist/artifacts.json`.
 */
import { VARIANT_VARIABLE, type BuildMode, type Platform } from '../platforms/types';
import type { GoBuildInfo } from '../binary/types';
import type { TargetSpec } from '../checks/types';

const BUILDMODES: ReadonlySet<string> = new Set(['exe', 'pie', 'c-shared', 'c-archive']);

/** Shared with the validate executor: see ../validate/plan.ts. */
export { platformFromPath } from '../validate/plan';

/** The target a Go binary says it was built for (GOOS, GOARCH, variant, CGO_ENABLED, -buildmode, -tags, -trimpath). */
export function targetFromBuildInfo(info: GoBuildInfo): TargetSpec | undefined {
  const goos = info.setting('GOOS');
  const goarch = info.setting('GOARCH');
  if (!goos || !goarch) return undefined;
  const platform: Platform = { goos, goarch };
  const variable = VARIANT_VARIABLE[goarch];
  const variant = variable ? info.setting(variable) : undefined;
  if (variant) platform.variant = variant;
  const mode = info.setting('-buildmode') ?? 'exe';
  const tags = info.setting('-tags');
  return {
    platform,
    cgo: info.setting('CGO_ENABLED') === '1',
    buildmode: (BUILDMODES.has(mode) ? mode : 'exe') as BuildMode,
    tags: tags ? tags.split(',').filter(Boolean) : undefined,
    trimpath: info.setting('-trimpath') === 'true',
  };
}

/** One binary listed in goreleaser's artifacts.json. */
export interface GoreleaserBinary {
  name: string;
  path: string;
  platform: Platform;
}

/** goreleaser's field for each variant variable, as written to artifacts.json. */
const GORELEASER_VARIANT_FIELD: Readonly<Record<string, string>> = {
  GOARM: 'goarm',
  GOARM64: 'goarm64',
  GOAMD64: 'goamd64',
  GO386: 'go386',
  GOMIPS: 'gomips',
  GOMIPS64: 'gomips',
  GOPPC64: 'goppc64',
  GORISCV64: 'goriscv64',
};

export class ArtifactsJsonError extends Error {
  override readonly name = 'ArtifactsJsonError';
}

/**
 * The binaries of goreleaser's `dist/artifacts.json` (entries of type "Binary"), each with the
 * platform goreleaser recorded for it. Errors name the JSON path of the bad entry.
 */
export function parseGoreleaserArtifacts(text: string, source: string): GoreleaserBinary[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ArtifactsJsonError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(doc)) throw new ArtifactsJsonError(`${source}: $ must be an array of artifacts`);
  const out: GoreleaserBinary[] = [];
  doc.forEach((entry: unknown, i) => {
    const where = `${source}: $[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ArtifactsJsonError(`${where} must be an object`);
    const e = entry as Record<string, unknown>;
    if (e.type !== 'Binary') return;
    for (const key of ['path', 'goos', 'goarch']) {
      if (typeof e[key] !== 'string' || e[key] === '') throw new ArtifactsJsonError(`${where}.${key} must be a non-empty string`);
    }
    const platform: Platform = { goos: e.goos as string, goarch: e.goarch as string };
    const variable = VARIANT_VARIABLE[platform.goarch];
    const field = variable ? GORELEASER_VARIANT_FIELD[variable] : undefined;
    if (field && typeof e[field] === 'string' && e[field] !== '') platform.variant = e[field] as string;
    out.push({ name: typeof e.name === 'string' ? e.name : (e.path as string), path: e.path as string, platform });
  });
  return out;
}
