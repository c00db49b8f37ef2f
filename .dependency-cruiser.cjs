/**
 * The layers of plugin/src, bottom to top. Data flows one way — graph → executors → readers →
 * checks → report — so a folder may import only folders on its own level or below, and nothing
 * may import in a cycle. `npm test` runs this (step "layers").
 *
 *   gowork/      Go source facts: go.mod / go.work, package clauses, go's ignored-directory rule,
 *                a project's sources (imports nothing of plugin/src)
 *   binary/      pure readers (ELF, ar, buildinfo, Mach-O, PE)
 *   platforms/   platform facts (may read binaries' names)
 *   checks/      rules and engine (pure: no disk, no processes)
 *   manifest/    the build manifest (in-toto Statement, SLSA Provenance v1): model, read, write
 *   graph/       go.mod / go.work discovery and inferred targets
 *   report/      text, JSON, SARIF, JUnit writers of check results
 *   release/     archives, checksums, SBOM, signatures (library)
 *   validate/    the one validate planner (executor and CLI)
 *   executors/ generators/ cli/   Nx and command-line front ends
 */
const LOWER = {
  gowork: [],
  binary: [],
  platforms: ['gowork', 'binary'],
  checks: ['gowork', 'binary', 'platforms'],
  manifest: ['gowork', 'binary', 'platforms'],
  graph: ['gowork', 'binary', 'platforms'],
  report: ['gowork', 'binary', 'platforms', 'checks'],
  release: ['gowork', 'binary', 'platforms', 'checks', 'report', 'manifest'],
  validate: ['gowork', 'binary', 'platforms', 'checks', 'graph', 'report', 'manifest'],
};
const ALL = ['gowork', 'binary', 'platforms', 'checks', 'manifest', 'graph', 'report', 'release', 'validate', 'executors', 'generators', 'cli'];

const layerRules = Object.entries(LOWER).map(([layer, allowed]) => {
  const forbidden = ALL.filter((l) => l !== layer && !allowed.includes(l));
  return {
    name: `${layer}-imports-only-lower-layers`,
    comment: `plugin/src/${layer}/ may import only ${allowed.length ? allowed.join(', ') : 'itself'} (besides node and npm packages)`,
    severity: 'error',
    from: { path: `^plugin/src/${layer}/`, pathNot: '\\.spec\\.ts$|/test-utils/' },
    to: { path: `^plugin/src/(${forbidden.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'front-ends-do-not-import-each-other-upwards',
      comment: 'executors and generators never import the command line',
      severity: 'error',
      from: { path: '^plugin/src/(executors|generators)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^plugin/src/cli/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycle, type-only imports included',
      severity: 'error',
      from: { path: '^plugin/src/' },
      to: { circular: true },
    },
    {
      name: 'product-never-imports-tests',
      severity: 'error',
      from: { path: '^plugin/src/', pathNot: '\\.spec\\.ts$|/test-utils/' },
      to: { path: '\\.spec\\.ts$|/test-utils/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '/files/|__fixtures__' },
    tsPreCompilationDeps: true,
  },
};
