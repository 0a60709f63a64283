/**
 * Expressions: HCL's precedence climbing (`||` < `&&` < `== !=` < `< <= > >=` < `+ -` <
 * `* / %`, all left-associative, unary `!`/`-` tighter than any of them, `? :` loosest),
 * postfix traversals and splats, and the bracketed constructors.
 *
 * Nothing here throws: a malformed expression is reported once and replaced by a `null`
 * literal, and each bracketed construct recovers at its own closing bracket.
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
import { Cursor, MAX_CHAIN, MAX_NESTING, describe, type Snapshot } from './cursor.js';
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

const OPENERS: ReadonlySet<TokenKind> = new Set(['OParen', 'OBrack', 'OBrace', 'OQuote', 'OHeredoc', 'TemplateInterp', 'TemplateControl']);
const CLOSERS: ReadonlySet<TokenKind> = new Set(['CParen', 'CBrack', 'CBrace', 'CQuote', 'CHeredoc', 'TemplateSeqEnd', 'TemplateAbort']);

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
    else if (close.kind !== 'TemplateAbort') {
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
  const openIdx = c.peekIndex();
  const open = c.next();
  c.pushNewlines(false);
  const expr = parseExpr(c);
  if (!c.eat('CParen') && trouble(c, open, openIdx, undefined, 'parenthesis', 'CParen', '")"')) c.eat('CParen');
  c.popNewlines();
  return { kind: 'Paren', expr, range: c.range(open.range.start, c.prevEnd()) };
}

function parseCall(c: Cursor, name: Token): CallExpr {
  const openIdx = c.peekIndex();
  const open = c.next();
  c.pushNewlines(false);
  const args: Expr[] = [];
  let expandFinal = false;
  for (;;) {
    if (c.eat('CParen')) break;
    const item = itemStart(c);
    args.push(parseExpr(c));
    if (c.at('Ellipsis')) {
      c.next();
      expandFinal = true;
      if (c.eat('CParen')) break;
      const t = c.peek();
      c.error('syntax', 'The "..." expansion must come after the last argument', t.range, {
        detail: `Found ${describe(t)} after "..."; only the final argument of ${name.raw}() can be expanded.`,
      });
      if (trouble(c, open, openIdx, item, 'call', 'CParen', '")"', true)) c.eat('CParen');
      break;
    }
    if (c.eat('Comma')) continue;
    if (c.eat('CParen')) break;
    if (trouble(c, open, openIdx, item, `call to ${name.raw}()`, 'CParen', '"," or ")"')) c.eat('CParen');
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
  const openIdx = c.peekIndex();
  const open = c.next();
  c.pushNewlines(false);
  try {
    if (isForStart(c)) return parseFor(c, open, openIdx, 'CBrack');
    const items: Expr[] = [];
    for (;;) {
      if (c.eat('CBrack')) break;
      const item = itemStart(c);
      items.push(parseExpr(c));
      if (c.eat('Comma')) continue;
      if (c.eat('CBrack')) break;
      if (trouble(c, open, openIdx, item, 'list', 'CBrack', '"," or "]"')) c.eat('CBrack');
      break;
    }
    return { kind: 'Tuple', items, range: c.range(open.range.start, c.prevEnd()) };
  } finally {
    c.popNewlines();
  }
}

function parseObject(c: Cursor): ObjectExpr | ForExpr {
  const openIdx = c.peekIndex();
  const open = c.next();
  c.pushNewlines(true);
  try {
    while (c.eat('Newline'));
    if (isForStart(c)) {
      c.pushNewlines(false);
      try {
        return parseFor(c, open, openIdx, 'CBrace');
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
        if (trouble(c, open, openIdx, undefined, 'object', 'CBrace', '"}"')) c.eat('CBrace');
        break;
      }
      const start = itemStart(c);
      const failures = c.failures;
      const item = parseObjectItem(c);
      if (c.failures > failures && resemblesNextItem(c, openIdx, start.idx)) {
        // The "item" is really the next argument or block of the enclosing body: the object's
        // closing brace is missing before it.
        c.restore(start.snap);
        unclosed(c, open, 'object', '"}"', c.peek());
        break;
      }
      items.push(item);
      if (c.eat('Comma') || c.at('Newline')) continue;
      if (c.eat('CBrace')) break;
      if (trouble(c, open, openIdx, start, 'object', 'CBrace', 'a comma, a line break or "}"')) c.eat('CBrace');
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
function parseFor(c: Cursor, open: Token, openIdx: number, closer: 'CBrack' | 'CBrace'): ForExpr {
  c.next(); // for
  const isObject = closer === 'CBrace';
  const what = isObject ? 'object "for" expression' : 'list "for" expression';
  const closeText = isObject ? '"}"' : '"]"';
  let keyVar: string | undefined;
  let valueVar = '';
  const bail = (expected: string): ForExpr => {
    const t = c.peek();
    c.error('syntax', `Invalid ${what}`, t.range, { detail: `Expected ${expected}, found ${describe(t)}.` });
    if (trouble(c, open, openIdx, undefined, what, closer, closeText, true)) c.eat(closer);
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
  if (!c.eat(closer)) {
    if (trouble(c, open, openIdx, undefined, what, closer, closeText)) c.eat(closer);
  }
  const node: ForExpr = { kind: 'For', valueVar, collection, valueExpr, group, range: c.range(open.range.start, c.prevEnd()) };
  if (keyVar !== undefined) node.keyVar = keyVar;
  if (keyExpr !== undefined) node.keyExpr = keyExpr;
  if (cond !== undefined) node.cond = cond;
  return node;
}

// ---- recovery ----

/** Where an item of a bracketed construct started, to go back there if it was not an item. */
interface ItemStart {
  idx: number;
  snap: Snapshot;
}

function itemStart(c: Cursor): ItemStart {
  return { idx: c.peekIndex(), snap: c.snapshot() };
}

/**
 * The next token inside a bracketed construct is neither a separator nor its closer. Decides
 * between "the closer is missing" (the trouble starts a new line, back at or left of the
 * construct's indentation, and looks like the next argument or block) and "something is wrong
 * inside", which is reported and skipped up to the closer. Returns true if the caller should
 * now consume the closer (it is next).
 */
function trouble(
  c: Cursor,
  open: Token,
  openIdx: number,
  item: ItemStart | undefined,
  what: string,
  closer: TokenKind,
  expected: string,
  alreadyReported = false,
): boolean {
  const j = c.peekIndex();
  const t = c.toks[j]!;
  if (t.kind === 'TemplateAbort') return false;
  const indent = c.lineIndent(openIdx);
  if (item !== undefined && item.idx !== j && resemblesNextItem(c, openIdx, item.idx)) {
    c.restore(item.snap);
    unclosed(c, open, what, closerText(closer), c.toks[item.idx]!);
    return false;
  }
  if (t.kind === 'EOF' || (c.startsLine(j) && t.range.start.column <= indent && c.looksLikeItemStart(j))) {
    unclosed(c, open, what, closerText(closer), t);
    return false;
  }
  if (!alreadyReported) {
    c.error('syntax', `Expected ${expected}`, t.range, {
      detail: `Found ${describe(t)} in the ${what} that starts at line ${open.range.start.line}, column ${open.range.start.column}.`,
    });
  }
  skipToCloser(c, closer, indent);
  return c.at(closer);
}

function resemblesNextItem(c: Cursor, openIdx: number, itemIdx: number): boolean {
  const t = c.toks[itemIdx]!;
  return (
    c.startsLine(itemIdx) &&
    t.range.start.line > c.toks[openIdx]!.range.start.line &&
    t.range.start.column <= c.lineIndent(openIdx) &&
    c.looksLikeItemStart(itemIdx) &&
    // `}` can legitimately close an object at any indentation.
    t.kind !== 'CBrace'
  );
}

function unclosed(c: Cursor, open: Token, what: string, closer: string, at: Token): void {
  const where = at.kind === 'EOF' ? 'the end of the file' : `line ${at.range.start.line}`;
  c.error('unclosed-brace', `Missing ${closer} to close the ${what}`, open.range, {
    detail: `The ${what} that starts here is still open at ${where}.`,
    hint: `Add ${closer} where the ${what} should end.`,
  });
  c.recovering = true;
}

function closerText(kind: TokenKind): string {
  return kind === 'CParen' ? '")"' : kind === 'CBrack' ? '"]"' : '"}"';
}

/**
 * Skips to this construct's closer (left unconsumed), over nested brackets. Stops early at a
 * closer of an enclosing construct, at the end of the file, or at a line that starts back at
 * the construct's indentation with what looks like the next argument.
 */
function skipToCloser(c: Cursor, closer: TokenKind, indent: number): void {
  let depth = 0;
  for (;;) {
    const j = c.i;
    const t = c.toks[j]!;
    if (t.kind === 'EOF') return;
    if (depth === 0) {
      if (t.kind === closer || CLOSERS.has(t.kind)) return;
      if (c.startsLine(j) && t.range.start.column <= indent && c.looksLikeItemStart(j)) return;
    }
    if (OPENERS.has(t.kind)) depth++;
    else if (CLOSERS.has(t.kind)) depth--;
    c.i++;
  }
}

function tooDeep(c: Cursor): Expr {
  const t = c.peek();
  c.error('nesting-too-deep', 'Expression nests too deeply', t.range, {
    detail: `Expressions can nest at most ${MAX_NESTING} levels deep.`,
    hint: 'Split the expression up, for example with locals.',
  });
  c.recovering = true;
  skipExpression(c);
  return c.placeholder(t);
}

function tooLong(c: Cursor, sofar: Expr): Expr {
  const t = c.peek();
  c.error('nesting-too-deep', 'Expression is too long', t.range, {
    detail: `A chain of operators or attribute accesses can have at most ${MAX_CHAIN} steps.`,
    hint: 'Split the expression up, for example with locals.',
  });
  c.recovering = true;
  skipExpression(c);
  return sofar;
}

/** Skips the rest of the current expression without recursing: up to a separator or closer. */
function skipExpression(c: Cursor): void {
  let depth = 0;
  for (;;) {
    const t = c.toks[c.i]!;
    if (t.kind === 'EOF') return;
    if (depth === 0) {
      if (CLOSERS.has(t.kind) || t.kind === 'Comma') return;
      if (t.kind === 'Newline' && c.newlinesMatter) return;
    }
    if (OPENERS.has(t.kind)) depth++;
    else if (CLOSERS.has(t.kind)) depth--;
    c.i++;
  }
}
