/**
 * HCL2 native syntax parser: the entry points, and bodies (arguments and blocks).
 *
 * Never throws and never stops at the first error: each argument or block that fails is
 * reported and parsing resumes at the next line that can start one, so a file with five
 * mistakes gets five diagnostics. Expressions and templates are parsed by
 * expression-parser.ts and template-parser.ts.
 *
 * What the tree promises its readers (see ast.ts for the node types):
 * - TemplateText values are final: escapes decoded, `~` strip markers and `<<-` indentation
 *   already applied. A template whose parts are exactly one Interp stands for that value
 *   itself, not its string form (HCL's `"${var.list}"` is the list).
 * - Where an expression could not be parsed there is a `null` Literal with an empty range; the
 *   file then has an error diagnostic, so such a tree should not be evaluated for real.
 * - A block that never closes gets an empty closeBraceRange where its body ends: at the end of
 *   the file, or before a line at column 1 that opens a top-level block (see startsTopLevel).
 * - An attribute set twice is reported and kept twice, in order.
 */
import { sortDiagnostics, type Diagnostic, type Pos } from '../diagnostics.js';
import type { Attribute, Block, BlockLabel, Body, BodyItem, Comment, Expr, File, TemplateExpr } from './ast.js';
import { Cursor, MAX_NESTING, describe, unexpected } from './cursor.js';
import { parseExpr } from './expression-parser.js';
import { lex } from './lexer.js';
import { reportUnclosedBlocks } from './unclosed-blocks.js';
import { parseBareTemplate } from './template-parser.js';
import { isTrivia, type Token } from './token.js';
import { TOP_LEVEL_BLOCKS } from './top-level-blocks.js';

export interface ParseResult {
  file: File;
  diagnostics: Diagnostic[];
}

/** Parses one .hcl file. Diagnostics come sorted by position. */
export function parseHcl(text: string, filename: string): ParseResult {
  const { tokens, diagnostics } = lex(text, filename, 'config', { whitespace: false });
  const comments: Comment[] = [];
  const significant: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'Comment') comments.push({ kind: 'Comment', text: t.raw, range: t.range });
    if (!isTrivia(t.kind)) significant.push(t);
  }
  const c = new Cursor(significant, diagnostics, filename);
  const start: Pos = { line: 1, column: 1, offset: 0 };
  const end = tokens[tokens.length - 1]!.range.end;
  let items: BodyItem[] = [];
  const first = significant.find((t) => t.kind !== 'Newline')!;
  if (first.kind === 'OBrace') {
    c.error('json-as-hcl', 'This file looks like JSON, not HCL', first.range, {
      detail: 'It starts with "{". Templates in JSON syntax (.pkr.json) are not supported yet.',
      hint: 'Convert the template to HCL2 native syntax (a .pkr.hcl file); for a legacy Packer JSON template, `packer hcl2_upgrade` does that.',
    });
  } else {
    items = new BodyParser(c).parseItems(undefined).items;
  }
  const body: Body = { kind: 'Body', items, range: c.range(start, end) };
  return { file: { kind: 'File', filename, body, comments }, diagnostics: sortDiagnostics(c.diags) };
}

/** Parses a whole file as a template, as `templatefile()` reads it. */
export function parseTemplate(text: string, filename: string): { template: TemplateExpr; diagnostics: Diagnostic[] } {
  const { tokens, diagnostics } = lex(text, filename, 'template', { whitespace: false });
  const c = new Cursor(tokens.filter((t) => !isTrivia(t.kind)), diagnostics, filename);
  const template = parseBareTemplate(c);
  return { template, diagnostics: sortDiagnostics(c.diags) };
}

/**
 * Parses a standalone expression, such as the value of `--var list='["a", "b"]'` or a
 * variable's `type`. Line breaks are allowed anywhere; anything after the expression is an error.
 */
export function parseExpression(text: string, filename: string): { expr: Expr; diagnostics: Diagnostic[] } {
  const { tokens, diagnostics } = lex(text, filename, 'config', { whitespace: false });
  const c = new Cursor(tokens.filter((t) => !isTrivia(t.kind)), diagnostics, filename);
  c.pushNewlines(false);
  const expr = parseExpr(c);
  const rest = c.peek();
  if (rest.kind !== 'EOF') {
    c.error('syntax', 'Extra characters after the expression', rest.range, {
      detail: `The expression ends before ${describe(rest)}.`,
    });
  }
  return { expr, diagnostics: sortDiagnostics(c.diags) };
}

/** A block being parsed, as its body sees it. */
interface OpenBlock {
  type: Token;
  open: Token;
}

class BodyParser {
  /** Blocks that reached the end of the file, or a top-level block, without their closing brace. */
  private readonly unclosed = new Set<Block>();
  /** Blocks being parsed. */
  private openBlocks = 0;
  /** Index of the token that ends every open block (see startsTopLevel). */
  private stopAt: number | undefined;
  /** For each token index, closing minus opening braces from there to the end; built on demand. */
  private braceSuffix: Int32Array | undefined;

  constructor(private readonly c: Cursor) {}

  /** Items up to the closing brace of `block` (consumed), or to EOF at top level. */
  parseItems(block: OpenBlock | undefined, firstItems: BodyItem[] = []): { items: BodyItem[]; close?: Token } {
    const c = this.c;
    const items = firstItems;
    const attrs = new Map<string, Attribute>();
    for (const item of items) if (item.kind === 'Attribute') attrs.set(item.name, item);
    let unindented = items.some(atColumn1);
    for (;;) {
      c.recovering = false;
      c.resetNewlines();
      const t = c.peekRaw();
      if (t.kind === 'Newline' || t.kind === 'TemplateAbort') {
        c.next();
        continue;
      }
      if (t.kind === 'EOF') return { items };
      if (block !== undefined && (c.i === this.stopAt || (!unindented && this.startsTopLevel()))) {
        this.stopAt = c.i;
        return { items };
      }
      if (t.kind === 'CBrace') {
        if (block !== undefined) return { items, close: c.next() };
        c.error('unexpected-token', 'Unexpected "}"', t.range, {
          detail: 'There is no open block for this brace to close.',
          hint: 'Remove it, or check the braces of the block above.',
        });
        c.next();
        continue;
      }
      if (t.kind !== 'Ident') {
        c.error('unexpected-token', unexpected(t), t.range, {
          detail: 'Expected an argument (name = value) or a block (type "label" { ... }) here.',
        });
        this.skipLine(t.range.start.column);
        continue;
      }
      const item = this.parseItem();
      if (item === undefined) continue;
      if (item.kind === 'Attribute') this.checkDuplicate(attrs, item);
      items.push(item);
      unindented ||= atColumn1(item);
      if (block === undefined && item.kind === 'Block' && this.unclosed.has(item)) {
        const stop = this.stopAt === undefined ? undefined : c.toks[this.stopAt];
        reportUnclosedBlocks(c, item, this.unclosed, stop);
        this.stopAt = undefined;
      }
    }
  }

  /**
   * Whether the next token, inside a block, starts a line at column 1 that opens a top-level
   * block (`build {`), where the braces left in the file cannot close all the blocks open here.
   * Then a `}` is missing and this line is where the author thought the blocks were over: they
   * are closed here, for recovery, so that `build` is read as the top-level block it is, not as
   * one nested in the unclosed block (which would be reported as out of place there). The
   * caller asks only in a block with no item at column 1 yet: in a block written without
   * indentation, column 1 says nothing. The brace count keeps a valid file, however indented,
   * from ever being cut.
   */
  private startsTopLevel(): boolean {
    const c = this.c;
    const j = c.i;
    const t = c.toks[j]!;
    if (t.kind !== 'Ident' || t.range.start.column !== 1 || !TOP_LEVEL_BLOCKS.has(t.raw) || !c.startsLine(j)) return false;
    const n = c.toks[j + 1]!.kind;
    return (n === 'Ident' || n === 'OQuote' || n === 'OBrace') && this.bracesFrom(j) < this.openBlocks;
  }

  private bracesFrom(j: number): number {
    if (this.braceSuffix === undefined) {
      const toks = this.c.toks;
      const suffix = new Int32Array(toks.length + 1);
      for (let k = toks.length - 1; k >= 0; k--) {
        const kind = toks[k]!.kind;
        suffix[k] = suffix[k + 1]! + (kind === 'CBrace' ? 1 : kind === 'OBrace' ? -1 : 0);
      }
      this.braceSuffix = suffix;
    }
    return this.braceSuffix[j]!;
  }

  private checkDuplicate(attrs: Map<string, Attribute>, attr: Attribute): void {
    const first = attrs.get(attr.name);
    if (first === undefined) {
      attrs.set(attr.name, attr);
      return;
    }
    this.c.error('duplicate-attribute', `Duplicate attribute "${attr.name}"`, attr.nameRange, {
      detail: `"${attr.name}" is already set on line ${first.nameRange.start.line}; an attribute can be set only once in a block.`,
      hint: 'Remove one of the two definitions.',
    });
  }

  /** At an identifier: an attribute or a block, with the line end that must follow it. */
  private parseItem(singleLine = false): BodyItem | undefined {
    const c = this.c;
    const name = c.next();
    const after = c.peekRaw();
    let item: BodyItem | undefined;
    if (after.kind === 'Equal') {
      c.next();
      const expr = parseExpr(c);
      item = { kind: 'Attribute', name: name.raw, nameRange: name.range, expr, range: c.range(name.range.start, expr.range.end) };
    } else if (after.kind === 'Ident' || after.kind === 'OQuote' || after.kind === 'OBrace') {
      item = this.parseBlock(name);
      if (item === undefined) return undefined;
      if (this.unclosed.has(item)) return item;
    } else {
      c.error('unexpected-token', `Expected "=" or a block after "${name.raw}"`, after.range, {
        detail: `Found ${describe(after)}. To set an argument write ${name.raw} = value; to open a block write ${name.raw} { ... }.`,
      });
      this.skipLine(name.range.start.column);
      return undefined;
    }
    const end = c.peekRaw();
    if (end.kind === 'Newline' || end.kind === 'EOF' || (end.kind === 'CBrace' && singleLine && item.kind === 'Attribute')) {
      return item;
    }
    // The lexer gave up on a string or heredoc here, or just before: that ended the line.
    if (end.kind === 'TemplateAbort' || c.toks[c.i - 1]?.kind === 'TemplateAbort') return item;
    const what = item.kind === 'Attribute' ? `the value of "${name.raw}"` : `the closing brace of block "${name.raw}"`;
    c.error('unexpected-token', `${unexpected(end)} after ${what}`, end.range, {
      detail:
        item.kind === 'Attribute'
          ? 'An argument ends at the end of its line; put anything that follows on a new line.'
          : 'A block ends at the end of the line of its closing brace; put anything that follows on a new line.',
      hint: singleLine ? 'A block written on one line can hold only one argument; put each argument on its own line.' : undefined,
    });
    this.skipLine(name.range.start.column);
    return item;
  }

  private parseBlock(type: Token): Block | undefined {
    const c = this.c;
    const labels: BlockLabel[] = [];
    for (;;) {
      const t = c.peekRaw();
      if (t.kind === 'Ident') {
        c.next();
        labels.push({ value: t.raw, quoted: false, range: t.range });
      } else if (t.kind === 'OQuote') {
        const label = this.parseLabel();
        if (label !== undefined) labels.push(label);
      } else break;
    }
    const open = c.peekRaw();
    if (open.kind !== 'OBrace') {
      c.error('unexpected-token', `Expected "{" to open block "${type.raw}"`, open.range, {
        detail: `Found ${describe(open)} after the block type and labels.`,
        hint: open.kind === 'Equal' ? 'Block labels are not argument names; an argument is written name = value.' : undefined,
      });
      this.skipLine(type.range.start.column);
      return undefined;
    }
    const openIdx = c.i;
    c.next();
    if (c.depth >= MAX_NESTING) {
      c.error('nesting-too-deep', 'Blocks nest too deeply', open.range, {
        detail: `Blocks can nest at most ${MAX_NESTING} levels deep.`,
      });
      const close = this.skipBraces(openIdx);
      return this.makeBlock(type, labels, open, [], close);
    }
    c.depth++;
    this.openBlocks++;
    try {
      const { items, close } = this.parseBlockBody({ type, open });
      const block = this.makeBlock(type, labels, open, items, close);
      if (close === undefined) this.unclosed.add(block);
      return block;
    } finally {
      c.depth--;
      this.openBlocks--;
    }
  }

  /**
   * After `{`: either a line break and a multi-line body, `}` right away, or the one-line form
   * `name { arg = value }`, which HCL limits to a single argument.
   */
  private parseBlockBody(block: OpenBlock): { items: BodyItem[]; close?: Token } {
    const c = this.c;
    const t = c.peekRaw();
    if (t.kind === 'CBrace') return { items: [], close: c.next() };
    if (t.kind === 'Newline' || t.kind === 'EOF' || t.kind !== 'Ident') return this.parseItems(block);
    const isAttr = c.toks[c.i + 1]!.kind === 'Equal';
    if (!isAttr) {
      c.error('syntax', 'A nested block must start on its own line', t.range, {
        detail: `Block "${block.type.raw}" is opened and given a nested block on the same line.`,
        hint: 'Put a line break after the "{".',
      });
    }
    const item = this.parseItem(true);
    const first = item === undefined ? [] : [item];
    if (c.peekRaw().kind === 'CBrace') return { items: first, close: c.next() };
    if (isAttr && c.peekRaw().kind === 'Newline') {
      c.error('syntax', 'A block opened with an argument on the same line must close on that line', block.open.range, {
        detail: `Block "${block.type.raw}" has an argument right after "{" but does not end with "}" on that line.`,
        hint: 'Put a line break after the "{", or close the block on the same line.',
      });
    }
    return this.parseItems(block, first);
  }

  private parseLabel(): BlockLabel | undefined {
    const c = this.c;
    const open = c.next();
    let value = '';
    let ok = true;
    for (;;) {
      const t = c.peekRaw();
      if (t.kind === 'QuotedLit') {
        value += t.value ?? '';
        c.next();
        continue;
      }
      if (t.kind === 'CQuote') {
        c.next();
        break;
      }
      if (t.kind === 'TemplateInterp' || t.kind === 'TemplateControl') {
        c.error('syntax', 'Block labels cannot contain interpolations', t.range, {
          detail: 'A block label must be a literal string.',
        });
        ok = false;
        this.skipTo('CQuote');
        continue;
      }
      // TemplateAbort (unterminated, already reported) or EOF
      if (t.kind === 'TemplateAbort') c.next();
      break;
    }
    if (!ok) return undefined;
    return { value, quoted: true, range: c.range(open.range.start, c.prevEnd()) };
  }

  private makeBlock(type: Token, labels: BlockLabel[], open: Token, items: BodyItem[], close: Token | undefined): Block {
    const c = this.c;
    const last = items[items.length - 1];
    const end: Pos = close?.range.end ?? last?.range.end ?? open.range.end;
    return {
      kind: 'Block',
      type: type.raw,
      typeRange: type.range,
      labels,
      body: { kind: 'Body', items, range: c.range(open.range.start, end) },
      openBraceRange: open.range,
      closeBraceRange: close?.range ?? c.range(end, end),
      range: c.range(type.range.start, end),
    };
  }

  /**
   * Skips the rest of a broken line. Brackets opened on the way may carry the skip over line
   * ends, but not past a line that starts at or left of `column` with what looks like the next
   * argument or block, nor past a "}" that closes the enclosing block.
   */
  private skipLine(column: number): void {
    const c = this.c;
    let depth = 0;
    for (;;) {
      const t = c.peekRaw();
      if (t.kind === 'EOF') return;
      if (t.kind === 'Newline' && depth <= 0) return;
      if (depth > 0 && c.startsLine(c.i) && t.range.start.column <= column && c.looksLikeItemStart(c.i)) return;
      switch (t.kind) {
        case 'OBrace':
        case 'OBrack':
        case 'OParen':
        case 'OQuote':
        case 'OHeredoc':
        case 'TemplateInterp':
        case 'TemplateControl':
          depth++;
          break;
        case 'CBrace':
          if (depth <= 0) return;
          depth--;
          break;
        case 'CBrack':
        case 'CParen':
        case 'CQuote':
        case 'CHeredoc':
        case 'TemplateSeqEnd':
        case 'TemplateAbort':
          if (depth > 0) depth--;
          break;
      }
      c.i++;
    }
  }

  private skipTo(kind: Token['kind']): void {
    const c = this.c;
    while (c.peekRaw().kind !== kind && c.peekRaw().kind !== 'EOF' && c.peekRaw().kind !== 'TemplateAbort') c.i++;
  }

  /** From the `{` at openIdx, skips to its matching `}` (consumed) without recursing. */
  private skipBraces(openIdx: number): Token | undefined {
    const c = this.c;
    c.i = openIdx + 1;
    let depth = 0;
    for (;;) {
      const t = c.peekRaw();
      if (t.kind === 'EOF') return undefined;
      c.i++;
      if (t.kind === 'OBrace') depth++;
      else if (t.kind === 'CBrace') {
        if (depth === 0) return t;
        depth--;
      }
    }
  }
}

function atColumn1(item: BodyItem): boolean {
  return (item.kind === 'Block' ? item.typeRange : item.nameRange).start.column === 1;
}
