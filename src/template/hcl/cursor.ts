/**
 * The parser's view of the token stream, shared by the body, expression and template parsers:
 * position, whether line breaks currently matter, nesting depth, and the diagnostics so far.
 *
 * Line breaks end arguments and separate object items, but are ignored inside parentheses,
 * brackets, interpolations and `for` expressions; `peek` skips them only when they are ignored,
 * and never consumes anything, so recovery code can still see where a line ended.
 */
import { error, type Diagnostic, type DiagnosticCode, type Pos, type Range } from '../diagnostics.js';
import type { LiteralExpr } from './ast.js';
import type { Token, TokenKind } from './token.js';

/** Nesting deeper than this is reported rather than risking a stack overflow. */
export const MAX_NESTING = 128;
/** Longest chain of `a.b.c...` steps or `a + b + c ...` operands, for the same reason. */
export const MAX_CHAIN = 1024;

export interface Snapshot {
  i: number;
  diags: number;
  recovering: boolean;
}

/** Codes that describe one malformed spot; a second one in the same line or item is noise. */
const CASCADING: ReadonlySet<DiagnosticCode> = new Set(['syntax', 'unexpected-token']);

export class Cursor {
  i = 0;
  depth = 0;
  /** Set after a syntax error until the next body item: later errors there are mostly echoes. */
  recovering = false;
  /** Counts every error, reported or suppressed, so callers can tell whether a part failed. */
  failures = 0;
  private newlines: boolean[] = [true];
  /** How many diagnostics start on each line, to leave a line with an error alone. */
  private readonly errorLines = new Map<number, number>();

  constructor(
    readonly toks: Token[],
    readonly diags: Diagnostic[],
    readonly filename: string,
  ) {
    for (const d of diags) this.countLine(d, 1);
  }

  /** Forgets everything parsed since `snapshot()`, so a part can be parsed again differently. */
  snapshot(): Snapshot {
    return { i: this.i, diags: this.diags.length, recovering: this.recovering };
  }

  /**
   * Rewinds to `s`, and then back over any line breaks before it: a construct that gives up
   * must leave the enclosing argument looking at its line end.
   */
  restore(s: Snapshot): void {
    this.i = s.i;
    this.backOverNewlines();
    while (this.diags.length > s.diags) this.countLine(this.diags.pop()!, -1);
    this.recovering = s.recovering;
  }

  /** Drops the diagnostics reported since diagnostic number `since` that start at or after `offset`. */
  dropDiagnosticsFrom(since: number, offset: number): void {
    const kept: Diagnostic[] = [];
    for (const d of this.diags.splice(since)) {
      if ((d.range?.start.offset ?? -1) >= offset) this.countLine(d, -1);
      else kept.push(d);
    }
    this.diags.push(...kept);
  }

  backOverNewlines(): void {
    while (this.i > 0 && this.toks[this.i - 1]!.kind === 'Newline') this.i--;
  }

  get newlinesMatter(): boolean {
    return this.newlines[this.newlines.length - 1]!;
  }

  pushNewlines(matter: boolean): void {
    this.newlines.push(matter);
  }

  popNewlines(): void {
    if (this.newlines.length > 1) this.newlines.pop();
  }

  /** Back to body level, where line breaks always matter, whatever an error left behind. */
  resetNewlines(): void {
    if (this.newlines.length !== 1) this.newlines = [true];
  }

  /** Index of the next token that matters in the current newline mode. */
  peekIndex(): number {
    let j = this.i;
    if (!this.newlinesMatter) while (this.toks[j]!.kind === 'Newline') j++;
    return j;
  }

  peek(): Token {
    return this.toks[this.peekIndex()]!;
  }

  /** The token after the next one (same newline rules), for one-token lookahead decisions. */
  peekSecond(): Token {
    let j = this.peekIndex();
    if (this.toks[j]!.kind === 'EOF') return this.toks[j]!;
    j++;
    if (!this.newlinesMatter) while (this.toks[j]!.kind === 'Newline') j++;
    return this.toks[j]!;
  }

  /** The very next token, line breaks included. */
  peekRaw(): Token {
    return this.toks[this.i]!;
  }

  next(): Token {
    const j = this.peekIndex();
    const tok = this.toks[j]!;
    if (tok.kind !== 'EOF') this.i = j + 1;
    else this.i = j;
    return tok;
  }

  at(kind: TokenKind): boolean {
    return this.peek().kind === kind;
  }

  /** Consumes the next token if it has this kind. */
  eat(kind: TokenKind): Token | undefined {
    return this.at(kind) ? this.next() : undefined;
  }

  /** The end of the last consumed token. */
  prevEnd(): Pos {
    return this.i > 0 ? this.toks[this.i - 1]!.range.end : this.toks[0]!.range.start;
  }

  /** True if the token at index j is the first token on its line. */
  startsLine(j: number): boolean {
    return j === 0 || this.toks[j - 1]!.kind === 'Newline';
  }

  /** Column of the first token on the line holding token j: that line's indentation. */
  lineIndent(j: number): number {
    while (j > 0 && this.toks[j - 1]!.kind !== 'Newline') j--;
    return this.toks[j]!.range.start.column;
  }

  /** A token that could start an argument (`name =`) or block (`type "label" {`). */
  looksLikeItemStart(j: number): boolean {
    const t = this.toks[j]!;
    if (t.kind === 'CBrace') return true;
    if (t.kind !== 'Ident') return false;
    const n = this.toks[j + 1]!.kind;
    return n === 'Equal' || n === 'Ident' || n === 'OQuote' || n === 'OBrace';
  }

  /**
   * Reports an error, unless it is the echo of one already reported: a syntax error while
   * recovering, on a line that already has one, or at a place where the lexer gave up on an
   * unterminated string. Returns whether it was reported.
   */
  error(code: DiagnosticCode, summary: string, range: Range, extra: { detail?: string; hint?: string } = {}): boolean {
    this.failures++;
    if (CASCADING.has(code)) {
      if (this.recovering || this.errorLines.has(range.start.line)) {
        this.recovering = true;
        return false;
      }
      this.recovering = true;
    }
    const d = error(code, summary, range, extra);
    this.diags.push(d);
    this.countLine(d, 1);
    return true;
  }

  private countLine(d: Diagnostic, delta: number): void {
    if (d.range === undefined) return;
    const line = d.range.start.line;
    const n = (this.errorLines.get(line) ?? 0) + delta;
    if (n > 0) this.errorLines.set(line, n);
    else this.errorLines.delete(line);
  }

  range(start: Pos, end: Pos): Range {
    return { filename: this.filename, start, end };
  }

  /** Stand-in for an expression that could not be parsed; the file has an error anyway. */
  placeholder(at: Token): LiteralExpr {
    return { kind: 'Literal', value: null, range: this.range(at.range.start, at.range.start) };
  }
}

/** How a token reads in a message: `"foo"`, `"="`, `a string`, `the end of the file`. */
export function describe(tok: Token): string {
  switch (tok.kind) {
    case 'EOF':
      return 'the end of the file';
    case 'Newline':
      return 'a line break';
    case 'OQuote':
    case 'TemplateAbort':
      return 'a string';
    case 'OHeredoc':
      return 'a heredoc';
    case 'Number':
      return `the number ${tok.raw}`;
    default:
      return `"${tok.raw}"`;
  }
}

/** `Unexpected string`, `Unexpected "="`, `Unexpected end of file`. */
export function unexpected(tok: Token): string {
  const d = describe(tok);
  return `Unexpected ${d.replace(/^(a|the) /, '')}`;
}
