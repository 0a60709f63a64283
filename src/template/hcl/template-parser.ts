/**
 * Templates: quoted strings, heredocs and bare templates (templatefile()).
 *
 * Done in hclsyntax's three passes, because the observable results depend on the order:
 *   1. read a flat list of items (literal text, `${}`, `%{if}`, `%{else}`, ...), applying `~`
 *      strip markers to the neighbouring literal as they are read;
 *   2. for `<<-` heredocs, remove the common indentation of the lines (after stripping, so a
 *      line emptied by `~` does not count);
 *   3. merge adjacent literals and nest the directives into TemplateIf/TemplateFor parts.
 * So TemplateText values are final: escapes decoded, strip markers and heredoc indentation
 * already applied. The `stripLeft`/`stripRight` flags on interpolations only record what was
 * written.
 *
 * A template whose only part is one interpolation (`"${var.list}"`) produces that value itself,
 * not a string: an empty Text part is kept when a literal was present but stripped to nothing
 * (`"${x~} "`) precisely so that case stays distinguishable, as it is in HCL.
 */
import type { Pos, Range } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';
import type { Expr, TemplateExpr, TemplateFor, TemplateIf, TemplatePart } from './ast.js';
import { isSpace, trimLeftSpace, trimRightSpace } from './chars.js';
import { Cursor, MAX_NESTING, describe } from './cursor.js';
import { parseExpr } from './expression-parser.js';
import type { Token } from './token.js';

type Item =
  | { t: 'lit'; value: string; range: Range }
  | { t: 'interp'; expr: Expr; stripLeft: boolean; stripRight: boolean; range: Range }
  | { t: 'if'; cond: Expr; range: Range }
  | { t: 'for'; keyVar?: string; valueVar: string; collection: Expr; range: Range }
  | { t: 'else' | 'endif' | 'endfor'; range: Range };

const DIRECTIVES = ['if', 'for', 'else', 'endif', 'endfor'];

/** At an OQuote: the quoted template up to and including its closing quote. */
export function parseQuoted(c: Cursor): TemplateExpr {
  const open = c.next();
  const items = readItems(c, 'CQuote');
  const end = c.peekRaw();
  if (end.kind === 'CQuote' || (end.kind === 'TemplateAbort' && end.closes === 'template')) c.next();
  return { kind: 'Template', parts: buildParts(c, items), range: c.range(open.range.start, c.prevEnd()) };
}

/** At an OHeredoc: the heredoc up to and including its closing marker. */
export function parseHeredoc(c: Cursor): TemplateExpr {
  const open = c.next();
  const heredoc = open.heredoc ?? { marker: '', indented: false };
  const items = readItems(c, 'CHeredoc');
  const end = c.peekRaw();
  if (end.kind === 'CHeredoc' || (end.kind === 'TemplateAbort' && end.closes === 'template')) c.next();
  if (heredoc.indented) flushIndent(c, items);
  return {
    kind: 'Template',
    parts: buildParts(c, items),
    heredoc: { marker: heredoc.marker, indented: heredoc.indented },
    range: c.range(open.range.start, c.prevEnd()),
  };
}

/** A whole token stream lexed in template mode, up to EOF. */
export function parseBareTemplate(c: Cursor): TemplateExpr {
  const start: Pos = { line: 1, column: 1, offset: 0 };
  const items = readItems(c, 'EOF');
  return { kind: 'Template', parts: buildParts(c, items), range: c.range(start, c.peekRaw().range.end) };
}

// ---- pass 1: items ----

function readItems(c: Cursor, end: 'CQuote' | 'CHeredoc' | 'EOF'): Item[] {
  const items: Item[] = [];
  let trimNext = false;
  let prevIsLiteral = false;
  for (;;) {
    const tok = c.peekRaw();
    if (tok.kind === 'TemplateAbort' && tok.closes === 'interp') {
      c.next(); // an interpolation already closed; cannot happen, but must not stop the loop
      continue;
    }
    if (tok.kind === end || tok.kind === 'EOF' || tok.kind === 'TemplateAbort') return items;
    const trim = trimNext;
    trimNext = false;
    const canTrimPrev = prevIsLiteral;
    prevIsLiteral = false;
    if (tok.kind === 'QuotedLit' || tok.kind === 'StringLit') {
      c.next();
      const value = tok.value ?? tok.raw;
      items.push({ t: 'lit', value: trim ? trimLeftSpace(value) : value, range: tok.range });
      prevIsLiteral = true;
      continue;
    }
    if (tok.kind !== 'TemplateInterp' && tok.kind !== 'TemplateControl') {
      // Cannot happen with tokens from our lexer; skip rather than loop.
      c.next();
      continue;
    }
    if (tok.strip && canTrimPrev) {
      const prev = items[items.length - 1];
      if (prev?.t === 'lit') prev.value = trimRightSpace(prev.value);
    }
    c.next();
    c.pushNewlines(false);
    const item = tok.kind === 'TemplateInterp' ? readInterp(c, tok) : readDirective(c, tok);
    const close = closeSequence(c, tok, item !== undefined);
    c.popNewlines();
    if (close?.strip) trimNext = true;
    if (item === undefined) continue;
    // A %{if} or %{for} that the lexer had to cut off (reported there) opens nothing: its
    // missing %{endif} or %{endfor} would only echo that error.
    if (close === undefined && (item.t === 'if' || item.t === 'for') && c.toks[c.i - 1]?.kind === 'TemplateAbort') continue;
    item.range = c.range(tok.range.start, c.prevEnd());
    if (item.t === 'interp') {
      item.stripLeft = tok.strip === true;
      item.stripRight = close?.strip === true;
    }
    items.push(item);
  }
}

function readInterp(c: Cursor, open: Token): Item {
  const expr = parseExpr(c);
  return { t: 'interp', expr, stripLeft: false, stripRight: false, range: open.range };
}

function readDirective(c: Cursor, open: Token): Item | undefined {
  const kw = c.peek();
  if (kw.kind !== 'Ident' || !DIRECTIVES.includes(kw.raw)) {
    const mean = kw.kind === 'Ident' ? didYouMean(kw.raw, DIRECTIVES) : undefined;
    c.error('syntax', 'Invalid template directive', kw.range, {
      detail: `A %{ sequence must start with if, for, else, endif or endfor; found ${describe(kw)}.`,
      hint: mean ?? 'To write a literal %{, escape it as %%{.',
    });
    return undefined;
  }
  c.next();
  switch (kw.raw) {
    case 'if':
      return { t: 'if', cond: parseExpr(c), range: open.range };
    case 'for':
      return readForDirective(c, open);
    default:
      return { t: kw.raw as 'else' | 'endif' | 'endfor', range: open.range };
  }
}

function readForDirective(c: Cursor, open: Token): Item | undefined {
  const first = c.peek();
  if (first.kind !== 'Ident') return badFor(c, 'a variable name after "for"');
  c.next();
  let keyVar: string | undefined;
  let valueVar = first.raw;
  if (c.eat('Comma')) {
    const second = c.peek();
    if (second.kind !== 'Ident') return badFor(c, 'the value variable name after ","');
    c.next();
    keyVar = valueVar;
    valueVar = second.raw;
  }
  const inTok = c.peek();
  if (inTok.kind !== 'Ident' || inTok.raw !== 'in') return badFor(c, '"in" after the variable names');
  c.next();
  const collection = parseExpr(c);
  const item: Item = { t: 'for', valueVar, collection, range: open.range };
  if (keyVar !== undefined) item.keyVar = keyVar;
  return item;
}

function badFor(c: Cursor, expected: string): undefined {
  const t = c.peek();
  c.error('syntax', 'Invalid %{for} directive', t.range, { detail: `Expected ${expected}, found ${describe(t)}.` });
  return undefined;
}

/**
 * Expects the `}` or `~}` that ends a `${`/`%{` sequence. On anything else, reports it (unless
 * the sequence already failed) and skips to the matching `}`.
 */
function closeSequence(c: Cursor, open: Token, ok: boolean): Token | undefined {
  const t = c.peek();
  if (t.kind === 'TemplateSeqEnd') return c.next();
  if (t.kind === 'TemplateAbort') {
    if (t.closes === 'interp') c.next();
    return undefined;
  }
  if (ok) {
    const what = open.kind === 'TemplateInterp' ? 'interpolation' : 'directive';
    c.error('syntax', `Extra characters after ${what} expression`, t.range, {
      detail: `Expected "}" to close the ${open.raw} at line ${open.range.start.line}, column ${open.range.start.column}, found ${describe(t)}.`,
      hint: 'If this is another language\'s ${...} syntax (a shell variable, say), escape it as $${...}.',
    });
  }
  let depth = 0;
  for (;;) {
    const tok = c.toks[c.i]!;
    if (tok.kind === 'EOF') return undefined;
    if (tok.kind === 'TemplateAbort') {
      if (depth === 0) {
        if (tok.closes === 'interp') c.next();
        return undefined;
      }
      depth--;
    } else if (tok.kind === 'TemplateInterp' || tok.kind === 'TemplateControl') depth++;
    else if (tok.kind === 'TemplateSeqEnd') {
      if (depth === 0) return c.next();
      depth--;
    }
    c.i++;
  }
}

// ---- pass 2: heredoc indentation ----

/**
 * `<<-` heredocs: remove from every line the smallest indentation among the lines. Only literal
 * text at the start of a line is measured and trimmed; a line starting with `${` counts as
 * unindented, and a blank line counts not at all.
 */
function flushIndent(c: Cursor, items: Item[]): void {
  let min = Infinity;
  let atLineStart = true;
  const adjust: Extract<Item, { t: 'lit' }>[] = [];
  for (const item of items) {
    if (atLineStart) {
      atLineStart = false;
      if (item.t === 'lit') {
        const n = leadingSpaces(item.value);
        if (n === item.value.length && item.value.endsWith('\n')) {
          // blank line
        } else {
          min = Math.min(min, countCodePoints(item.value, n));
          adjust.push(item);
        }
      } else {
        min = 0;
      }
    }
    if (item.t === 'lit' && item.value.endsWith('\n')) atLineStart = true;
  }
  if (min === 0 || min === Infinity) return;
  for (const lit of adjust) {
    const units = codeUnitsOf(lit.value, min);
    lit.value = lit.value.slice(units);
    const s = lit.range.start;
    const start: Pos = { line: s.line, column: s.column + min, offset: s.offset + units };
    lit.range = c.range(start, lit.range.end);
  }
}

function leadingSpaces(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

function countCodePoints(s: string, units: number): number {
  let n = 0;
  for (let i = 0; i < units; i++) {
    const c = s.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff)) n++;
  }
  return n;
}

/** UTF-16 length of the first `points` code points of `s`. */
function codeUnitsOf(s: string, points: number): number {
  let i = 0;
  for (let n = 0; n < points && i < s.length; n++) i += s.codePointAt(i)! > 0xffff ? 2 : 1;
  return i;
}

// ---- pass 3: nesting ----

interface Frame {
  item: Extract<Item, { t: 'if' } | { t: 'for' }>;
  then: TemplatePart[];
  else?: TemplatePart[];
}

/** Merges adjacent literals and nests `%{if}`/`%{for}` bodies, without recursion. */
function buildParts(c: Cursor, items: Item[]): TemplatePart[] {
  const root: TemplatePart[] = [];
  const frames: Frame[] = [];
  /** Directives opened past the nesting limit, whose ends must be ignored too. */
  let ignored = 0;
  const target = (): TemplatePart[] => {
    const f = frames[frames.length - 1];
    return f === undefined ? root : (f.else ?? f.then);
  };
  for (const item of items) {
    switch (item.t) {
      case 'lit': {
        const parts = target();
        const last = parts[parts.length - 1];
        if (last?.kind === 'Text') {
          last.value += item.value;
          last.range = c.range(last.range.start, item.range.end);
        } else parts.push({ kind: 'Text', value: item.value, range: item.range });
        break;
      }
      case 'interp':
        target().push({ kind: 'Interp', expr: item.expr, stripLeft: item.stripLeft, stripRight: item.stripRight, range: item.range });
        break;
      case 'if':
      case 'for':
        if (ignored > 0 || c.depth + frames.length >= MAX_NESTING) {
          if (ignored++ === 0) {
            c.error('nesting-too-deep', 'Template directives nest too deeply', item.range, {
              detail: `Template directives can nest at most ${MAX_NESTING} levels deep.`,
            });
          }
          break;
        }
        frames.push({ item, then: [] });
        break;
      case 'else': {
        if (ignored > 0) break;
        const f = frames[frames.length - 1];
        if (f?.item.t === 'if' && f.else === undefined) f.else = [];
        else unexpectedDirective(c, item, f);
        break;
      }
      case 'endif':
      case 'endfor': {
        if (ignored > 0) {
          ignored--;
          break;
        }
        const f = frames[frames.length - 1];
        if (f === undefined || f.item.t !== (item.t === 'endif' ? 'if' : 'for')) {
          unexpectedDirective(c, item, f);
          break;
        }
        frames.pop();
        target().push(closeFrame(c, f, item.range.end));
        break;
      }
    }
  }
  while (frames.length > 0) {
    const f = frames.pop()!;
    const end = f.item.t === 'if' ? 'endif' : 'endfor';
    c.error('unterminated-template', `Missing %{${end}} for this %{${f.item.t}}`, f.item.range, {
      detail: `The template ends before the %{${end}} that closes this %{${f.item.t}}.`,
      hint: `Add %{${end}} where the ${f.item.t === 'if' ? 'conditional' : 'loop'} text ends.`,
    });
    const parts = f.else ?? f.then;
    const end2 = parts.length > 0 ? parts[parts.length - 1]!.range.end : f.item.range.end;
    target().push(closeFrame(c, f, end2));
  }
  return root;
}

function closeFrame(c: Cursor, f: Frame, end: Pos): TemplateIf | TemplateFor {
  const range = c.range(f.item.range.start, end);
  if (f.item.t === 'if') {
    const node: TemplateIf = { kind: 'If', cond: f.item.cond, then: f.then, range };
    if (f.else !== undefined) node.else = f.else;
    return node;
  }
  const node: TemplateFor = { kind: 'For', valueVar: f.item.valueVar, collection: f.item.collection, body: f.then, range };
  if (f.item.keyVar !== undefined) node.keyVar = f.item.keyVar;
  return node;
}

function unexpectedDirective(c: Cursor, item: Item, open: Frame | undefined): void {
  // Found after the whole template was read, so not an echo of an error inside it.
  c.recovering = false;
  const name = `%{${item.t}}`;
  let detail: string;
  if (open === undefined) detail = `There is no ${item.t === 'endfor' ? '%{for}' : '%{if}'} open for this ${name} to belong to.`;
  else {
    const p = open.item.range.start;
    detail =
      item.t === 'else'
        ? `The %{${open.item.t}} at line ${p.line}, column ${p.column} already has its %{else}, or cannot have one.`
        : `The %{${open.item.t}} at line ${p.line}, column ${p.column} must be closed first, with %{end${open.item.t}}.`;
  }
  c.error('syntax', `Unexpected ${name}`, item.range, { detail });
}
