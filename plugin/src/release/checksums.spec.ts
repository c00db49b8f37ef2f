import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatChecksums, parseChecksums, sha256Hex } from './checksums';
import { run, tempDir } from './test-utils/go';

function releaseDir(): { dir: string; files: { name: string; data: Buffer }[] } {
  const dir = tempDir('sums');
  const files = [
    { name: 'app_1.0.0_linux_amd64.tar.gz', data: Buffer.from('tar bytes') },
    { name: 'app_1.0.0_windows_amd64.zip', data: Buffer.from('zip bytes') },
    { name: 'App_Upper.txt', data: Buffer.from('') },
    { name: 'app with space.sbom.json', data: Buffer.from('{}\n') },
  ];
  for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.data);
  return { dir, files };
}

describe('checksums.txt', () => {
  it('is what sha256sum writes, byte for byte, sorted by name', () => {
    const { dir, files } = releaseDir();
    const text = formatChecksums(files);
    // sha256sum prints in argument order; sort the names in byte order (LC_ALL=C) first.
    const names = files.map((f) => f.name).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(text).toBe(run('sha256sum', ['--', ...names], { cwd: dir, env: { LC_ALL: 'C' } }));
    expect(text.split('\n')[0]).toMatch(/^[0-9a-f]{64} {2}App_Upper\.txt$/);
  });

  it('passes `sha256sum -c`, which fails after a byte changes', () => {
    const { dir, files } = releaseDir();
    fs.writeFileSync(path.join(dir, 'checksums.txt'), formatChecksums(files));
    expect(run('sha256sum', ['--strict', '-c', 'checksums.txt'], { cwd: dir })).toContain('app_1.0.0_linux_amd64.tar.gz: OK');
    fs.writeFileSync(path.join(dir, files[0].name), 'tampered');
    const r = spawnSync('sha256sum', ['-c', 'checksums.txt'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('app_1.0.0_linux_amd64.tar.gz: FAILED');
  });

  it('parses its own and sha256sum output and refuses malformed lines', () => {
    const { dir, files } = releaseDir();
    const fromTool = run('sha256sum', ['-b', ...files.map((f) => f.name)], { cwd: dir });
    const parsed = parseChecksums(fromTool);
    for (const f of files) expect(parsed.get(f.name)).toBe(sha256Hex(f.data));
    expect([...parseChecksums(formatChecksums(files)).entries()]).toEqual([...parsed.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    expect(() => parseChecksums('abc  x\n')).toThrow(/line 1/);
    expect(() => parseChecksums(`${'0'.repeat(64)}  a\n${'1'.repeat(64)}  a\n`)).toThrow(/line 2: a listed twice/);
    expect(() => parseChecksums(`${'0'.repeat(64)}  ../a\n`)).toThrow(/line 1/);
  });

  it('refuses names sha256sum would escape, or paths', () => {
    for (const name of ['a\nb', 'a\\b', 'dir/a', '']) {
      expect(() => formatChecksums([{ name, data: Buffer.alloc(0) }])).toThrow(/file name/);
    }
    expect(() => formatChecksums([{ name: 'a', sha256: 'XYZ' }])).toThrow(/64 lowercase hex/);
  });
});
