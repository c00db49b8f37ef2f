import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { createPlatformTable, builtinPlatformTable } from '../platforms/table';
import { BUILTIN_DIST_LIST } from '../platforms/dist-list';
import { writeTempTree } from '../test-utils/tree';
import { checkSettings, platformProblem } from './config-check';
import { describeProblem, lineColumn, nearest, Positions } from './config-report';
import { DEFAULT_PLATFORMS, PLUGIN_OPTIONS_SCHEMA, PROJECT_CONFIG_SCHEMA } from './config-schema';
import { checkPluginOptions, GocrossConfigError, readProjectOverride } from './options';

const REPO = path.resolve(__dirname, '..', '..', '..');
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** Go as the built-in list knows it: no `go` is run for a pair the list lacks. */
const noGo = { installedTable: () => builtinPlatformTable() };

/** The message readProjectOverride throws for `text` as `app/gocross.json` ('' when it accepts it). */
function projectError(text: string): string {
  const ws = writeTempTree('gocross-config-', { 'app/gocross.json': text });
  roots.push(ws);
  try {
    readProjectOverride(ws, 'app');
    return '';
  } catch (e) {
    expect(e).toBeInstanceOf(GocrossConfigError);
    return (e as Error).message;
  }
}

/** The message checkPluginOptions throws for `options` written in `nxJson` ('' when it accepts them). */
function pluginError(options: unknown, nxJson?: string): string {
  const ws = writeTempTree('gocross-config-', nxJson === undefined ? {} : { 'nx.json': nxJson });
  roots.push(ws);
  try {
    checkPluginOptions(options, ws);
    return '';
  } catch (e) {
    expect(e).toBeInstanceOf(GocrossConfigError);
    return (e as Error).message;
  }
}

describe('gocross.json and plugin options: valid settings are accepted as written', () => {
  const valid: Record<string, unknown>[] = [
    {},
    { $schema: '../../node_modules/@gocross/nx/gocross.schema.json' },
    { platforms: ['linux/arm/6', 'linux/mipsle/softfloat'], cgo: true, libc: 'musl', buildmode: 'pie' },
    { platforms: ['linux/amd64/v3', 'linux/arm64/v8.2,lse', 'linux/riscv64/rva22u64', 'linux/arm/7,softfloat', 'js/wasm', 'wasip1/wasm'] },
    { platforms: [...DEFAULT_PLATFORMS] },
    { mains: ['cmd/*'], exclude: ['cmd/internal-tool', 'tools/**'] },
    { tags: ['netgo', 'osusergo'], ldflags: '-s -w -X main.version={version}', gcflags: 'all=-N -l', env: { GOFLAGS: '-mod=mod' } },
    { cgo: false, libc: 'glibc', buildmode: 'c-archive', tags: [], env: {} },
  ];

  it.each(valid.map((v) => [JSON.stringify(v), v]))('gocross.json %s', (_, v) => {
    expect(checkSettings(v, PROJECT_CONFIG_SCHEMA, noGo)).toEqual([]);
    expect(projectError(JSON.stringify(v, null, 2))).toBe('');
  });

  it("every gocross.json of examples/ and the schema's own examples", () => {
    const files = fs.readdirSync(path.join(REPO, 'examples'), { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f) === 'gocross.json');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect({ f, problems: checkSettings(JSON.parse(fs.readFileSync(path.join(REPO, 'examples', f), 'utf8')), PROJECT_CONFIG_SCHEMA, noGo) }).toEqual({ f, problems: [] });
    for (const schema of [PROJECT_CONFIG_SCHEMA, PLUGIN_OPTIONS_SCHEMA]) {
      for (const [k, s] of Object.entries(schema.properties)) {
        for (const example of s.examples) expect(checkSettings({ [k]: example }, schema, noGo)).toEqual([]);
        if ('default' in s) expect(checkSettings({ [k]: s.default }, schema, noGo)).toEqual([]);
      }
    }
  });

  it('plugin options: none, the defaults, targetPrefix and testDependencies', () => {
    expect(pluginError(undefined)).toBe('');
    expect(pluginError({ platforms: [...DEFAULT_PLATFORMS], targetPrefix: 'go-', cgo: false, testDependencies: false, ldflags: '-s' })).toBe('');
  });

  it('a value left undefined by a caller is no setting', () => {
    expect(checkSettings({ platforms: undefined, cgo: undefined }, PROJECT_CONFIG_SCHEMA)).toEqual([]);
  });
});

describe('gocross.json: bad settings are errors naming the file, line and column, and what was meant', () => {
  it('a misspelt key', () => {
    expect(projectError('{\n  "platform": ["linux/arm64"]\n}\n')).toBe('app/gocross.json:2:3: unknown key "platform": did you mean "platforms"?');
    expect(projectError('{"buildMode": "pie", "ldflag": "-s", "platfrom": []}')).toBe(
      [
        'app/gocross.json:1:2: unknown key "buildMode": did you mean "buildmode"?',
        'app/gocross.json:1:22: unknown key "ldflag": did you mean "ldflags"?',
        'app/gocross.json:1:38: unknown key "platfrom": did you mean "platforms"?',
      ].join('\n'),
    );
  });

  it('an unknown key with nothing close lists the keys', () => {
    expect(projectError('{"colour": "blue"}')).toBe(
      'app/gocross.json:1:2: unknown key "colour" (the keys: platforms, cgo, libc, buildmode, tags, ldflags, gcflags, env, mains, exclude)',
    );
  });

  it('a workspace option in gocross.json says where it belongs', () => {
    expect(projectError('{"targetPrefix": "go-"}')).toBe(
      'app/gocross.json:1:2: "targetPrefix" is not a setting here: it belongs in the @gocross/nx plugin options of nx.json',
    );
  });

  it('a platform that is no Go port, with the nearest port', () => {
    expect(projectError('{"platforms": ["linux/arm65"]}')).toBe('app/gocross.json:1:16: "platforms" entry "linux/arm65" is not a port of Go (go tool dist list): did you mean "linux/arm64"?');
    expect(projectError('{"platforms": ["linux/amd64", "plan10/amd64"]}')).toBe(
      'app/gocross.json:1:31: "platforms" entry "plan10/amd64" is not a port of Go (go tool dist list): did you mean "plan9/amd64"?',
    );
    // The variant is kept when it is one of the port meant; an arch written as the OS is found too.
    expect(projectError('{"platforms": ["linux/amd46/v3"]}')).toMatch(/did you mean "linux\/amd64\/v3"\?$/);
    expect(projectError('{"platforms": ["darwin/amd46"]}')).toMatch(/did you mean "darwin\/amd64"\?$/);
    expect(projectError('{"platforms": ["arm64/linux"]}')).toMatch(/did you mean "linux\/arm64"\?$/);
    // A short arch far from the OS's: the list of what Go has.
    expect(projectError('{"platforms": ["darwin/arm"]}')).toMatch(/"darwin\/arm": unknown platform darwin\/arm: go1\S+ supports GOOS=darwin with GOARCH amd64, arm64$/);
    expect(projectError('{"platforms": ["windows/s390x"]}')).toMatch(/"windows\/s390x": unknown platform windows\/s390x: go1\S+ supports GOOS=windows with GOARCH 386, amd64, arm64$/);
  });

  it('a platform far from every port lists what Go has', () => {
    const m = projectError('{"platforms": ["haiku/amd64", "linux/vax"]}');
    expect(m).toMatch(/^app\/gocross\.json:1:16: "platforms" entry "haiku\/amd64": unknown GOOS "haiku": go1\.\S+ supports aix, android, /m);
    expect(m).toMatch(/^app\/gocross\.json:1:31: "platforms" entry "linux\/vax": unknown platform linux\/vax: go1\.\S+ supports GOOS=linux with GOARCH 386, amd64, /m);
  });

  it('a pair the built-in list lacks is asked of the installed Go, and accepted when that has it', () => {
    const newer = createPlatformTable([...BUILTIN_DIST_LIST, { goos: 'linux', goarch: 'sparc64', cgoSupported: false, firstClass: false }], 'go1.99', 'go');
    let asked = 0;
    const installedTable = () => {
      asked++;
      return newer;
    };
    expect(checkSettings({ platforms: ['linux/arm64', 'linux/sparc64'] }, PROJECT_CONFIG_SCHEMA, { installedTable })).toEqual([]);
    expect(asked).toBe(1);
    expect(platformProblem('linux/sparc65', { installedTable })).toMatchObject({ message: expect.stringContaining('go1.99 supports GOOS=linux') });
  });

  it('a malformed platform or variant', () => {
    expect(projectError('{"platforms": ["linux-arm64"]}')).toBe(
      'app/gocross.json:1:16: "platforms" entry "linux-arm64": invalid platform "linux-arm64": expected <os>/<arch>[/<variant>], e.g. linux/arm64 or linux/arm/7',
    );
    expect(projectError('{"platforms": ["linux/arm/8"]}')).toBe(
      'app/gocross.json:1:16: "platforms" entry "linux/arm/8": unknown GOARM value "8": must be one of 5, 6, 7, optionally followed by ,softfloat or ,hardfloat',
    );
    expect(projectError('{"platforms": ["linux/s390x/z15"]}')).toBe('app/gocross.json:1:16: "platforms" entry "linux/s390x/z15": GOARCH=s390x has no variant variable, so variant "z15" means nothing');
  });

  it('a libc or buildmode gocross does not know', () => {
    expect(projectError('{"cgo": true, "libc": "muls"}')).toBe('app/gocross.json:1:23: "libc" must be one of "glibc", "musl"; got "muls": did you mean "musl"?');
    expect(projectError('{"buildmode": "pi"}')).toBe('app/gocross.json:1:15: "buildmode" must be one of "exe", "pie", "c-shared", "c-archive"; got "pi": did you mean "pie"?');
    expect(projectError('{"buildmode": "plugin"}')).toBe('app/gocross.json:1:15: "buildmode" must be one of "exe", "pie", "c-shared", "c-archive"; got "plugin"');
    expect(projectError('{"libc": 1}')).toBe('app/gocross.json:1:10: "libc" must be one of "glibc", "musl"; got the number 1');
  });

  it('a value of the wrong type: the type, an example and what was given', () => {
    expect(projectError('{"cgo": "yes"}')).toBe('app/gocross.json:1:9: "cgo" must be a boolean (true or false), e.g. "cgo": true; got the string "yes"');
    expect(projectError('{"cgo": "false"}')).toBe('app/gocross.json:1:9: "cgo" must be a boolean (true or false), e.g. "cgo": false; got the string "false"');
    expect(projectError('{"tags": "a,b"}')).toBe('app/gocross.json:1:10: "tags" must be an array of strings, e.g. "tags": ["a", "b"]; got the string "a,b"');
    expect(projectError('{"platforms": "linux/arm64"}')).toBe(
      'app/gocross.json:1:15: "platforms" must be an array of strings, e.g. "platforms": ["linux/arm64"]; got the string "linux/arm64"',
    );
    expect(projectError('{"ldflags": ["-s", "-w"]}')).toBe('app/gocross.json:1:13: "ldflags" must be a string, e.g. "ldflags": "-s -w -X main.version={version}"; got an array');
    expect(projectError('{"env": ["A=1"]}')).toBe('app/gocross.json:1:9: "env" must be an object of string values, e.g. "env": {"GOFLAGS": "-mod=mod"}; got an array');
    expect(projectError('{"cgo": null}')).toBe('app/gocross.json:1:9: "cgo" must be a boolean (true or false), e.g. "cgo": true; got null');
  });

  it('entries of the wrong type, blank entries', () => {
    expect(projectError('{"platforms": ["linux/arm64", 7]}')).toBe('app/gocross.json:1:31: "platforms"[1] must be a string, e.g. "linux/arm64"; got the number 7');
    expect(projectError('{"env": {"GOAMD64": "v3", "CGO_ENABLED": 1}}')).toBe('app/gocross.json:1:42: "env"["CGO_ENABLED"] must be a string, e.g. "1"; got the number 1');
    expect(projectError('{"mains": ["cmd/a", " "]}')).toBe('app/gocross.json:1:21: "mains"[1] must not be blank, e.g. "cmd/*"');
  });

  it('not an object, not JSON', () => {
    expect(projectError('["linux/arm64"]')).toBe('app/gocross.json:1:1: expected a JSON object of settings, got an array');
    expect(projectError('{\n  "cgo": true,\n}\n')).toMatch(/^app\/gocross\.json:3:1: invalid JSON: /);
    expect(projectError('{\n  "cgo": tru\n}\n')).toMatch(/^app\/gocross\.json:2:10: invalid JSON: /);
  });
});

describe('nx.json plugin options: bad settings are errors naming nx.json', () => {
  const nxJson = (options: unknown) =>
    `{\n  // plugins\n  "plugins": [\n    "@nx/js",\n    { "plugin": "@nx/other", "options": {} },\n    {\n      "plugin": "@gocross/nx",\n      "options": ${JSON.stringify(options)}\n    }\n  ]\n}\n`;

  it('a misspelt option, at its line and column in nx.json (comments and all)', () => {
    const options = { platforms: ['linux/arm64'], targetPrefx: 'go-' };
    expect(pluginError(options, nxJson(options))).toBe('nx.json:8:47: @gocross/nx options: unknown key "targetPrefx": did you mean "targetPrefix"?');
  });

  it('a bad platform and a bad type', () => {
    const options = { platforms: ['linux/arm65'], cgo: 'no' };
    expect(pluginError(options, nxJson(options))).toBe(
      [
        'nx.json:8:32: @gocross/nx options: "platforms" entry "linux/arm65" is not a port of Go (go tool dist list): did you mean "linux/arm64"?',
        'nx.json:8:53: @gocross/nx options: "cgo" must be a boolean (true or false), e.g. "cgo": true; got the string "no"',
      ].join('\n'),
    );
  });

  it("a project setting in nx.json says where it belongs; $schema is gocross.json's", () => {
    expect(pluginError({ mains: ['cmd/*'] }, nxJson({ mains: ['cmd/*'] }))).toBe(
      'nx.json:8:19: @gocross/nx options: "mains" is not a setting here: it belongs in a project\'s gocross.json',
    );
    expect(pluginError({ $schema: 'x' })).toMatch(/^nx\.json: @gocross\/nx options: "\$schema" is not a setting here/);
  });

  it('without nx.json to point into, the file alone', () => {
    expect(pluginError({ targetPrefx: 'go-' })).toBe('nx.json: @gocross/nx options: unknown key "targetPrefx": did you mean "targetPrefix"?');
    expect(pluginError('linux/arm64')).toBe('nx.json: @gocross/nx options: expected a JSON object of settings, got the string "linux/arm64"');
  });
});

describe('the parts of the report', () => {
  it('nearest: slips only, case aside, ties together', () => {
    expect(nearest('platfrom', ['platforms', 'cgo'])).toEqual(['platforms']);
    expect(nearest('BUILDMODE', ['buildmode'])).toEqual(['buildmode']);
    expect(nearest('foo', ['cgo', 'env'])).toEqual([]);
    expect(nearest('linux/amd63', ['linux/amd64', 'linux/arm64'])).toEqual(['linux/amd64']);
    expect(nearest('linux/arm6', ['linux/amd64', 'linux/arm64', 'linux/arm'])).toEqual(['linux/arm64', 'linux/arm']);
  });

  it('lineColumn and Positions', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    const p = new Positions('{\n  "a": [1, {"b": 2}]\n}');
    expect(p.at(['a', 1, 'b'])).toBe('2:18');
    expect(p.at(['a', 1, 'b'], true)).toBe('2:13');
    expect(p.at(['missing'])).toBeUndefined();
    expect(new Positions('{"plugins": ["x", {"plugin": "p", "options": {"a": 1}}, {"plugin": "p", "options": {"a": 2}}]}').pluginOptions('p', { a: 2 })).toEqual([
      'plugins',
      2,
      'options',
    ]);
  });

  it('describeProblem words every problem code', () => {
    const source = { schema: PROJECT_CONFIG_SCHEMA, elsewhere: { schema: PLUGIN_OPTIONS_SCHEMA, where: 'nx.json' } };
    const problems = checkSettings({ x: 1, cgo: 1, libc: 'x', mains: [''], platforms: ['a/b'], env: 1 }, PROJECT_CONFIG_SCHEMA, noGo);
    expect(problems.map((p) => p.code).sort()).toEqual(['enum', 'pattern', 'platform', 'type', 'type', 'unknown-key']);
    for (const p of problems) expect(describeProblem(p, source)).toMatch(/\S/);
  });
});

describe('the JSON Schema editors get (gocross.schema.json)', () => {
  const validate = new Ajv({ strict: true, allErrors: true }).compile(PROJECT_CONFIG_SCHEMA);

  it('is a valid draft-07 schema that agrees with the graph-time check', () => {
    const docs: unknown[] = [
      {},
      { $schema: './x.json', platforms: ['linux/arm64', 'linux/arm/7', 'darwin/arm64', 'js/wasm'], cgo: true, libc: 'musl', buildmode: 'pie' },
      { tags: ['a'], ldflags: '-s', gcflags: '', env: { A: 'b' }, mains: ['.'], exclude: ['cmd/**'] },
      { platform: ['linux/arm64'] },
      { platforms: ['linux/arm65'] },
      { platforms: ['plan10/amd64'] },
      { platforms: ['linux-arm64'] },
      { platforms: 'linux/arm64' },
      { libc: 'muls' },
      { buildmode: 'pi' },
      { cgo: 'yes' },
      { tags: 'a,b' },
      { env: { A: 1 } },
      { mains: [' '] },
      { targetPrefix: 'go-' },
      [],
    ];
    for (const doc of docs) {
      expect({ doc, valid: validate(doc) }).toEqual({ doc, valid: checkSettings(doc, PROJECT_CONFIG_SCHEMA, noGo).length === 0 });
    }
  });

  it('its platform pattern admits exactly the built-in ports', () => {
    for (const e of BUILTIN_DIST_LIST) expect(validate({ platforms: [`${e.goos}/${e.goarch}`] })).toBe(true);
    expect(validate({ platforms: ['linux/sparc64'] })).toBe(false);
    expect(validate({ platforms: ['windows/s390x'] })).toBe(false);
  });

  it('the plugin options schema compiles too', () => {
    const v = new Ajv({ strict: true }).compile(PLUGIN_OPTIONS_SCHEMA);
    expect(v({ platforms: [...DEFAULT_PLATFORMS], targetPrefix: '', testDependencies: true })).toBe(true);
    expect(v({ targetPrefx: '' })).toBe(false);
  });
});

describe('docs/config.md', () => {
  it('has a row for every key of gocross.json and of the plugin options', () => {
    const page = fs.readFileSync(path.join(REPO, 'docs', 'config.md'), 'utf8');
    const keys = new Set([...Object.keys(PROJECT_CONFIG_SCHEMA.properties), ...Object.keys(PLUGIN_OPTIONS_SCHEMA.properties)]);
    for (const k of keys) expect({ k, row: page.includes(`\n| \`${k}\` |`) }).toEqual({ k, row: true });
    expect(page).toContain(DEFAULT_PLATFORMS.map((p) => `\`${p}\``).join(', '));
  });
});

describe('cost: the success path loads neither the parser nor the distance', () => {
  it('createNodes over valid settings never requires jsonc-parser or fastest-levenshtein', async () => {
    const ws = writeTempTree('gocross-config-', {
      'a/go.mod': 'module example.com/a\n',
      'a/main.go': 'package main\n\nfunc main() {}\n',
      'a/gocross.json': JSON.stringify({ $schema: 'x', platforms: ['linux/arm64', 'linux/arm/7'], cgo: false, mains: ['.'] }),
      'b/go.mod': 'module example.com/b\n',
    });
    roots.push(ws);
    await jest.isolateModulesAsync(async () => {
      for (const m of ['jsonc-parser', 'fastest-levenshtein']) {
        jest.doMock(m, () => {
          throw new Error(`${m} loaded`);
        });
      }
      const { createGoNodes } = await import('./create-nodes');
      const res = await createGoNodes(['a/go.mod', 'b/go.mod'], { platforms: ['linux/amd64'], targetPrefix: 'go-' }, { workspaceRoot: ws, nxJsonConfiguration: {} }, { cache: false, host: { goos: 'linux', goarch: 'amd64' } });
      expect(res.map(([f]) => f)).toEqual(['a/go.mod', 'b/go.mod']);
      // …and the error path does load them.
      fs.writeFileSync(path.join(ws, 'a', 'gocross.json'), '{"platform": []}');
      await expect(createGoNodes(['a/go.mod'], {}, { workspaceRoot: ws, nxJsonConfiguration: {} }, { cache: false })).rejects.toThrow(/^(jsonc-parser|fastest-levenshtein) loaded$/);
    });
  });
});
