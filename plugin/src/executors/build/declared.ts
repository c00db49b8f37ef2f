/**
 * Whether what a build writes is among the `outputs` its Nx target declares. A cached target
 * whose files are not declared is replayed from the cache without them ("existing outputs match
 * the cache"), so the build refuses instead of leaving a wrong binary to be found later.
 */
import * as path from 'node:path';

/** Output paths as Nx resolves them: tokens of the workspace, the project and the options. Undefined tokens drop the entry. */
export function interpolateOutputs(
  outputs: readonly string[],
  ctx: { workspaceRoot: string; projectRoot: string; projectName: string; options: Record<string, unknown> },
): string[] {
  const out: string[] = [];
  for (const raw of outputs) {
    if (raw.startsWith('!') || raw === '...') continue;
    let unresolved = false;
    const text = raw.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
      const key = name.trim();
      if (key === 'workspaceRoot') return '';
      if (key === 'projectRoot') return ctx.projectRoot === '.' ? '' : ctx.projectRoot;
      if (key === 'projectName') return ctx.projectName;
      if (key.startsWith('options.')) {
        const v = ctx.options[key.slice('options.'.length)];
        if (v === undefined || v === null || v === '' || typeof v === 'object') {
          unresolved = true;
          return whole;
        }
        return String(v);
      }
      unresolved = true;
      return whole;
    });
    if (unresolved) continue;
    out.push(path.resolve(ctx.workspaceRoot, text.replace(/^\/+/, raw.startsWith('{workspaceRoot}') ? '' : '/')));
  }
  return out;
}

const GLOB = /[*?[\]{}]/;

/**
 * The files not covered by any declared output (an output covers itself and everything below
 * it). Globs are taken as covering what they might match: Nx decides those.
 */
export function undeclaredFiles(files: string[], declared: string[]): string[] {
  if (declared.some((d) => GLOB.test(d))) return [];
  return files.filter((f) => {
    const abs = path.resolve(f);
    return !declared.some((d) => abs === d || abs.startsWith(d.endsWith(path.sep) ? d : d + path.sep));
  });
}
