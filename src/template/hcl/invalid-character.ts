/**
 * How the lexer words a character that cannot start any token: its code point when it is
 * invisible, and a hint for the usual suspects (a single quote, a typographic quote, a lone `&`).
 */

export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || cp === 0xfeff ? hex : `"${ch}" (${hex})`;
}

export function invalidHint(ch: string): { detail?: string; hint?: string } {
  switch (ch) {
    case "'":
      return { hint: 'Strings are written in double quotes: "text".' };
    case '\u201c':
    case '\u201d':
      return { hint: 'This is a typographic quote; use a plain double quote (").' };
    case '&':
      return { hint: 'The logical AND operator is &&.' };
    case '|':
      return { hint: 'The logical OR operator is ||.' };
    case ';':
      return { hint: 'Arguments are separated by line breaks, not semicolons.' };
    case '$':
      return { hint: 'An interpolation ${...} can only appear inside a quoted string or heredoc.' };
    case '~':
      return { hint: 'A ~ strip marker can only appear right after ${ or %{, or right before their closing }.' };
    case '\r':
      return { detail: 'A carriage return must be followed by a line feed.' };
    default:
      return {};
  }
}
