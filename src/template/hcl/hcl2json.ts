/**
 * Projects our AST onto the JSON that hcl2-parser 1.0.3 (a GopherJS build of tmccombs/hcl2json
 * 0.3.3) produces for the same source, so that library can serve as a differential oracle for
 * this parser. The rules, found by experiment and by reading hcl2json's convert.go:
 *
 * - Bodies: blocks first, grouped by type and then by each label in turn, each group ending in
 *   an array of bodies; attributes after, so an attribute overwrites a block of the same name.
 * - Literals are JSON values; `-1` and `!true` (unary on a literal) are folded.
 * - A string without interpolation is its text; a template of exactly one `${}` is that
 *   expression converted on its own (so `"${1}"` is the number 1); other templates are the text
 *   with each `${expr}` rewritten as "${" + the expression's source + "}", and directives
 *   rewritten as `%{if cond}...%{else}...%{endif}` and `%{for k, v in coll}...%{endfor}`
 *   (strip markers and spacing normalised, conditions and collections as source text).
 * - Inside such a template, an interpolated conditional `${c ? "a" : "b"}` also comes out as a
 *   `%{if}` directive, and literals are converted to strings.
 * - Tuples and objects are converted item by item; object keys that are plain references
 *   (`foo`, `a.b`, `a[0]`) are their source text, other keys are converted as template parts.
 * - Anything else is "${" + its source text + "}", comments and line breaks included, with a
 *   quirk kept: a ")" right after the expression is appended.
 *
 * Where hcl2json itself fails (a block type used both with and without labels, a null inside a
 * template, a type error in a folded unary), this throws; the differential test then expects
 * hcl2-parser to fail too.
 */
import type { Range } from '../diagnostics.js';
import { SPLAT_ITEM, type Block, type Body, type Expr, type File, type TemplateExpr, type TemplatePart } from './ast.js';

/** hcl2json returns an error for the whole file (except where a template conditional ignores it). */
class ConversionError extends Error {}
/** hcl2json panics (hcl2-parser throws). */
class ConversionPanic extends Error {}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function toHcl2Json(file: File, text: string): unknown {
  return new Projector(text).body(file.body);
}

class Projector {
  constructor(private readonly text: string) {}

  body(body: Body): JsonObject {
    const out: JsonObject = {};
    for (const item of body.items) if (item.kind === 'Block') this.block(item, out);
    for (const item of body.items) if (item.kind === 'Attribute') set(out, item.name, this.expr(item.expr));
    return out;
  }

  private block(block: Block, into: JsonObject): void {
    let out = into;
    let key = block.type;
    for (const label of block.labels) {
      if (has(out, key)) {
        const next = out[key];
        if (!isObject(next)) throw new ConversionError(`hcl2json cannot convert block ${block.type}.${block.labels.map((l) => l.value).join('.')}`);
        out = next;
      } else {
        const next: JsonObject = {};
        set(out, key, next);
        out = next;
      }
      key = label.value;
    }
    const value = this.body(block.body);
    if (has(out, key)) {
      const current = out[key];
      if (!Array.isArray(current)) throw new ConversionPanic(`hcl2json cannot convert block ${block.type} (mixed labelled and unlabelled blocks)`);
      current.push(value);
    } else {
      set(out, key, [value]);
    }
  }

  expr(e: Expr): Json {
    switch (e.kind) {
      case 'Literal':
        return e.value;
      case 'Unary':
        return e.operand.kind === 'Literal' ? foldUnary(e.op, e.operand.value) : this.wrap(e.range);
      case 'Template': {
        const only = e.parts.length === 1 ? e.parts[0]! : undefined;
        return only?.kind === 'Interp' ? this.expr(only.expr) : this.template(e);
      }
      case 'Tuple':
        return e.items.map((item) => this.expr(item));
      case 'Object': {
        const out: JsonObject = {};
        for (const item of e.items) set(out, this.key(item.key), this.expr(item.value));
        return out;
      }
      default:
        return this.wrap(e.range);
    }
  }

  private template(t: TemplateExpr): string {
    return this.parts(t.parts);
  }

  private parts(parts: TemplatePart[]): string {
    let s = '';
    for (const p of parts) s += this.part(p);
    return s;
  }

  private part(p: TemplatePart): string {
    switch (p.kind) {
      case 'Text':
        return p.value;
      case 'Interp':
        return this.stringPart(p.expr);
      case 'If':
        return this.conditional(p.cond, () => this.directiveBody(p.then), () => (p.else === undefined ? '' : this.directiveBody(p.else)));
      case 'For': {
        const vars = p.keyVar === undefined ? p.valueVar : `${p.keyVar}, ${p.valueVar}`;
        return `%{for ${vars} in ${this.source(p.collection.range)}}${this.directiveBody(p.body)}%{endfor}`;
      }
    }
  }

  /**
   * The body of `%{if}`/`%{else}`/`%{for}`. hcl2json evaluates a body made of a single literal
   * interpolation instead of converting it, which for `${null}` is an error, not a panic.
   */
  private directiveBody(parts: TemplatePart[]): string {
    const only = parts.length === 1 ? parts[0]! : undefined;
    if (only?.kind === 'Interp' && only.expr.kind === 'Literal' && only.expr.value === null) {
      throw new ConversionError('null in a template');
    }
    return this.parts(parts);
  }

  /** An expression in a template part position (hcl2json's convertStringPart). */
  private stringPart(e: Expr): string {
    switch (e.kind) {
      case 'Literal':
        if (e.value === null) throw new ConversionPanic('hcl2json cannot convert null to a string');
        if (typeof e.value === 'boolean') return String(e.value);
        return e.raw !== undefined ? decimalString(e.raw) : String(e.value);
      case 'Template': {
        const only = e.parts.length === 1 ? e.parts[0]! : undefined;
        return only?.kind === 'Interp' ? this.stringPart(only.expr) : this.template(e);
      }
      case 'Conditional':
        return this.conditional(e.cond, () => this.stringPart(e.then), () => this.stringPart(e.else));
      default:
        return this.wrap(e.range);
    }
  }

  /**
   * hcl2json's convertTemplateConditional, including how it treats a branch that fails with
   * an error (not a panic): the whole conditional becomes "" if it is the first branch, and the
   * else part is dropped if it is the second.
   */
  private conditional(cond: Expr, then: () => string, els: () => string): string {
    let t: string;
    try {
      t = then();
    } catch (e) {
      if (e instanceof ConversionError) return '';
      throw e;
    }
    let f: string;
    try {
      f = els();
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      f = '';
    }
    return `%{if ${this.source(cond.range)}}${t}${f.length > 0 ? `%{else}${f}` : ''}%{endif}`;
  }

  private key(k: Expr): string {
    return isStaticTraversal(k) ? this.source(k.range) : this.stringPart(k);
  }

  private wrap(range: Range): string {
    return '${' + this.source(range) + '}';
  }

  private source(range: Range): string {
    const end = range.end.offset;
    // hcl2json works around ranges that stopped short of a closing parenthesis by taking one
    // that follows; harmless with exact ranges, but it is its behaviour, so keep it.
    return this.text.slice(range.start.offset, end) + (this.text[end] === ')' ? ')' : '');
  }
}

/**
 * What HCL parses as a traversal: a name followed by attribute steps and literal indexes
 * (`a.b[0]["c"]`, legacy `a.0`). hcl2json writes such object keys as their source text.
 */
function isStaticTraversal(e: Expr): boolean {
  for (let cur = e; ; ) {
    if (cur.kind === 'Variable') return cur.name !== SPLAT_ITEM;
    if (cur.kind === 'GetAttr') cur = cur.object;
    else if (cur.kind === 'Index' && isLiteralKey(cur.key)) cur = cur.object;
    else return false;
  }
}

function isLiteralKey(k: Expr): boolean {
  return k.kind === 'Literal' || (k.kind === 'Template' && k.parts.every((p) => p.kind === 'Text'));
}

function foldUnary(op: '!' | '-', v: null | boolean | number): Json {
  if (op === '-' && typeof v === 'number') return -v;
  if (op === '!' && typeof v === 'boolean') return !v;
  throw new ConversionError(`hcl2json cannot apply ${op} to ${JSON.stringify(v)}`);
}

/**
 * A number literal as cty prints it into a string: plain decimal, no exponent, no redundant
 * zeros (`1e3` -> "1000", `1.50` -> "1.5"), exact even where a double would round.
 */
export function decimalString(raw: string): string {
  const m = /^(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(raw);
  if (m === null) return String(Number(raw));
  const frac = m[2] ?? '';
  let exp = Number(m[3] ?? '0') - frac.length;
  if (Math.abs(exp) > 10_000) return String(Number(raw));
  let digits = (m[1]! + frac).replace(/^0+/, '');
  if (digits === '') return '0';
  const trailing = /0*$/.exec(digits)![0].length;
  if (exp < 0) {
    const drop = Math.min(trailing, -exp);
    digits = digits.slice(0, digits.length - drop);
    exp += drop;
  }
  if (exp >= 0) return digits + '0'.repeat(exp);
  const point = digits.length + exp;
  return point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
}

function has(o: JsonObject, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Plain assignment would turn a key named "__proto__" into a prototype change. */
function set(o: JsonObject, k: string, v: Json): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
