/**
 * The executors' schema.json files repeat two lists of platforms/ as JSON enums (Nx reads the
 * files as they are): each must be exactly the list the code uses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILDMODES } from '../../platforms/buildmode';
import { LIBCS } from '../../platforms/types';

const executorsDir = path.join(__dirname, '..');
const schemas = fs
  .readdirSync(executorsDir)
  .filter((d) => fs.existsSync(path.join(executorsDir, d, 'schema.json')))
  .map((d) => ({ name: d, schema: JSON.parse(fs.readFileSync(path.join(executorsDir, d, 'schema.json'), 'utf8')) as { properties: Record<string, { enum?: string[] }> } }));

describe('executor schemas', () => {
  it('exist for the executors that take libc or buildmode', () => {
    expect(schemas.filter((s) => s.schema.properties.libc).map((s) => s.name).sort()).toEqual(['build', 'doctor', 'test', 'verify-reproducible']);
  });

  const facts: Record<string, readonly string[]> = { libc: LIBCS, buildmode: BUILDMODES };
  const cases = schemas.flatMap((s) => Object.keys(facts).filter((k) => s.schema.properties[k]).map((k) => [s.name, k, s.schema.properties[k].enum] as const));
  it.each(cases)('%s: the %s enum is the platform facts', (_name, key, values) => {
    expect(values).toEqual([...facts[key]]);
  });
});
