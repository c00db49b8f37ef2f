/** Writes a tree of files (relative path → text) into a new temporary directory; returns its path. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function writeTempTree(prefix: string, files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [f, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), c);
  }
  return root;
}
