/**
 * The words of a configuration error: each problem config-check.ts found, one line each, as
 * `<file>:<line>:<column>: <what is wrong>`, with the key, value or port that was probably
 * meant. Loaded only when there is an error to report (it parses the file again for the
 * positions, with jsonc-parser, which also reads nx.json's comments).
 */
import { distance } from 'fastest-levenshtein';
import { findNodeAtLocation, getNodeValue, parse, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { validatePlatform } from '../platforms/env';
import { formatPlatform } from '../platforms/platform';
import type { PlatformTable } from '../platforms/table';
import type { Platform } from '../platforms/types';
import type { ConfigPath, ConfigProblem } from './config-check';
import { GocrossConfigError } from './config-error';
import type { SettingSchema, SettingsSchema } from './config-schema';

/** The settings being reported on and where they are written. */
export interface ConfigSource {
  /** The file as messages name it: `apps/api/gocross.json`, `nx.json`. */
  file: string;
  /** The file's text, for line:column; without it messages name the file alone. */
  text?: string;
  /** Where the settings are in the file's JSON: [] for gocross.json, `['plugins', 2, 'options']` in nx.json. */
  at?: ConfigPath;
  /** Said after the position, before each problem (`@gocross/nx options: `). */
  label?: string;
  /** Their schema. */
  schema: SettingsSchema;
  /** The settings of the other place (gocross.json ↔ nx.json) and where they are written, for a key put in the wrong one. */
  elsewhere: { schema: SettingsSchema; where: string };
}

/**
 * The candidates closest to `word` (case aside) when close enough to be a slip: within one edit
 * for short words, two up to six characters, then a third of the length. Ties are all returned.
 */
export function nearest(word: string, candidates: Iterable<string>): string[] {
  const w = word.toLowerCase();
  let best = w.length < 4 ? 1 : w.length < 7 ? 2 : Math.ceil(w.length / 3);
  let out: string[] = [];
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d > best) continue;
    if (d < best || out.length === 0) [best, out] = [d, [c]];
    else if (!out.includes(c)) out.push(c);
  }
  return out;
}

const quote = (s: string): string => JSON.stringify(s);
const didYouMean = (list: readonly string[]): string => (list.length === 0 ? '' : `: did you mean ${list.map(quote).join(' or ')}?`);

/** `the string "yes"`, `the number 1`, `null`, `an array`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${String(v)}`;
}

/** `"platforms"`, `"platforms"[1]`, `"env"["CC"]`. */
export function showPath(path: ConfigPath): string {
  const [first, ...rest] = path;
  return `${quote(String(first))}${rest.map((p) => `[${typeof p === 'number' ? p : quote(p)}]`).join('')}`;
}

/** What a setting's values must be. */
function expected(s: SettingSchema): string {
  if ('enum' in s) return `one of ${s.enum.map(quote).join(', ')}`;
  switch (s.type) {
    case 'boolean':
      return 'a boolean (true or false)';
    case 'string':
      return 'a string';
    case 'array':
      return 'an array of strings';
    case 'object':
      return 'an object of string values';
  }
}

/** A JSON value on one line: `["a", "b"]`, `{"A": "1"}`. */
function oneLine(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(oneLine).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${quote(k)}: ${oneLine(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

/** `e.g. "tags": ["a", "b"]`: the value given, put right when that is plain, else the schema's example. */
function example(key: string, s: SettingSchema & { examples: readonly unknown[] }, given: unknown): string {
  let value = s.examples[0];
  if ('type' in s && s.type === 'array' && typeof given === 'string' && given.trim()) value = given.split(/[\s,]+/).filter(Boolean);
  if ('type' in s && s.type === 'boolean' && (given === 'true' || given === 'false')) value = given === 'true';
  return `e.g. ${quote(key)}: ${oneLine(value)}`;
}

/**
 * The ports meant by `pair`, which is none: the same OS with the arch nearest to the one given,
 * else the OS nearest to the one given with that arch, else the two swapped.
 */
function portsMeant(pair: Platform, table: PlatformTable): string[] {
  const { goos, goarch, variant } = pair;
  const withVariant = (p: Platform): string => {
    const v = variant !== undefined && !validatePlatform({ ...p, variant }, undefined, table) ? variant : undefined;
    return formatPlatform({ ...p, ...(v ? { variant: v } : {}) });
  };
  if (table.arches(goos).length) return nearest(goarch, table.arches(goos)).map((a) => withVariant({ goos, goarch: a }));
  const oses = nearest(goos, table.oses().filter((o) => table.find(o, goarch)));
  if (oses.length) return oses.map((o) => withVariant({ goos: o, goarch }));
  return table.find(goarch, goos) ? [withVariant({ goos: goarch, goarch: goos })] : [];
}

/** One problem in words (without the position). */
export function describeProblem(p: ConfigProblem, source: Pick<ConfigSource, 'schema' | 'elsewhere'>): string {
  const props = source.schema.properties;
  switch (p.code) {
    case 'not-object':
      return `expected a JSON object of settings, got ${describeValue(p.value)}`;
    case 'unknown-key': {
      if (Object.prototype.hasOwnProperty.call(source.elsewhere.schema.properties, p.key)) {
        return `${quote(p.key)} is not a setting here: it belongs in ${source.elsewhere.where}`;
      }
      const known = Object.keys(props).filter((k) => k !== '$schema');
      const near = nearest(p.key, known);
      return near.length ? `unknown key ${quote(p.key)}${didYouMean(near)}` : `unknown key ${quote(p.key)} (the keys: ${known.join(', ')})`;
    }
    case 'type': {
      const s = props[p.key];
      if (p.path.length === 1) return `${quote(p.key)} must be ${expected(s)}, ${example(p.key, s, p.value)}; got ${describeValue(p.value)}`;
      const item = 'items' in s ? (s.examples[0] as readonly string[])[0] : String(p.value ?? 'value');
      return `${showPath(p.path)} must be a string, e.g. ${quote(item)}; got ${describeValue(p.value)}`;
    }
    case 'enum': {
      const s = props[p.key];
      const near = typeof p.value === 'string' && 'enum' in s ? nearest(p.value, s.enum) : [];
      const got = typeof p.value === 'string' ? quote(p.value) : describeValue(p.value);
      return `${quote(p.key)} must be ${expected(s)}; got ${got}${didYouMean(near)}`;
    }
    case 'pattern':
      // The one item pattern outside platforms is mains' and exclude's `\S`.
      return `${showPath(p.path)} must not be blank, e.g. ${quote((props[p.key].examples[0] as readonly string[])[0])}`;
    case 'platform': {
      const near = p.pair && p.table ? portsMeant(p.pair, p.table) : [];
      if (near.length === 0) return `${quote(p.key)} entry ${quote(p.value)}: ${p.message}`;
      return `${quote(p.key)} entry ${quote(p.value)} is not a port of Go (go tool dist list)${didYouMean(near)}`;
    }
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Finds positions in one JSON (or JSONC) text. */
export class Positions {
  private readonly root: Node | undefined;
  constructor(private readonly text: string) {
    this.root = parseTree(text, [], { allowTrailingComma: true });
  }

  /** `line:column` of the value at `path` (of its key when `key`), or undefined when there is none. */
  at(path: ConfigPath, key = false): string | undefined {
    if (!this.root) return undefined;
    let node = path.length ? findNodeAtLocation(this.root, [...path]) : this.root;
    if (node && key && node.parent?.type === 'property') node = node.parent.children?.[0];
    if (!node) return undefined;
    const { line, column } = lineColumn(this.text, node.offset);
    return `${line}:${column}`;
  }

  /**
   * The path of `options` in nx.json's `plugins`: the entry whose options equal them, else the
   * first entry of `plugin` with options.
   */
  pluginOptions(plugin: string, options: unknown): ConfigPath | undefined {
    const plugins = this.root && findNodeAtLocation(this.root, ['plugins']);
    if (!plugins || plugins.type !== 'array') return undefined;
    const entries = (plugins.children ?? []).flatMap((entry, i) => {
      const opts = entry.type === 'object' ? findNodeAtLocation(entry, ['options']) : undefined;
      const name = entry.type === 'object' ? findNodeAtLocation(entry, ['plugin']) : undefined;
      return opts ? [{ i, plugin: name && getNodeValue(name), options: JSON.stringify(getNodeValue(opts)) }] : [];
    });
    const given = JSON.stringify(options);
    const e = entries.find((x) => x.options === given) ?? entries.find((x) => x.plugin === plugin);
    return e && ['plugins', e.i, 'options'];
  }
}

/** The error of `problems` (at least one) of the settings of `source`, one line per problem. */
export function configError(problems: readonly ConfigProblem[], source: ConfigSource): GocrossConfigError {
  const positions = source.text === undefined ? undefined : new Positions(source.text);
  const lines = problems.map((p) => {
    const pos = positions?.at([...(source.at ?? []), ...p.path], p.code === 'unknown-key');
    return `${source.file}${pos ? `:${pos}` : ''}: ${source.label ?? ''}${describeProblem(p, source)}`;
  });
  return new GocrossConfigError(lines.join('\n'));
}

/** The error of a file JSON.parse refused (`e`), at the position of the first syntax error. */
export function jsonSyntaxError(file: string, text: string, e: Error): GocrossConfigError {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  const pos = errors.length ? lineColumn(text, errors[0].offset) : undefined;
  return new GocrossConfigError(`${file}${pos ? `:${pos.line}:${pos.column}` : ''}: invalid JSON: ${e.message}`);
}
