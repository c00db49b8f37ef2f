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
import { ALL_CHECKS } from './registry';
import type { CheckSetting } from './types';

export const POLICY_FILE_NAME = 'gocross.policy.json';

/** One check's resolved entry. */
export interface CheckPolicyEntry {
  setting: CheckSetting;
  params: Record<string, unknown>;
}

export interface Policy {
  /** Where the policy came from, outermost first (file paths or descriptive names). */
  sources: string[];
  /** Per-check entries; a check without an entry runs at its default severity with default parameters. */
  checks: Record<string, CheckPolicyEntry>;
}

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

type ParamType =
  | { type: 'boolean' }
  | { type: 'string'; pattern?: RegExp; hint?: string }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'string[]' };

/** Parameters each check accepts, with their types. Unknown parameters are errors. */
export const CHECK_PARAMS: Readonly<Record<string, Readonly<Record<string, ParamType>>>> = {
  'elf-arch': {},
  linkage: { allowDynamic: { type: 'boolean' } },
  hardening: {
    relro: { type: 'enum', values: ['full', 'partial', 'off'] },
    nx: { type: 'boolean' },
    pie: { type: 'boolean' },
    textrel: { type: 'boolean' },
    aslr: { type: 'boolean' },
  },
  rpath: { allow: { type: 'string[]' }, allowRpath: { type: 'boolean' } },
  'needed-libs': { allow: { type: 'string[]' }, extra: { type: 'string[]' } },
  'glibc-version': { max: { type: 'string', pattern: /^\d+(\.\d+){0,2}$/, hint: 'a version such as "2.17"' } },
  exports: { allow: { type: 'string[]' } },
  buildinfo: {
    minGoVersion: { type: 'string', pattern: /^(go)?\d+(\.\d+){0,2}$/, hint: 'a Go version such as "1.22" or "go1.22.3"' },
    allowDirty: { type: 'boolean' },
    requireTrimpath: { type: 'boolean' },
    allowReplace: { type: 'string[]' },
  },
  'build-id': { require: { type: 'enum', values: ['present', 'empty', 'any'] } },
  'archive-arch': {},
};

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

/** Validates one parameter value against its type. */
function checkParam(src: string, p: string, t: ParamType, v: unknown): void {
  switch (t.type) {
    case 'boolean':
      if (typeof v !== 'boolean') throw new PolicyError(src, p, `expected true or false, got ${describe(v)}`);
      return;
    case 'string':
      if (typeof v !== 'string') throw new PolicyError(src, p, `expected a string, got ${describe(v)}`);
      if (t.pattern && !t.pattern.test(v)) throw new PolicyError(src, p, `expected ${t.hint ?? 'a valid value'}, got ${describe(v)}`);
      return;
    case 'enum':
      if (typeof v !== 'string' || !t.values.includes(v)) {
        throw new PolicyError(src, p, `expected one of ${t.values.map((x) => `"${x}"`).join(', ')}, got ${describe(v)}`);
      }
      return;
    case 'string[]':
      if (!Array.isArray(v)) throw new PolicyError(src, p, `expected an array of strings, got ${describe(v)}`);
      v.forEach((x, i) => {
        if (typeof x !== 'string') throw new PolicyError(src, `${p}[${i}]`, `expected a string, got ${describe(x)}`);
      });
      return;
  }
}

export interface LoadPolicyOptions {
  /**
   * Check ids accepted besides the binary checks listed in CHECK_PARAMS. Default: every check
   * of the registry (the source checks' parameters are theirs to validate).
   */
  extraCheckIds?: readonly string[];
}

/**
 * Parses and validates a policy. `json` is the file text (or an already parsed value);
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
  for (const [id, value] of Object.entries(raw)) {
    const p = key('$.checks', id);
    const known = CHECK_PARAMS[id];
    if (!known && !extra.has(id)) {
      const ids = [...Object.keys(CHECK_PARAMS), ...extra].sort();
      throw new PolicyError(sourceName, p, `unknown check (known: ${ids.join(', ')})`);
    }
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
        const t = known[name];
        const pp = key(`${p}[1]`, name);
        if (!t) {
          const names = Object.keys(known);
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
 * A JSON Schema (draft-07) of the policy file, built from the same parameter table loadPolicy
 * uses, for editor completion (`"$schema"` in gocross.policy.json) and documentation.
 */
export function policyJsonSchema(extraCheckIds: readonly string[] = ALL_CHECKS.map((c) => c.meta.id)): Record<string, unknown> {
  const setting = { enum: ['off', 'warn', 'error'] };
  const paramSchema = (t: ParamType): Record<string, unknown> => {
    switch (t.type) {
      case 'boolean':
        return { type: 'boolean' };
      case 'string':
        return t.pattern ? { type: 'string', pattern: t.pattern.source } : { type: 'string' };
      case 'enum':
        return { enum: [...t.values] };
      case 'string[]':
        return { type: 'array', items: { type: 'string' } };
    }
  };
  const properties: Record<string, unknown> = {};
  for (const [id, params] of Object.entries(CHECK_PARAMS)) {
    const paramsObj = {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(params).map(([k, t]) => [k, paramSchema(t)])),
    };
    properties[id] = {
      oneOf: [setting, { type: 'array', minItems: 1, maxItems: 2, items: [setting, paramsObj], additionalItems: false }],
    };
  }
  for (const id of extraCheckIds) {
    if (properties[id]) continue;
    properties[id] = { oneOf: [setting, { type: 'array', minItems: 1, maxItems: 2, items: [setting, { type: 'object' }], additionalItems: false }] };
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
