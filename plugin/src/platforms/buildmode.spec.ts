/**
 * The PIE facts against the installed Go: what `go build -buildmode=pie` does with
 * CGO_ENABLED=0 for every linux platform of `go tool dist list`, and the lists in Go's own
 * src/internal/platform/supported.go.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pieNeedsExternalLink, pieProblem, pieSupported } from './buildmode';
import { describeIf, haveFiles, haveGo, itIf } from '../test-utils/gates';
import { goOracle } from '../test-utils/go';

const describeGo = describeIf(haveGo());

const go = goOracle;

describeGo('buildmode pie against the installed go', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-pie-'));
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/pie\n\ngo 1.21\n');
    fs.writeFileSync(path.join(dir, 'main.go'), 'package main\n\nfunc main() { println("pie") }\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses exactly the linux platforms where go build -buildmode=pie fails without cgo, for the same reason', () => {
    const list = go(['tool', 'dist', 'list'], dir);
    expect(list.status).toBe(0);
    const linux = list.stdout.split('\n').filter((l) => l.startsWith('linux/'));
    expect(linux.length).toBeGreaterThan(5);
    const external: string[] = [];
    const unsupported: string[] = [];
    const builds: string[] = [];
    for (const p of linux) {
      const [goos, goarch] = p.split('/');
      const r = go(['build', '-buildmode=pie', '-o', path.join(dir, `out-${goarch}`), '.'], dir, { GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0' });
      const out = `${r.stdout}${r.stderr}`;
      if (r.status === 0) builds.push(p);
      else if (/requires external \(cgo\) linking, but cgo is not enabled/.test(out)) external.push(p);
      else if (/-buildmode=pie not supported on/.test(out)) unsupported.push(p);
      else throw new Error(`go build -buildmode=pie for ${p} failed for another reason:\n${out}`);
    }
    const ours = (pred: (goos: string, goarch: string) => boolean) => linux.filter((p) => pred(...(p.split('/') as [string, string])));
    expect(ours((o, a) => pieSupported(o, a) && pieNeedsExternalLink(o, a))).toEqual(external);
    expect(ours((o, a) => !pieSupported(o, a))).toEqual(unsupported);
    expect(ours((o, a) => pieProblem(o, a, false) === undefined)).toEqual(builds);
    // The sentence names the reason and both ways out.
    for (const p of external) {
      const [o, a] = p.split('/');
      expect(pieProblem(o, a, false)).toMatch(/needs external linking, which needs cgo.*cgo: true.*buildmode: exe/);
      expect(pieProblem(o, a, true)).toBeUndefined();
    }
  });

  const goroot = (go(['env', 'GOROOT'], os.tmpdir()).stdout ?? '').trim();
  const file = path.join(goroot, 'src', 'internal', 'platform', 'supported.go');
  itIf(haveFiles(file))("matches the PIE lists in the installed Go's src/internal/platform/supported.go", () => {
    const src = fs.readFileSync(file, 'utf8');
    const platformsIn = (block: string) => new Set([...block.matchAll(/"([a-z0-9]+\/[a-z0-9]+)"/g)].map((m) => m[1]));
    const pieCase = /case "pie":\s*switch platform \{\s*case ([^:]+):/.exec(src);
    const internal = /func InternalLinkPIESupported[\s\S]*?case ([^:]+):/.exec(src);
    expect(pieCase).not.toBeNull();
    expect(internal).not.toBeNull();
    const supported = platformsIn(pieCase![1]);
    const internalSet = platformsIn(internal![1]);
    const dist = go(['tool', 'dist', 'list'], dir).stdout.split('\n').filter(Boolean);
    for (const p of dist) {
      const [o, a] = p.split('/');
      expect({ p, supported: pieSupported(o, a) }).toEqual({ p, supported: supported.has(p) });
      expect({ p, external: pieNeedsExternalLink(o, a) }).toEqual({ p, external: supported.has(p) && !internalSet.has(p) });
    }
  });
});
