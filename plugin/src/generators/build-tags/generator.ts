import { formatFiles, logger, Tree } from '@nx/devkit';
import { resolveProject } from '../shared/projects';
import { KNOWN_ARCH, KNOWN_OS, matchesOsArchTag } from '../../platforms/known';
import { BUILTIN_DIST_LIST } from '../../platforms/dist-list';
import { ConstraintExpr, constraintTags, isValidTag } from '../../platforms/constraint-expr';
import { scanConstraintHeader } from '../../platforms/constraint-header';
import { fixBuildLines } from './fix-build-lines';
import { GeneratorError, joinPath, splitList, walkFiles, writeGenerated } from '../shared/files';
import { compareGoVersions, moduleContaining, packageNameIn } from '../shared/go';
import { BuildTagsGeneratorSchema } from './schema';

/** One variant of a per-platform set: `linux`, `arm64`, `linux/arm64` or `unix`. */
export interface Variant {
  goos?: string;
  goarch?: string;
  unix?: boolean;
}

export function parseVariant(text: string): Variant {
  const parts = text.split('/');
  if (parts.length === 1) {
    if (text === 'unix') return { unix: true };
    if (KNOWN_OS.has(text)) return { goos: text };
    if (KNOWN_ARCH.has(text)) return { goarch: text };
  } else if (parts.length === 2 && KNOWN_OS.has(parts[0]) && KNOWN_ARCH.has(parts[1])) {
    return { goos: parts[0], goarch: parts[1] };
  }
  throw new GeneratorError(`--platforms: "${text}" is not a GOOS, a GOARCH, GOOS/GOARCH or unix`);
}

function variantLabel(v: Variant): string {
  if (v.unix) return 'unix';
  return [v.goos, v.goarch].filter(Boolean).join('/');
}

/** Whether go compiles the variant's file for a GOOS/GOARCH (implied tags included). */
export function variantMatches(v: Variant, goos: string, goarch: string): boolean {
  if (v.unix) return matchesOsArchTag('unix', goos, goarch);
  return (!v.goos || matchesOsArchTag(v.goos, goos, goarch)) && (!v.goarch || matchesOsArchTag(v.goarch, goos, goarch));
}

function variantExpr(v: Variant): string {
  if (v.unix) return 'unix';
  if (v.goos && v.goarch) return `(${v.goos} && ${v.goarch})`;
  return (v.goos ?? v.goarch)!;
}

/** The fallback's constraint: the exact negation of the union of the variants. */
export function otherConstraint(variants: Variant[]): string {
  return variants.map((v) => `!${variantExpr(v)}`).join(' && ');
}

export function variantFileName(name: string, v: Variant): string {
  if (v.unix) return `${name}_unix.go`;
  return `${name}_${[v.goos, v.goarch].filter(Boolean).join('_')}.go`;
}

function goFile(constraint: string | undefined, pkg: string, body: string): string {
  return `${constraint ? `//go:build ${constraint}\n\n` : ''}package ${pkg}\n\n${body}`;
}

function identFor(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export interface BuildTagsResult {
  written: string[];
  migrated: string[];
  disagreements: { file: string; goBuild: string; plusBuild: string[] }[];
}

function planSet(tree: Tree, dir: string, pkg: string, options: BuildTagsGeneratorSchema): Record<string, string> {
  const name = options.name;
  if (!name || !/^[a-z][a-z0-9]*$/.test(name)) {
    throw new GeneratorError(`--name "${name ?? ''}": use lower-case letters and digits (it becomes <name>_<platform>.go; "_" would be read as a platform suffix)`);
  }
  const fn = `${identFor(name)}Platform`;
  const files: Record<string, string> = {};
  if (options.tag !== undefined) {
    const tag = options.tag;
    if (!isValidTag(tag) || KNOWN_OS.has(tag) || KNOWN_ARCH.has(tag) || tag === 'unix' || tag.includes('.')) {
      throw new GeneratorError(`--tag "${tag}": use a custom tag of letters, digits and "_" (GOOS/GOARCH/unix belong in --platforms)`);
    }
    files[`${dir}/${name}_${tag}.go`] = goFile(tag, pkg, `// ${fn} reports which variant of ${name} is compiled: this one with -tags ${tag}.\nfunc ${fn}() string {\n\treturn "${tag}"\n}\n`);
    files[`${dir}/${name}_no${tag}.go`] = goFile(`!${tag}`, pkg, `// ${fn} reports which variant of ${name} is compiled: this one without -tags ${tag}.\nfunc ${fn}() string {\n\treturn "no${tag}"\n}\n`);
    return files;
  }
  const variants = splitList(options.platforms).map(parseVariant);
  if (variants.length === 0) throw new GeneratorError('pass --platforms (e.g. linux,darwin,windows), --tag, or --migrate');
  // No GOOS/GOARCH may compile two variants (android is also linux, ios darwin, illumos solaris).
  for (const e of BUILTIN_DIST_LIST) {
    const hits = variants.filter((v) => variantMatches(v, e.goos, e.goarch));
    if (hits.length > 1) {
      throw new GeneratorError(
        `--platforms: ${hits.map(variantLabel).join(' and ')} both match ${e.goos}/${e.goarch}, which would compile two variants of ${name}; drop one`,
      );
    }
  }
  for (const v of variants) {
    const constraint = v.unix ? 'unix' : undefined; // the file name says it for the others
    files[`${dir}/${variantFileName(name, v)}`] = goFile(
      constraint,
      pkg,
      `// ${fn} reports which variant of ${name} is compiled: the ${variantLabel(v)} one.\nfunc ${fn}() string {\n\treturn "${variantLabel(v)}"\n}\n`,
    );
  }
  files[`${dir}/${name}_other.go`] = goFile(
    otherConstraint(variants),
    pkg,
    `// ${fn} reports which variant of ${name} is compiled: the fallback for every other platform.\nfunc ${fn}() string {\n\treturn "other"\n}\n`,
  );
  return files;
}

/** Whether two constraints agree on every assignment of their tags (exhaustive up to 20 tags). */
export function equivalent(a: ConstraintExpr, b: ConstraintExpr): boolean {
  const tags = constraintTags(b, constraintTags(a));
  if (tags.length > 20) return JSON.stringify(a) === JSON.stringify(b);
  const evalWith = (x: ConstraintExpr, set: Set<string>): boolean => {
    switch (x.kind) {
      case 'tag': return set.has(x.tag);
      case 'not': return !evalWith(x.x, set);
      case 'and': return evalWith(x.x, set) && evalWith(x.y, set);
      case 'or': return evalWith(x.x, set) || evalWith(x.y, set);
    }
  };
  for (let m = 0; m < 1 << tags.length; m++) {
    const set = new Set(tags.filter((_, i) => (m >> i) & 1));
    if (evalWith(a, set) !== evalWith(b, set)) return false;
  }
  return true;
}

function andAll(list: ConstraintExpr[]): ConstraintExpr {
  return list.reduce((x, y) => ({ kind: 'and', x, y }));
}

/**
 * Adds the //go:build line to Go and assembly files that only have // +build lines (and
 * rewrites // +build lines to match a //go:build line they agree with); the // +build lines are
 * kept for modules older than go 1.17 and dropped otherwise. gofmt does the same for Go files,
 * but it does not read assembly.
 */
function migrate(tree: Tree, root: string, result: BuildTagsResult): void {
  for (const file of walkFiles(tree, root, (p) => p.endsWith('.go') || p.endsWith('.s'))) {
    const content = tree.read(file, 'utf-8') ?? '';
    const h = scanConstraintHeader(content);
    if (h.plusBuild.length === 0) continue;
    if (h.goBuild) {
      const plus = h.plusBuild.filter((l) => l.expr).map((l) => l.expr!);
      if (plus.length > 0 && !equivalent(h.goBuild.expr, andAll(plus))) {
        result.disagreements.push({ file, goBuild: h.goBuild.text, plusBuild: h.plusBuild.map((l) => l.text) });
        continue;
      }
    }
    const mod = moduleContaining(tree, file.slice(0, file.lastIndexOf('/')));
    const goVersion = mod?.goVersion;
    const keepPlus = goVersion !== undefined && compareGoVersions(goVersion, '1.17') < 0;
    const next = fixBuildLines(content, { dropPlusBuild: !keepPlus });
    if (next !== content) {
      tree.write(file, next);
      result.migrated.push(file);
    }
  }
}

export async function buildTagsGenerator(tree: Tree, options: BuildTagsGeneratorSchema): Promise<BuildTagsResult> {
  const project = resolveProject(tree, options.project);
  if ((options.directory ?? '').split('/').includes('..')) throw new GeneratorError('--directory must stay inside the project');
  const dir = joinPath(project.root, options.directory ?? '.');
  const result: BuildTagsResult = { written: [], migrated: [], disagreements: [] };
  const modes = [options.migrate ? 1 : 0, options.tag !== undefined ? 1 : 0, options.platforms !== undefined ? 1 : 0].reduce((a, b) => a + b, 0);
  if (modes > 1) throw new GeneratorError('--platforms, --tag and --migrate are separate modes: pass one of them');

  if (options.migrate) {
    migrate(tree, dir, result);
    for (const f of result.migrated) logger.info(`migrated ${f}`);
    for (const d of result.disagreements) {
      logger.warn(`${d.file}: "${d.goBuild}" and "${d.plusBuild.join('" / "')}" disagree; left unchanged — decide which is meant and delete the other line`);
    }
  } else {
    const pkg = packageNameIn(tree, dir) ?? dir.slice(dir.lastIndexOf('/') + 1).replace(/[^a-z0-9]/gi, '').toLowerCase();
    if (!/^[a-z][a-z0-9]*$/.test(pkg)) throw new GeneratorError(`cannot derive a Go package name for ${dir}; add a .go file first`);
    const files = planSet(tree, dir, pkg, options);
    for (const [path, content] of Object.entries(files)) {
      if (!options.force && tree.exists(path) && tree.read(path, 'utf-8') !== content) {
        throw new GeneratorError(`refusing to overwrite ${path}: it already exists with different content (pass --force to replace it)`);
      }
    }
    for (const [path, content] of Object.entries(files)) if (writeGenerated(tree, path, content, true)) result.written.push(path);
  }
  if (!options.skipFormat) await formatFiles(tree);
  return result;
}

/**
 * Entry point for the Nx CLI. Nx runs whatever a generator returns as a follow-up task, so the
 * entry point returns nothing; the named export returns its result for programmatic callers.
 */
export default async function (tree: Tree, options: Parameters<typeof buildTagsGenerator>[1]): Promise<void> {
  await buildTagsGenerator(tree, options);
}

