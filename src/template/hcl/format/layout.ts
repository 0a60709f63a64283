/**
 * hclwrite's formatting passes over lines of units: indentation, spacing within a line, then
 * alignment. Each line splits into up to three cells, as in hclwrite:
 *
 * - lead: everything before the others;
 * - assign: from the `=` of a single-line attribute (or object item) to the end of its value;
 * - comment: a `#` or `//` comment that ends a line with something else on it.
 *
 * The assign cells of consecutive lines line up, and then their comment cells do. Any line
 * without such a cell (a blank line, a comment on its own, a block, a multi-line value) ends
 * the run. Only spaces between units change; units themselves are copied as they are.
 */
import { columnAfter } from './columns.js';
import type { Line, Unit } from './lines.js';
import { spaceAfter } from './spacing.js';

interface Cells {
  /** Index of the unit opening the assign cell, or -1. */
  assign: number;
  /** Index of the comment cell, or -1. */
  comment: number;
  /** Spaces before each unit. */
  spaces: number[];
}

export function layout(lines: readonly Line[]): string {
  const cells = lines.map(splitCells);
  indent(lines, cells);
  for (let i = 0; i < lines.length; i++) spaceWithin(lines[i]!.units, cells[i]!);
  align(lines, cells, 'assign');
  align(lines, cells, 'comment');
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const { units, eol } = lines[i]!;
    const { spaces } = cells[i]!;
    for (let j = 0; j < units.length; j++) out += ' '.repeat(spaces[j]!) + units[j]!.text;
    out += eol;
  }
  return out;
}

function splitCells(line: Line): Cells {
  const units = line.units;
  const spaces = new Array<number>(units.length).fill(0);
  let end = units.length;
  let comment = -1;
  if (end > 1 && units[end - 1]!.lineComment) comment = --end;
  let assign = -1;
  for (let i = 1; i < end; i++) {
    if (units[i]!.first !== 'Equal') continue;
    // Only a value that ends on this line makes an assign cell: `a = [` opens a multi-line one.
    let net = 0;
    let breaks = false;
    for (let j = i; j < end; j++) {
      net += units[j]!.brackets;
      breaks ||= units[j]!.breaksInside;
    }
    if (net === 0 && !breaks) assign = i;
    break;
  }
  return { assign, comment, spaces };
}

/**
 * Two spaces per level, where a level is a line that opens more brackets than it closes. A
 * stack of how many each level opened copes with lines like `}]` or `[[` as hclwrite does.
 */
function indent(lines: readonly Line[], cells: Cells[]): void {
  const levels: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const units = lines[i]!.units;
    if (units.length === 0) continue;
    let net = 0;
    for (const u of units) net += u.brackets;
    if (net > 0) {
      cells[i]!.spaces[0] = 2 * levels.length;
      levels.push(net);
      continue;
    }
    let closed = -net;
    while (closed > 0 && levels.length > 0) {
      const top = levels[levels.length - 1]!;
      if (closed < top) {
        levels[levels.length - 1] = top - closed;
        closed = 0;
      } else {
        levels.pop();
        closed -= top;
      }
    }
    cells[i]!.spaces[0] = 2 * levels.length;
  }
}

/** Spaces between the units of the lead cell and of the assign cell (hclwrite's formatSpaces). */
function spaceWithin(units: readonly Unit[], cells: Cells): void {
  const end = cells.comment === -1 ? units.length : cells.comment;
  const leadEnd = cells.assign === -1 ? end : cells.assign;
  spaceRange(units, cells.spaces, 0, leadEnd);
  if (cells.assign !== -1) {
    cells.spaces[cells.assign] = 1;
    spaceRange(units, cells.spaces, cells.assign, end);
  }
}

function spaceRange(units: readonly Unit[], spaces: number[], from: number, to: number): void {
  for (let i = from; i + 1 < to; i++) {
    const space = spaceAfter(units[i]!, i > from ? units[i - 1] : undefined, units[i + 1]!) || wouldMerge(units, i);
    spaces[i + 1] = space ? 1 : 0;
  }
}

/**
 * `1 .5` (index 5 of the number 1) must not become the number `1.5`. hclwrite has this bug; we
 * keep the space before the dot. After a dot a number is always an integer (`a.0.1`), so only a
 * number that does not follow a dot is at risk.
 */
function wouldMerge(units: readonly Unit[], i: number): boolean {
  return (
    units[i]!.last === 'Number' &&
    units[i + 1]!.first === 'Dot' &&
    units[i + 2]?.first === 'Number' &&
    units[i - 1]?.last !== 'Dot'
  );
}

/** Lines up the assign (or comment) cells of each run of consecutive lines that have one. */
function align(lines: readonly Line[], cells: Cells[], cell: 'assign' | 'comment'): void {
  let start = -1;
  let widest = 0;
  const widths: number[] = [];
  const close = (end: number) => {
    for (let i = start; i < end; i++) {
      const c = cells[i]!;
      c.spaces[c[cell]] = widest - widths[i - start]! + 1;
    }
    start = -1;
    widest = 0;
    widths.length = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const at = cells[i]![cell];
    if (at === -1) {
      if (start !== -1) close(i);
      continue;
    }
    if (start === -1) start = i;
    const width = widthBefore(lines[i]!.units, cells[i]!.spaces, at);
    widths.push(width);
    if (width > widest) widest = width;
  }
  if (start !== -1) close(lines.length);
}

/** The column where unit `at` would start if it had no spaces before it. */
function widthBefore(units: readonly Unit[], spaces: readonly number[], at: number): number {
  let col = 0;
  for (let i = 0; i < at; i++) col = columnAfter(col + spaces[i]!, units[i]!.text);
  return col;
}
