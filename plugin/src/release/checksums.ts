/**
 * `checksums.txt` in the format `sha256sum` writes and `sha256sum -c` reads: one line per file,
 * `<64 lowercase hex>  <name>` (two spaces: text mode), sorted by name in byte order, each line
 * ending in "\n". Names with a newline or a backslash would need sha256sum's escaping and are
 * refused instead, and so are names with a '/' (every release file sits in one directory).
 */
import { createHash } from 'node:crypto';
import { compareNames } from './archive';

export const CHECKSUMS_FILE = 'checksums.txt';

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface ChecksumEntry {
  name: string;
  /** Lowercase hex SHA-256. */
  sha256: string;
}

function checkName(name: string): void {
  if (!name || /[\n\r\\/\0]/.test(name) || name === '.' || name === '..') {
    throw new Error(`checksums: file name ${JSON.stringify(name)} must be a plain file name without newline, '\\' or '/'`);
  }
}

/** The checksums file text for the given files (names and contents, or names and digests). */
export function formatChecksums(files: Array<{ name: string; data: Buffer } | ChecksumEntry>): string {
  const entries: ChecksumEntry[] = files.map((f) => ('data' in f ? { name: f.name, sha256: sha256Hex(f.data) } : f));
  const seen = new Set<string>();
  for (const e of entries) {
    checkName(e.name);
    if (!/^[0-9a-f]{64}$/.test(e.sha256)) throw new Error(`checksums: ${e.name}: digest must be 64 lowercase hex digits`);
    if (seen.has(e.name)) throw new Error(`checksums: ${e.name} listed twice`);
    seen.add(e.name);
  }
  return entries
    .sort((a, b) => compareNames(a.name, b.name))
    .map((e) => `${e.sha256}  ${e.name}\n`)
    .join('');
}

/**
 * Parses a checksums file strictly: every non-empty line is `<64 hex>  <name>` or the binary-mode
 * form `<64 hex> *<name>`; a malformed line or a name given twice throws, naming the line.
 * Returns name → lowercase hex digest.
 */
export function parseChecksums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`checksums line ${i + 1}: expected "<sha256 hex>  <name>"`);
    const name = m[2];
    try {
      checkName(name);
    } catch (e) {
      throw new Error(`checksums line ${i + 1}: ${(e as Error).message}`);
    }
    if (out.has(name)) throw new Error(`checksums line ${i + 1}: ${name} listed twice`);
    out.set(name, m[1].toLowerCase());
  });
  return out;
}
