/**
 * Validation policy: which checks run, at which severity, with which parameters.
 *
 * File format (`gocross.policy.json`, ESLint style):
 *   { "checks": { "rpath": "error", "glibc-version": ["error", { "max": "2.17" }], "build-id": "off" } }
 *
 * A policy at the workspace root applies to every project; one at a project root overrides it
 * check by check (a project entry replaces the workspace entry for that check, parameters are
 * merged). Every error names the JSON path of the offending value.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OptionSchema, OptionsSchema } from './options';
import { ALL_CHECKS, findCheck } from './registry';
import type { CheckPolicyEntry, CheckSetting, Policy } from './types';

export type { CheckPolicyEntry, Policy } from './types';

export const POLICY_FILE_NAME = 'gocross.policy.json';

/** A policy file that cannot be used. `jsonPath` is e.g. `$.checks["glibc-version"][1].max`. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly sourceName: string,
    readonly jsonPath: string,
    readonly problem: string,
  ) {
    super(`${sourceName}: ${jsonPath}: ${problem}`);
  }
}

/**
 * The parameter schema of each rule that declares one (meta.schema), by rule id: assembled from
 * the rules of ./registry. Unknown parameters of these rules are errors.
 */
export const CHECK_PARAMS: Readonly<Record<string, OptionsSchema>> = Object.fromEntries(
  ALL_CHECKS.flatMap((c) => (c.meta.schema ? [[c.meta.id, c.meta.schema] as const] : [])),
);

/** The schema of a check id (current or former), when its rule declares one. */
function paramsOf(id: string): OptionsSchema | undefined {
  const c = findCheck(id);
  return c && c.meta.schema ? c.meta.schema : undefined;
}

const SETTINGS: readonly string[] = ['off', 'warn', 'error'];

function key(p: string, k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `${p}.${k}` : `${p}[${JSON.stringify(k)}]`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** Validates one parameter value against its schema. */
function checkParam(src: string, p: string, t: OptionSchema, v: unknown): void {
  if ('enum' in t) {
    if (typeof v !== 'string' || !t.enum.includes(v)) {
      throw new PolicyError(src, p, `expected one of ${t.enum.map((x) => `"${x}"`).join(', ')}, got ${describe(v)}`);
    }
    return;
  }
  switch (t.type) {
    case 'boolean':
      if (typeof v !== 'boolean') throw new PolicyError(src, p, `expected true or false, got ${describe(v)}`);
      return;
    case 'string':
      if (typeof v !== 'string') throw new PolicyError(src, p, `expected a string, got ${describe(v)}`);
      if (t.pattern && !new RegExp(t.pattern).test(v)) throw new PolicyError(src, p, `expected ${t.description ?? 'a valid value'}, got ${describe(v)}`);
      return;
    case 'array':
      if (!Array.isArray(v)) throw new PolicyError(src, p, `expected an array of strings, got ${describe(v)}`);
      v.forEach((x, i) => {
        if (typeof x !== 'string') throw new PolicyError(src, `${p}[${i}]`, `expected a string, got ${describe(x)}`);
      });
      return;
  }
}

export interface LoadPolicyOptions {
  /**
   * Check ids accepted besides the rules that declare a parameter schema (CHECK_PARAMS), their
   * parameters unvalidated. Default: every check of the registry.
   */
  extraCheckIds?: readonly string[];
}

/** A former id of a check accepted through `extra` (a source check), as its current id. */
function resolveExtra(given: string, extra: ReadonlySet<string>): string | undefined {
  const c = findCheck(given);
  return c && c.meta.id !== given && extra.has(c.meta.id) ? c.meta.id : undefined;
}

/**
 * Parses and validates a policy. Entries are stored under the checks' current ids (a former id
 * such as `elf-arch` is read as `binary-arch`). `json` is the file text (or an already parsed value);
 * `sourceName` names it in errors. Throws PolicyError naming the JSON path of the first problem.
 */
export function loadPolicy(json: string | unknown, sourceName: string, opts: LoadPolicyOptions = {}): Policy {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new PolicyError(sourceName, '$', `invalid JSON: ${(e as Error).message}`);
    }
  }
  if (!isPlainObject(doc)) throw new PolicyError(sourceName, '$', `expected an object, got ${describe(doc)}`);
  for (const k of Object.keys(doc)) {
    if (k !== 'checks' && k !== '$schema') throw new PolicyError(sourceName, key('$', k), 'unknown property (expected "checks")');
  }
  const checks: Record<string, CheckPolicyEntry> = {};
  const raw = doc.checks ?? {};
  if (!isPlainObject(raw)) throw new PolicyError(sourceName, '$.checks', `expected an object, got ${describe(raw)}`);
  const extra = new Set(opts.extraCheckIds ?? ALL_CHECKS.map((c) => c.meta.id));
  const seen = new Map<string, string>();
  for (const [given, value] of Object.entries(raw)) {
    const p = key('$.checks', given);
    const known = paramsOf(given);
    const id = known ? findCheck(given)!.meta.id : extra.has(given) ? given : resolveExtra(given, extra);
    if (id === undefined) {
      const ids = [...new Set([...Object.keys(CHECK_PARAMS), ...extra])].sort();
      throw new PolicyError(sourceName, p, `unknown check (known: ${ids.join(', ')})`);
    }
    // A former id (`elf-arch`) names the same check as its current one (`binary-arch`).
    const twin = seen.get(id);
    if (twin !== undefined) {
      throw new PolicyError(sourceName, p, `names the same check as "${twin}" ("${given === id ? twin : given}" is the former id of "${id}"); keep one of them`);
    }
    seen.set(id, given);
    let setting: unknown = value;
    let params: unknown = {};
    if (Array.isArray(value)) {
      if (value.length < 1 || value.length > 2) {
        throw new PolicyError(sourceName, p, 'expected "off" | "warn" | "error" or [setting, { parameters }]');
      }
      setting = value[0];
      params = value.length === 2 ? value[1] : {};
    }
    const sp = Array.isArray(value) ? `${p}[0]` : p;
    if (typeof setting !== 'string' || !SETTINGS.includes(setting)) {
      throw new PolicyError(sourceName, sp, `expected "off", "warn" or "error", got ${describe(setting)}`);
    }
    if (!isPlainObject(params)) throw new PolicyError(sourceName, `${p}[1]`, `expected an object of parameters, got ${describe(params)}`);
    if (known) {
      for (const [name, v] of Object.entries(params)) {
        const t = Object.prototype.hasOwnProperty.call(known.properties, name) ? known.properties[name] : undefined;
        const pp = key(`${p}[1]`, name);
        if (!t) {
          const names = Object.keys(known.properties);
          throw new PolicyError(sourceName, pp, names.length ? `unknown parameter (known: ${names.join(', ')})` : 'this check takes no parameters');
        }
        checkParam(sourceName, pp, t, v);
      }
    }
    checks[id] = { setting: setting as CheckSetting, params: { ...params } };
  }
  return { sources: [sourceName], checks };
}

/** The empty policy: every check at its default severity and parameters. */
export function defaultPolicy(): Policy {
  return { sources: [], checks: {} };
}

/** `override` on top of `base`: per check, the override's setting wins and parameters are merged. */
export function mergePolicies(base: Policy, override: Policy): Policy {
  const checks: Record<string, CheckPolicyEntry> = {};
  for (const [id, e] of Object.entries(base.checks)) checks[id] = { setting: e.setting, params: { ...e.params } };
  for (const [id, e] of Object.entries(override.checks)) {
    checks[id] = { setting: e.setting, params: { ...(checks[id]?.params ?? {}), ...e.params } };
  }
  return { sources: [...base.sources, ...override.sources], checks };
}

/**
 * Reads the policy that applies to a project: `<workspaceRoot>/gocross.policy.json`, then
 * `<projectRoot>/gocross.policy.json` on top, then an explicit file (option `policy`) on top of
 * both. Missing default files are fine; a missing explicit file is an error.
 */
export function resolvePolicy(req: {
  workspaceRoot: string;
  projectRoot?: string;
  explicit?: string;
  extraCheckIds?: readonly string[];
}): Policy {
  let policy = defaultPolicy();
  const seen = new Set<string>();
  const candidates: { file: string; required: boolean }[] = [
    { file: path.join(req.workspaceRoot, POLICY_FILE_NAME), required: false },
  ];
  if (req.projectRoot) candidates.push({ file: path.resolve(req.workspaceRoot, req.projectRoot, POLICY_FILE_NAME), required: false });
  if (req.explicit) candidates.push({ file: path.resolve(req.workspaceRoot, req.explicit), required: true });
  for (const c of candidates) {
    const abs = path.resolve(c.file);
    if (seen.has(abs)) continue;
    seen.add(abs);
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (e) {
      if (!c.required && (e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new PolicyError(path.relative(req.workspaceRoot, abs) || abs, '$', `cannot read policy file: ${(e as Error).message}`);
    }
    const name = path.relative(req.workspaceRoot, abs) || abs;
    policy = mergePolicies(policy, loadPolicy(text, name, { extraCheckIds: req.extraCheckIds }));
  }
  return policy;
}

/**
 * A JSON Schema (draft-07) of the policy file, assembled from the rules' schemas (the same ones
 * loadPolicy validates against), for editor completion (`"$schema"` in gocross.policy.json) and
 * documentation. Former ids are properties too, so older policy files stay valid.
 */
export function policyJsonSchema(extraCheckIds: readonly string[] = ALL_CHECKS.map((c) => c.meta.id)): Record<string, unknown> {
  const setting = { enum: ['off', 'warn', 'error'] };
  const entry = (params: Record<string, unknown>, description?: string) => ({
    ...(description ? { description } : {}),
    oneOf: [setting, { type: 'array', minItems: 1, maxItems: 2, items: [setting, params], additionalItems: false }],
  });
  const properties: Record<string, unknown> = {};
  for (const c of ALL_CHECKS) {
    const schema = c.meta.schema;
    if (!schema) continue;
    const params = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
    properties[c.meta.id] = entry(params, c.meta.title);
    for (const alias of c.meta.aliases ?? []) properties[alias] = entry(params, `former id of ${c.meta.id}`);
  }
  for (const id of extraCheckIds) {
    if (properties[id]) continue;
    properties[id] = entry({ type: 'object' });
    const c = findCheck(id);
    for (const alias of c?.meta.id === id ? (c.meta.aliases ?? []) : []) properties[alias] ??= entry({ type: 'object' }, `former id of ${id}`);
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'gocross validation policy',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      checks: { type: 'object', additionalProperties: false, properties },
    },
  };
}
