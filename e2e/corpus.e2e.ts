/**
 * Go as the oracle of the cache keys, on real modules from the Go module proxy (a fast subset
 * of e2e/corpus/corpus.js; `node scripts/corpus.js` runs all of it): every file `go list -deps
 * -json` says a build reads for a platform is a file Nx hashes for that platform's build
 * target, the target builds exactly the main packages `go list` finds for the platform, and
 * sampled edits are cache misses or hits as Go says they must be.
 *
 * Needs network access to the Go module proxy (or a filled corpus cache). Without it the test
 * fails: there is no skipping under CI=true, and none here either, since the proxy is what the
 * test is about.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { workspaceRoot } from './utils';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCorpus } = require('./corpus/corpus') as {
  runCorpus(opts: {
    fromWs: string;
    baseDir: string;
    modules?: string[];
    platforms?: string[];
    work?: boolean;
    mutations?: number;
    log?: (l: string) => void;
  }): { counts: Record<string, number> & { byKind: Record<string, number> }; failures: string[] };
};

describe('real modules, go list as the oracle', () => {
  it('xxhash (asm + purego), BurntSushi/toml (cmd mains, embedded tree), chroma (embedded dirs, wasm-only main) and a go.work replace × 3 platforms', () => {
    const baseDir = process.env.GOCROSS_E2E_BASE ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-corpus-e2e-'));
    const lines: string[] = [];
    const { counts, failures } = runCorpus({
      fromWs: workspaceRoot(),
      baseDir,
      modules: ['xxhash', 'toml', 'chroma'],
      platforms: ['linux/arm64', 'linux/riscv64', 'windows/amd64'],
      mutations: 2,
      work: true,
      log: (l) => lines.push(l),
    });
    // eslint-disable-next-line no-console
    console.log(`${lines.join('\n')}\n${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
    expect(counts.modules).toBeGreaterThanOrEqual(5);
    expect(counts.targets).toBeGreaterThanOrEqual(12);
    expect(counts.filesChecked).toBeGreaterThan(100);
    // What the subset exercises, as go list reports it: assembly and embedded files.
    expect(counts.byKind.SFiles).toBeGreaterThan(0);
    expect(counts.byKind.EmbedFiles).toBeGreaterThan(100);
    expect(counts.expectedMisses).toBeGreaterThanOrEqual(6);
    expect(counts.expectedHits).toBeGreaterThanOrEqual(6);
    // At least one edit of a file only another platform reads (xxhash's assembly).
    expect(counts.otherPlatformEdits).toBeGreaterThanOrEqual(1);
  });
});
