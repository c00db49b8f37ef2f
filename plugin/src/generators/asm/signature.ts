/**
 * A small parser for Go function signatures (`func Sum(xs []uint64) uint64`) and Go's ABI0 stack
 * frame layout for them, as the assembler and `go vet` (asmdecl) see it: each argument aligned to
 * its own alignment, results starting at an offset aligned to the arch's maximum alignment, and
 * the names asmdecl gives to the parts of each argument (`xs_base`, `xs_len`, `s_len`, `x_lo`…).
 */
import { GO_KEYWORDS } from '../../gowork/tokens';

export class SignatureError extends Error {
  override readonly name = 'SignatureError';
}

export type GoType =
  | { kind: 'basic'; name: string }
  | { kind: 'unsafePointer' }
  | { kind: 'pointer'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'array'; len: number; elem: GoType }
  | { kind: 'map'; key: GoType; elem: GoType }
  | { kind: 'interface'; empty: boolean; name: string };

export interface Param {
  /** Undefined for an unnamed parameter. */
  name?: string;
  type: GoType;
  /** `...T` (last parameter only); `type` is then the element type. */
  variadic?: boolean;
}

export interface Signature {
  name: string;
  params: Param[];
  results: Param[];
  /** Whether parameter/result names were written (`a, b int`) — Go requires all or none. */
  namedParams: boolean;
  namedResults: boolean;
  usesUnsafe: boolean;
}

const BASIC = new Set([
  'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64',
  'uintptr', 'float32', 'float64', 'complex64', 'complex128', 'string', 'byte', 'rune',
]);

const KEYWORDS = GO_KEYWORDS;

type Tok = { t: 'ident' | 'int' | 'punct'; v: string; pos: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: 'ident', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(src.slice(i))!;
      out.push({ t: 'int', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (src.startsWith('...', i)) { out.push({ t: 'punct', v: '...', pos: i }); i += 3; continue; }
    if ('()[]{}*,.'.includes(c)) { out.push({ t: 'punct', v: c, pos: i }); i++; continue; }
    throw new SignatureError(`unexpected character ${JSON.stringify(c)} at column ${i + 1}`);
  }
  return out;
}

class Parser {
  private i = 0;
  usesUnsafe = false;
  constructor(private readonly toks: Tok[], private readonly src: string) {}

  peek(o = 0): Tok | undefined { return this.toks[this.i + o]; }
  at(v: string): boolean { return this.peek()?.v === v && this.peek()?.t !== 'int'; }
  fail(msg: string): never {
    const tok = this.peek();
    throw new SignatureError(`${msg} ${tok ? `at column ${tok.pos + 1} ("${tok.v}")` : 'at end of signature'}`);
  }
  expect(v: string): void {
    if (!this.at(v)) this.fail(`expected "${v}"`);
    this.i++;
  }
  done(): boolean { return this.i >= this.toks.length; }

  signature(): Signature {
    if (!(this.peek()?.t === 'ident' && this.peek()?.v === 'func')) this.fail('a signature starts with "func"');
    this.i++;
    const nameTok = this.peek();
    if (nameTok?.t !== 'ident' || KEYWORDS.has(nameTok.v)) this.fail('expected the function name');
    this.i++;
    if (this.at('[')) this.fail('generic functions cannot be implemented in assembly');
    const params = this.paramList(false);
    let results: { list: Param[]; named: boolean } = { list: [], named: false };
    if (!this.done()) {
      if (this.at('(')) results = this.paramList(true);
      else results = { list: [{ type: this.type() }], named: false };
    }
    if (!this.done()) this.fail('unexpected text after the signature');
    return {
      name: nameTok.v,
      params: params.list,
      results: results.list,
      namedParams: params.named,
      namedResults: results.named,
      usesUnsafe: this.usesUnsafe,
    };
  }

  /** `( [entry {, entry}] [,] )` where an entry is `name`, `name T`, `name ...T`, `T` or `...T`. */
  paramList(isResult: boolean): { list: Param[]; named: boolean } {
    this.expect('(');
    type Entry = { name?: string; type?: GoType; variadic?: boolean; start: number; single?: string };
    const entries: Entry[] = [];
    while (!this.at(')')) {
      const start = this.i;
      const t0 = this.peek();
      if (t0?.t === 'ident' && !KEYWORDS.has(t0.v) && (this.peek(1)?.v === ',' || this.peek(1)?.v === ')')) {
        // a lone identifier: a parameter name (if others are named) or a type name
        entries.push({ single: t0.v, start });
        this.i++;
      } else if (t0?.t === 'ident' && !KEYWORDS.has(t0.v) && this.peek(1) !== undefined && this.peek(1)!.v !== '.') {
        // `name T` or `name ...T`
        this.i++;
        const variadic = this.at('...');
        if (variadic) this.i++;
        entries.push({ name: t0.v, type: this.type(), variadic, start });
      } else {
        const variadic = this.at('...');
        if (variadic) this.i++;
        entries.push({ type: this.type(), variadic, start });
      }
      if (this.at(',')) this.i++;
      else if (!this.at(')')) this.fail('expected "," or ")"');
    }
    this.i++;
    const named = entries.some((e) => e.name !== undefined);
    const list: Param[] = [];
    if (named) {
      let pending: string[] = [];
      for (const e of entries) {
        if (e.single !== undefined) { pending.push(e.single); continue; }
        if (e.name === undefined) throw new SignatureError(`mixed named and unnamed parameters (column ${this.toks[e.start].pos + 1})`);
        for (const n of [...pending, e.name]) list.push({ name: n, type: e.type!, variadic: e.variadic });
        pending = [];
      }
      if (pending.length) throw new SignatureError(`missing type for ${pending.join(', ')}`);
    } else {
      for (const e of entries) {
        const type = e.single !== undefined ? this.namedType(e.single) : e.type!;
        list.push({ type, variadic: e.variadic });
      }
    }
    const seen = new Set<string>();
    list.forEach((p, idx) => {
      if (p.variadic && (isResult || idx !== list.length - 1)) {
        throw new SignatureError('only the last parameter can be variadic (...T)');
      }
      if (p.name !== undefined && p.name !== '_') {
        if (seen.has(p.name)) throw new SignatureError(`duplicate parameter name "${p.name}"`);
        seen.add(p.name);
      }
      if (p.name === '_') throw new SignatureError('blank (_) parameter names are not supported: name every parameter');
    });
    return { list, named };
  }

  namedType(name: string): GoType {
    if (BASIC.has(name)) return { kind: 'basic', name };
    if (name === 'any') return { kind: 'interface', empty: true, name: 'any' };
    if (name === 'error') return { kind: 'interface', empty: false, name: 'error' };
    throw new SignatureError(
      `type "${name}" is not supported: its size is not known from the signature alone; use its underlying type (predeclared types, unsafe.Pointer, pointers, slices, arrays, maps, any and error are supported)`,
    );
  }

  type(): GoType {
    const t = this.peek();
    if (!t) this.fail('expected a type');
    if (t.v === '*' && t.t === 'punct') { this.i++; return { kind: 'pointer', elem: this.type() }; }
    if (t.v === '[' && t.t === 'punct') {
      this.i++;
      if (this.at(']')) { this.i++; return { kind: 'slice', elem: this.type() }; }
      const n = this.peek();
      if (n?.t !== 'int') this.fail('expected an array length (a decimal constant)');
      this.i++;
      this.expect(']');
      return { kind: 'array', len: Number(n.v), elem: this.type() };
    }
    if (t.t === 'ident' && t.v === 'map') {
      this.i++;
      this.expect('[');
      const key = this.type();
      this.expect(']');
      return { kind: 'map', key, elem: this.type() };
    }
    if (t.t === 'ident' && t.v === 'interface') {
      this.i++;
      this.expect('{');
      this.expect('}');
      return { kind: 'interface', empty: true, name: 'interface{}' };
    }
    if (t.t === 'ident' && ['chan', 'func', 'struct'].includes(t.v)) {
      this.fail(`${t.v} types are not supported in assembly signatures`);
    }
    if (t.t === 'ident' && !KEYWORDS.has(t.v)) {
      this.i++;
      if (this.at('.')) {
        this.i++;
        const sel = this.peek();
        if (t.v === 'unsafe' && sel?.v === 'Pointer') { this.i++; this.usesUnsafe = true; return { kind: 'unsafePointer' }; }
        throw new SignatureError(`qualified type ${t.v}.${sel?.v ?? ''} is not supported (only unsafe.Pointer): its size is not known from the signature alone`);
      }
      return this.namedType(t.v);
    }
    return this.fail('expected a type');
  }
}

/** Parses `func Name(params) results`. Throws SignatureError with the column of the problem. */
export function parseSignature(src: string): Signature {
  const toks = tokenize(src.trim());
  const p = new Parser(toks, src);
  return p.signature();
}

export function typeString(t: GoType): string {
  switch (t.kind) {
    case 'basic': return t.name;
    case 'unsafePointer': return 'unsafe.Pointer';
    case 'pointer': return `*${typeString(t.elem)}`;
    case 'slice': return `[]${typeString(t.elem)}`;
    case 'array': return `[${t.len}]${typeString(t.elem)}`;
    case 'map': return `map[${typeString(t.key)}]${typeString(t.elem)}`;
    case 'interface': return t.name;
  }
}

function paramTypeString(p: Param): string {
  return p.variadic ? `...${typeString(p.type)}` : typeString(p.type);
}

/** Prints a parameter list as gofmt would: consecutive same-typed names grouped as written is not kept; one name per type. */
export function formatParams(list: Param[], named: boolean): string {
  if (!named) return list.map(paramTypeString).join(', ');
  // group consecutive names of the same type: `a, b int`
  const parts: string[] = [];
  let i = 0;
  while (i < list.length) {
    let j = i;
    while (j + 1 < list.length && paramTypeString(list[j + 1]) === paramTypeString(list[i])) j++;
    parts.push(`${list.slice(i, j + 1).map((p) => p.name).join(', ')} ${paramTypeString(list[i])}`);
    i = j + 1;
  }
  return parts.join(', ');
}

export function formatResults(sig: Pick<Signature, 'results' | 'namedResults'>): string {
  if (sig.results.length === 0) return '';
  if (sig.results.length === 1 && !sig.namedResults) return ` ${typeString(sig.results[0].type)}`;
  return ` (${formatParams(sig.results, sig.namedResults)})`;
}

/** `func Sum(xs []uint64) uint64`, or with another name. */
export function formatSignature(sig: Signature, name = sig.name): string {
  return `func ${name}(${formatParams(sig.params, sig.namedParams)})${formatResults(sig)}`;
}

// ---------------------------------------------------------------------------------------------
// ABI0 frame layout

export interface ArchLayout {
  /** Pointer and int size. */
  word: number;
  /** Alignment of 8-byte values (and of the results block). */
  maxAlign: number;
  bigEndian: boolean;
}

/** Architectures Go accepts assembly for, with their sizes (go/types gc sizes). */
export const ASM_ARCHES: Readonly<Record<string, ArchLayout>> = {
  '386': { word: 4, maxAlign: 4, bigEndian: false },
  amd64: { word: 8, maxAlign: 8, bigEndian: false },
  arm: { word: 4, maxAlign: 4, bigEndian: false },
  arm64: { word: 8, maxAlign: 8, bigEndian: false },
  loong64: { word: 8, maxAlign: 8, bigEndian: false },
  mips: { word: 4, maxAlign: 4, bigEndian: true },
  mipsle: { word: 4, maxAlign: 4, bigEndian: false },
  mips64: { word: 8, maxAlign: 8, bigEndian: true },
  mips64le: { word: 8, maxAlign: 8, bigEndian: false },
  ppc64: { word: 8, maxAlign: 8, bigEndian: true },
  ppc64le: { word: 8, maxAlign: 8, bigEndian: false },
  riscv64: { word: 8, maxAlign: 8, bigEndian: false },
  s390x: { word: 8, maxAlign: 8, bigEndian: true },
};

function basicSize(name: string, a: ArchLayout): number {
  switch (name) {
    case 'bool': case 'int8': case 'uint8': case 'byte': return 1;
    case 'int16': case 'uint16': return 2;
    case 'int32': case 'uint32': case 'rune': case 'float32': return 4;
    case 'int64': case 'uint64': case 'float64': case 'complex64': return 8;
    case 'complex128': return 16;
    case 'int': case 'uint': case 'uintptr': return a.word;
    case 'string': return 2 * a.word;
  }
  throw new Error(`unknown basic type ${name}`);
}

export function sizeof(t: GoType, a: ArchLayout): number {
  switch (t.kind) {
    case 'basic': return basicSize(t.name, a);
    case 'unsafePointer': case 'pointer': case 'map': return a.word;
    case 'slice': return 3 * a.word;
    case 'interface': return 2 * a.word;
    case 'array': {
      const es = sizeof(t.elem, a);
      return t.len * es;
    }
  }
}

export function alignof(t: GoType, a: ArchLayout): number {
  switch (t.kind) {
    case 'basic': {
      if (t.name === 'string') return a.word;
      if (t.name === 'complex64') return 4;
      if (t.name === 'complex128') return Math.min(8, a.maxAlign);
      return Math.min(basicSize(t.name, a), a.maxAlign);
    }
    case 'array': return alignof(t.elem, a);
    default: return a.word;
  }
}

/** One named slot of the frame, as asmdecl names it (`xs_len`), with its offset and size. */
export interface FrameSlot {
  name: string;
  offset: number;
  size: number;
  /** True for the parts that are not further divided (what a stub loads). */
  leaf: boolean;
  result: boolean;
}

export interface FrameLayout {
  /** Argument size N of `$0-N`. */
  argSize: number;
  slots: FrameSlot[];
}

function components(t: GoType, name: string, off: number, a: ArchLayout, result: boolean, out: FrameSlot[]): void {
  const size = sizeof(t, a);
  const self: FrameSlot = { name, offset: off, size, leaf: false, result };
  out.push(self);
  const w = a.word;
  const sub = (suffix: string, o: number, s: number) => out.push({ name: name + suffix, offset: o, size: s, leaf: true, result });
  if (t.kind === 'slice') { sub('_base', off, w); sub('_len', off + w, w); sub('_cap', off + 2 * w, w); return; }
  if (t.kind === 'basic' && t.name === 'string') { sub('_base', off, w); sub('_len', off + w, w); return; }
  if (t.kind === 'interface') { sub(t.empty ? '_type' : '_itable', off, w); sub('_data', off + w, w); return; }
  if (t.kind === 'basic' && (t.name === 'complex64' || t.name === 'complex128')) { sub('_real', off, size / 2); sub('_imag', off + size / 2, size / 2); return; }
  if (t.kind === 'array') {
    const es = sizeof(t.elem, a);
    for (let i = 0; i < t.len; i++) components(t.elem, `${name}_${i}`, off + i * es, a, result, out);
    if (t.len === 0) self.leaf = false;
    return;
  }
  if (size === 8 && w === 4) {
    const [w1, w2] = a.bigEndian ? ['_hi', '_lo'] : ['_lo', '_hi'];
    sub(w1, off, 4);
    sub(w2, off + 4, 4);
    return;
  }
  self.leaf = true;
}

/** Names asmdecl uses for unnamed parameters/results: arg, arg1, arg2… / ret, ret1… */
export function frameNames(list: Param[], isResult: boolean): string[] {
  return list.map((p, i) => p.name ?? `${isResult ? 'ret' : 'arg'}${i === 0 ? '' : i}`);
}

export function frameLayout(sig: Signature, arch: string): FrameLayout {
  const a = ASM_ARCHES[arch];
  if (!a) throw new SignatureError(`no assembly layout for GOARCH ${arch}`);
  const slots: FrameSlot[] = [];
  let off = 0;
  const add = (list: Param[], isResult: boolean) => {
    const names = frameNames(list, isResult);
    list.forEach((p, i) => {
      const t: GoType = p.variadic ? { kind: 'slice', elem: p.type } : p.type;
      const al = alignof(t, a);
      off += -off & (al - 1);
      components(t, names[i], off, a, isResult, slots);
      off += sizeof(t, a);
    });
  };
  add(sig.params, false);
  if (sig.results.length > 0) {
    off += -off & (a.maxAlign - 1);
    add(sig.results, true);
  }
  return { argSize: off, slots };
}
