/**
 * The data of `go vet -asmdecl` runs and the pure half of reading them: the diagnostics and
 * runs the asmdecl rule maps to findings, and the parser of vet's `-json` output. Running vet
 * (spawning go) is ../validate/asmdecl-runner's job; nothing here reads the disk or spawns.
 */
import * as path from 'node:path';

export interface AsmdeclDiagnostic {
  /** Import path of the package. */
  package: string;
  /** File path relative to the module directory, `/`-separated. */
  file: string;
  line: number;
  column: number;
  /** vet's message without the `[arch]` prefix, e.g. `Add: invalid MOVQ of a+0(FP); int32 is 4-byte value`. */
  message: string;
  /** The function the message is about, when vet names one. */
  function?: string;
}

export interface AsmdeclRun {
  goos: string;
  goarch: string;
  moduleDir: string;
  /** The package patterns vetted (`./...` when not given). */
  packages?: string[];
  diagnostics: AsmdeclDiagnostic[];
  /** Set when vet could not check the packages at all (type errors, missing go). */
  error?: string;
  durationMs: number;
}

/** Splits a stream of concatenated JSON values (what `go vet -json` prints, one per package). */
export function splitJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && depth > 0) {
      if (--depth === 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          // not JSON (e.g. a brace in an error message)
        }
      }
    }
  }
  return out;
}

/** Parses `go vet -json` output into asmdecl diagnostics, with paths relative to moduleDir. */
export function parseVetJson(output: string, moduleDir: string): AsmdeclDiagnostic[] {
  const diags: AsmdeclDiagnostic[] = [];
  for (const v of splitJsonStream(output)) {
    if (!v || typeof v !== 'object') continue;
    for (const [pkg, analyzers] of Object.entries(v as Record<string, unknown>)) {
      const list = (analyzers as Record<string, unknown> | null)?.asmdecl;
      if (!Array.isArray(list)) continue;
      for (const d of list as { posn?: string; message?: string }[]) {
        const m = /^(.*):(\d+):(\d+)$/.exec(d.posn ?? '');
        const file = m ? m[1] : (d.posn ?? '');
        const rel = path.isAbsolute(file) ? path.relative(moduleDir, file) : file;
        const msg = (d.message ?? '').replace(/^\[[a-z0-9]+\]\s*/, '');
        const fn = /^([\p{L}\p{Nd}_.·]+): /u.exec(msg)?.[1];
        diags.push({
          package: pkg,
          file: rel.split(path.sep).join('/'),
          line: m ? Number(m[2]) : 0,
          column: m ? Number(m[3]) : 0,
          message: msg,
          ...(fn ? { function: fn } : {}),
        });
      }
    }
  }
  return diags;
}

/** The argument list of a vet run. */
export function asmdeclVetArgs(packages: readonly string[] = ['./...']): string[] {
  return ['vet', '-json', '-asmdecl', ...packages];
}
