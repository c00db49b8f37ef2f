/**
 * A fast subset of bench/fuzz-readers.js: 3 000 mutated and truncated variants of real Go
 * binaries and archives. Every input must parse or raise BinaryFormatError — never anything else.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CGO_LINUX, GO_ARCHIVES, OTHER_OS, PURE_LINUX, buildFixtures, writeFixtureModule } from './test-utils/fixtures';
import { describeIf, haveTools } from '../test-utils/gates';
import { fuzz, hotRanges, memberSeeds, type Seed } from './test-utils/fuzz';

const d = describeIf(haveTools('go', 'gcc'));

d('readers under mutation', () => {
  let dir: string;
  const seeds: Seed[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-fuzz-'));
    writeFixtureModule(dir);
    const want = ['linux-arm64', 'linux-mips', 'linux-386', 'linux-amd64-c-shared', 'linux-amd64-c-archive', 'darwin-arm64', 'windows-amd64', 'goarchive-linux-arm64'];
    const all = [...PURE_LINUX, ...CGO_LINUX, ...OTHER_OS, ...GO_ARCHIVES];
    const built = await buildFixtures(dir, want.map((n) => all.find((s) => s.name === n)!));
    for (const f of built.values()) {
      const data = fs.readFileSync(f.file);
      seeds.push({ name: f.name, data, hot: hotRanges(data) });
    }
    seeds.push(...memberSeeds('c-archive', fs.readFileSync(built.get('linux-amd64-c-archive')!.file), 3));
  }, 600_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('3 000 inputs: only successes and BinaryFormatError', () => {
    const st = fuzz(seeds, 3000, 20261125);
    expect(st.crashes.map((c) => `${c.seed}#${c.iteration}: ${c.error.split('\n')[0]}`)).toEqual([]);
    expect(st.inputs).toBe(3000);
    // Both outcomes occur: the mutations reach past the magic checks, and not everything breaks.
    expect(st.ok).toBeGreaterThan(300);
    expect(st.typedErrors).toBeGreaterThan(300);
    expect(Object.keys(st.byFormat)).toEqual(expect.arrayContaining(['elf', 'ar', 'pe', 'macho']));
  });

  test('mutations are undone: seeds are unchanged after a run', () => {
    const before = seeds.map((s) => Buffer.from(s.data));
    fuzz(seeds, 500, 7);
    seeds.forEach((s, i) => expect(s.data.equals(before[i])).toBe(true));
  });
});
