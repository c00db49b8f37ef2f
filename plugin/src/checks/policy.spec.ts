import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { CHECK_PARAMS, loadPolicy, mergePolicies, PolicyError, policyJsonSchema, resolvePolicy } from './policy';
import { ALL_CHECKS } from './registry';

function err(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('expected a PolicyError');
}

describe('loadPolicy', () => {
  it('reads string and array settings with parameters', () => {
    const p = loadPolicy(
      JSON.stringify({ checks: { rpath: 'error', 'glibc-version': ['error', { max: '2.17' }], 'build-id': 'off', hardening: ['warn'] } }),
      'gocross.policy.json',
    );
    expect(p.sources).toEqual(['gocross.policy.json']);
    expect(p.checks.rpath).toEqual({ setting: 'error', params: {} });
    expect(p.checks['glibc-version']).toEqual({ setting: 'error', params: { max: '2.17' } });
    expect(p.checks['build-id'].setting).toBe('off');
    expect(p.checks.hardening).toEqual({ setting: 'warn', params: {} });
  });

  it('names the JSON path of bad values', () => {
    expect(err(() => loadPolicy('{ "checks": { ', 'p.json')).jsonPath).toBe('$');
    expect(err(() => loadPolicy('{ "checks": { ', 'p.json')).message).toMatch(/^p\.json: \$: invalid JSON/);
    expect(err(() => loadPolicy('[]', 'p.json')).jsonPath).toBe('$');
    expect(err(() => loadPolicy({ check: {} }, 'p.json')).jsonPath).toBe('$.check');
    expect(err(() => loadPolicy({ checks: [] }, 'p.json')).jsonPath).toBe('$.checks');
    const unknown = err(() => loadPolicy({ checks: { 'no-such': 'error' } }, 'p.json'));
    expect(unknown.jsonPath).toBe('$.checks["no-such"]');
    expect(unknown.problem).toMatch(/unknown check.*binary-arch/);
    expect(err(() => loadPolicy({ checks: { rpath: 'fatal' } }, 'p.json')).jsonPath).toBe('$.checks.rpath');
    expect(err(() => loadPolicy({ checks: { rpath: ['fatal'] } }, 'p.json')).jsonPath).toBe('$.checks.rpath[0]');
    expect(err(() => loadPolicy({ checks: { rpath: ['error', 3] } }, 'p.json')).jsonPath).toBe('$.checks.rpath[1]');
    expect(err(() => loadPolicy({ checks: { rpath: [] } }, 'p.json')).jsonPath).toBe('$.checks.rpath');
    const max = err(() => loadPolicy({ checks: { 'glibc-version': ['error', { max: 'two' }] } }, 'p.json'));
    expect(max.jsonPath).toBe('$.checks["glibc-version"][1].max');
    expect(max.problem).toMatch(/"2\.17"/);
    expect(err(() => loadPolicy({ checks: { 'glibc-version': ['error', { max: 2.17 }] } }, 'p.json')).problem).toMatch(/expected a string/);
    expect(err(() => loadPolicy({ checks: { hardening: ['error', { relro: 'most' }] } }, 'p.json')).jsonPath).toBe('$.checks.hardening[1].relro');
    expect(err(() => loadPolicy({ checks: { hardening: ['error', { nx: 'yes' }] } }, 'p.json')).jsonPath).toBe('$.checks.hardening[1].nx');
    expect(err(() => loadPolicy({ checks: { rpath: ['error', { allow: ['/opt/lib', 7] }] } }, 'p.json')).jsonPath).toBe('$.checks.rpath[1].allow[1]');
    expect(err(() => loadPolicy({ checks: { rpath: ['error', { alow: [] }] } }, 'p.json')).problem).toMatch(/unknown parameter \(known: allow, allowRpath\)/);
    expect(err(() => loadPolicy({ checks: { 'binary-arch': ['error', { x: 1 }] } }, 'p.json')).problem).toMatch(/takes no parameters/);
  });

  it('accepts extra (source) check ids without validating their parameters', () => {
    const p = loadPolicy({ checks: { 'asm-guard': ['warn', { anything: 1 }] } }, 'p.json', { extraCheckIds: ['asm-guard'] });
    expect(p.checks['asm-guard']).toEqual({ setting: 'warn', params: { anything: 1 } });
    // by default every registered check id is known
    const d = loadPolicy({ checks: { 'asm-coverage': 'off', 'build-tags': 'warn', asmdecl: 'error' } }, 'p.json');
    expect(Object.keys(d.checks)).toEqual(['asm-coverage', 'build-tags', 'asmdecl']);
    expect(err(() => loadPolicy({ checks: { 'asm-guard': 'x' } }, 'p.json', { extraCheckIds: [] })).problem).toMatch(/unknown check/);
  });
});

describe('mergePolicies / resolvePolicy', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-policy-'));
    fs.mkdirSync(path.join(root, 'apps/api'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'gocross.policy.json'),
      JSON.stringify({ checks: { 'glibc-version': ['error', { max: '2.17' }], rpath: 'warn', hardening: ['error', { relro: 'full', nx: true }] } }),
    );
    fs.writeFileSync(path.join(root, 'apps/api/gocross.policy.json'), JSON.stringify({ checks: { rpath: 'off', hardening: ['warn', { relro: 'partial' }] } }));
    fs.writeFileSync(path.join(root, 'bad.json'), '{"checks": {"rpath": "loud"}}');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('project policy overrides the workspace one check by check, merging parameters', () => {
    const p = resolvePolicy({ workspaceRoot: root, projectRoot: 'apps/api' });
    expect(p.sources).toEqual(['gocross.policy.json', 'apps/api/gocross.policy.json']);
    expect(p.checks.rpath.setting).toBe('off');
    expect(p.checks['glibc-version']).toEqual({ setting: 'error', params: { max: '2.17' } });
    expect(p.checks.hardening).toEqual({ setting: 'warn', params: { relro: 'partial', nx: true } });
  });

  it('no files → empty policy; a project without its own file gets the workspace one', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-policy-empty-'));
    expect(resolvePolicy({ workspaceRoot: empty, projectRoot: 'x' })).toEqual({ sources: [], checks: {} });
    fs.rmSync(empty, { recursive: true });
    expect(resolvePolicy({ workspaceRoot: root, projectRoot: 'libs/none' }).checks.rpath.setting).toBe('warn');
  });

  it('explicit file: applied last, must exist, errors name the file and path', () => {
    expect(err(() => resolvePolicy({ workspaceRoot: root, explicit: 'missing.json' })).problem).toMatch(/cannot read policy file/);
    const e = err(() => resolvePolicy({ workspaceRoot: root, explicit: 'bad.json' }));
    expect(e.message).toBe('bad.json: $.checks.rpath: expected "off", "warn" or "error", got "loud"');
  });

  it('merge keeps base entries not overridden', () => {
    const a = loadPolicy({ checks: { rpath: 'warn', exports: 'error' } }, 'a');
    const b = loadPolicy({ checks: { rpath: 'error' } }, 'b');
    const m = mergePolicies(a, b);
    expect(m.checks.exports.setting).toBe('error');
    expect(m.checks.rpath.setting).toBe('error');
    expect(m.sources).toEqual(['a', 'b']);
  });
});

describe('policyJsonSchema', () => {
  it('accepts and rejects the same documents as loadPolicy', () => {
    const validate = new Ajv({ strict: false }).compile(policyJsonSchema(['asm-guard']));
    const docs: unknown[] = [
      {},
      { checks: {} },
      { $schema: './schema.json', checks: { rpath: 'warn', 'asm-guard': ['error', { x: 1 }] } },
      { checks: { 'glibc-version': ['error', { max: '2.17' }], hardening: ['warn', { relro: 'full', nx: false, aslr: true }] } },
      { checks: { buildinfo: ['error', { minGoVersion: 'go1.22.3', allowReplace: ['golang.org/x/sys'] }] } },
      { checks: { 'build-id': ['error'] } },
      { checks: { rpath: 'loud' } },
      { checks: { rpath: [] } },
      { checks: { rpath: ['error', {}, 3] } },
      { checks: { 'glibc-version': ['error', { max: 'two' }] } },
      { checks: { hardening: ['error', { relro: 'most' }] } },
      { checks: { rpath: ['error', { allow: ['/a', 1] }] } },
      { checks: { rpath: ['error', { alow: [] }] } },
      { checks: { 'no-such': 'off' } },
      // a former id is still a valid key, with the rule's own parameters
      { checks: { 'elf-arch': 'off' } },
      { checks: { 'elf-arch': ['error', { x: 1 }] } },
      { check: {} },
      [],
    ];
    for (const d of docs) {
      let ok = true;
      try {
        loadPolicy(d, 'p.json', { extraCheckIds: ['asm-guard'] });
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        ok = false;
      }
      expect([JSON.stringify(d), validate(d)]).toEqual([JSON.stringify(d), ok]);
    }
  });
});

describe('the policy schema comes from the rules', () => {
  it('CHECK_PARAMS holds the meta.schema of each rule, and nothing else', () => {
    const withSchema = ALL_CHECKS.filter((c) => c.meta.schema);
    expect(Object.keys(CHECK_PARAMS)).toEqual(withSchema.map((c) => c.meta.id));
    for (const c of withSchema) expect(CHECK_PARAMS[c.meta.id]).toBe(c.meta.schema);
  });

  it('policyJsonSchema carries each rule schema under its id and its former ids', () => {
    const props = (policyJsonSchema() as { properties: { checks: { properties: Record<string, { oneOf: [unknown, { items: [unknown, unknown] }] }> } } }).properties.checks.properties;
    for (const c of ALL_CHECKS) {
      if (!c.meta.schema) continue;
      expect(props[c.meta.id].oneOf[1].items[1]).toEqual(c.meta.schema);
      for (const alias of c.meta.aliases ?? []) expect(props[alias].oneOf[1].items[1]).toEqual(c.meta.schema);
    }
    expect(Object.keys(props)).toEqual(expect.arrayContaining(['binary-arch', 'elf-arch', 'asm-guard']));
  });
});
