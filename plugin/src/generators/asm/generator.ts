import { formatFiles, logger, Tree } from '@nx/devkit';
import { resolveProject } from '../shared/projects';
import { moduleContaining, packageNameIn, parseGoWorkUses } from '../shared/go';
import { GeneratorError, joinPath, splitList, writeGenerated } from '../shared/files';
import { Param, parseSignature, Signature, SignatureError, formatResults, formatParams, GoType } from './signature';
import { asmFileHeader, SUPPORTED_ASM_ARCHES, textBlock } from './stubs';
import { asmTextSymbols, goFuncDecls } from '../../checks/source-scan';
import { AsmGeneratorSchema } from './schema';

/** `DotProduct` → `dot_product`, `SHA256Block` → `sha256_block`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function formatSignatureText(sig: Signature): string {
  return `func ${sig.name}(${formatParams(sig.params, sig.namedParams)})${formatResults(sig)}`;
}

function lowerFirst(s: string): string {
  return s[0].toLowerCase() + s.slice(1);
}

/** `(amd64 || arm64)` or `amd64`. */
function archDisjunction(arches: string[]): string {
  return arches.length === 1 ? arches[0] : `(${arches.join(' || ')})`;
}

export function declConstraint(arches: string[]): string {
  return `${archDisjunction(arches)} && !purego`;
}

export function fallbackConstraint(arches: string[]): string {
  return `!${archDisjunction(arches)} || purego`;
}

interface SetFunction {
  sig: Signature;
  /** Declaration line as it will be written. */
  text: string;
  /** Comment/directive lines above the declaration. */
  doc: string[];
  target: string;
}

/**
 * Body-less `func` declarations of a decl file (the source scanner's reading, signatures on one
 * line), with the comment lines right above each. A function with a body or a method has no
 * place in a decl file: `undefined` is returned for it, so the caller can refuse to rewrite.
 */
function parseDeclFile(text: string): ({ doc: string[]; line: string } | undefined)[] {
  const lines = text.split('\n');
  return goFuncDecls(text).map((d) => {
    if (d.hasBody || d.receiver !== undefined) return undefined;
    const doc: string[] = [];
    for (let j = d.line - 2; j >= 0 && /^\/\//.test(lines[j]) && !/^\/\/go:build/.test(lines[j]); j--) doc.unshift(lines[j]);
    return { doc, line: d.signature };
  });
}

/** Which function each fallback wrapper calls: `func Sum(...) ... {\n\treturn sumGo(xs)` → Sum: sumGo. */
function parseFallbackTargets(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^func\s+([A-Za-z_][A-Za-z0-9_]*)\s*\([^\n]*\{\n\s*(?:return\s+)?([A-Za-z_][A-Za-z0-9_]*)\(/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.set(m[1], m[2]);
  return out;
}

/** Parameters with names (`a0`, `a1`… for unnamed ones), for wrappers that forward them. */
function namedParams(sig: Signature): Param[] {
  return sig.params.map((p, i) => ({ ...p, name: p.name ?? `a${i}` }));
}

function forwardArgs(params: Param[]): string {
  return params.map((p) => (p.variadic ? `${p.name}...` : p.name)).join(', ');
}

function quickable(t: GoType): boolean {
  switch (t.kind) {
    case 'basic': return true;
    case 'pointer': case 'slice': case 'array': return quickable(t.elem);
    case 'map': return quickable(t.key) && quickable(t.elem);
    default: return false;
  }
}

/** Whether a Go file of `dir` (tests aside) defines or declares the function `name` (methods aside). */
function declaresFunc(tree: Tree, dir: string, name: string, skip: (path: string) => boolean = () => false): string | undefined {
  if (!tree.exists(dir)) return undefined;
  return tree
    .children(dir)
    .filter((c) => c.endsWith('.go') && !c.endsWith('_test.go') && !skip(`${dir}/${c}`))
    .find((c) => goFuncDecls(tree.read(`${dir}/${c}`, 'utf-8') ?? '').some((d) => d.receiver === undefined && d.name === name));
}

function funcDefined(tree: Tree, dir: string, name: string): boolean {
  return declaresFunc(tree, dir, name) !== undefined;
}

export interface AsmPlan {
  dir: string;
  packageName: string;
  base: string;
  arches: string[];
  functions: SetFunction[];
  files: Record<string, string>;
}

export function planAsm(tree: Tree, options: AsmGeneratorSchema): AsmPlan {
  const project = resolveProject(tree, options.project);
  const dir = joinPath(project.root, options.directory ?? '.');
  if ((options.directory ?? '').split('/').includes('..')) throw new GeneratorError('--directory must stay inside the project');

  let sig: Signature;
  try {
    sig = parseSignature(options.signature ?? '');
  } catch (e) {
    if (e instanceof SignatureError) throw new GeneratorError(`--signature "${options.signature}": ${e.message}`);
    throw e;
  }
  if (options.name && options.name !== sig.name) {
    throw new GeneratorError(`--name ${options.name} does not match the function in --signature (${sig.name})`);
  }
  const requested = splitList(options.arches ?? 'amd64,arm64');
  if (requested.length === 0) throw new GeneratorError('--arches: name at least one GOARCH');
  for (const a of requested) {
    if (!SUPPORTED_ASM_ARCHES.includes(a)) {
      throw new GeneratorError(`--arches: "${a}" is not an architecture with Go assembly support (one of ${SUPPORTED_ASM_ARCHES.join(', ')})`);
    }
  }
  const base = options.file ?? snakeCase(sig.name);
  if (!/^[a-z0-9][a-z0-9_]*$/.test(base)) throw new GeneratorError(`--file "${base}": use lower-case letters, digits and "_"`);
  const target = options.generic ?? `${lowerFirst(sig.name)}Generic`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(target) || target === sig.name) {
    throw new GeneratorError(`--generic "${target}" must be a Go identifier other than the function itself`);
  }
  const packageName = packageNameIn(tree, dir) ?? dir.slice(dir.lastIndexOf('/') + 1).replace(/[^a-z0-9]/gi, '').toLowerCase();
  if (!/^[a-z][a-z0-9]*$/.test(packageName)) throw new GeneratorError(`cannot derive a Go package name for ${dir}; add a .go file with a package clause first`);

  const declPath = `${dir}/${base}_decl.go`;
  const fallbackPath = `${dir}/${base}_fallback.go`;
  const existingArches = SUPPORTED_ASM_ARCHES.filter((a) => tree.exists(`${dir}/${base}_${a}.s`));
  const arches = [...new Set([...existingArches, ...requested])].sort();

  const targets = tree.exists(fallbackPath) ? parseFallbackTargets(tree.read(fallbackPath, 'utf-8') ?? '') : new Map<string, string>();
  const functions: SetFunction[] = [];
  if (tree.exists(declPath)) {
    for (const d of parseDeclFile(tree.read(declPath, 'utf-8') ?? '')) {
      if (!d) throw new GeneratorError(`${declPath} holds a function with a body or a method; move it to another file, the generator rewrites ${declPath}`);
      let s: Signature;
      try {
        s = parseSignature(d.line);
      } catch (e) {
        throw new GeneratorError(`${declPath}: cannot read "${d.line}": ${(e as Error).message}`);
      }
      functions.push({ sig: s, text: d.line, doc: d.doc, target: targets.get(s.name) ?? `${lowerFirst(s.name)}Generic` });
    }
  }
  const newText = formatSignatureText(sig);
  const existing = functions.find((f) => f.sig.name === sig.name);
  if (existing) {
    if (formatSignatureText(existing.sig) !== newText && !options.force) {
      throw new GeneratorError(`${sig.name} is already declared in ${declPath} as "${existing.text}"; pass --force to change its signature`);
    }
    existing.sig = sig;
    existing.text = newText;
    if (options.generic) existing.target = target;
  } else {
    const elsewhere = declaresFunc(tree, dir, sig.name, (p) => p === declPath || p === fallbackPath);
    if (elsewhere) {
      throw new GeneratorError(`${sig.name} is already defined in ${dir}/${elsewhere}; pick another name, or --file to extend the set that declares it`);
    }
    functions.push({ sig, text: newText, doc: [], target });
  }
  // Comments this generator wrote are refreshed (they name the arches); others are kept verbatim.
  for (const f of functions) {
    if (f.doc.length === 0 || (f.doc[0].startsWith(`// ${f.sig.name} is implemented in assembly in `) && f.doc.length === 2)) {
      f.doc = [
        `// ${f.sig.name} is implemented in assembly in ${base}_<arch>.s on ${arches.join(', ')};`,
        `// elsewhere, and with -tags purego, ${base}_fallback.go calls ${f.target}.`,
      ];
    }
  }

  const files: Record<string, string> = {};
  const needsUnsafe = functions.some((f) => f.sig.usesUnsafe);
  const imports = needsUnsafe ? 'import "unsafe"\n\n' : '';
  files[declPath] =
    `//go:build ${declConstraint(arches)}\n\npackage ${packageName}\n\n${imports}` +
    functions.map((f) => `${f.doc.map((l) => `${l}\n`).join('')}${f.text}\n`).join('\n');
  files[fallbackPath] =
    `//go:build ${fallbackConstraint(arches)}\n\npackage ${packageName}\n\n${imports}` +
    functions
      .map((f) => {
        const params = namedParams(f.sig);
        const call = `${f.target}(${forwardArgs(params)})`;
        return (
          `// ${f.sig.name} is the pure-Go build of the function: it calls ${f.target}.\n` +
          `func ${f.sig.name}(${formatParams(params, true)})${formatResults(f.sig)} {\n\t${f.sig.results.length ? 'return ' : ''}${call}\n}\n`
        );
      })
      .join('\n');

  for (const arch of arches) {
    const path = `${dir}/${base}_${arch}.s`;
    const current = tree.exists(path) ? tree.read(path, 'utf-8') ?? '' : asmFileHeader();
    const have = new Set(asmTextSymbols(current).keys());
    let text = current;
    for (const f of functions) {
      if (have.has(f.sig.name)) continue;
      text = `${text.replace(/\n*$/, '\n')}\n${textBlock(f.sig, f.text, arch, f.target)}`;
    }
    files[path] = text;
  }

  if (!existing) {
    const fn = snakeCase(sig.name);
    const genericPath = `${dir}/${fn}_generic.go`;
    if (!funcDefined(tree, dir, target) && !tree.exists(genericPath)) {
      const params = namedParams(sig);
      const taken = new Set(params.map((p) => p.name));
      const results = sig.namedResults
        ? sig.results
        : sig.results.map((r, i) => ({ ...r, name: taken.has(`r${i}`) ? `r${i}_` : `r${i}` }));
      const resultText = results.length ? ` (${formatParams(results, true)})` : '';
      files[genericPath] =
        `package ${packageName}\n\n${sig.usesUnsafe ? 'import "unsafe"\n\n' : ''}` +
        `// ${target} is the portable implementation of ${sig.name}. The pure-Go build calls it, and\n` +
        `// the assembly stubs jump to it until they are given their own bodies, so ${sig.name}\n` +
        `// behaves the same on every platform. Write the implementation here.\n` +
        `func ${target}(${formatParams(params, true)})${resultText} {\n\treturn\n}\n`;
    }
    const testPath = `${dir}/${fn}_asm_test.go`;
    files[testPath] = renderTest(packageName, sig, target);
  }
  return { dir, packageName, base, arches, functions, files };
}

function renderTest(pkg: string, sig: Signature, target: string): string {
  const params = namedParams(sig);
  const plist = formatParams(params, true);
  const res = formatResults({ results: sig.results, namedResults: false });
  const ret = sig.results.length ? 'return ' : '';
  const args = forwardArgs(params);
  const testName = `Test${sig.name[0].toUpperCase()}${sig.name.slice(1)}MatchesGeneric`;
  const unsafeImport = sig.usesUnsafe ? '\t"unsafe"\n' : '';
  if (params.every((p) => quickable(p.type))) {
    return (
      `package ${pkg}\n\nimport (\n\t"testing"\n\t"testing/quick"\n${unsafeImport})\n\n` +
      `// ${testName} checks ${sig.name} (assembly, or the pure-Go build) against ${target} on random inputs.\n` +
      `func ${testName}(t *testing.T) {\n` +
      `\timpl := func(${plist})${res} { ${ret}${sig.name}(${args}) }\n` +
      `\tref := func(${plist})${res} { ${ret}${target}(${args}) }\n` +
      `\tif err := quick.CheckEqual(impl, ref, &quick.Config{MaxCount: 500}); err != nil {\n\t\tt.Error(err)\n\t}\n}\n`
    );
  }
  const decls = params.map((p) => `\tvar ${p.name} ${p.variadic ? '[]' : ''}${typeText(p)}\n`).join('');
  const body = sig.results.length
    ? `\tif got, want := fmt.Sprint(${sig.name}(${args})), fmt.Sprint(${target}(${args})); got != want {\n\t\tt.Errorf("${sig.name} = %s, ${target} = %s", got, want)\n\t}\n`
    : `\t${sig.name}(${args})\n\t${target}(${args})\n`;
  const fmtImport = sig.results.length ? '\t"fmt"\n' : '';
  return (
    `package ${pkg}\n\nimport (\n${fmtImport}\t"testing"\n${unsafeImport})\n\n` +
    `// ${testName} checks ${sig.name} against ${target} on zero values (its argument types cannot be generated at random).\n` +
    `func ${testName}(t *testing.T) {\n${decls}${body}}\n`
  );
}

function typeText(p: Param): string {
  return formatParams([{ ...p, name: 'x', variadic: false }], true).slice(2);
}

/**
 * The shell command, run from the workspace root, that vets the package on every arch of the
 * set (asmdecl compares each TEXT frame with the Go declaration). GOOS=linux because every arch
 * with Go assembly has a linux port. GOWORK=off when a go.work does not list the module (go
 * refuses to build it from inside such a workspace otherwise).
 */
export function vetCommand(tree: Tree, plan: Pick<AsmPlan, 'dir' | 'arches'>): string {
  const mod = moduleContaining(tree, plan.dir);
  let gowork = '';
  if (tree.exists('go.work') && mod) {
    const uses = parseGoWorkUses(tree.read('go.work', 'utf-8') ?? '').map((u) => joinPath(u));
    if (!uses.includes(mod.dir)) gowork = 'GOWORK=off ';
  }
  const cd = plan.dir === '' || plan.dir === '.' ? '' : `cd ${plan.dir} && `;
  return cd + plan.arches.map((a) => `${gowork}GOOS=linux GOARCH=${a} go vet .`).join(' && ');
}

export async function asmGenerator(tree: Tree, options: AsmGeneratorSchema) {
  const plan = planAsm(tree, options);
  // Refuse before writing anything. The decl, fallback and .s files are the generator's own and
  // are rebuilt from what they declare; the generic implementation and the test are created once.
  for (const [path, content] of Object.entries(plan.files)) {
    const own = path.endsWith('_decl.go') || path.endsWith('_fallback.go') || path.endsWith('.s');
    if (!own && tree.exists(path) && tree.read(path, 'utf-8') !== content && !options.force) {
      throw new GeneratorError(`refusing to overwrite ${path}: it already exists with different content (pass --force to replace it)`);
    }
  }
  for (const [path, content] of Object.entries(plan.files)) writeGenerated(tree, path, content, true);
  if (!options.skipFormat) await formatFiles(tree);
  const fn = plan.functions[plan.functions.length - 1];
  logger.info(
    `${plan.dir}: ${plan.functions.map((f) => f.sig.name).join(', ')} in assembly on ${plan.arches.join(', ')}; ` +
      `the pure-Go build is -tags purego (${fn ? fn.target : ''}). Check the frames with: ${vetCommand(tree, plan)}`,
  );
  return plan;
}

/**
 * Entry point for the Nx CLI. Nx runs whatever a generator returns as a follow-up task, so the
 * entry point returns nothing; the named export returns its result for programmatic callers.
 */
export default async function (tree: Tree, options: Parameters<typeof asmGenerator>[1]): Promise<void> {
  await asmGenerator(tree, options);
}
