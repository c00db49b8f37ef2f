/**
 * The order `gocross validate` walks a directory in: `a.localeCompare(b)`, without paying for it
 * when it is not needed. The first collation loads ICU's collator, which takes longer than
 * validating a handful of binaries; the names builds produce are made of lowercase ASCII letters,
 * digits, `_`, `-` and `.`, and under the root or an English collation those sort by the rank of
 * each character below, shorter first, exactly as localeCompare sorts them (every one of these
 * characters has its own primary weight and none has a case or accent). Any other name, or any
 * other locale, is sorted with localeCompare.
 */

/** The characters of plain names, in the order the root collation gives them. */
export const PLAIN_NAME_CHARS = '_-.0123456789abcdefghijklmnopqrstuvwxyz';
const PLAIN_NAME = /^[_.0-9a-z-]*$/;
const RANK = new Map([...PLAIN_NAME_CHARS].map((c, i) => [c.charCodeAt(0), i]));

/**
 * Whether ICU collates with root (or English) rules here. ICU takes its default locale from the
 * first of LC_ALL, LC_MESSAGES and LANG that is set (C and POSIX mean en_US); English has no
 * tailoring of these characters.
 */
export function rootCollation(env: NodeJS.ProcessEnv = process.env): boolean {
  const id = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return id === '' || /^(C|POSIX)([._@]|$)/.test(id) || /^en([._@-]|$)/.test(id);
}

function comparePlain(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = RANK.get(a.charCodeAt(i))! - RANK.get(b.charCodeAt(i))!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Sorts `items` in place by `name(item)` as `localeCompare` orders them, and returns them. */
export function sortByName<T>(items: T[], name: (item: T) => string, env: NodeJS.ProcessEnv = process.env): T[] {
  if (items.length < 2) return items;
  if (rootCollation(env) && items.every((it) => PLAIN_NAME.test(name(it)))) {
    return items.sort((a, b) => comparePlain(name(a), name(b)));
  }
  return items.sort((a, b) => name(a).localeCompare(name(b)));
}
