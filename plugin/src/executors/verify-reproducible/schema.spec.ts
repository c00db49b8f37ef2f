import * as fs from 'node:fs';
import * as path from 'node:path';

const read = (p: string) => JSON.parse(fs.readFileSync(path.join(__dirname, p), 'utf8'));

describe('verify-reproducible schema', () => {
  it('takes every build option with the build schema\'s definition, plus its own', () => {
    const build = read('../build/schema.json');
    const own = read('schema.json');
    for (const [k, v] of Object.entries(build.properties)) expect([k, own.properties[k]]).toEqual([k, v]);
    expect(Object.keys(own.properties).filter((k) => !(k in build.properties))).toEqual(['useExisting', 'keepCheckout']);
    expect(own.required).toEqual(build.required);
  });

  it('is registered in executors.json', () => {
    const ex = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../executors.json'), 'utf8'));
    expect(ex.executors['verify-reproducible']).toMatchObject({ implementation: './dist/executors/verify-reproducible/executor', schema: './dist/executors/verify-reproducible/schema.json' });
  });
});
