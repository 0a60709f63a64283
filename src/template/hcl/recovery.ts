/**
 * Recovery inside bracketed expressions. When a list, object, call or parenthesis meets
 * something it cannot use, the question is whether something is wrong inside it (report it,
 * skip to the closing bracket) or whether its closing bracket is missing altogether, so that
 * what follows is really the next argument or block. Indentation answers that: a line that
 * starts back at the construct's own indentation with `name =` or `type "label" {` was not
 * meant to be inside it.
 *
 * An unterminated string is the other thing that hides closers: it runs to the end of its line,
 * so a `]` or `)` written after it on that line is inside the string (see closeAtCutLine).
 *
 * Also the limits that keep pathological input from overflowing the stack.
 */
import type { Expr } from './ast.js';
import { Cursor, MAX_CHAIN, MAX_NESTING, describe } from './cursor.js';
import type { Token, TokenKind } from './token.js';

export const OPENERS: ReadonlySet<TokenKind> = new Set(['OParen', 'OBrack', 'OBrace', 'OQuote', 'OHeredoc', 'TemplateInterp', 'TemplateControl']);
export const CLOSERS: ReadonlySet<TokenKind> = new Set(['CParen', 'CBrack', 'CBrace', 'CQuote', 'CHeredoc', 'TemplateSeqEnd', 'TemplateAbort']);

/** A bracketed construct being parsed, for recovery: where it opened and what it needs. */
export interface Open {
  tok: Token;
  idx: number;
  /** c.diags.length when it opened. */
  diags: number;
  what: string;
  closer: TokenKind;
}

export function opening(c: Cursor, what: string, closer: TokenKind): Open {
  const idx = c.peekIndex();
  return { tok: c.toks[idx]!, idx, diags: c.diags.length, what, closer };
}

/**
 * The next token inside a bracketed construct is neither a separator nor its closer. Either
 * the closer is missing (see closerMissing), or something is wrong inside, which is reported
 * and skipped up to the closer. Returns true if the caller should now consume the closer.
 */
export function trouble(c: Cursor, o: Open, expected: string, alreadyReported = false, from = o.idx + 1, deeperFirst = false): boolean {
  const j = c.peekIndex();
  const t = c.toks[j]!;
  if (t.kind === 'TemplateAbort' || closeAtCutLine(c, o.idx)) return false;
  if (closerMissing(c, o, from, j, deeperFirst)) return false;
  if (t.kind === 'EOF') {
    unclosed(c, o, t);
    return false;
  }
  if (!alreadyReported) {
    c.error('syntax', `Expected ${expected}`, t.range, {
      detail: `Found ${describe(t)} in the ${o.what} that starts at line ${o.tok.range.start.line}, column ${o.tok.range.start.column}.`,
    });
  }
  skipToCloser(c, o);
  return c.at(o.closer);
}

/**
 * Whether the bracket at openIdx was opened on a line that an unterminated string cut short just
 * before the next token, with the bracket's closer in the string's text: `cmds = ["echo last]`.
 * The closer was written, the string took it in; so the bracket counts as closed at the line
 * end, with nothing more to report (the string already was). If so, moves back to that line end,
 * for the enclosing construct, and returns true. Without the closer in the string, the bracket
 * may well go on over the next lines (`["a` then `"b"]`), and the usual recovery applies.
 */
export function closeAtCutLine(c: Cursor, openIdx: number): boolean {
  let k = c.peekIndex() - 1;
  while (k > openIdx && c.toks[k]!.kind === 'Newline') k--;
  const cut = c.toks[k]!;
  if (k <= openIdx || cut.kind !== 'TemplateAbort' || cut.closes !== 'template') return false;
  const open = c.toks[openIdx]!;
  if (cut.range.start.line !== open.range.start.line) return false;
  const closer = open.kind === 'OParen' ? ')' : open.kind === 'OBrace' ? '}' : ']';
  for (let j = k - 1; j > openIdx; j--) {
    const t = c.toks[j]!;
    if (t.kind === 'QuotedLit' && t.raw.includes(closer)) {
      c.i = k + 1;
      return true;
    }
  }
  return false;
}

/**
 * Looks for where the closer of `o` was forgotten: the first line, among tokens from..to and
 * outside nested brackets, that starts at or left of the indentation of the line that opened
 * `o`, with what looks like the next argument or block (or, as the last token, a "}"). If there
 * is one, the diagnostics reported from there on are echoes: they are dropped, the missing
 * closer is reported, the cursor goes back to the line end before it and this returns true.
 * With `deeperFirst`, such a line counts only after some line indented deeper than `o`'s,
 * since an object's items may legitimately sit at its own indentation.
 */
export function closerMissing(c: Cursor, o: Open, from: number, to: number, deeperFirst = false): boolean {
  const indent = c.lineIndent(o.idx);
  const openLine = o.tok.range.start.line;
  let depth = 0;
  let deeper = !deeperFirst;
  for (let k = from; k <= to; k++) {
    const t = c.toks[k]!;
    const lineStart = depth === 0 && c.startsLine(k) && t.range.start.line > openLine;
    if (lineStart && t.range.start.column > indent) deeper = true;
    if (
      lineStart &&
      deeper &&
      t.range.start.column <= indent &&
      (t.kind === 'CBrace' ? k === to : c.looksLikeItemStart(k))
    ) {
      c.dropDiagnosticsFrom(o.diags, t.range.start.offset);
      c.i = k;
      c.backOverNewlines();
      unclosed(c, o, t);
      return true;
    }
    if (OPENERS.has(t.kind)) depth++;
    else if (CLOSERS.has(t.kind) && depth > 0) depth--;
  }
  return false;
}

function unclosed(c: Cursor, o: Open, at: Token): void {
  const where = at.kind === 'EOF' ? 'the end of the file' : `line ${at.range.start.line}`;
  const closer = o.closer === 'CParen' ? '")"' : o.closer === 'CBrack' ? '"]"' : '"}"';
  c.error('unclosed-brace', `Missing ${closer} to close the ${o.what}`, o.tok.range, {
    detail: `The ${o.what} that starts here is still open at ${where}.`,
    hint: `Add ${closer} where the ${o.what} should end.`,
  });
  c.recovering = true;
}

/**
 * Skips to the closer of `o` (left unconsumed), over nested brackets. Stops early at a closer
 * of an enclosing construct, at the end of the file, or before a line that starts back at the
 * construct's indentation with what looks like the next argument.
 */
function skipToCloser(c: Cursor, o: Open): void {
  const indent = c.lineIndent(o.idx);
  let depth = 0;
  for (;;) {
    const j = c.i;
    const t = c.toks[j]!;
    if (t.kind === 'EOF') return;
    if (depth === 0) {
      if (CLOSERS.has(t.kind)) return;
      if (c.startsLine(j) && t.range.start.column <= indent && c.looksLikeItemStart(j)) {
        c.backOverNewlines();
        return;
      }
    }
    if (OPENERS.has(t.kind)) depth++;
    else if (CLOSERS.has(t.kind)) depth--;
    c.i++;
  }
}

export function tooDeep(c: Cursor): Expr {
  const t = c.peek();
  c.error('nesting-too-deep', 'Expression nests too deeply', t.range, {
    detail: `Expressions can nest at most ${MAX_NESTING} levels deep.`,
    hint: 'Split the expression up, for example with locals.',
  });
  c.recovering = true;
  skipExpression(c);
  return c.placeholder(t);
}

export function tooLong(c: Cursor, sofar: Expr): Expr {
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
