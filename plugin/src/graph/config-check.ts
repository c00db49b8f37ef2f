/**
 * Validation of a `gocross.json` and of the plugin options against their schemas
 * (config-schema.ts). It runs on every Nx graph computation, so it is a walk over the value
 * driven by the schema's properties that loads nothing: no schema compiler, no parser. Problems
 * are plain data; config-report.ts, loaded only when there is one, words them with the line and
 * column of the file and the key or port that was probably meant.
 *
 * A platform is checked against the built-in `go tool dist list` (platforms/dist-list.ts) and its
 * variant against the arch's variable (platforms/variants.ts); a pair the built-in list lacks is
 * looked up in the installed Go's list before it is refused, so a port newer than the built-in
 * list is accepted where the installed Go has it.
 */
import { validatePlatform } from '../platforms/env';
import { parsePlatform } from '../platforms/platform';
import { builtinPlatformTable, loadPlatformTable, type PlatformTable } from '../platforms/table';
import type { Platform } from '../platforms/types';
import type { SettingSchema, SettingsSchema } from './config-schema';

/** Where a problem is: keys and array indexes from the top of the object checked. */
export type ConfigPath = readonly (string | number)[];

export type ConfigProblem =
  /** The settings are not a JSON object. */
  | { code: 'not-object'; path: ConfigPath; value: unknown }
  | { code: 'unknown-key'; path: ConfigPath; key: string }
  /** `value` (at `path`: the setting, an entry of its array or a value of its object) has the wrong type. */
  | { code: 'type'; path: ConfigPath; key: string; value: unknown }
  | { code: 'enum'; path: ConfigPath; key: string; value: unknown }
  /** An array entry that does not match the pattern of the setting's items (`\S` of mains and exclude: not blank). */
  | { code: 'pattern'; path: ConfigPath; key: string; value: string }
  /** `message`: why `value` is not a platform; `pair` and `table`: os/arch is no port of that table. */
  | { code: 'platform'; path: ConfigPath; key: string; value: string; message: string; pair?: Platform; table?: PlatformTable };

export interface CheckOptions {
  /** The installed Go's port list, asked only for a pair the built-in list lacks. */
  installedTable?: () => PlatformTable;
}

let installed: PlatformTable | undefined;
/** The installed Go's port list (GOCROSS_GO or go on PATH), read once per process; the built-in one without Go. */
export function installedPlatformTable(): PlatformTable {
  installed ??= loadPlatformTable({ go: process.env.GOCROSS_GO || 'go' });
  return installed;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why `text` is not a platform gocross can build, or undefined when it is. */
export function platformProblem(text: string, opts: CheckOptions = {}): { message: string; pair?: Platform; table?: PlatformTable } | undefined {
  let p: Platform;
  try {
    p = parsePlatform(text);
  } catch (e) {
    return { message: (e as Error).message };
  }
  const builtin = builtinPlatformTable();
  let table = builtin;
  if (!builtin.find(p.goos, p.goarch)) {
    table = (opts.installedTable ?? installedPlatformTable)();
    if (!table.find(p.goos, p.goarch)) return { message: validatePlatform(p, undefined, table) ?? `unknown platform ${text}`, pair: p, table };
  }
  const m = validatePlatform(p, undefined, table);
  return m === undefined ? undefined : { message: m };
}

function checkSetting(key: string, s: SettingSchema, v: unknown, out: ConfigProblem[], opts: CheckOptions): void {
  const path = [key];
  if ('enum' in s) {
    if (typeof v !== 'string' || !s.enum.includes(v)) out.push({ code: 'enum', path, key, value: v });
    return;
  }
  switch (s.type) {
    case 'boolean':
    case 'string':
      if (typeof v !== s.type) out.push({ code: 'type', path, key, value: v });
      return;
    case 'object':
      if (!isPlainObject(v)) {
        out.push({ code: 'type', path, key, value: v });
        return;
      }
      for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') out.push({ code: 'type', path: [key, k], key, value: x });
      return;
    case 'array': {
      if (!Array.isArray(v)) {
        out.push({ code: 'type', path, key, value: v });
        return;
      }
      // A platform is checked against the port list itself (the pattern is the editors' copy of it).
      const pattern = s.items.pattern === undefined || key === 'platforms' ? undefined : new RegExp(s.items.pattern, 'u');
      v.forEach((x: unknown, i) => {
        const at = [key, i];
        if (typeof x !== 'string') out.push({ code: 'type', path: at, key, value: x });
        else if (key === 'platforms') {
          const p = platformProblem(x, opts);
          if (p) out.push({ code: 'platform', path: at, key, value: x, ...p });
        } else if (pattern && !pattern.test(x)) out.push({ code: 'pattern', path: at, key, value: x });
      });
    }
  }
}

/** Every problem of `value` as settings of `schema`; empty when it is valid. */
export function checkSettings(value: unknown, schema: SettingsSchema, opts: CheckOptions = {}): ConfigProblem[] {
  if (!isPlainObject(value)) return [{ code: 'not-object', path: [], value }];
  const out: ConfigProblem[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue; // not in JSON; a caller's way of leaving a setting unset
    if (!hasOwn(schema.properties, key)) out.push({ code: 'unknown-key', path: [key], key });
    else checkSetting(key, schema.properties[key], v, out, opts);
  }
  return out;
}
