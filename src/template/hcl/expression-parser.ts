/**
 * Expressions: HCL's precedence climbing (`||` < `&&` < `== !=` < `< <= > >=` < `+ -` <
 * `* / %`, all left-associative, unary `!`/`-` tighter than any of them, `? :` loosest),
 * postfix traversals and splats, and the bracketed constructors.
 *
 * Nothing here throws: a malformed expression is reported once and replaced by a `null`
 * literal, and each bracketed construct recovers at its own closing bracket (recovery.ts).
 */
import {
  SPLAT_ITEM,
  type BinaryOp,
  type CallExpr,
  type Expr,
  type ForExpr,
  type ObjectExpr,
  type ObjectItem,
  type ParenExpr,
  type TupleExpr,
  type VariableExpr,
} from './ast.js';
import { Cursor, MAX_CHAIN, MAX_NESTING, describe } from './cursor.js';
import { CLOSERS, closeAtCutLine, closerMissing, opening, tooDeep, tooLong, trouble, type Open } from './recovery.js';
import { parseHeredoc, parseQuoted } from './template-parser.js';
import type { Token, TokenKind } from './token.js';

const BINARY: Partial<Record<TokenKind, readonly [number, BinaryOp]>> = {
  Or: [1, '||'],
  And: [2, '&&'],
  EqualEqual: [3, '=='],
  NotEqual: [3, '!='],
  Less: [4, '<'],
  LessEqual: [4, '<='],
  Greater: [4, '>'],
  GreaterEqual: [4, '>='],
  Plus: [5, '+'],
  Minus: [5, '-'],
  Star: [6, '*'],
  Slash: [6, '/'],
  Percent: [6, '%'],
};
const TOP_PRECEDENCE = 6;


export function parseExpr(c: Cursor): Expr {
  if (c.depth >= MAX_NESTING) return tooDeep(c);
  c.depth++;
  try {
    const cond = parseBinary(c, 1);
    if (!c.at('Question')) return cond;
    c.next();
    const then = parseExpr(c);
    if (!c.eat('Colon')) {
      const t = c.peek();
      c.error('syntax', 'Missing ":" in conditional expression', t.range, {
        detail: `A conditional is written cond ? a : b; found ${describe(t)} where ":" was expected.`,
      });
      return { kind: 'Conditional', cond, then, else: c.placeholder(t), range: c.range(cond.range.start, then.range.end) };
    }
    const els = parseExpr(c);
    return { kind: 'Conditional', cond, then, else: els, range: c.range(cond.range.start, els.range.end) };
  } finally {
    c.depth--;
  }
}

function parseBinary(c: Cursor, minPrec: number): Expr {
  let left = parseUnary(c);
  let chain = 0;
  for (;;) {
    const op = BINARY[c.peek().kind];
    if (op === undefined || op[0] < minPrec) return left;
    if (++chain > MAX_CHAIN) return tooLong(c, left);
    c.next();
    const right = op[0] < TOP_PRECEDENCE ? parseBinary(c, op[0] + 1) : parseUnary(c);
    left = { kind: 'Binary', op: op[1], left, right, range: c.range(left.range.start, right.range.end) };
  }
}

function parseUnary(c: Cursor): Expr {
  const t = c.peek();
  if (t.kind !== 'Minus' && t.kind !== 'Bang') return parsePostfix(c, parseTerm(c));
  if (c.depth >= MAX_NESTING) return tooDeep(c);
  c.next();
  c.depth++;
  try {
    const operand = parseUnary(c);
    return { kind: 'Unary', op: t.kind === 'Minus' ? '-' : '!', operand, range: c.range(t.range.start, operand.range.end) };
  } finally {
    c.depth--;
  }
}

/** `.name`, `.0` (legacy index), `[key]`, `.*` and `[*]` after a term. */
function parsePostfix(c: Cursor, expr: Expr): Expr {
  let chain = 0;
  for (;;) {
    const t = c.peek();
    if (t.kind !== 'Dot' && t.kind !== 'OBrack') return expr;
    if (++chain > MAX_CHAIN) return tooLong(c, expr);
    if (t.kind === 'Dot') {
      const n = c.peekSecond();
      if (n.kind === 'Star') {
        expr = parseAttrSplat(c, expr);
        continue;
      }
      const step = parseDotStep(c, expr);
      if (step === undefined) return expr;
      expr = step;
      continue;
    }
    const openIdx = c.peekIndex();
    const open = c.next();
    c.pushNewlines(false);
    if (c.at('Star') && c.peekSecond().kind === 'CBrack') {
      c.next();
      const close = c.next();
      c.popNewlines();
      return parseFullSplat(c, expr, c.range(open.range.start, close.range.end));
    }
    const key = parseExpr(c);
    const close = c.peek();
    if (close.kind === 'CBrack') c.next();
    else if (close.kind !== 'TemplateAbort' && !closeAtCutLine(c, openIdx)) {
      c.error('syntax', 'Missing "]" after index', close.range, {
        detail: `Found ${describe(close)} where the "]" closing the index that starts at line ${open.range.start.line}, column ${open.range.start.column} was expected.`,
      });
    }
    c.popNewlines();
    expr = { kind: 'Index', object: expr, key, range: c.range(expr.range.start, c.prevEnd()) };
  }
}

/** `.name` or `.0` after `expr`; undefined (after reporting) if the dot leads nowhere. */
function parseDotStep(c: Cursor, expr: Expr): Expr | undefined {
  const dot = c.next();
  const n = c.peek();
  if (n.kind === 'Ident') {
    c.next();
    return { kind: 'GetAttr', object: expr, name: n.raw, nameRange: n.range, range: c.range(expr.range.start, n.range.end) };
  }
  if (n.kind === 'Number' && /^\d+$/.test(n.raw)) {
    c.next();
    const key = { kind: 'Literal' as const, value: Number(n.raw), raw: n.raw, range: n.range };
    return { kind: 'Index', object: expr, key, range: c.range(expr.range.start, n.range.end) };
  }
  c.error('syntax', 'Expected an attribute name after "."', n.range, {
    detail: `Found ${describe(n)} after the "." at line ${dot.range.start.line}, column ${dot.range.start.column}.`,
  });
  return undefined;
}

/**
 * `source.*.name`: only attribute steps (and legacy `.0`) belong to each element; anything after
 * them, even `[0]`, applies to the resulting list. That is HCL's (inherited) rule.
 */
function parseAttrSplat(c: Cursor, source: Expr): Expr {
  const dot = c.next();
  const star = c.next();
  const marker = c.range(dot.range.start, star.range.end);
  const item: VariableExpr = { kind: 'Variable', name: SPLAT_ITEM, range: marker };
  let each: Expr = item;
  for (let chain = 0; c.at('Dot') && chain < MAX_CHAIN; chain++) {
    const n = c.peekSecond();
    if (n.kind !== 'Ident' && !(n.kind === 'Number' && /^\d+$/.test(n.raw))) break;
    each = parseDotStep(c, each)!;
  }
  const end = each === item ? star.range.end : each.range.end;
  return { kind: 'Splat', source, each, full: false, range: c.range(source.range.start, end) };
}

/** `source[*].a[0].b`: every following traversal step, splats included, applies to each element. */
function parseFullSplat(c: Cursor, source: Expr, marker: ReturnType<Cursor['range']>): Expr {
  const item: VariableExpr = { kind: 'Variable', name: SPLAT_ITEM, range: marker };
  if (c.depth >= MAX_NESTING) return tooDeep(c);
  c.depth++;
  let each: Expr;
  try {
    each = parsePostfix(c, item);
  } finally {
    c.depth--;
  }
  const end = each === item ? marker.end : each.range.end;
  return { kind: 'Splat', source, each, full: true, range: c.range(source.range.start, end) };
}

function parseTerm(c: Cursor): Expr {
  const t = c.peek();
  switch (t.kind) {
    case 'Number':
      c.next();
      return { kind: 'Literal', value: Number(t.raw), raw: t.raw, range: t.range };
    case 'Ident':
      c.next();
      if (t.raw === 'true' || t.raw === 'false') return { kind: 'Literal', value: t.raw === 'true', range: t.range };
      if (t.raw === 'null') return { kind: 'Literal', value: null, range: t.range };
      if (c.at('OParen')) return parseCall(c, t);
      return { kind: 'Variable', name: t.raw, range: t.range };
    case 'OQuote':
      return parseQuoted(c);
    case 'OHeredoc':
      return parseHeredoc(c);
    case 'OParen':
      return parseParen(c);
    case 'OBrack':
      return parseTuple(c);
    case 'OBrace':
      return parseObject(c);
    case 'TemplateAbort':
      return c.placeholder(t);
    default:
      c.error('syntax', 'Expected an expression', t.range, { detail: `Found ${describe(t)} where a value was expected.` });
      return c.placeholder(t);
  }
}

function parseParen(c: Cursor): ParenExpr {
  const o = opening(c, 'parenthesis', 'CParen');
  const open = c.next();
  c.pushNewlines(false);
  const expr = parseExpr(c);
  if (!c.eat('CParen') && trouble(c, o, '")"')) c.eat('CParen');
  c.popNewlines();
  return { kind: 'Paren', expr, range: c.range(open.range.start, c.prevEnd()) };
}

function parseCall(c: Cursor, name: Token): CallExpr {
  const o = opening(c, `call to ${name.raw}()`, 'CParen');
  c.next();
  c.pushNewlines(false);
  const args: Expr[] = [];
  let expandFinal = false;
  for (;;) {
    if (c.eat('CParen')) break;
    args.push(parseExpr(c));
    if (c.at('Ellipsis')) {
      c.next();
      expandFinal = true;
      if (c.eat('CParen')) break;
      const t = c.peek();
      c.error('syntax', 'The "..." expansion must come after the last argument', t.range, {
        detail: `Found ${describe(t)} after "..."; only the final argument of ${name.raw}() can be expanded.`,
      });
      if (trouble(c, o, '")"', true)) c.eat('CParen');
      break;
    }
    if (c.eat('Comma')) continue;
    if (c.eat('CParen')) break;
    if (trouble(c, o, '"," or ")"')) c.eat('CParen');
    break;
  }
  c.popNewlines();
  return {
    kind: 'Call',
    name: name.raw,
    nameRange: name.range,
    args,
    expandFinal,
    range: c.range(name.range.start, c.prevEnd()),
  };
}

function parseTuple(c: Cursor): TupleExpr | ForExpr {
  const o = opening(c, 'list', 'CBrack');
  const open = c.next();
  c.pushNewlines(false);
  try {
    if (isForStart(c)) return parseFor(c, { ...o, what: 'list "for" expression' });
    const items: Expr[] = [];
    for (;;) {
      if (c.eat('CBrack')) break;
      items.push(parseExpr(c));
      if (c.eat('Comma')) continue;
      if (c.eat('CBrack')) break;
      if (trouble(c, o, '"," or "]"')) c.eat('CBrack');
      break;
    }
    return { kind: 'Tuple', items, range: c.range(open.range.start, c.prevEnd()) };
  } finally {
    c.popNewlines();
  }
}

function parseObject(c: Cursor): ObjectExpr | ForExpr {
  const o = opening(c, 'object', 'CBrace');
  const open = c.next();
  c.pushNewlines(true);
  try {
    while (c.eat('Newline'));
    if (isForStart(c)) {
      c.pushNewlines(false);
      try {
        return parseFor(c, { ...o, what: 'object "for" expression' });
      } finally {
        c.popNewlines();
      }
    }
    const items: ObjectItem[] = [];
    for (;;) {
      while (c.eat('Newline'));
      if (c.eat('CBrace')) break;
      const t = c.peek();
      if (t.kind === 'EOF' || t.kind === 'TemplateAbort' || CLOSERS.has(t.kind)) {
        if (trouble(c, o, '"}"', false, o.idx + 1, true)) c.eat('CBrace');
        break;
      }
      const failures = c.failures;
      const item = parseObjectItem(c);
      if (c.failures > failures && closerMissing(c, o, o.idx + 1, c.peekIndex(), true)) break;
      items.push(item);
      if (closeAtCutLine(c, o.idx)) break;
      if (c.eat('Comma') || c.at('Newline')) continue;
      if (c.eat('CBrace')) break;
      // Junk right after a good item is just junk, unless the file ends here.
      const atEnd = c.at('EOF');
      if (trouble(c, o, 'a comma, a line break or "}"', false, atEnd ? o.idx + 1 : c.peekIndex(), atEnd)) c.eat('CBrace');
      break;
    }
    return { kind: 'Object', items, range: c.range(open.range.start, c.prevEnd()) };
  } finally {
    c.popNewlines();
  }
}

function parseObjectItem(c: Cursor): ObjectItem {
  const key = parseExpr(c);
  const sep = c.peek();
  if (sep.kind !== 'Equal' && sep.kind !== 'Colon') {
    c.error('syntax', 'Missing "=" after object key', sep.range, {
      detail: `Found ${describe(sep)} where "=" (or ":") was expected between an object key and its value.`,
    });
    return { key, value: c.placeholder(sep), separator: '=', range: key.range };
  }
  c.next();
  const value = parseExpr(c);
  return { key, value, separator: sep.kind === 'Equal' ? '=' : ':', range: c.range(key.range.start, value.range.end) };
}

/** As in HCL, `for` first inside `[` or `{` always starts a for expression, even `{ for = 1 }`. */
function isForStart(c: Cursor): boolean {
  const t = c.peek();
  return t.kind === 'Ident' && t.raw === 'for';
}

/** `for k, v in coll : ...` up to and including the closing bracket. Newlines are off. */
function parseFor(c: Cursor, o: Open): ForExpr {
  c.next(); // for
  const isObject = o.closer === 'CBrace';
  const open = o.tok;
  let keyVar: string | undefined;
  let valueVar = '';
  const bail = (expected: string): ForExpr => {
    const t = c.peek();
    c.error('syntax', `Invalid ${o.what}`, t.range, { detail: `Expected ${expected}, found ${describe(t)}.` });
    if (trouble(c, o, '', true)) c.eat(o.closer);
    const placeholder = c.placeholder(t);
    return { kind: 'For', valueVar, collection: placeholder, valueExpr: placeholder, group: false, range: c.range(open.range.start, c.prevEnd()) };
  };
  const first = c.peek();
  if (first.kind !== 'Ident') return bail('a variable name after "for"');
  c.next();
  valueVar = first.raw;
  if (c.eat('Comma')) {
    const v = c.peek();
    if (v.kind !== 'Ident') return bail('the value variable name after ","');
    c.next();
    keyVar = valueVar;
    valueVar = v.raw;
  }
  const inTok = c.peek();
  if (inTok.kind !== 'Ident' || inTok.raw !== 'in') return bail('"in" after the variable names');
  c.next();
  const collection = parseExpr(c);
  if (!c.eat('Colon')) return bail('":" after the collection');
  let keyExpr: Expr | undefined;
  if (isObject) {
    keyExpr = parseExpr(c);
    if (!c.eat('FatArrow')) return bail('"=>" between the key and the value');
  }
  const valueExpr = parseExpr(c);
  const group = isObject && c.eat('Ellipsis') !== undefined;
  let cond: Expr | undefined;
  const ifTok = c.peek();
  if (ifTok.kind === 'Ident' && ifTok.raw === 'if') {
    c.next();
    cond = parseExpr(c);
  }
  if (!c.eat(o.closer) && trouble(c, o, isObject ? '"}"' : '"]"')) c.eat(o.closer);
  const node: ForExpr = { kind: 'For', valueVar, collection, valueExpr, group, range: c.range(open.range.start, c.prevEnd()) };
  if (keyVar !== undefined) node.keyVar = keyVar;
  if (keyExpr !== undefined) node.keyExpr = keyExpr;
  if (cond !== undefined) node.cond = cond;
  return node;
}
