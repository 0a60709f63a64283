/**
 * Turns character offsets into line/column positions. Offsets are UTF-16 indexes (what
 * `String.prototype.slice` takes), columns count user-visible code points, so a character outside
 * the Basic Multilingual Plane (an emoji) is one column but two offsets.
 */
import type { Pos } from '../diagnostics.js';

export class LineIndex {
  /** Offset at which each line starts; lineStarts[0] is 0. */
  private readonly lineStarts: number[] = [0];
  /** Offsets of the second half of every surrogate pair, ascending; empty for most files. */
  private readonly lowSurrogates: number[] = [];
  /** The line of the previous lookup: lookups are mostly in ascending order. */
  private cursor = 0;

  constructor(text: string) {
    let i = text.indexOf('\n');
    while (i !== -1) {
      this.lineStarts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    if (/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(text)) {
      const re = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) this.lowSurrogates.push(m.index + 1);
    }
  }

  pos(offset: number): Pos {
    const line = this.lineOf(offset);
    const start = this.lineStarts[line]!;
    let column = offset - start + 1;
    if (this.lowSurrogates.length > 0) column -= this.countBetween(start, offset);
    return { line: line + 1, column, offset };
  }

  /** 0-based index of the line holding `offset`. */
  private lineOf(offset: number): number {
    const starts = this.lineStarts;
    let c = this.cursor;
    if (starts[c]! <= offset && (c + 1 >= starts.length || starts[c + 1]! > offset)) return c;
    if (c + 1 < starts.length && starts[c + 1]! <= offset && (c + 2 >= starts.length || starts[c + 2]! > offset)) {
      this.cursor = c + 1;
      return c + 1;
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    c = lo;
    this.cursor = c;
    return c;
  }

  /** Low surrogates in [from, to): each makes the column one less than the offset suggests. */
  private countBetween(from: number, to: number): number {
    return lowerBound(this.lowSurrogates, to) - lowerBound(this.lowSurrogates, from);
  }
}

function lowerBound(xs: number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
