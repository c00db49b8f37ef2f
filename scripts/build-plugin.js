#!/usr/bin/env node
'use strict';
/**
 * Builds plugin/dist: compiles TypeScript with tsc, then copies the non-TypeScript assets
 * (schema.json of executors and generators, generator `files/` templates, docs pages) next to
 * the compiled code, then bundles the `gocross` command line into one file
 * (dist/cli/gocross.bundle.js; `verify` and `verify-reproducible` in bundles of their own, loaded
 * when they run) started by dist/cli/gocross.js, the package's `bin`. Writes into a temporary directory and renames it into place, so an
 * interrupted build never leaves a half-written dist/. Last, writes plugin/gocross.schema.json
 * (gocross.json's JSON Schema, from src/graph/config-schema.ts) and copies README and LICENSE.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pluginRoot = path.resolve(__dirname, '..', 'plugin');
const src = path.join(pluginRoot, 'src');
const dist = path.join(pluginRoot, 'dist');
const tmp = path.join(pluginRoot, `.dist-${process.pid}`);

fs.rmSync(tmp, { recursive: true, force: true });
const tsc = require.resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(pluginRoot, 'tsconfig.json'), '--outDir', tmp], {
  stdio: 'inherit',
});
if (r.status !== 0) {
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

/** Copy every asset under src/ that tsc does not emit. */
function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    const rel = path.relative(src, abs);
    if (entry.isDirectory()) {
      if (entry.name === 'files') {
        fs.cpSync(abs, path.join(tmp, rel), { recursive: true });
        continue;
      }
      if (entry.name === '__fixtures__') continue;
      copyAssets(abs);
    } else if (/\.(json|md)$/.test(entry.name)) {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.copyFileSync(abs, path.join(tmp, rel));
    }
  }
}
copyAssets(src);

// The docs travel with the package (dist/docs, inside `files`): `gocross explain <id>` prints
// them, and a finding's `docs` names the installed page. A build without them is refused.
const docs = path.resolve(pluginRoot, '..', 'docs');
for (const sub of ['checks', 'failures']) {
  const dir = path.join(docs, sub);
  if (!fs.existsSync(dir) || !fs.readdirSync(dir).some((f) => f.endsWith('.md'))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    console.error(`build-plugin: ${path.relative(process.cwd(), dir) || dir} has no pages; the package needs them`);
    process.exit(1);
  }
}
fs.cpSync(docs, path.join(tmp, 'docs'), { recursive: true });

/**
 * The command line as one file: Node resolves, reads and compiles one module instead of about a
 * hundred, which is most of `gocross`'s start-up. Modules the CLI loads on demand stay lazy
 * (esbuild runs a required module when the require is reached). The bundle lives in dist/cli so
 * that `__dirname` is the same as for dist/cli/main.js: the package.json and dist/docs are found
 * by the same relative paths (report/common.ts). dist/cli/gocross.js (src/cli/bin.ts) runs it
 * from V8's code cache, knowing the bundle by its sha256. dist/cli/main.js, tsc's output, still
 * works, and so does `node dist/cli/gocross.bundle.js`.
 */
async function bundleCli() {
  const esbuild = require('esbuild');
  // commander requires node:child_process at load, for executable subcommands, which gocross
  // does not have; loading it costs milliseconds on every run. The bundle loads it on first use.
  const eagerChildProcess = "const childProcess = require('node:child_process');";
  const lazyCommanderChildProcess = {
    name: 'lazy-commander-child-process',
    setup(build) {
      build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
        const text = fs.readFileSync(args.path, 'utf8');
        if (!text.includes(eagerChildProcess)) {
          console.warn(`build-plugin: ${args.path} no longer has \`${eagerChildProcess}\`; bundled as is`);
          return undefined;
        }
        const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
        return { contents: text.replace(eagerChildProcess, lazy), loader: 'js' };
      });
    },
  };
  // `import * as fs from 'node:fs'` compiles, in a CommonJS bundle, to a copy of every export of
  // the built-in module (a property getter each) made when the importing module first runs: a
  // thousand property definitions across the modules every command loads. Built-ins are CommonJS
  // already; the bundle takes them as they are.
  const builtinNamespace = /^import \* as (\w+) from '(node:[\w/]+)';$/gm;
  const plainBuiltins = {
    name: 'plain-builtin-namespaces',
    setup(build) {
      build.onLoad({ filter: /[\\/]plugin[\\/]src[\\/].*\.ts$/ }, (args) => {
        const text = fs.readFileSync(args.path, 'utf8');
        return { contents: text.replace(builtinNamespace, "const $1 = require('$2');"), loader: 'ts' };
      });
    },
  };
  // jsonc-parser's `main` is a UMD module that requires its parts through the factory's
  // `require` argument, which a bundle cannot follow ("Cannot find module './impl/format'" at run
  // time); its ES module build (`module`) bundles like any other.
  const jsoncParserEsm = {
    name: 'jsonc-parser-esm',
    setup(build) {
      build.onResolve({ filter: /^jsonc-parser$/ }, () => ({
        path: path.join(path.dirname(require.resolve('jsonc-parser/package.json', { paths: [pluginRoot] })), 'lib', 'esm', 'main.js'),
      }));
    },
  };
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    legalComments: 'eof',
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  };
  const bundle = path.join(tmp, 'cli', 'gocross.bundle.js');
  // xmlbuilder2 and libxmljs2 are optional peers of @cyclonedx/cyclonedx-library for XML, which
  // gocross never writes or reads; the library loads them inside a try, so they stay runtime requires.
  const optionalPeers = ['xmlbuilder2', 'libxmljs2'];
  // `gocross verify` (signatures, SBOM and provenance: CycloneDX, ajv, zip and tar readers) and
  // `gocross verify-reproducible` (the build executor's code) are bundles of their own, loaded
  // when those commands run: in the main bundle they would be two thirds of what every other
  // command reads from disk and from V8's code cache at start-up. They carry their own copy of
  // the readers and checks they use; nothing crosses between the bundles but plain data.
  const ownBundles = { './verify': 'gocross-verify.bundle.js', './reproducible': 'gocross-reproducible.bundle.js' };
  const separateCommands = {
    name: 'separate-command-bundles',
    setup(build) {
      build.onResolve({ filter: /^\.\/(verify|reproducible)$/ }, (args) =>
        path.resolve(args.resolveDir) === path.join(src, 'cli') ? { path: `./${ownBundles[args.path]}`, external: true } : undefined,
      );
    },
  };
  await esbuild.build({
    ...common,
    entryPoints: [path.join(src, 'cli', 'main.ts')],
    outfile: bundle,
    external: optionalPeers,
    plugins: [lazyCommanderChildProcess, plainBuiltins, separateCommands, jsoncParserEsm],
  });
  for (const [rel, file] of Object.entries(ownBundles)) {
    await esbuild.build({
      ...common,
      entryPoints: [path.join(src, 'cli', `${rel.slice(2)}.ts`)],
      outfile: path.join(tmp, 'cli', file),
      external: optionalPeers,
      plugins: [lazyCommanderChildProcess, plainBuiltins, jsoncParserEsm],
    });
  }
  const sha256 = require('node:crypto').createHash('sha256').update(fs.readFileSync(bundle)).digest('hex');
  await esbuild.build({
    ...common,
    entryPoints: [path.join(src, 'cli', 'bin.ts')],
    outfile: path.join(tmp, 'cli', 'gocross.js'),
    external: ['./gocross.bundle.js'],
    define: { GOCROSS_BUNDLE_SHA256: JSON.stringify(sha256) },
  });
}

bundleCli()
  .then(() => {
    for (const f of ['gocross.js', 'gocross.bundle.js']) fs.chmodSync(path.join(tmp, 'cli', f), 0o755);
    fs.rmSync(dist, { recursive: true, force: true });
    fs.renameSync(tmp, dist);

    // The package's README and LICENSE are the repository's: npm pack takes them from plugin/.
    for (const f of ['README.md', 'LICENSE']) fs.copyFileSync(path.resolve(pluginRoot, '..', f), path.join(pluginRoot, f));

    // gocross.json's JSON Schema, for editors (`"$schema": "<to the workspace root>/node_modules/@gocross/nx/gocross.schema.json"`):
    // written from the definition the graph checks gocross.json against (src/graph/config-schema.ts).
    const { PROJECT_CONFIG_SCHEMA, PROJECT_CONFIG_SCHEMA_FILE } = require(path.join(dist, 'graph', 'config-schema.js'));
    fs.writeFileSync(path.join(pluginRoot, PROJECT_CONFIG_SCHEMA_FILE), JSON.stringify(PROJECT_CONFIG_SCHEMA, null, 2) + '\n');
  })
  .catch((e) => {
    fs.rmSync(tmp, { recursive: true, force: true });
    console.error(`build-plugin: bundling the command line failed: ${e.message ?? e}`);
    process.exit(1);
  });
