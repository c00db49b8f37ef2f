import * as fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createArchive, type ArchiveFormat } from './archive';
import { run, tempDir } from './test-utils/go';
import { detectArchiveFormat, readArchive, safeEntryName, unpackToDir, UnsafeArchiveError } from './unpack';

/**
 * Malicious archives are crafted with Python's tarfile and zipfile, which write what they are
 * told (an independent producer, not our own writer).
 */
function craft(kind: 'tar.gz' | 'zip', body: string): Buffer {
  const dir = tempDir('craft');
  const out = path.join(dir, kind === 'zip' ? 'a.zip' : 'a.tar.gz');
  const head =
    kind === 'zip'
      ? ['import sys, zipfile', 'z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)', 'def add(name, data=b"x", mode=0o100644):', '    i = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)); i.external_attr = mode << 16; i.compress_type = zipfile.ZIP_DEFLATED; z.writestr(i, data)']
      : [
          'import io, sys, tarfile',
          'z = tarfile.open(sys.argv[1], "w:gz", format=tarfile.GNU_FORMAT)',
          'def add(name, data=b"x", type=tarfile.REGTYPE, link=""):',
          '    i = tarfile.TarInfo(name); i.type = type; i.linkname = link; i.size = len(data) if type == tarfile.REGTYPE else 0',
          '    z.addfile(i, io.BytesIO(data) if type == tarfile.REGTYPE else None)',
        ];
  run('python3', ['-c', [...head, ...body.split('\n'), 'z.close()'].join('\n'), out]);
  return fs.readFileSync(out);
}

async function refusal(p: Promise<unknown>): Promise<UnsafeArchiveError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UnsafeArchiveError);
    expect((e as Error).message).not.toContain('\n');
    return e as UnsafeArchiveError;
  }
  throw new Error('expected a refusal');
}

describe('reading our own archives', () => {
  it.each(['tar.gz', 'zip'] as ArchiveFormat[])('%s round-trips names, modes and bytes', async (format) => {
    const files = [
      { name: 'app', data: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), mode: 0o755 },
      { name: 'LICENSE', data: Buffer.from('MIT\n') },
      { name: 'docs/README.md', data: Buffer.alloc(100_000, 'r') },
    ];
    const data = await createArchive(files, { format, mtime: 1709212455 });
    expect(detectArchiveFormat(data)).toBe(format);
    const got = await readArchive(data, format);
    expect(got.map((e) => [e.name, e.mode, e.data.toString('hex')])).toEqual(
      ['LICENSE', 'app', 'docs/README.md'].map((n) => {
        const f = files.find((x) => x.name === n)!;
        return [n, f.mode ?? 0o644, f.data.toString('hex')];
      }),
    );
  });

  it('reads what GNU tar and Info-ZIP write, directories included', async () => {
    const dir = tempDir('tools');
    fs.mkdirSync(path.join(dir, 'src/sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src/sub/f.txt'), 'f\n');
    fs.writeFileSync(path.join(dir, 'src/g'), 'g\n');
    fs.chmodSync(path.join(dir, 'src/g'), 0o755);
    run('tar', ['-czf', '../t.tar.gz', '.'], { cwd: path.join(dir, 'src') });
    run('zip', ['-qr', '../t.zip', '.'], { cwd: path.join(dir, 'src') });
    for (const [f, fmt] of [['t.tar.gz', 'tar.gz'], ['t.zip', 'zip']] as const) {
      const got = await readArchive(fs.readFileSync(path.join(dir, f)), fmt);
      expect(got.map((e) => [e.name, e.mode, e.data.toString()]).sort()).toEqual([
        ['g', 0o755, 'g\n'],
        ['sub/f.txt', 0o644, 'f\n'],
      ]);
    }
  });
});

describe('refusals (tar.gz)', () => {
  it.each([
    ['add("../evil")', '../evil', /path with a '\.\.' part/],
    ['add("a/../../evil")', 'a/../../evil', /'\.\.' part/],
    ['add("/etc/passwd")', '/etc/passwd', /absolute path/],
    ['add("link", type=tarfile.SYMTYPE, link="/etc/passwd")', 'link', /symbolic link to "\/etc\/passwd" refused/],
    ['add("inside", type=tarfile.SYMTYPE, link="app")', 'inside', /symbolic link to "app" refused/],
    ['add("app")\nadd("hard", type=tarfile.LNKTYPE, link="app")', 'hard', /hard link to "app" refused/],
    ['add("dev", type=tarfile.CHRTYPE)', 'dev', /character device refused/],
    ['add("fifo", type=tarfile.FIFOTYPE)', 'fifo', /FIFO refused/],
    ['add("a")\nadd("./a")', './a', /name given twice/],
    ['add("a\\\\b")', 'a\\b', /'\\' in name/],
  ])('%j', async (body, entry, re) => {
    const err = await refusal(readArchive(craft('tar.gz', body), 'tar.gz'));
    expect(err.entry).toBe(entry);
    expect(err.message).toMatch(re);
    expect(err.message.startsWith(`entry ${JSON.stringify(entry)}: `)).toBe(true);
  });

  it('a gzip bomb (64 MiB of zeros in a small file) is refused before it is inflated past the cap', async () => {
    const bomb = craft('tar.gz', 'add("zeros", b"\\0" * (64 << 20))');
    expect(bomb.length).toBeLessThan(200_000);
    const err = await refusal(readArchive(bomb, 'tar.gz', { maxTotalBytes: 1 << 20, maxEntries: 10 }));
    expect(err.message).toMatch(/^gzip stream inflates to more than \d+ bytes \(limit 1048576 bytes of file data\); refused$/);
    // A bare gzip of zeros (not even a tar) is stopped the same way.
    const raw = run('python3', ['-c', 'import gzip,sys; sys.stdout.write(gzip.compress(b"\\0" * (64 << 20)).hex())']);
    const err2 = await refusal(readArchive(Buffer.from(raw.trim(), 'hex'), 'tar.gz', { maxTotalBytes: 1 << 20, maxEntries: 10 }));
    expect(err2.message).toMatch(/^gzip stream inflates to more than/);
  });

  it('per-entry, total and count limits name the entry', async () => {
    const arch = craft('tar.gz', 'add("small", b"1234")\nadd("big", b"x" * 11)\nadd("c", b"")');
    expect((await refusal(readArchive(arch, 'tar.gz', { maxEntryBytes: 10 }))).message).toBe('entry "big": size 11 over the per-entry limit of 10 bytes');
    expect((await refusal(readArchive(arch, 'tar.gz', { maxTotalBytes: 12 }))).message).toBe('entry "big": total uncompressed size over the limit of 12 bytes');
    expect((await refusal(readArchive(arch, 'tar.gz', { maxEntries: 2 }))).message).toBe('entry "c": more than 2 entries');
  });

  it('garbage is refused as invalid, not crashed on', async () => {
    expect((await refusal(readArchive(Buffer.from('not gzip'), 'tar.gz'))).message).toMatch(/^not a valid gzip stream/);
    const gzNotTar = run('python3', ['-c', 'import gzip,sys; sys.stdout.write(gzip.compress(b"hello " * 200).hex())']);
    expect((await refusal(readArchive(Buffer.from(gzNotTar.trim(), 'hex'), 'tar.gz'))).message).toMatch(/^not a valid tar stream/);
  });
});

describe('refusals (zip)', () => {
  it.each([
    ['add("../evil")', '../evil', /'\.\.' part/],
    ['add("/abs")', '/abs', /absolute path/],
    ['add("C:/win")', 'C:/win', /absolute path/],
    ['add("./C:/win")', './C:/win', /':' in name/],
    ['add("a\\\\..\\\\..\\\\evil")', 'a\\..\\..\\evil', /'\\' in name/],
    ['add("link", b"/etc/passwd", 0o120777)', 'link', /symbolic link refused/],
    ['add("dev", b"", 0o020644)', 'dev', /file type 020000 refused/],
    ['add("a")\nadd("a")', 'a', /name given twice/],
  ])('%j', async (body, entry, re) => {
    const err = await refusal(readArchive(craft('zip', body), 'zip'));
    expect(err.entry).toBe(entry);
    expect(err.message).toMatch(re);
  });

  it('a zip bomb is refused by its declared size, and a lying size by the inflater', async () => {
    const bomb = craft('zip', 'add("zeros", b"\\0" * (64 << 20))');
    expect(bomb.length).toBeLessThan(200_000);
    expect((await refusal(readArchive(bomb, 'zip', { maxEntryBytes: 1 << 20 }))).message).toBe('entry "zeros": size 67108864 over the per-entry limit of 1048576 bytes');
    expect((await refusal(readArchive(bomb, 'zip', { maxTotalBytes: 1 << 20 }))).message).toBe('entry "zeros": total uncompressed size over the limit of 1048576 bytes');
    // Rewrite the declared uncompressed size (local header offset 22, central directory offset 24) to 100 bytes.
    const liar = Buffer.from(bomb);
    expect(liar.readUInt32LE(0)).toBe(0x04034b50);
    liar.writeUInt32LE(100, 22);
    const cd = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(liar.readUInt32LE(cd + 24)).toBe(64 << 20);
    liar.writeUInt32LE(100, cd + 24);
    const err = await refusal(readArchive(liar, 'zip', { maxTotalBytes: 1 << 20 }));
    expect(err.entry).toBe('zeros');
    expect(err.message).toMatch(/too many bytes/);
  });

  it('entry count limit is checked from the directory before reading', async () => {
    const z = craft('zip', 'add("a")\nadd("b")\nadd("c")');
    expect((await refusal(readArchive(z, 'zip', { maxEntries: 2 }))).message).toBe('3 entries, more than the limit of 2');
  });
});

describe('unpackToDir', () => {
  it('writes the files inside the directory only', async () => {
    const dir = tempDir('unpack');
    const data = await createArchive(
      [
        { name: 'bin/app', data: Buffer.from('A'), mode: 0o755 },
        { name: 'LICENSE', data: Buffer.from('L') },
      ],
      { format: 'tar.gz', mtime: 1709212455 },
    );
    await unpackToDir(data, 'tar.gz', dir);
    expect(fs.readFileSync(path.join(dir, 'bin/app'), 'utf8')).toBe('A');
    expect(fs.statSync(path.join(dir, 'bin/app')).mode & 0o777).toBe(0o755);
    await expect(unpackToDir(data, 'tar.gz', dir)).rejects.toThrow(/is not empty/);
  });

  it.each([
    ['tar.gz', 'add("ok")\nadd("../escaped")'],
    ['tar.gz', 'add("ok")\nadd("l", type=tarfile.SYMTYPE, link="..")\nadd("l/escaped")'],
    ['zip', 'add("ok")\nadd("../escaped")'],
    ['zip', 'add("ok")\nadd("l", b"..", 0o120777)\nadd("l/escaped")'],
  ] as const)('%s: a refused archive writes nothing at all (%j)', async (kind, body) => {
    const parent = tempDir('parent');
    const target = path.join(parent, 'out');
    fs.mkdirSync(target);
    await refusal(unpackToDir(craft(kind, body), kind, target));
    expect(fs.readdirSync(target)).toEqual([]);
    expect(fs.readdirSync(parent)).toEqual(['out']);
  });
});

describe('safeEntryName (property)', () => {
  it('every accepted name resolves strictly inside the target directory, and normalizes idempotently', () => {
    const root = path.resolve('/tmp/gocross-root');
    const segment = fc.oneof(fc.constantFrom('..', '.', '', 'a', 'b.txt', 'C:', '\\', '..\\x', '/', '\0'), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), (segs, isDir) => {
        const raw = segs.join('/');
        let name: string;
        try {
          name = safeEntryName(raw, isDir);
        } catch (e) {
          expect(e).toBeInstanceOf(UnsafeArchiveError);
          return;
        }
        if (name === '') {
          expect(isDir).toBe(true);
          return;
        }
        const target = path.resolve(root, ...name.split('/'));
        expect(target.startsWith(root + path.sep)).toBe(true);
        expect(path.relative(root, target).split(path.sep).join('/')).toBe(name);
        expect(safeEntryName(name)).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });
});
