import * as fs from 'node:fs';
import * as path from 'node:path';
import { bufferSource, readBuildInfo } from '../binary';
import { archiveBaseName, archiveNameSays, archiveTargetFromSettings, createArchive, createReleaseArchive, deterministicGzip, deterministicGzipAsync, type ArchiveFile } from './archive';
import { goBuild, HELLO_MAIN, run, runModulesInChild, tempDir, writeTree } from './test-utils/go';

/** 2024-02-29T13:14:15Z — a commit time; 13:14 would move under any non-UTC time zone. */
const EPOCH = 1709212455;
const files = (): ArchiveFile[] => [
  { name: 'README.md', data: Buffer.from('# app\n') },
  { name: 'app', data: Buffer.from('\x7fELF pretend binary\n'), mode: 0o755 },
  { name: 'LICENSE', data: Buffer.from('MIT\n') },
];

describe('archive names (goreleaser default name template)', () => {
  // Expected names are the ones goreleaser's documentation and default template give.
  it.each([
    [{ goos: 'linux', goarch: 'amd64', goamd64: 'v1' }, 'app_1.2.3_linux_amd64'],
    [{ goos: 'linux', goarch: 'amd64', goamd64: 'v3' }, 'app_1.2.3_linux_amd64v3'],
    [{ goos: 'linux', goarch: 'arm', goarm: '7' }, 'app_1.2.3_linux_armv7'],
    [{ goos: 'linux', goarch: 'arm', goarm: '6' }, 'app_1.2.3_linux_armv6'],
    [{ goos: 'linux', goarch: 'arm64' }, 'app_1.2.3_linux_arm64'],
    [{ goos: 'linux', goarch: '386' }, 'app_1.2.3_linux_386'],
    [{ goos: 'linux', goarch: 'mips', gomips: 'hardfloat' }, 'app_1.2.3_linux_mips_hardfloat'],
    [{ goos: 'windows', goarch: 'amd64', goamd64: 'v1' }, 'app_1.2.3_windows_amd64'],
    [{ goos: 'darwin', goarch: 'arm64' }, 'app_1.2.3_darwin_arm64'],
  ])('%j → %s', (t, want) => {
    expect(archiveBaseName('app', 'v1.2.3', t)).toBe(want);
  });

  it('refuses names that would make a path', () => {
    expect(() => archiveBaseName('a/b', '1.0.0', { goos: 'linux', goarch: 'amd64' })).toThrow(/project name/);
    expect(() => archiveBaseName('app', '', { goos: 'linux', goarch: 'amd64' })).toThrow(/version/);
  });

  it('takes the target from a real binary build info (GOARM=7, GOAMD64=v3)', () => {
    const dir = writeTree(tempDir('name'), { 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'main.go': HELLO_MAIN });
    const arm = goBuild(dir, { goos: 'linux', goarch: 'arm', env: { GOARM: '7' } }, path.join(dir, 'arm'));
    const amd = goBuild(dir, { goos: 'linux', goarch: 'amd64', env: { GOAMD64: 'v3' } }, path.join(dir, 'amd'));
    const name = (f: string) => {
      const bi = readBuildInfo(bufferSource(fs.readFileSync(f)))!;
      return archiveBaseName('app', '1.0.0', archiveTargetFromSettings((k) => bi.setting(k)));
    };
    expect(name(arm)).toBe('app_1.0.0_linux_armv7');
    expect(name(amd)).toBe('app_1.0.0_linux_amd64v3');
  });

  it('archiveNameSays: whether a file name ends in the platform part of a target, whatever the project and version', () => {
    expect(archiveNameSays('my_app_2.0.0-rc1_linux_arm64.tar.gz', { goos: 'linux', goarch: 'arm64' })).toBe(true);
    expect(archiveNameSays('app_1.0.0_linux_arm64.tar.gz', { goos: 'linux', goarch: 'amd64' })).toBe(false);
    expect(archiveNameSays('app_1.0.0_linux_amd64v3.tar.gz', { goos: 'linux', goarch: 'amd64', goamd64: 'v3' })).toBe(true);
    expect(archiveNameSays('app_1.0.0_linux_amd64v3.tar.gz', { goos: 'linux', goarch: 'amd64', goamd64: 'v1' })).toBe(false);
    expect(archiveNameSays('app_1.0.0_linux_armv7.tar.gz', { goos: 'linux', goarch: 'arm', goarm: '6' })).toBe(false);
    expect(archiveNameSays('app_1.0.0_windows_amd64.tar.gz', { goos: 'windows', goarch: 'amd64' })).toBe(false);
    expect(archiveNameSays('app_1.0.0_windows_amd64.zip', { goos: 'windows', goarch: 'amd64' })).toBe(true);
  });
});

describe('tar.gz', () => {
  it('is byte-identical across runs and input orders', async () => {
    const a = await createArchive(files(), { format: 'tar.gz', mtime: EPOCH });
    const b = await createArchive(files().reverse(), { format: 'tar.gz', mtime: EPOCH });
    expect(a.equals(b)).toBe(true);
    const c = await createArchive(files(), { format: 'tar.gz', mtime: EPOCH + 1 });
    expect(a.equals(c)).toBe(false);
  });

  it('has sorted entries, uid/gid 0, no owner names, fixed modes and mtime (GNU tar listing)', async () => {
    const dir = tempDir('tgz');
    const f = path.join(dir, 'a.tar.gz');
    fs.writeFileSync(f, await createArchive(files(), { format: 'tar.gz', mtime: EPOCH }));
    const numeric = run('tar', ['--numeric-owner', '--full-time', '-tvzf', f], { env: { TZ: 'UTC' } });
    expect(numeric.trim().split('\n').map((l) => l.split(/\s+/).filter((_, i) => i !== 2).join(' '))).toEqual([
      '-rw-r--r-- 0/0 2024-02-29 13:14:15 LICENSE',
      '-rw-r--r-- 0/0 2024-02-29 13:14:15 README.md',
      '-rwxr-xr-x 0/0 2024-02-29 13:14:15 app',
    ]);
    // Without --numeric-owner GNU tar prints the stored names; empty ones fall back to the ids.
    expect(run('tar', ['-tvzf', f]).split('\n')[0]).toMatch(/^-rw-r--r-- 0\/0 /);
    run('tar', ['-xzf', f, '-C', dir]);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('# app\n');
  });

  it('gzip header: no name, mtime 0, OS unknown (RFC 1952)', async () => {
    const gz = await createArchive(files(), { format: 'tar.gz', mtime: EPOCH });
    expect([...gz.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]); // magic, deflate, no FNAME/FEXTRA/FHCRC
    expect(gz.readUInt32LE(4)).toBe(0);
    expect(gz[9]).toBe(255);
    expect(run('gzip', ['-t'], { input: gz })).toBe('');
  });

  it('refuses unsafe or duplicate names and odd modes', async () => {
    for (const name of ['../x', '/etc/x', 'a/../b', 'a\\b', '', 'a//b']) {
      await expect(createArchive([{ name, data: Buffer.alloc(1) }], { format: 'tar.gz', mtime: EPOCH })).rejects.toThrow(/name must be/);
    }
    await expect(createArchive([...files(), { name: 'app', data: Buffer.alloc(0) }], { format: 'tar.gz', mtime: EPOCH })).rejects.toThrow(/twice/);
    await expect(createArchive([{ name: 'x', data: Buffer.alloc(0), mode: 0o4755 }], { format: 'tar.gz', mtime: EPOCH })).rejects.toThrow(/0777/);
  });
});

describe('zip', () => {
  it('is byte-identical across runs, input orders and time zones', async () => {
    const script = (order: string) => `
      const { createArchive } = require('./archive');
      const files = ${JSON.stringify(files().map((f) => ({ ...f, data: f.data.toString('base64') })))}
        .map((f) => ({ ...f, data: Buffer.from(f.data, 'base64') }))${order};
      createArchive(files, { format: 'zip', mtime: ${EPOCH} })
        .then((b) => process.stdout.write(new Date(${EPOCH} * 1000).getHours() + ' ' + b.toString('base64')));`;
    const [hUtc, utc] = runModulesInChild(['archive'], script(''), { TZ: 'UTC' }).split(' ');
    const [hKol, kolkata] = runModulesInChild(['archive'], script('.reverse()'), { TZ: 'Asia/Kolkata' }).split(' ');
    expect([hUtc, hKol]).toEqual(['13', '18']); // the zones really differ in those processes
    expect(kolkata).toBe(utc);
    const here = await createArchive(files(), { format: 'zip', mtime: EPOCH });
    expect(here.toString('base64')).toBe(utc);
  });

  it('lists sorted entries with fixed modes and the UTC wall time (Python zipfile)', async () => {
    const dir = tempDir('zip');
    const f = path.join(dir, 'a.zip');
    fs.writeFileSync(f, await createArchive(files(), { format: 'zip', mtime: EPOCH }));
    const py = [
      'import sys, zipfile',
      'for i in zipfile.ZipFile(sys.argv[1]).infolist():',
      '    print(i.filename, oct(i.external_attr >> 16), "%04d-%02d-%02dT%02d:%02d:%02d" % i.date_time, i.compress_type)',
    ].join('\n');
    expect(run('python3', ['-c', py, f]).trim().split('\n')).toEqual([
      'LICENSE 0o100644 2024-02-29T13:14:14 8', // DOS time has 2-second steps
      'README.md 0o100644 2024-02-29T13:14:14 8',
      'app 0o100755 2024-02-29T13:14:14 8',
    ]);
    run('unzip', ['-q', f, '-d', dir]);
    expect(fs.readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toBe('MIT\n');
    // The extended timestamp field keeps the exact second.
    const info = run('zipinfo', ['-v', f], { env: { TZ: 'UTC' } });
    expect(info.match(/UT extra field modtime\): .* UTC/g)).toEqual(Array(3).fill('UT extra field modtime): 2024 Feb 29 13:14:15 UTC'));
  });

  it('refuses times a zip cannot hold', async () => {
    await expect(createArchive(files(), { format: 'zip', mtime: 0 })).rejects.toThrow(/1980/);
  });
});

describe('createReleaseArchive', () => {
  it('names by target, zips windows, stores the binary executable', async () => {
    const win = await createReleaseArchive({
      project: 'app',
      version: 'v2.0.0',
      target: { goos: 'windows', goarch: 'arm64' },
      binary: { name: 'app.exe', data: Buffer.from('MZ') },
      extraFiles: [{ name: 'LICENSE', data: Buffer.from('MIT\n') }],
      mtime: EPOCH,
    });
    expect(win.fileName).toBe('app_2.0.0_windows_arm64.zip');
    expect(win.data.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    const lin = await createReleaseArchive({
      project: 'app',
      version: '2.0.0',
      target: { goos: 'linux', goarch: 'arm', goarm: '7' },
      binary: { name: 'app', data: Buffer.from('\x7fELF') },
      mtime: EPOCH,
    });
    expect(lin.fileName).toBe('app_2.0.0_linux_armv7.tar.gz');
    const dir = tempDir('rel');
    fs.writeFileSync(path.join(dir, lin.fileName), lin.data);
    expect(run('tar', ['--numeric-owner', '-tvzf', path.join(dir, lin.fileName)])).toMatch(/^-rwxr-xr-x 0\/0 .* app\n$/);
  });
});

describe('deterministicGzipAsync', () => {
  it('writes the same bytes as deterministicGzip (fixed header), on the thread pool', async () => {
    const data = Buffer.from('gocross '.repeat(10000) + Math.PI.toString());
    const a = await deterministicGzipAsync(data);
    expect(a.equals(deterministicGzip(data))).toBe(true);
    expect(a.readUInt32LE(4)).toBe(0);
    expect(a[9]).toBe(0xff);
    expect(require('node:zlib').gunzipSync(a).equals(data)).toBe(true);
  });
});
