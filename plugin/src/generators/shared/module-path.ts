import { GO_KEYWORDS } from '../../gowork/tokens';

/**
 * Go module path rules, as enforced by golang.org/x/mod/module.CheckPath (what `go get` and the
 * module proxy accept). Returns undefined for a valid path, otherwise the reason.
 */
export function checkModulePath(path: string): string | undefined {
  const generic = checkPathElements(path);
  if (generic) return generic;
  let i = path.indexOf('/');
  if (i < 0) i = path.length;
  if (i === 0) return 'leading slash';
  const first = path.slice(0, i);
  if (!first.includes('.')) return `missing dot in first path element "${first}" (use a domain you control, e.g. example.com/${path})`;
  if (path[0] === '-') return 'leading dash in first path element';
  for (const ch of first) {
    if (!/[-.0-9a-z]/.test(ch)) return `invalid char ${JSON.stringify(ch)} in first path element (only lower-case letters, digits, "-" and ".")`;
  }
  if (!splitPathVersion(path).ok) return 'invalid major version suffix (must be /v2 or higher, without leading zeros or dots)';
  return undefined;
}

const BAD_WINDOWS_NAMES = [
  'CON', 'PRN', 'AUX', 'NUL',
  'COM1', 'COM2', 'COM3', 'COM4', 'COM5', 'COM6', 'COM7', 'COM8', 'COM9',
  'LPT1', 'LPT2', 'LPT3', 'LPT4', 'LPT5', 'LPT6', 'LPT7', 'LPT8', 'LPT9',
];

function checkPathElements(path: string): string | undefined {
  if (path === '') return 'empty string';
  if (path[0] === '-') return 'leading dash';
  if (path.includes('//')) return 'double slash';
  if (path.endsWith('/')) return 'trailing slash';
  for (const elem of path.split('/')) {
    const bad = checkElem(elem);
    if (bad) return bad;
  }
  return undefined;
}

function checkElem(elem: string): string | undefined {
  if (elem === '') return 'empty path element';
  if (/^\.+$/.test(elem)) return `invalid path element "${elem}"`;
  if (elem[0] === '.') return `leading dot in path element "${elem}"`;
  if (elem.endsWith('.')) return `trailing dot in path element "${elem}"`;
  for (const ch of elem) {
    if (!/[-._~0-9A-Za-z]/.test(ch)) return `invalid char ${JSON.stringify(ch)} in path element "${elem}"`;
  }
  let short = elem;
  const dot = short.indexOf('.');
  if (dot >= 0) short = short.slice(0, dot);
  if (BAD_WINDOWS_NAMES.some((b) => b.toLowerCase() === short.toLowerCase())) {
    return `"${short}" disallowed as path element component on Windows`;
  }
  const tilde = short.lastIndexOf('~');
  if (tilde >= 0 && tilde < short.length - 1 && /^[0-9]+$/.test(short.slice(tilde + 1))) {
    return `trailing tilde and digits in path element "${elem}"`;
  }
  return undefined;
}

/** module.SplitPathVersion, enough to validate a `/vN` suffix (gopkg.in paths use `.vN`). */
export function splitPathVersion(path: string): { prefix: string; major: string; ok: boolean } {
  if (path.startsWith('gopkg.in/')) {
    const m = /^(gopkg\.in\/.+)\.(v(0|[1-9][0-9]*)(-unstable)?)$/.exec(path);
    return m ? { prefix: m[1], major: `.${m[2]}`, ok: true } : { prefix: path, major: '', ok: false };
  }
  let i = path.length;
  let dot = false;
  while (i > 0 && (/[0-9]/.test(path[i - 1]) || path[i - 1] === '.')) {
    if (path[i - 1] === '.') dot = true;
    i--;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== 'v' || path[i - 2] !== '/') {
    return { prefix: path, major: '', ok: true };
  }
  const prefix = path.slice(0, i - 2);
  const major = path.slice(i - 2);
  if (dot || major.length <= 2 || major[2] === '0' || major === '/v1') return { prefix: path, major: '', ok: false };
  return { prefix, major, ok: true };
}

/** Go identifier / package-name rules (ASCII subset, which is what we generate). */
export { GO_KEYWORDS };

/** Derives a Go package name from a project or directory name: `my-lib` → `mylib`. */
export function packageNameFor(name: string): string {
  const pkg = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return pkg;
}

export function checkPackageName(pkg: string): string | undefined {
  if (!/^[a-z][a-z0-9]*$/.test(pkg)) return `"${pkg}" is not a valid Go package name (lower-case letters and digits, starting with a letter)`;
  if (GO_KEYWORDS.has(pkg)) return `"${pkg}" is a Go keyword`;
  return undefined;
}
