/**
 * The formatter's view of a file: lines of units. A unit is one significant token, one comment,
 * or a whole quoted string or heredoc, kept exactly as written. The formatter never looks inside
 * a string or heredoc: not at its text, not at the spacing inside its `${ }` (hclwrite would
 * tidy that; we leave it to the author), so formatting can never change a string's value.
 */
import type { Token, TokenKind } from '../token.js';

export interface Unit {
  /** Kind of the unit's first token: what it looks like to the unit before it. */
  first: TokenKind;
  /** Kind of its last token: what it looks like to the unit after it. */
  last: TokenKind;
  text: string;
  /** +1 for `{ [ (`, -1 for `} ] )`, 0 otherwise (a string is balanced as a whole). */
  brackets: number;
  /** A `#` or `//` comment, which runs to the end of its line. */
  lineComment: boolean;
  /**
   * A string or heredoc with a line break inside one of its interpolations. hclwrite sees the
   * lines of such an interpolation as lines of their own, so the line holding it is no
   * single-line attribute to align.
   */
  breaksInside: boolean;
}

export interface Line {
  units: Unit[];
  /** The line end as written (`\n` or `\r\n`), or '' on a last line that has none. */
  eol: string;
}

/** Groups a valid file's tokens into lines of units, dropping the whitespace between them. */
export function splitLines(tokens: readonly Token[]): Line[] {
  const lines: Line[] = [];
  let units: Unit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    switch (t.kind) {
      case 'EOF':
        if (units.length > 0) lines.push({ units, eol: '' });
        return lines;
      case 'Whitespace':
        break;
      case 'Newline':
        lines.push({ units, eol: t.raw });
        units = [];
        break;
      case 'OQuote':
      case 'OHeredoc':
        i = takeTemplate(tokens, i, units);
        break;
      case 'Comment': {
        const lineComment = !t.raw.startsWith('/*');
        // Trailing blanks in a line comment are trailing whitespace of the line, not comment text.
        const text = lineComment ? t.raw.replace(/[ \t]+$/, '') : t.raw;
        units.push({ first: 'Comment', last: 'Comment', text, brackets: 0, lineComment, breaksInside: false });
        break;
      }
      default:
        units.push({ first: t.kind, last: t.kind, text: t.raw, brackets: bracketChange(t.kind), lineComment: false, breaksInside: false });
    }
  }
  if (units.length > 0) lines.push({ units, eol: '' });
  return lines;
}

/** From the opening quote or heredoc at `start`, appends the whole template as one unit; returns the index of its last token. */
function takeTemplate(tokens: readonly Token[], start: number, units: Unit[]): number {
  let depth = 0;
  let text = '';
  let breaksInside = false;
  let i = start;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'EOF') {
      i--;
      break;
    }
    // Blanks after a closing heredoc marker are trailing whitespace, not part of the heredoc.
    text += t.kind === 'CHeredoc' ? t.raw.replace(/[ \t]+$/, '') : t.raw;
    if (t.kind === 'OQuote' || t.kind === 'OHeredoc') depth++;
    else if (t.kind === 'CQuote' || t.kind === 'CHeredoc') depth--;
    else if (t.kind === 'Newline') breaksInside = true;
    if (depth === 0) break;
  }
  const last = tokens[Math.min(i, tokens.length - 1)]!.kind;
  units.push({ first: tokens[start]!.kind, last, text, brackets: 0, lineComment: false, breaksInside });
  return i;
}

function bracketChange(kind: TokenKind): number {
  switch (kind) {
    case 'OBrace':
    case 'OBrack':
    case 'OParen':
      return 1;
    case 'CBrace':
    case 'CBrack':
    case 'CParen':
      return -1;
    default:
      return 0;
  }
}
