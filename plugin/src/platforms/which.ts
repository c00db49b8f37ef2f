/**
 * Finding an executable on PATH: the one implementation for product code (the go command, C
 * compilers, emulators, signing tools).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Finds an executable on PATH (PATHEXT-aware on Windows). */
export function which(cmd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (cmd.includes('/') || cmd.includes('\\')) return isExecutable(cmd) ? path.resolve(cmd) : undefined;
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = path.join(dir, cmd + ext);
      if (isExecutable(p)) return p;
    }
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
