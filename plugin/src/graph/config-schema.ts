/**
 * The one definition of gocross's settings: the keys a project's `gocross.json` and the
 * `@gocross/nx` plugin options in nx.json accept, their types, defaults and examples, as JSON
 * Schema (draft-07). The TypeScript types of the settings are derived from these objects,
 * config-check.ts validates against them at graph time, and the build writes
 * PROJECT_CONFIG_SCHEMA to the package's `gocross.schema.json` for editors (`"$schema"` in
 * gocross.json). The values of `libc` and `buildmode` and the port list behind the pattern of
 * `platforms` come from ../platforms.
 */
import { BUILDMODES } from '../platforms/buildmode';
import { BUILTIN_DIST_LIST } from '../platforms/dist-list';
import { LIBCS } from '../platforms/types';

/** The workspace's platform matrix when nx.json's plugin options name none. */
export const DEFAULT_PLATFORMS: readonly string[] = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/7',
  'linux/riscv64',
  'darwin/arm64',
  'windows/amd64',
];

/**
 * `os/arch[/variant]` where os/arch is a port of the built-in `go tool dist list` (for editors;
 * at graph time the installed Go's list is asked too when the built-in one lacks a pair, and the
 * variant is checked against the arch's variable).
 */
function portPattern(): string {
  const byOs = new Map<string, string[]>();
  for (const e of BUILTIN_DIST_LIST) byOs.set(e.goos, [...(byOs.get(e.goos) ?? []), e.goarch]);
  const alts = [...byOs].map(([os, arches]) => (arches.length === 1 ? `${os}/${arches[0]}` : `${os}/(?:${arches.join('|')})`));
  return `^(?:${alts.join('|')})(?:/[a-z0-9.,]+)?$`;
}

const stringList = <const I extends object>(items: I) => ({ type: 'array', items: { type: 'string', ...items } }) as const;

/** The settings both places accept. */
const SHARED = {
  platforms: {
    ...stringList({ pattern: portPattern() }),
    description:
      'Platform matrix, "os/arch[/variant]" (a port of `go tool dist list`; the variant is the value of the arch\'s GOARM, GOARM64, GOAMD64, GO386, GOMIPS, GOMIPS64, GOPPC64 or GORISCV64). One build target per platform.',
    examples: [['linux/arm64', 'linux/arm/7', 'linux/amd64/v3']],
  },
  cgo: {
    type: 'boolean',
    description: 'Build with cgo (CGO_ENABLED=1) and the C cross compiler of each platform.',
    examples: [true],
  },
  libc: {
    enum: LIBCS,
    description: 'C library of cgo builds on Linux (selects the cross compiler). Unset: glibc.',
    examples: ['musl'],
  },
  buildmode: {
    enum: BUILDMODES,
    description: 'go build -buildmode. Unset: exe. c-shared and c-archive need cgo.',
    examples: ['pie'],
  },
  tags: {
    ...stringList({}),
    description: 'Build tags (go build -tags), one per entry; may use {version}, {commit}, {commitDate}.',
    examples: [['netgo', 'osusergo']],
  },
  ldflags: {
    type: 'string',
    description: 'Linker flags (go build -ldflags); may use {version}, {commit}, {commitDate}.',
    examples: ['-s -w -X main.version={version}'],
  },
  gcflags: {
    type: 'string',
    description: 'Compiler flags (go build -gcflags).',
    examples: ['all=-N -l'],
  },
  env: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Extra environment variables for go (e.g. GOFLAGS, GOPRIVATE).',
    examples: [{ GOFLAGS: '-mod=mod' }],
  },
} as const;

/** A project's `gocross.json`: its settings replace the workspace's for that project. */
export const PROJECT_CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'gocross.json: the @gocross/nx settings of one Go module',
  description: "Next to the module's go.mod. Each setting replaces the workspace's (the @gocross/nx plugin options of nx.json) for this module.",
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'The JSON Schema of this file, for editors.', examples: ['../../node_modules/@gocross/nx/gocross.schema.json'] },
    ...SHARED,
    mains: {
      ...stringList({ pattern: '\\S' }),
      description:
        'Main packages to build: package directories relative to the module (".", "cmd/api", "./cmd/api") or globs ("*" within one path element, "**" across elements). Unset: every main package.',
      examples: [['cmd/*']],
    },
    exclude: {
      ...stringList({ pattern: '\\S' }),
      description: 'Main packages not to build (package directories or globs, as in mains).',
      examples: [['cmd/internal-tool', 'tools/**']],
    },
  },
} as const satisfies SettingsSchema;

/** The options of the `@gocross/nx` entry of nx.json's `plugins`: the workspace's settings. */
export const PLUGIN_OPTIONS_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'the options of the @gocross/nx plugin in nx.json',
  description: "The workspace's settings; a module's gocross.json replaces them for that module.",
  type: 'object',
  additionalProperties: false,
  properties: {
    ...SHARED,
    platforms: { ...SHARED.platforms, default: DEFAULT_PLATFORMS },
    cgo: { ...SHARED.cgo, default: false },
    targetPrefix: {
      type: 'string',
      description: 'Prepended to every inferred target name ("go-" → go-build-linux-arm64).',
      default: '',
      examples: ['go-'],
    },
    testDependencies: {
      type: 'boolean',
      description: 'Imports of _test.go files become project dependencies too.',
      default: true,
      examples: [false],
    },
  },
} as const satisfies SettingsSchema;

/** The schema of one setting, as config-check.ts walks it. */
export type SettingSchema =
  | { readonly type: 'boolean' }
  | { readonly type: 'string' }
  | { readonly enum: readonly string[] }
  | { readonly type: 'array'; readonly items: { readonly type: 'string'; readonly pattern?: string } }
  | { readonly type: 'object'; readonly additionalProperties: { readonly type: 'string' } };

/** What every setting schema carries besides its type. */
export interface SettingDoc {
  readonly description: string;
  readonly examples: readonly unknown[];
  readonly default?: unknown;
}

/** An object of named, optional settings; no other keys. */
export interface SettingsSchema {
  readonly $schema: string;
  readonly title: string;
  readonly description: string;
  readonly type: 'object';
  readonly additionalProperties: false;
  readonly properties: { readonly [key: string]: SettingSchema & SettingDoc };
}

/** The TypeScript type of one setting's value. */
type ValueOf<S> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly type: 'boolean' }
    ? boolean
    : S extends { readonly type: 'string' }
      ? string
      : S extends { readonly type: 'array' }
        ? string[]
        : S extends { readonly type: 'object' }
          ? Record<string, string>
          : never;

/** The settings a schema admits, each optional. */
export type SettingsOf<S extends SettingsSchema> = { -readonly [K in keyof S['properties']]?: ValueOf<S['properties'][K]> };

export type ProjectConfig = SettingsOf<typeof PROJECT_CONFIG_SCHEMA>;
export type PluginOptionsConfig = SettingsOf<typeof PLUGIN_OPTIONS_SCHEMA>;

/** The file name of PROJECT_CONFIG_SCHEMA in the package (next to package.json). */
export const PROJECT_CONFIG_SCHEMA_FILE = 'gocross.schema.json';
