/**
 * The HCL2 native syntax tokenizer (hclsyntax's scanner, re-done by hand).
 *
 * It is a small state machine over a stack of modes: expression mode, and three template modes
 * (quoted string, heredoc, bare template for `templatefile()`). `${`/`%{` push expression mode,
 * and a `}` closes whatever is on top of the stack, which is how `"${ {a = 1} }"` knows which
 * brace ends the interpolation.
 *
 * Errors never stop it: an unterminated string is closed at the end of its line (with a
 * TemplateAbort token so the parser knows), an unterminated heredoc where heredoc-end.ts says the
 * author meant it to end, and bad characters become Invalid tokens. Every character of the input
 * ends up in exactly one token.
 */
import { error, type Diagnostic, type Pos, type Range } from '../diagnostics.js';
import { isDigit, isIdentContinue, isIdentStart } from './chars.js';
import { decodeEscape } from './escapes.js';
import { HeredocEnds, heredocAdvice } from './heredoc-end.js';
import { describeChar, invalidHint } from './invalid-character.js';
import { copyEntry, expressionContinues, type Checkpoint, type Entry } from './lexer-modes.js';
import { LineIndex } from './line-index.js';
import type { Token, TokenKind } from './token.js';

export type LexMode = 'config' | 'template';

export interface LexResult {
  tokens: Token[];
  diagnostics: Diagnostic[];
}

export interface LexOptions {
  /**
   * Emit Whitespace tokens (default true). The parser does without them, and on large files
   * not allocating them is a third of the work; without them the token texts no longer join up
   * to the input.
   */
  whitespace?: boolean;
}

/** `config`: a whole .hcl file; `template`: a bare template, as read by templatefile(). */
export function lex(text: string, filename: string, mode: LexMode = 'config', options: LexOptions = {}): LexResult {
  return new Lexer(text, filename, mode === 'template', options.whitespace ?? true).run();
}

/** After this many re-lexes for unterminated strings, line ends end quoted strings outright. */
const MAX_RETRIES = 8;

const SINGLE: Record<string, TokenKind> = {
  ',': 'Comma', ':': 'Colon', '?': 'Question', '+': 'Plus', '-': 'Minus', '*': 'Star', '%': 'Percent',
  '(': 'OParen', ')': 'CParen', '[': 'OBrack', ']': 'CBrack',
};

type Extra = Pick<Token, 'value' | 'strip' | 'heredoc' | 'closes'>;

class Lexer {
  private readonly tokens: Token[] = [];
  private readonly diags: Diagnostic[] = [];
  private readonly lines: LineIndex;
  private stack: Entry[] = [];
  private pos = 0;
  private lastSig: TokenKind | undefined;
  private retries = 0;
  /**
   * `(` and `[` open in expression mode outside interpolations (those count their own); with the
   * `{` entries on the stack, the brackets open at a heredoc, for heredoc-end.ts.
   */
  private brackets = 0;
  /** `brace` and `quoted` entries on the stack: counted, so that no line end needs to look down a deep stack. */
  private braces = 0;
  private quoted = 0;
  private readonly heredocEnds: HeredocEnds;

  constructor(
    private readonly text: string,
    private readonly filename: string,
    private readonly bare: boolean,
    private readonly whitespace: boolean,
  ) {
    this.lines = new LineIndex(text);
    this.heredocEnds = new HeredocEnds(text);
  }

  run(): LexResult {
    const text = this.text;
    if (this.bare) this.stack.push({ kind: 'bare' });
    else if (text.charCodeAt(0) === 0xfeff) this.emit('Whitespace', 0, 1);
    // Each step consumes input or pops a mode, so this bound is never reached; it only makes
    // "never hangs" something the code states rather than hopes.
    let budget = 16 * (text.length + 16) * (MAX_RETRIES + 1);
    while (budget-- > 0) {
      if (this.pos >= text.length) {
        if (this.retryUnterminatedQuote()) continue;
        this.closeAllAtEof();
        break;
      }
      const top = this.stack[this.stack.length - 1];
      if (top === undefined || top.kind === 'brace' || top.kind === 'interp') this.lexExpression(top);
      else if (top.kind === 'quoted') this.lexQuoted();
      else this.lexTemplateLine(top);
    }
    this.emit('EOF', text.length, text.length);
    return { tokens: this.tokens, diagnostics: this.diags };
  }

  // ---- expression mode ----

  private lexExpression(top: Entry | undefined): void {
    const text = this.text;
    const start = this.pos;
    const c = text.charCodeAt(start);
    const ch = text[start]!;
    switch (ch) {
      case ' ':
      case '\t': {
        let p = start + 1;
        while (p < text.length && (text.charCodeAt(p) === 0x20 || text.charCodeAt(p) === 0x09)) p++;
        this.emit('Whitespace', start, p);
        return;
      }
      case '\n':
        this.lexNewline(top, 1);
        return;
      case '\r':
        if (text[start + 1] === '\n') this.lexNewline(top, 2);
        else this.invalid(start, 1);
        return;
      case '#':
        this.emit('Comment', start, lineEnd(text, start));
        return;
      case '/':
        if (text[start + 1] === '/') this.emit('Comment', start, lineEnd(text, start));
        else if (text[start + 1] === '*') this.blockComment(start);
        else this.emit('Slash', start, start + 1);
        return;
      case '"':
        if (top?.kind === 'interp' && this.closesOuterString(top, start)) return;
        this.emit('OQuote', start, start + 1);
        this.stack.push({ kind: 'quoted', start });
        this.quoted++;
        return;
      case '{':
        this.emit('OBrace', start, start + 1);
        this.stack.push({ kind: 'brace' });
        this.braces++;
        return;
      case '}':
        this.closeBrace(top, start, false);
        return;
      case '~':
        if (text[start + 1] === '}' && top?.kind === 'interp') this.closeBrace(top, start, true);
        else this.invalid(start, 1);
        return;
      case '(':
      case '[':
        if (top?.kind === 'interp') top.parens++;
        else this.brackets++;
        this.emit(SINGLE[ch]!, start, start + 1);
        return;
      case ')':
      case ']':
        if (top?.kind === 'interp') {
          if (top.parens > 0) top.parens--;
        } else if (this.brackets > 0) this.brackets--;
        this.emit(SINGLE[ch]!, start, start + 1);
        return;
      case '<':
        if (text[start + 1] === '<' && this.heredocStart(start)) return;
        if (text[start + 1] === '=') this.emit('LessEqual', start, start + 2);
        else this.emit('Less', start, start + 1);
        return;
      case '>':
        this.emit(text[start + 1] === '=' ? 'GreaterEqual' : 'Greater', start, start + (text[start + 1] === '=' ? 2 : 1));
        return;
      case '=':
        if (text[start + 1] === '=') this.emit('EqualEqual', start, start + 2);
        else if (text[start + 1] === '>') this.emit('FatArrow', start, start + 2);
        else this.emit('Equal', start, start + 1);
        return;
      case '!':
        this.emit(text[start + 1] === '=' ? 'NotEqual' : 'Bang', start, start + (text[start + 1] === '=' ? 2 : 1));
        return;
      case '&':
      case '|':
        if (text[start + 1] === ch) this.emit(ch === '&' ? 'And' : 'Or', start, start + 2);
        else this.invalid(start, 1);
        return;
      case '.':
        if (text[start + 1] === '.' && text[start + 2] === '.') this.emit('Ellipsis', start, start + 3);
        else this.emit('Dot', start, start + 1);
        return;
    }
    const single = SINGLE[ch];
    if (single !== undefined) {
      this.emit(single, start, start + 1);
      return;
    }
    if (isDigit(c)) {
      this.number(start);
      return;
    }
    const cp = text.codePointAt(start)!;
    if (isIdentStart(cp)) {
      let p = start + (cp > 0xffff ? 2 : 1);
      while (p < text.length) {
        const d = text.charCodeAt(p);
        if (d < 0x80) {
          if (!isIdentContinue(d)) break;
          p++;
        } else {
          const dcp = text.codePointAt(p)!;
          if (!isIdentContinue(dcp)) break;
          p += dcp > 0xffff ? 2 : 1;
        }
      }
      this.emit('Ident', start, p);
      return;
    }
    this.invalid(start, cp > 0xffff ? 2 : 1);
  }

  private number(start: number): void {
    const text = this.text;
    let p = start;
    while (isDigit(text.charCodeAt(p))) p++;
    // After a dot only an integer can follow: `foo.0.1` is two legacy index steps, not `0.1`.
    if (this.lastSig !== 'Dot') {
      if (text[p] === '.' && isDigit(text.charCodeAt(p + 1))) {
        p += 2;
        while (isDigit(text.charCodeAt(p))) p++;
      } else if (text[p] === '.' && exponentLength(text, p + 1) > 0) {
        // `1.e5`: HCL takes an empty fraction only when an exponent follows (`1.` is an error).
        p++;
      }
      p += exponentLength(text, p);
    }
    this.emit('Number', start, p);
  }

  private blockComment(start: number): void {
    const end = this.text.indexOf('*/', start + 2);
    if (end === -1) {
      this.diags.push(
        error('syntax', 'Unterminated comment', this.range(start, start + 2), {
          detail: 'This /* comment has no closing */ before the end of the file.',
        }),
      );
      this.emit('Comment', start, this.text.length);
      return;
    }
    this.emit('Comment', start, end + 2);
  }

  private lexNewline(top: Entry | undefined, width: number): void {
    const quoted = this.lowestQuoted();
    if (quoted !== -1) {
      if (top?.kind === 'interp' && this.stack[this.stack.length - 2]?.kind === 'quoted' && !this.interpContinues(top)) {
        this.abortQuotedChain(this.stack.length - 2, this.pos, 'line');
        return;
      }
      const q = this.stack[quoted] as Extract<Entry, { kind: 'quoted' }>;
      if (q.checkpoint === undefined && this.retries < MAX_RETRIES) q.checkpoint = this.checkpoint(quoted);
    } else if (top?.kind === 'interp' && top.parens === 0) {
      const parent = this.stack[this.stack.length - 2];
      if (parent?.kind === 'heredoc' && (this.nextLineIsMarker(this.pos + width, parent.marker) || this.pos >= (parent.cut?.at ?? Infinity))) {
        // `${foo` followed by the closing marker (or where an unterminated heredoc is cut): the
        // `}` is missing, so close the interpolation here and let the heredoc end where the
        // author meant it to.
        this.diags.push(
          error('unterminated-template', 'Unclosed template interpolation', this.range(top.start, top.start + 2), {
            detail: `There is no closing } for this ${top.control ? '%{' : '${'} before the end of the heredoc "${parent.marker}".`,
            hint: 'Add the missing }.',
          }),
        );
        this.stack.pop();
        this.emit('TemplateAbort', this.pos, this.pos, { closes: 'interp' });
        return;
      }
    }
    this.emit('Newline', this.pos, this.pos + width);
  }

  private interpContinues(top: Extract<Entry, { kind: 'interp' }>): boolean {
    if (this.retries >= MAX_RETRIES) return false;
    // A directive (`%{for k, v\n in x}`) has keywords to go on with, so a line break inside one
    // is judged only at the end of the file, by the retry.
    if (top.parens > 0 || top.control) return true;
    return expressionContinues(this.lastSig, this.text, this.pos);
  }

  /**
   * At a `"` inside the `${ }` of a quoted string, as in `["A=${var.a"]`: if nothing after it on
   * its line could end a string or an interpolation (no `"`, `{` or `}`), it cannot open a string
   * that ends on this line. It is the outer string's closing quote, and the `${` is what was left
   * open: report that, close both here, and return true. Read the other way, this quote would
   * open a string running to the end of the line, the outer string would run on into the next
   * line, and neither error would be the real one.
   */
  private closesOuterString(top: Extract<Entry, { kind: 'interp' }>, at: number): boolean {
    if (this.stack[this.stack.length - 2]?.kind !== 'quoted') return false;
    const text = this.text;
    for (let p = at + 1; p < text.length; p++) {
      const ch = text[p];
      if (ch === '\n' || ch === '\r') break;
      if (ch === '"' || ch === '{' || ch === '}') return false;
    }
    const q = this.lines.pos(at);
    this.diags.push(
      error('unterminated-template', 'Unclosed template interpolation', this.range(top.start, top.start + 2), {
        detail: `There is no closing } for this ${top.control ? '%{' : '${'} before the quote at line ${q.line}, column ${q.column}, which ends the string.`,
        hint: 'Add the missing } before the closing quote. To write a literal ${ or %{, double the first character: $${ or %%{.',
      }),
    );
    this.stack.pop();
    this.emit('TemplateAbort', at, at, { closes: 'interp' });
    this.emit('CQuote', at, at + 1);
    this.stack.pop();
    this.quoted--;
    return true;
  }

  private closeBrace(top: Entry | undefined, start: number, strip: boolean): void {
    const end = start + (strip ? 2 : 1);
    if (top?.kind === 'interp') {
      this.stack.pop();
      this.emit('TemplateSeqEnd', start, end, strip ? { strip: true } : undefined);
      return;
    }
    if (top?.kind === 'brace') {
      this.stack.pop();
      this.braces--;
    }
    this.emit('CBrace', start, end);
  }

  /** `<<EOT` / `<<-EOT` then a line end; false if this is not a heredoc after all. */
  private heredocStart(start: number): boolean {
    const text = this.text;
    let p = start + 2;
    const indented = text[p] === '-';
    if (indented) p++;
    const cp = text.codePointAt(p);
    if (cp === undefined || !isIdentStart(cp)) return false;
    const markerStart = p;
    p += cp > 0xffff ? 2 : 1;
    while (p < text.length && isIdentContinue(text.codePointAt(p)!)) p += text.codePointAt(p)! > 0xffff ? 2 : 1;
    const marker = text.slice(markerStart, p);
    let q = p;
    while (text[q] === ' ' || text[q] === '\t') q++;
    const nl = text[q] === '\n' ? 1 : text[q] === '\r' && text[q + 1] === '\n' ? 2 : q >= text.length ? 0 : -1;
    if (nl === -1) return false;
    if (q > p) {
      this.diags.push(
        error('syntax', 'Extra characters after heredoc marker', this.range(p, q), {
          detail: `The line that opens a heredoc must end right after <<${indented ? '-' : ''}${marker}.`,
          hint: 'Remove the trailing spaces.',
        }),
      );
    }
    this.emit('OHeredoc', start, q + nl, { heredoc: { marker, indented } });
    const entry: Extract<Entry, { kind: 'heredoc' }> = { kind: 'heredoc', start, headerEnd: p, marker, atLineStart: true };
    const textStart = q + nl;
    if (!this.heredocEnds.hasMarkerLine(marker, textStart)) {
      entry.cut = this.heredocEnds.cut(textStart, marker, this.indentation(start), this.braces + this.brackets);
    }
    this.stack.push(entry);
    return true;
  }

  /** Width of the spaces and tabs that start the line holding offset `at`. */
  private indentation(at: number): number {
    const text = this.text;
    const start = text.lastIndexOf('\n', at - 1) + 1;
    let p = start;
    while (text[p] === ' ' || text[p] === '\t') p++;
    return p - start;
  }

  private nextLineIsMarker(p: number, marker: string): boolean {
    const text = this.text;
    while (text[p] === ' ' || text[p] === '\t') p++;
    if (!text.startsWith(marker, p)) return false;
    p += marker.length;
    while (text[p] === ' ' || text[p] === '\t') p++;
    return p >= text.length || text[p] === '\n' || (text[p] === '\r' && text[p + 1] === '\n');
  }

  // ---- template modes ----

  private lexQuoted(): void {
    const text = this.text;
    const start = this.pos;
    let p = start;
    let value = '';
    let chunk = p;
    for (;;) {
      if (p >= text.length || text[p] === '\n' || text[p] === '\r') {
        value += text.slice(chunk, p);
        if (p > start) this.emit('QuotedLit', start, p, { value });
        this.abortQuotedChain(this.stack.length - 1, p, p >= text.length ? 'eof' : 'line');
        return;
      }
      const ch = text[p];
      if (ch === '"') {
        value += text.slice(chunk, p);
        if (p > start) this.emit('QuotedLit', start, p, { value });
        this.emit('CQuote', p, p + 1);
        this.stack.pop();
        this.quoted--;
        return;
      }
      if (ch === '\\') {
        value += text.slice(chunk, p);
        const esc = decodeEscape(text, p);
        if (!esc.ok) {
          this.diags.push(
            error('invalid-escape', 'Invalid escape sequence', this.range(p, p + esc.length), {
              detail: esc.detail,
              hint: 'To write a backslash itself, double it: \\\\',
            }),
          );
        }
        value += esc.value;
        p += esc.length;
        chunk = p;
        continue;
      }
      if ((ch === '$' || ch === '%') && text[p + 1] === '{') {
        value += text.slice(chunk, p);
        if (p > start) this.emit('QuotedLit', start, p, { value });
        this.openInterp(p, ch === '%');
        return;
      }
      if ((ch === '$' || ch === '%') && text[p + 1] === ch && text[p + 2] === '{') {
        value += text.slice(chunk, p) + ch + '{';
        p += 3;
        chunk = p;
        continue;
      }
      p++;
    }
  }

  /** One line (or less, up to the next `${`/`%{`) of a heredoc or bare template. */
  private lexTemplateLine(top: Extract<Entry, { kind: 'heredoc' } | { kind: 'bare' }>): void {
    const text = this.text;
    const start = this.pos;
    if (top.kind === 'heredoc' && top.atLineStart) {
      top.atLineStart = false;
      if (this.nextLineIsMarker(start, top.marker)) {
        let p = start;
        while (text[p] === ' ' || text[p] === '\t') p++;
        p += top.marker.length;
        while (text[p] === ' ' || text[p] === '\t') p++;
        this.emit('CHeredoc', start, p);
        this.stack.pop();
        return;
      }
    }
    // An unterminated heredoc stops where heredoc-end.ts cut it, or right here if an
    // interpolation already ran past that point.
    const limit = top.kind === 'heredoc' && top.cut !== undefined ? Math.max(top.cut.at, start) : text.length;
    let p = start;
    let value = '';
    let chunk = p;
    for (;;) {
      if (p >= limit) {
        value += text.slice(chunk, p);
        if (p > start) this.emit('StringLit', start, p, { value });
        if (top.kind === 'heredoc') this.abortQuotedChain(this.stack.length - 1, p, p >= text.length ? 'eof' : 'line');
        else this.stack.pop();
        return;
      }
      const ch = text[p];
      if (ch === '\r' && text[p + 1] !== '\n') {
        // HCL ends lines with LF or CRLF only; a lone CR stays in the text but is reported.
        this.diags.push(
          error('invalid-character', 'Invalid character U+000D', this.range(p, p + 1), {
            detail: 'A carriage return must be followed by a line feed.',
          }),
        );
      }
      if (ch === '\n') {
        p++;
        this.emit('StringLit', start, p, { value: value + text.slice(chunk, p) });
        if (top.kind === 'heredoc') top.atLineStart = true;
        return;
      }
      if ((ch === '$' || ch === '%') && text[p + 1] === '{') {
        value += text.slice(chunk, p);
        if (p > start) this.emit('StringLit', start, p, { value });
        this.openInterp(p, ch === '%');
        return;
      }
      if ((ch === '$' || ch === '%') && text[p + 1] === ch && text[p + 2] === '{') {
        value += text.slice(chunk, p) + ch + '{';
        p += 3;
        chunk = p;
        continue;
      }
      p++;
    }
  }

  private openInterp(p: number, control: boolean): void {
    const strip = this.text[p + 2] === '~';
    this.emit(control ? 'TemplateControl' : 'TemplateInterp', p, p + (strip ? 3 : 2), strip ? { strip: true } : undefined);
    this.stack.push({ kind: 'interp', start: p, control, parens: 0 });
  }

  // ---- giving up on unterminated templates ----

  /**
   * Closes the template at stack[index] and everything opened inside it, at `at`, reporting it
   * once. `why` says whether a line end or the end of the file cut it short.
   */
  private abortQuotedChain(index: number, at: number, why: 'line' | 'eof'): void {
    const entry = this.stack[index]!;
    const openInterp = this.stack.slice(index + 1).find((e) => e.kind === 'interp');
    if (entry.kind === 'quoted') {
      // `"${foo("a)}`: the inner string and the outer one are cut at the same line end; report
      // only the outer one, where the trouble starts. (`"${var.a"`, where the inner quote was
      // really the outer one's end, never gets here: see closesOuterString.)
      const prev = this.lastQuoteAbort;
      if (prev !== undefined && prev.at === at && this.diags[this.diags.length - 1] === prev.diag) this.diags.pop();
      const where = why === 'eof' ? 'the end of the file' : `the end of line ${this.lines.pos(at).line}`;
      let detail = `This string has no closing quote before ${where}.`;
      if (openInterp?.kind === 'interp') {
        const ip = this.lines.pos(openInterp.start);
        detail += ` The ${openInterp.control ? '%{' : '${'} at line ${ip.line}, column ${ip.column} is not closed either.`;
      }
      const diag = error('unterminated-string', 'Unterminated string', this.range(entry.start, entry.start + 1), {
        detail,
        hint: 'Add the missing ". A quoted string cannot span lines; use a heredoc (<<EOT) for multi-line text.',
      });
      this.diags.push(diag);
      this.lastQuoteAbort = { at, diag };
    } else if (entry.kind === 'heredoc') {
      this.diags.push(
        error(
          'unterminated-heredoc',
          `Unterminated heredoc: no closing "${entry.marker}" line`,
          this.range(entry.start, entry.headerEnd),
          heredocAdvice(entry.marker, entry.cut, at, (offset) => this.lines.pos(offset).line),
        ),
      );
    }
    for (let i = this.stack.length - 1; i >= index; i--) {
      const e = this.stack[i]!;
      if (e.kind === 'brace') this.braces--;
      else if (e.kind === 'interp') this.emit('TemplateAbort', at, at, { closes: 'interp' });
      else if (e.kind === 'quoted' || e.kind === 'heredoc') this.emit('TemplateAbort', at, at, { closes: 'template' });
      if (e.kind === 'quoted') this.quoted--;
    }
    this.stack.length = index;
  }

  private closeAllAtEof(): void {
    const at = this.text.length;
    for (let i = 0; i < this.stack.length; i++) {
      const e = this.stack[i]!;
      if (e.kind === 'quoted' || e.kind === 'heredoc') {
        this.abortQuotedChain(i, at, 'eof');
        return;
      }
      if (e.kind === 'interp' && this.stack[i - 1]?.kind === 'bare') {
        this.diags.push(
          error('unterminated-template', 'Unclosed template interpolation', this.range(e.start, e.start + 2), {
            detail: `There is no closing } for this ${e.control ? '%{' : '${'} before the end of the file.`,
            hint: 'Add the missing }. To write a literal ${ or %{, double the first character: $${ or %%{.',
          }),
        );
        for (let j = this.stack.length - 1; j >= i; j--) {
          const k = this.stack[j]!.kind;
          if (k === 'interp') this.emit('TemplateAbort', at, at, { closes: 'interp' });
          else if (k === 'quoted' || k === 'heredoc') this.emit('TemplateAbort', at, at, { closes: 'template' });
        }
        this.stack.length = i;
        return;
      }
    }
    this.stack.length = 0;
  }

  /** Index of the lowest `quoted` entry, looking down only as far as it. */
  private lowestQuoted(): number {
    let left = this.quoted;
    if (left === 0) return -1;
    for (let i = this.stack.length - 1; i >= 0; i--) if (this.stack[i]!.kind === 'quoted' && --left === 0) return i;
    return -1;
  }

  private checkpoint(index: number): Checkpoint {
    return {
      pos: this.pos,
      tokens: this.tokens.length,
      diags: this.diags.length,
      lastSig: this.lastSig,
      brackets: this.brackets,
      braces: this.braces,
      quoted: this.quoted,
      index,
      from: this.stack.slice(index).map(copyEntry),
    };
  }

  /**
   * At the end of the file with a quoted string still open that went on past a line end: the
   * string was really unterminated on that first line. Go back there, close it, and lex the
   * rest again as ordinary code.
   */
  private retryUnterminatedQuote(): boolean {
    const index = this.lowestQuoted();
    if (index === -1) return false;
    const cp = (this.stack[index] as Extract<Entry, { kind: 'quoted' }>).checkpoint;
    if (cp === undefined) return false;
    this.retries++;
    this.lastEnd = undefined;
    this.tokens.length = cp.tokens;
    this.diags.length = cp.diags;
    this.pos = cp.pos;
    this.lastSig = cp.lastSig;
    this.brackets = cp.brackets;
    this.braces = cp.braces;
    this.quoted = cp.quoted;
    // The entries below the string are as they were at the checkpoint: none of them has been on
    // top since, and only the top entry ever changes.
    this.stack.length = cp.index;
    for (const e of cp.from) this.stack.push(copyEntry(e));
    this.abortQuotedChain(cp.index, cp.pos, 'line');
    return true;
  }

  // ---- helpers ----

  private invalid(start: number, width: number): void {
    const end = start + width;
    const prev = this.tokens[this.tokens.length - 1];
    const prevDiag = this.diags[this.diags.length - 1];
    // A run of bad characters (binary junk, a pasted smart quote) is one problem, not many.
    if (prev?.kind === 'Invalid' && prev.range.end.offset === start && prevDiag?.code === 'invalid-character') {
      this.tokens.pop();
      const first = prev.range.start.offset;
      this.emit('Invalid', first, end);
      prevDiag.range = this.range(first, end);
      prevDiag.summary = 'Invalid characters';
      prevDiag.detail = `These characters cannot appear here: ${JSON.stringify(this.text.slice(first, end))}.`;
      return;
    }
    this.emit('Invalid', start, end);
    const ch = this.text.slice(start, end);
    this.diags.push(error('invalid-character', `Invalid character ${describeChar(ch)}`, this.range(start, end), invalidHint(ch)));
  }

  private emit(kind: TokenKind, start: number, end: number, extra?: Extra): void {
    if (kind === 'Whitespace' && !this.whitespace) {
      this.pos = end;
      return;
    }
    // Every token gets the same fields in the same order (one hidden class for the parser's
    // property reads), and adjacent tokens share their boundary Pos: a 1 MB file has some
    // 300,000 tokens, and allocation is most of the cost of lexing it.
    const tok: Token = {
      kind,
      raw: this.text.slice(start, end),
      range: this.range(start, end),
      value: extra?.value,
      strip: extra?.strip,
      heredoc: extra?.heredoc,
      closes: extra?.closes,
    };
    this.tokens.push(tok);
    if (kind !== 'Whitespace' && kind !== 'Comment' && kind !== 'Newline' && kind !== 'Invalid') this.lastSig = kind;
    this.pos = end;
  }

  private lastEnd: Pos | undefined;
  private lastQuoteAbort: { at: number; diag: Diagnostic } | undefined;

  private range(start: number, end: number): Range {
    const last = this.lastEnd;
    const s = last !== undefined && last.offset === start ? last : this.lines.pos(start);
    const e = end === start ? s : this.lines.pos(end);
    this.lastEnd = e;
    return { filename: this.filename, start: s, end: e };
  }
}

/** Length of an exponent (`e5`, `E-2`) at p, or 0 if there is none. */
function exponentLength(text: string, p: number): number {
  if (text[p] !== 'e' && text[p] !== 'E') return 0;
  let q = p + 1;
  if (text[q] === '+' || text[q] === '-') q++;
  if (!isDigit(text.charCodeAt(q))) return 0;
  while (isDigit(text.charCodeAt(q))) q++;
  return q - p;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  if (nl === -1) return text.length;
  return text[nl - 1] === '\r' ? nl - 1 : nl;
}
