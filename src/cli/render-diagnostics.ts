/**
 * Renders template diagnostics the way compilers do:
 *
 *   templates/app.pkr.hcl:12:5: error: Unsupported argument "mem_size"
 *      12 |     mem_size = 1024
 *         |     ^~~~~~~~
 *     An argument named "mem_size" is not expected here.
 *     hint: Did you mean "memory"?
 *
 * Tabs are expanded and wide characters counted twice so the caret lines up on a terminal.
 */
import type { Diagnostic, Range } from '../template/diagnostics.js';
import { sortDiagnostics } from '../template/diagnostics.js';
import { displayPath } from './resolve-template.js';
import { createStyle, type Style } from './style.js';

export interface RenderContext {
  /** File names in diagnostics are shown relative to this. */
  cwd: string;
  /** Source text by file name, as LoadResult.sources gives it. */
  sources: ReadonlyMap<string, string>;
  style?: Style;
}

const TAB_WIDTH = 4;

/**
 * Past this many diagnostics in one file the rest are counted, not printed: a file that yields
 * thousands of errors is not a template (binary data, the wrong file), and printing them all
 * would bury the first ones, which are the ones that explain it.
 */
export const MAX_PER_FILE = 100;

/** Source lines longer than this are shown as a window around the range. */
const MAX_LINE = 240;

/** Every diagnostic, sorted by file and position, each ending in a newline. */
export function renderDiagnostics(diags: readonly Diagnostic[], ctx: RenderContext): string {
  const lines = new Map<string, string[]>(); // each file split once, not once per diagnostic
  const shown = new Map<string, number>();
  const out: string[] = [];
  for (const d of sortDiagnostics(diags)) {
    const file = d.range?.filename ?? '';
    const n = (shown.get(file) ?? 0) + 1;
    shown.set(file, n);
    if (n <= MAX_PER_FILE) out.push(renderDiagnostic(d, ctx, lines));
  }
  for (const [file, n] of shown) {
    if (n > MAX_PER_FILE) out.push(`... and ${n - MAX_PER_FILE} more in ${displayPath(file, ctx.cwd)} not shown\n`);
  }
  return out.join('');
}

export function renderDiagnostic(d: Diagnostic, ctx: RenderContext, cache = new Map<string, string[]>()): string {
  const style = ctx.style ?? createStyle(false);
  const label = d.severity === 'error' ? style.bold(style.red('error:')) : style.bold(style.yellow('warning:'));
  const where = d.range ? `${style.bold(location(d.range, ctx.cwd))}: ` : '';
  const lines = [`${where}${label} ${style.bold(d.summary)}`];
  if (d.range) {
    const name = d.range.filename;
    let source = cache.get(name);
    if (source === undefined) {
      const text = ctx.sources.get(name);
      if (text !== undefined) cache.set(name, (source = text.split(/\r?\n/)));
    }
    if (source !== undefined) lines.push(...snippet(d.range, source, style));
  }
  if (d.detail) lines.push(...d.detail.split('\n').map((l) => (l === '' ? '' : `  ${l}`)));
  if (d.hint) lines.push(`  ${style.cyan('hint:')} ${d.hint}`);
  return lines.join('\n') + '\n';
}

/** `2 errors in app.pkr.hcl`, `1 error and 1 warning in ...`; undefined when there is nothing. */
export function summarizeDiagnostics(diags: readonly Diagnostic[], subject: string): string | undefined {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  const parts = [];
  if (errors > 0) parts.push(plural(errors, 'error'));
  if (warnings > 0) parts.push(plural(warnings, 'warning'));
  return parts.length === 0 ? undefined : `${parts.join(' and ')} in ${subject}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function location(range: Range, cwd: string): string {
  return `${displayPath(range.filename, cwd)}:${range.start.line}:${range.start.column}`;
}

/**
 * The source lines of a range with carets: `^~~~` from the start to the end of the range on its
 * first line (to the end of that line when the range goes on); a range over several lines also
 * shows its last line underlined with `~`, with `...` standing for the lines between.
 */
function snippet(range: Range, lines: readonly string[], style: Style): string[] {
  const whole = lines[range.start.line - 1];
  if (whole === undefined) return [];
  if (whole.length > MAX_LINE) return longLine(range, whole, style);
  const first = whole;

  // An end at column 1 of a later line is exclusive: the range stops at the end of the line before.
  let endLine = range.end.line;
  let endCol = range.end.column;
  if (endLine > range.start.line && endCol <= 1) {
    endLine--;
    endCol = (lines[endLine - 1]?.length ?? 0) + 1;
  }

  const gutter = String(Math.max(range.start.line, endLine)).length;
  const numbered = (n: number, body: string) => style.dim(`${String(n).padStart(gutter + 2)} | `) + body;
  const marks = (body: string) => style.dim(`${' '.repeat(gutter + 2)} | `) + style.green(body);

  const out: string[] = [];
  const firstCols = visualColumns(first);
  const startIdx = clamp(range.start.column - 1, 0, first.length);
  const endIdx = endLine === range.start.line ? clamp(endCol - 1, startIdx, first.length) : first.length;
  out.push(numbered(range.start.line, firstCols.text));
  out.push(marks(underline(firstCols.cols, startIdx, endIdx, '^')));

  if (endLine > range.start.line) {
    const last = lines[endLine - 1];
    if (last !== undefined) {
      if (endLine - range.start.line > 1) out.push(style.dim(`${' '.repeat(gutter + 2)} | ...`));
      const lastCols = visualColumns(last);
      const from = last.length - last.trimStart().length;
      const to = clamp(endCol - 1, from, last.length);
      out.push(numbered(endLine, lastCols.text));
      if (to > from) out.push(marks(underline(lastCols.cols, from, to, '~')));
    }
  }
  return out;
}

/** A very long line (minified, binary): a window around the start of the range, on its own. */
function longLine(range: Range, line: string, style: Style): string[] {
  const start = clamp(range.start.column - 1, 0, line.length);
  const from = Math.max(0, start - MAX_LINE / 2);
  const window = line.slice(from, from + MAX_LINE);
  const cols = visualColumns(window);
  const prefix = from > 0 ? '…' : '';
  const gutter = String(range.start.line).length;
  const end = range.end.line === range.start.line ? clamp(range.end.column - 1 - from, start - from, window.length) : window.length;
  return [
    style.dim(`${String(range.start.line).padStart(gutter + 2)} | `) + prefix + cols.text + (from + MAX_LINE < line.length ? '…' : ''),
    style.dim(`${' '.repeat(gutter + 2)} | `) + style.green(' '.repeat(prefix.length) + underline(cols.cols, start - from, end, '^')),
  ];
}

/** Spaces up to the start, then the first mark and `~` over the rest (at least one mark). */
function underline(cols: readonly number[], startIdx: number, endIdx: number, firstMark: '^' | '~'): string {
  const pad = cols[startIdx]!;
  const width = Math.max(1, cols[endIdx]! - pad);
  return ' '.repeat(pad) + firstMark + '~'.repeat(width - 1);
}

/**
 * The line with tabs expanded, and for each UTF-16 index (and one past the end) the terminal
 * column it starts at.
 */
export function visualColumns(line: string): { text: string; cols: number[] } {
  const cols: number[] = [];
  let text = '';
  let col = 0;
  for (let i = 0; i < line.length; ) {
    const cp = line.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    for (let k = 0; k < units; k++) cols.push(col);
    if (cp === 0x09) {
      const spaces = TAB_WIDTH - (col % TAB_WIDTH);
      text += ' '.repeat(spaces);
      col += spaces;
    } else {
      text += String.fromCodePoint(cp);
      col += charWidth(cp);
    }
    i += units;
  }
  cols.push(col);
  return { text, cols };
}

/** Terminal cells of a code point: 0 for combining marks, 2 for East Asian wide and emoji. */
function charWidth(cp: number): number {
  if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfe0f) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}
