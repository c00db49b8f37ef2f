#!/usr/bin/env node
'use strict';
/**
 * The whole corpus of e2e/corpus/corpus.js: every module × every platform of the default
 * matrix, Go's `go list` against what Nx hashes, plus sampled edits. Prints the counts and every
 * disagreement; exits 1 on any.
 *
 *   node scripts/build-plugin.js && node scripts/corpus.js [--modules uuid,xxhash] [--mutations 3] [--no-work]
 *
 * Needs go, npm and network access to the Go module proxy (modules are cached under
 * $XDG_CACHE_HOME/gocross-corpus, else <tmp>/gocross-corpus). Creates a throw-away Nx workspace
 * with the packed plugin (the e2e global setup); GOCROSS_E2E_KEEP=1 keeps it.
 */
const fs = require('node:fs');
const path = require('node:path');
const { runCorpus, CORPUS, WORK, cacheDir } = require('../e2e/corpus/corpus');

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

async function main() {
  const t0 = Date.now();
  await require('../e2e/setup/global-setup.js')();
  const fromWs = process.env.GOCROSS_E2E_WORKSPACE;
  const baseDir = process.env.GOCROSS_E2E_BASE;
  const modules = opt('modules')?.split(',');
  const mutations = opt('mutations') ? Number(opt('mutations')) : undefined;
  console.log(`corpus cache: ${cacheDir()}`);
  for (const m of CORPUS.filter((x) => !modules || modules.includes(x.name))) console.log(`  ${m.module}@${m.version}: ${m.covers}`);
  if (!args.includes('--no-work')) console.log(`  go.work: use ${WORK.use.module}@${WORK.use.version}, replace ${WORK.replace.module}@${WORK.replace.version} by a directory`);
  const { counts, failures } = runCorpus({
    fromWs,
    baseDir,
    modules,
    mutations,
    work: !args.includes('--no-work'),
    log: (l) => console.log(`  ${l}`),
  });
  console.log('');
  console.log(`modules: ${counts.modules}, packages: ${counts.packages}, platforms: ${counts.platforms}, build targets: ${counts.targets}`);
  console.log(`files go reads, checked to be Nx inputs: ${counts.filesChecked}; main-package sets compared: ${counts.mainsChecked}`);
  console.log(`files by go list field: ${Object.entries(counts.byKind).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`mutations: ${counts.mutations} (${counts.otherPlatformEdits} of a file only other platforms read); expected misses ${counts.expectedMisses}, expected hits ${counts.expectedHits}; observed misses ${counts.misses}, hits ${counts.hits}`);
  console.log(`failures: ${failures.length} (${Math.round((Date.now() - t0) / 1000)} s)`);
  for (const f of failures) console.log(`  FAIL ${f}`);
  fs.rmSync(path.join(baseDir, 'corpus-ws'), { recursive: true, force: true });
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exitCode = 1;
});
