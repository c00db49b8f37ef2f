'use strict';
/**
 * Go as the oracle of the cache keys, on real modules.
 *
 * A corpus of released modules is fetched from the Go module proxy (`go mod download -json
 * module@version`, pinned versions, cached under $XDG_CACHE_HOME/gocross-corpus or
 * <tmp>/gocross-corpus; nothing of it is committed), copied into an Nx workspace that uses
 * @gocross/nx, and for every package × platform of the default matrix:
 *
 *   1. files: every file `go list -deps -json` (GOOS/GOARCH/GOARM set, CGO_ENABLED as the target
 *      builds) reports for the workspace's own packages (GoFiles, CgoFiles, CFiles, CXXFiles,
 *      MFiles, HFiles, FFiles, SFiles, SwigFiles, SwigCXXFiles, SysoFiles, EmbedFiles) is among
 *      the files Nx hashes for the platform's build target (asked from Nx: getTaskRawInputs,
 *      the code behind `nx show target inputs`);
 *   2. mains: the target's `main` option names exactly the packages `go list` reports as
 *      `Name == "main"` with at least one compiled Go file for the platform;
 *   3. mutations (sampled): editing a file go reads for a platform changes that target's hash
 *      (a cache miss); editing a file go excludes for it by name, a `_test.go` file or a README
 *      nothing embeds leaves it unchanged (a cache hit). Hashes are Nx's own
 *      (hashTasksThatDoNotDependOnOutputsOfOtherTasks, what `nx run` looks the cache up with).
 *
 * Also a go.work case built from two real modules: cobra `use`d, pflag `replace`d by a
 * directory of the workspace.
 *
 * Library for e2e/corpus.e2e.ts (a fast subset) and scripts/corpus.js (everything).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The corpus: pinned versions of real modules, and what each one covers. */
const CORPUS = [
  { name: 'uuid', module: 'github.com/google/uuid', version: 'v1.6.0', covers: 'plain library' },
  { name: 'xxhash', module: 'github.com/cespare/xxhash/v2', version: 'v2.3.0', covers: 'assembly for amd64/arm64 with a purego fallback' },
  { name: 'toml', module: 'github.com/BurntSushi/toml', version: 'v1.6.0', covers: 'mains under cmd/, go:embed of a directory tree' },
  { name: 'go-toml', module: 'github.com/pelletier/go-toml/v2', version: 'v2.4.3', covers: 'several mains under cmd/' },
  { name: 'chroma', module: 'github.com/alecthomas/chroma/v2', version: 'v2.27.0', covers: 'go:embed of directories, a main only for wasm' },
  { name: 'sqlite3', module: 'github.com/mattn/go-sqlite3', version: 'v1.14.53', cgo: true, covers: 'cgo with C' },
  { name: 'gocv', module: 'gocv.io/x/gocv', version: 'v0.41.0', cgo: true, covers: 'cgo with C++, mains under cmd/' },
  { name: 'sys', module: 'golang.org/x/sys', version: 'v0.50.0', covers: 'assembly per arch, per-OS files, a windows-only main' },
  { name: 'compress', module: 'github.com/klauspost/compress', version: 'v1.20.4', covers: 'assembly per arch with a noasm tag fallback' },
];
/** The go.work case: cobra used, pflag replaced by a workspace directory. */
const WORK = {
  use: { name: 'cobra', module: 'github.com/spf13/cobra', version: 'v1.10.2' },
  replace: { name: 'pflag', module: 'github.com/spf13/pflag', version: 'v1.0.10' },
};

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'];
const FILE_FIELDS = ['GoFiles', 'CgoFiles', 'CFiles', 'CXXFiles', 'MFiles', 'HFiles', 'FFiles', 'SFiles', 'SwigFiles', 'SwigCXXFiles', 'SysoFiles', 'EmbedFiles'];

const KNOWN_OS = new Set('aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos'.split(' '));
const KNOWN_ARCH = new Set('386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm'.split(' '));

/** go/build's file-name rule (goodOSArchFile), written here from Go's documentation. */
function nameMatches(file, goos, goarch) {
  const tagOk = (t) => t === goos || t === goarch || (t === 'linux' && goos === 'android') || (t === 'darwin' && goos === 'ios') || (t === 'solaris' && goos === 'illumos');
  const base = path.basename(file);
  const stem = base.split('.')[0];
  const i = stem.indexOf('_');
  if (i < 0) return true;
  let parts = stem.slice(i).split('_');
  if (parts[parts.length - 1] === 'test') parts = parts.slice(0, -1);
  const n = parts.length;
  if (n >= 2 && KNOWN_OS.has(parts[n - 2]) && KNOWN_ARCH.has(parts[n - 1])) return tagOk(parts[n - 2]) && tagOk(parts[n - 1]);
  if (n >= 1 && (KNOWN_OS.has(parts[n - 1]) || KNOWN_ARCH.has(parts[n - 1]))) return tagOk(parts[n - 1]);
  return true;
}

const slugOf = (p) => p.replace(/\//g, '-');
function platformEnv(p) {
  const [goos, goarch, variant] = p.split('/');
  const env = { GOOS: goos, GOARCH: goarch };
  if (goarch === 'arm') env.GOARM = variant ?? '7';
  return env;
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return r;
}
function must(what, r) {
  if (r.status !== 0) throw new Error(`${what}: exit ${r.status}\n${(r.stdout || '').slice(-3000)}\n${(r.stderr || '').slice(-3000)}`);
  return r;
}

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || os.tmpdir();
  return path.join(base, 'gocross-corpus');
}

/** go's environment for the oracle: its own module cache under the corpus cache, no ambient go.work. */
function goEnv(extra = {}) {
  return {
    ...process.env,
    GOMODCACHE: path.join(cacheDir(), 'mod'),
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    GONOSUMDB: process.env.GONOSUMDB ?? '',
    ...extra,
  };
}

/** Downloads (or finds in the cache) one pinned module; returns its read-only directory. */
function download(mod) {
  const r = must(`go mod download ${mod.module}@${mod.version}`, sh('go', ['mod', 'download', '-json', `${mod.module}@${mod.version}`], { env: goEnv(), cwd: os.tmpdir() }));
  const info = JSON.parse(r.stdout);
  if (info.Error) throw new Error(`go mod download ${mod.module}@${mod.version}: ${info.Error}`);
  return info.Dir;
}

function copyWritable(src, dest) {
  fs.cpSync(src, dest, { recursive: true });
  const chmod = (p) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return;
    fs.chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) chmod(path.join(p, e));
  };
  chmod(dest);
}

/**
 * An Nx workspace at `dir` using @gocross/nx from `fromWs` (an e2e workspace: its node_modules
 * is linked, its package.json and lockfile copied).
 */
function makeWorkspace(dir, fromWs) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(fromWs, f), path.join(dir, f));
  fs.symlinkSync(path.join(fromWs, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'nx.json'), JSON.stringify({ plugins: ['@gocross/nx'], useDaemonProcess: false }, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n.nx\ndist\n');
}

function nxEnv() {
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_INTERACTIVE: 'false', NX_ISOLATE_PLUGINS: 'false', FORCE_COLOR: '0', NO_COLOR: '1' };
  delete env.NX_SKIP_NX_CACHE;
  return env;
}

/** Runs probe.js in the workspace. */
function probe(ws, req) {
  const out = path.join(os.tmpdir(), `gocross-probe-${process.pid}.json`);
  fs.rmSync(out, { force: true });
  must('nx probe', sh(process.execPath, [path.join(__dirname, 'probe.js'), JSON.stringify({ ...req, out })], { cwd: ws, env: nxEnv() }));
  const res = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(out, { force: true });
  return res;
}

/** `go list -e -deps -json ./...` in a module dir for one platform: the workspace's packages. */
function goList(ws, modDir, platform, cgo, extraEnv) {
  const fields = ['Dir', 'ImportPath', 'Name', 'Module', 'DepOnly', 'Standard', ...FILE_FIELDS].join(',');
  const env = goEnv({ ...platformEnv(platform), CGO_ENABLED: cgo ? '1' : '0', ...extraEnv });
  const r = must(`go list in ${modDir} for ${platform}`, sh('go', ['list', '-e', '-deps', `-json=${fields}`, './...'], { cwd: modDir, env }));
  const pkgs = [];
  // A stream of JSON objects.
  let depth = 0;
  let start = 0;
  let inStr = false;
  const s = r.stdout;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) pkgs.push(JSON.parse(s.slice(start, i + 1)));
  }
  const wsReal = fs.realpathSync(ws);
  return pkgs.filter((p) => !p.Standard && p.Dir && (p.Dir + path.sep).startsWith(wsReal + path.sep));
}

/** Workspace-relative files of go list packages. */
function filesOf(ws, pkgs) {
  const wsReal = fs.realpathSync(ws);
  const out = new Set();
  for (const p of pkgs) for (const f of FILE_FIELDS) for (const x of p[f] ?? []) out.add(path.relative(wsReal, path.join(p.Dir, x)).split(path.sep).join('/'));
  return out;
}

/** Deterministic sampling (mulberry32). */
function sampler(seed) {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (xs) => (xs.length ? xs[Math.floor(rnd() * xs.length)] : undefined);
}

function walk(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/**
 * Runs the checks.
 *   opts.fromWs      an e2e workspace with @gocross/nx installed (node_modules is linked)
 *   opts.baseDir     where the corpus workspaces are created
 *   opts.modules     names from CORPUS (default all)
 *   opts.platforms   (default the six of the default matrix)
 *   opts.work        include the go.work case (default true)
 *   opts.mutations   per module: files edited that go reads (default 3)
 *   opts.log         progress lines
 * Returns { counts, failures: string[] }.
 */
function runCorpus(opts) {
  const log = opts.log ?? (() => {});
  const platforms = opts.platforms ?? PLATFORMS;
  const mods = CORPUS.filter((m) => !opts.modules || opts.modules.includes(m.name));
  const perModule = opts.mutations ?? 3;
  const counts = { modules: 0, packages: 0, platforms: platforms.length, targets: 0, filesChecked: 0, mainsChecked: 0, mutations: 0, otherPlatformEdits: 0, expectedMisses: 0, misses: 0, expectedHits: 0, hits: 0 };
  /** Files checked per go list field (what the corpus exercises), summed over platforms. */
  counts.byKind = Object.fromEntries(FILE_FIELDS.map((f) => [f, 0]));
  const failures = [];
  const pick = sampler(0x90c0);

  // Workspaces: one with every corpus module, one for the go.work case.
  const ws = path.join(opts.baseDir, 'corpus-ws');
  fs.rmSync(ws, { recursive: true, force: true });
  makeWorkspace(ws, opts.fromWs);
  const units = [];
  for (const m of mods) {
    const src = download(m);
    const root = `mods/${m.name}`;
    copyWritable(src, path.join(ws, root));
    if (m.cgo) fs.writeFileSync(path.join(ws, root, 'gocross.json'), JSON.stringify({ cgo: true }) + '\n');
    units.push({ ws, root, modDir: path.join(ws, root), cgo: !!m.cgo, label: `${m.module}@${m.version}`, goEnv: { GOWORK: 'off' } });
    counts.modules++;
  }
  if (opts.work !== false) {
    const wws = path.join(opts.baseDir, 'corpus-work');
    fs.rmSync(wws, { recursive: true, force: true });
    makeWorkspace(wws, opts.fromWs);
    copyWritable(download(WORK.use), path.join(wws, WORK.use.name));
    copyWritable(download(WORK.replace), path.join(wws, 'third_party', WORK.replace.name));
    fs.writeFileSync(path.join(wws, 'go.work'), `go 1.24\n\nuse ./${WORK.use.name}\n\nreplace ${WORK.replace.module} => ./third_party/${WORK.replace.name}\n`);
    units.push({ ws: wws, root: WORK.use.name, modDir: path.join(wws, WORK.use.name), cgo: false, label: `go.work: ${WORK.use.module}@${WORK.use.version} + replace ${WORK.replace.module}@${WORK.replace.version}`, goEnv: { GOFLAGS: '' }, work: true });
    counts.modules += 2;
  }

  // go's view first: listing may add go.sum lines, which must happen before Nx hashes anything.
  for (const u of units) {
    u.list = {};
    const pkgsSeen = new Set();
    for (const p of platforms) {
      u.list[p] = goList(u.ws, u.modDir, p, u.cgo, u.goEnv);
      for (const pkg of u.list[p]) pkgsSeen.add(pkg.ImportPath);
    }
    counts.packages += pkgsSeen.size;
    log(`go list: ${u.label}: ${pkgsSeen.size} packages`);
  }

  // Nx's view: one probe per workspace.
  const byWs = new Map();
  for (const u of units) {
    if (!byWs.has(u.ws)) byWs.set(u.ws, []);
    byWs.get(u.ws).push(u);
  }
  for (const [w, us] of byWs) {
    const first = probe(w, {});
    for (const u of us) {
      const name = Object.entries(first.projects).find(([, v]) => v.root === u.root)?.[0];
      if (!name) {
        failures.push(`${u.label}: no Nx project at ${u.root}`);
        continue;
      }
      u.project = name;
      u.targets = first.projects[name].targets;
    }
    const ids = us.filter((u) => u.project).flatMap((u) => platforms.map((p) => `${u.project}:build-${slugOf(p)}`));
    const res = probe(w, { inputs: ids, hashes: ids });
    for (const u of us.filter((x) => x.project)) {
      u.inputs = {};
      u.hashes = {};
      for (const p of platforms) {
        const id = `${u.project}:build-${slugOf(p)}`;
        u.inputs[p] = new Set(res.inputs[id].files);
        u.hashes[p] = res.hashes[id];
      }
    }
  }

  for (const u of units.filter((x) => x.project)) {
    for (const p of platforms) {
      counts.targets++;
      const id = `${u.project}:build-${slugOf(p)}`;
      // 1. every file go reads is hashed
      const want = filesOf(u.ws, u.list[p]);
      for (const pkg of u.list[p]) for (const f of FILE_FIELDS) counts.byKind[f] += (pkg[f] ?? []).length;
      const missing = [...want].filter((f) => !u.inputs[p].has(f));
      counts.filesChecked += want.size;
      if (missing.length) failures.push(`${u.label} ${id}: ${missing.length} file(s) go reads are not inputs: ${missing.slice(0, 10).join(', ')}`);
      // 2. mains
      const goMains = u.list[p]
        .filter((pkg) => !pkg.DepOnly && pkg.Name === 'main' && (pkg.GoFiles?.length || pkg.CgoFiles?.length) && fs.realpathSync(pkg.Dir).startsWith(fs.realpathSync(u.modDir)))
        .map((pkg) => {
          const rel = path.relative(fs.realpathSync(u.modDir), fs.realpathSync(pkg.Dir)).split(path.sep).join('/');
          return rel === '' ? '.' : `./${rel}`;
        })
        .sort();
      const o = u.targets[`build-${slugOf(p)}`] ?? {};
      const nxMains = o.main === undefined ? [] : (Array.isArray(o.main) ? [...o.main] : [o.main]).sort();
      counts.mainsChecked++;
      if (JSON.stringify(goMains) !== JSON.stringify(nxMains)) failures.push(`${u.label} ${id}: mains ${JSON.stringify(nxMains)}, go list says ${JSON.stringify(goMains)}`);
    }
  }

  // 3. mutations
  const mutate = (file, content) => {
    const before = fs.readFileSync(file);
    const extra = file.endsWith('.go') ? '\n// gocross corpus: edited\n' : '\n#gocross corpus: edited\n';
    fs.writeFileSync(file, content ?? Buffer.concat([before, Buffer.from(extra)]));
    return () => fs.writeFileSync(file, before);
  };
  for (const u of units.filter((x) => x.project && x.hashes)) {
    const cases = [];
    const p0 = pick(platforms);
    const read = [...filesOf(u.ws, u.list[p0])];
    const embedded = [...filesOf(u.ws, u.list[p0].map((pkg) => ({ Dir: pkg.Dir, EmbedFiles: pkg.EmbedFiles })))];
    // One kind after the other: embedded files, other sources (assembly, C, C++, headers), Go files.
    const kinds = [embedded, read.filter((f) => !f.endsWith('.go') && !embedded.includes(f)), read.filter((f) => f.endsWith('.go'))];
    const chosen = new Set();
    const nonEmpty = kinds.filter((k) => k.length > 0);
    for (let k = 0; chosen.size < perModule && k < perModule * 4 && nonEmpty.length; k++) {
      const f = pick(nonEmpty[k % nonEmpty.length]);
      if (f) chosen.add(f);
    }
    for (const f of chosen) cases.push({ file: f, expect: { [p0]: 'miss' } });
    // a file go reads for another platform only, excluded from p0 by its name
    const [goos, goarch] = p0.split('/');
    const foreign = platforms
      .filter((p) => p !== p0)
      .flatMap((p) => [...filesOf(u.ws, u.list[p])].filter((f) => !nameMatches(f, goos, goarch)).map((f) => ({ f, p })));
    const fo = pick(foreign);
    if (fo) {
      cases.push({ file: fo.f, expect: { [p0]: 'hit', [fo.p]: 'miss' } });
      counts.otherPlatformEdits++;
    }
    // a test file and a README nothing embeds: no build changes
    const all = walk(u.ws, u.root);
    const everRead = new Set(platforms.flatMap((p) => [...filesOf(u.ws, u.list[p])]));
    const testFile = pick(all.filter((f) => f.endsWith('_test.go') && !everRead.has(f)));
    if (testFile) cases.push({ file: testFile, expect: Object.fromEntries(platforms.map((p) => [p, 'hit'])) });
    const readme = pick(all.filter((f) => /(^|\/)(README|CHANGELOG|CONTRIBUTING)[^/]*$/i.test(f) && !everRead.has(f)));
    if (readme) cases.push({ file: readme, expect: Object.fromEntries(platforms.map((p) => [p, 'hit'])) });
    // go.work case: a file of the replaced module is read by the user's build
    if (u.work) {
      const dep = read.find((f) => f.startsWith('third_party/') && f.endsWith('.go'));
      if (dep) cases.push({ file: dep, expect: { [p0]: 'miss' } });
    }

    for (const c of cases) {
      const restore = mutate(path.join(u.ws, c.file));
      let res;
      try {
        const ids = Object.keys(c.expect).map((p) => `${u.project}:build-${slugOf(p)}`);
        res = probe(u.ws, { hashes: ids });
      } finally {
        restore();
      }
      counts.mutations++;
      for (const [p, want] of Object.entries(c.expect)) {
        const id = `${u.project}:build-${slugOf(p)}`;
        const got = res.hashes[id] === u.hashes[p] ? 'hit' : 'miss';
        if (want === 'miss') counts.expectedMisses++;
        else counts.expectedHits++;
        if (got === 'miss') counts.misses++;
        else counts.hits++;
        if (got !== want) failures.push(`${u.label}: editing ${c.file} should be a cache ${want} for ${id}, Nx says ${got}`);
      }
      log(`mutation ${c.file}: ${Object.entries(c.expect).map(([p, w]) => `${slugOf(p)} ${w}`).join(', ')}`);
    }
  }
  return { counts, failures };
}

module.exports = { CORPUS, WORK, PLATFORMS, runCorpus, cacheDir, nameMatches };
