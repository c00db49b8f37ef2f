#!/usr/bin/env node
/**
 * The `gocross` executable (built into dist/cli/gocross.js): runs the bundled command line,
 * dist/cli/gocross.bundle.js, from V8's code cache when there is one.
 *
 * A run spends about as much time compiling JavaScript (the bundle, then each function the first
 * time it is called) as validating a handful of binaries. V8 can serialize the compiled code;
 * loading it back skips the compilation. On Node.js ≥ 22.1 this is Node's own compile cache
 * (module.enableCompileCache). On older versions the cache is kept here: one file per bundle,
 * Node.js version, architecture and command, written after the first run of that command into
 * a directory of the OS temp directory that only the current user can write (it is not used when
 * anyone else owns it or can write to it). NODE_DISABLE_COMPILE_CACHE=1 turns both off. A missing,
 * unreadable or rejected cache only means the bundle is compiled as without one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** sha256 of the bundle, set by scripts/build-plugin.js (undefined in tsc's output: no cache). */
declare const GOCROSS_BUNDLE_SHA256: string | undefined;

interface Cli {
  runCli(argv?: string[]): Promise<number>;
}

interface NodeModule {
  new (id: string, parent?: unknown): { exports: unknown; filename: string; paths: string[]; loaded: boolean };
  wrap(source: string): string;
  createRequire(file: string): NodeJS.Require;
  _nodeModulePaths(dir: string): string[];
  enableCompileCache?: () => unknown;
}

const BUNDLE = path.join(__dirname, 'gocross.bundle.js');
const COMMANDS = new Set(['validate', 'inspect', 'platforms', 'explain', 'help']);

/** Our own cache directory, or undefined when it cannot be trusted or made. */
function cacheDir(): string | undefined {
  const uid = process.getuid?.();
  const dir = path.join(os.tmpdir(), `gocross-compile-cache-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory()) return undefined;
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** Compiles and runs the bundle as a CommonJS module, with V8's code cache from `cacheFile`. */
function loadCached(Module: NodeModule, cacheFile: string): { cli: Cli; save: () => void } {
  const source = fs.readFileSync(BUNDLE, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run of this command: compiled below, saved after the run
  }
  const script = new vm.Script(Module.wrap(source.replace(/^#!.*/, '')), { filename: BUNDLE, cachedData });
  const m = new Module(BUNDLE, module);
  m.filename = BUNDLE;
  m.paths = Module._nodeModulePaths(path.dirname(BUNDLE));
  script.runInThisContext()(m.exports, Module.createRequire(BUNDLE), m, BUNDLE, path.dirname(BUNDLE));
  m.loaded = true;
  const save = () => {
    if (cachedData && !script.cachedDataRejected) return;
    // after the run, so the functions it compiled are in the cache too
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(tmp, cacheFile);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  };
  return { cli: m.exports as Cli, save };
}

function start(): void {
  // node:module loads the ES module loader and source maps; before Node.js 22 (no compile cache)
  // the CommonJS Module class, which has everything used here, is this module's constructor.
  const Module = (Number(process.versions.node.split('.')[0]) >= 22 ? require('node:module') : module.constructor) as NodeModule;
  const hash = typeof GOCROSS_BUNDLE_SHA256 === 'string' ? GOCROSS_BUNDLE_SHA256 : undefined;
  const off = !!process.env.NODE_DISABLE_COMPILE_CACHE;
  if (!off && typeof Module.enableCompileCache === 'function') Module.enableCompileCache();
  const dir = off || Module.enableCompileCache || hash === undefined ? undefined : cacheDir();
  if (!dir || hash === undefined) {
    void (require(BUNDLE) as Cli).runCli();
    return;
  }
  const first = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const command = first && COMMANDS.has(first) ? first : 'other';
  const file = path.join(dir, `${hash.slice(0, 16)}-${process.version}-${process.arch}-${command}.bin`);
  const { cli, save } = loadCached(Module, file);
  void cli.runCli().then(save);
}

start();
