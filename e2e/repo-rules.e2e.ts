/**
 * The two repository rules `npm test` enforces on plugin/src, each shown to fail on a tree that
 * breaks it, with the project's own configuration files:
 * - layers (dependency-cruiser, .dependency-cruiser.cjs): an import from a lower layer to a higher
 *   one, and an import cycle, are refused with the rule's name;
 * - duplicates (jscpd, .jscpd.json): a copied block of code is refused, naming both places.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, run, writeFile } from './utils';

const depcruise = path.join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const jscpd = path.join(REPO_ROOT, 'node_modules', 'jscpd', 'bin', 'jscpd');

/** A scratch tree with the repository's two configuration files and the given sources. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-repo-rules-'));
  for (const f of ['.dependency-cruiser.cjs', '.jscpd.json']) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
  for (const [rel, text] of Object.entries(files)) writeFile(path.join(dir, rel), text);
  return dir;
}

const layers = (cwd: string) => run(process.execPath, [depcruise, '--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'plugin/src'], { cwd });
const duplicates = (cwd: string) => run(process.execPath, [jscpd, '--config', '.jscpd.json'], { cwd });

describe('repository rules (npm test steps "layers" and "duplicates")', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it('layers: a reader importing a check, and a cycle inside checks/, are refused by rule name', () => {
    const dir = tree({
      'plugin/src/binary/elf.ts': "import { verdict } from '../checks/a';\nexport const elf = () => verdict;\n",
      'plugin/src/checks/a.ts': "import { b } from './b';\nexport const verdict = b;\n",
      'plugin/src/checks/b.ts': "import type { verdict } from './a';\nexport const b = 1;\nexport type V = typeof verdict;\n",
    });
    made.push(dir);
    const r = layers(dir);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/binary-imports-only-lower-layers: plugin\/src\/binary\/elf\.ts → plugin\/src\/checks\/a\.ts/);
    expect(r.output).toMatch(/no-circular: plugin\/src\/checks\/a\.ts/);
  });

  it('layers: a front end importing a lower layer passes', () => {
    const dir = tree({
      'plugin/src/binary/elf.ts': 'export const elf = 1;\n',
      'plugin/src/checks/a.ts': "import { elf } from '../binary/elf';\nexport const verdict = elf;\n",
      'plugin/src/executors/x/executor.ts': "import { verdict } from '../../checks/a';\nexport default verdict;\n",
    });
    made.push(dir);
    const r = layers(dir);
    expect(r.output).toMatch(/no dependency violations found/);
    expect(r.code).toBe(0);
  });

  it('duplicates: a block copied into another file is refused, naming both files', () => {
    const body = Array.from({ length: 12 }, (_, i) => `  if (x.kind === 'k${i}') total += x.value * ${i + 1} - offset[${i}];`).join('\n');
    const fn = (name: string) => `export function ${name}(x: { kind: string; value: number }, offset: number[]): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
    const dir = tree({ 'plugin/src/checks/one.ts': fn('one'), 'plugin/src/graph/two.ts': fn('two') });
    made.push(dir);
    const r = duplicates(dir);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('plugin/src/checks/one.ts');
    expect(r.output).toContain('plugin/src/graph/two.ts');
  });
});
