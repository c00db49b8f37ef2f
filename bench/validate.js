#!/usr/bin/env node
/**
 * Validation speed: every binary check in-process on a ≥ 10 MB Go binary, against what a
 * shell script would run to get the same facts (`readelf -hlSdW --dyn-syms` and
 * `go version -m`). Prints both medians, the ratio, and how much of the file the readers read.
 *
 *   node bench/validate.js [--runs N] [--json]
 *
 * Runs from the TypeScript sources (transpiled on load), so no build is needed.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// Load plugin/src/*.ts through the TypeScript compiler.
const ts = require('typescript');
require.extensions['.ts'] = (module, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(out.outputText, filename);
};

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Math.max(1, parseInt(args[runsArg + 1], 10) || 7) : 7;
const asJson = args.includes('--json');

const SRC = `package main

import (
	"archive/zip"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"go/parser"
	"go/token"
	"go/types"
	"html/template"
	"image/png"
	"net/http"
	_ "net/http/pprof"
	"net/rpc/jsonrpc"
	"net/smtp"
	"os"
	"regexp"
)

func main() {
	srv := &http.Server{Addr: "127.0.0.1:0", TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	b, _ := json.Marshal(map[string]any{"addr": srv.Addr})
	x, _ := xml.Marshal(struct{ A string }{"a"})
	_, _ = x509.SystemCertPool()
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "x.go", "package x", 0)
	conf := types.Config{}
	_, _ = conf.Check("x", fset, nil, nil)
	_ = f
	_ = template.Must(template.New("t").Parse("{{.}}"))
	_ = regexp.MustCompile("a+b")
	_, _ = sql.Open("none", "")
	_ = zip.NewWriter(os.Stdout)
	_ = gzip.NewWriter(os.Stdout)
	_ = png.Encode
	_ = smtp.PlainAuth
	_ = jsonrpc.NewClient
	_, _ = elf.Open("x")
	_, _ = macho.Open("x")
	_, _ = pe.Open("x")
	fmt.Println(string(b), len(x))
}
`;

function buildBig() {
  const key = crypto.createHash('sha256').update(SRC).update(spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `gocross-bench-validate-${key}`);
  const out = path.join(dir, 'bigserver');
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/bigserver\n\ngo 1.22\n');
  fs.writeFileSync(path.join(dir, 'main.go'), SRC);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME || os.tmpdir(), GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOWORK: 'off' };
  for (const k of ['GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOROOT']) if (process.env[k]) env[k] = process.env[k];
  const tmp = `${out}.tmp`;
  const r = spawnSync('go', ['build', '-trimpath', '-buildvcs=false', '-o', tmp, '.'], { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go build failed:\n${r.stderr}`);
  fs.renameSync(tmp, out);
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function ms(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main() {
  for (const tool of ['go', 'readelf']) {
    if (spawnSync(tool, ['--version'], { encoding: 'utf8' }).error) throw new Error(`${tool} not found on PATH`);
  }
  const file = buildBig();
  const size = fs.statSync(file).size;
  const { validateArtifacts } = require('../plugin/src/checks/engine');
  const { BINARY_CHECKS } = require('../plugin/src/checks/registry');
  const { loadPolicy } = require('../plugin/src/checks/policy');
  // Every check on, with parameters that make each one do its full work.
  const policy = loadPolicy(
    {
      checks: {
        hardening: ['error', { relro: 'full' }],
        'glibc-version': ['error', { max: '2.17' }],
        buildinfo: ['error', { minGoVersion: '1.21', allowDirty: false }],
        'build-id': ['error', { require: 'any' }],
      },
    },
    'bench',
  );
  const req = {
    artifacts: [{ path: file, target: { platform: { goos: 'linux', goarch: 'amd64' }, cgo: false, buildmode: 'exe', linkmode: 'internal', tags: [], trimpath: true } }],
    policy,
    checks: BINARY_CHECKS,
  };
  await validateArtifacts(req); // warm up (module loading, JIT)
  const ours = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    last = await validateArtifacts(req);
    ours.push(ms(t));
  }
  const theirs = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const a = spawnSync('readelf', ['-hlSdW', '--dyn-syms', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const b = spawnSync('go', ['version', '-m', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    theirs.push(ms(t));
    if (a.status !== 0 || b.status !== 0) throw new Error(`readelf/go version failed: ${a.stderr}${b.stderr}`);
  }
  const res = {
    file,
    sizeBytes: size,
    runs: RUNS,
    checks: last.artifacts[0].checksRun.length,
    findings: last.counts.total,
    inProcessMedianMs: +median(ours).toFixed(2),
    readelfPlusGoVersionMedianMs: +median(theirs).toFixed(2),
    ratio: +(median(theirs) / median(ours)).toFixed(1),
    bytesRead: last.bytesRead,
    bytesReadPct: +((100 * last.bytesRead) / size).toFixed(3),
  };
  if (asJson) {
    console.log(JSON.stringify(res, null, 2));
    return;
  }
  console.log(`binary: ${file} (${(size / 1048576).toFixed(1)} MiB), ${res.checks} checks, ${res.findings} finding(s), median of ${RUNS} runs`);
  console.log(`in-process validation:              ${res.inProcessMedianMs} ms`);
  console.log(`readelf -hlSdW --dyn-syms + go version -m: ${res.readelfPlusGoVersionMedianMs} ms`);
  console.log(`ratio: ${res.ratio}x (goal >= 5x)`);
  console.log(`bytes read: ${res.bytesRead} of ${size} (${res.bytesReadPct}%, goal < 5%)`);
  if (size < 10 * 1048576) console.log('note: binary is smaller than 10 MiB');
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
