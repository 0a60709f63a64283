/**
 * Backslash escapes of quoted strings: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`. Heredocs and bare
 * templates have none (a backslash there is just a backslash); all three share `$${` and `%%{`,
 * which the lexer handles itself.
 */

export type EscapeResult =
  | { ok: true; value: string; length: number }
  /** `value` is what the text stands for anyway, so lexing can go on; `length` >= 1. */
  | { ok: false; value: string; length: number; detail: string };

const SIMPLE: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Decodes the escape whose backslash is at `pos`. Never consumes a line end. */
export function decodeEscape(text: string, pos: number): EscapeResult {
  const sel = text[pos + 1];
  if (sel === undefined || sel === '\n' || sel === '\r') {
    return { ok: false, value: '', length: 1, detail: 'A backslash must be followed by an escape character such as n, t or ".' };
  }
  const simple = SIMPLE[sel];
  if (simple !== undefined) return { ok: true, value: simple, length: 2 };
  if (sel === 'u' || sel === 'U') {
    const want = sel === 'u' ? 4 : 8;
    let n = 0;
    while (n < want && isHex(text.charCodeAt(pos + 2 + n))) n++;
    const hex = text.slice(pos + 2, pos + 2 + n);
    if (n < want) {
      return {
        ok: false,
        value: '',
        length: 2 + n,
        detail: `\\${sel} must be followed by exactly ${want} hexadecimal digits.`,
      };
    }
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return {
        ok: false,
        value: '',
        length: 2 + n,
        detail: `U+${hex.toUpperCase()} is not a Unicode character that can be written in UTF-8.`,
      };
    }
    return { ok: true, value: String.fromCodePoint(cp), length: 2 + n };
  }
  const cp = text.codePointAt(pos + 1)!;
  const ch = String.fromCodePoint(cp);
  return {
    ok: false,
    value: ch,
    length: 1 + ch.length,
    detail: `"\\${ch}" is not a valid escape; use \\n, \\r, \\t, \\", \\\\, \\uNNNN or \\UNNNNNNNN.`,
  };
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
