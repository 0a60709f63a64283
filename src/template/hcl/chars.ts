/**
 * Character classes of HCL native syntax. Identifiers follow Unicode UAX #31 (ID_Start then
 * ID_Continue) with two HCL additions: a leading `_` and `-` anywhere after the first character,
 * which is why `amazon-ebs` is one identifier and `a - b` needs the spaces to be a subtraction.
 */

const ID_START = /\p{ID_Start}/u;
const ID_CONTINUE = /\p{ID_Continue}/u;

export function isIdentStart(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f;
  return ID_START.test(String.fromCodePoint(cp));
}

export function isIdentContinue(cp: number): boolean {
  if (cp < 0x80) {
    return (
      (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x30 && cp <= 0x39) || cp === 0x5f || cp === 0x2d
    );
  }
  return ID_CONTINUE.test(String.fromCodePoint(cp));
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Go's unicode.IsSpace, which HCL uses for `~` strip markers and for measuring heredoc
 * indentation. It differs from JavaScript's `\s`: it includes U+0085 and excludes U+FEFF.
 */
export function isSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

export function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i === 0 ? s : s.slice(i);
}

export function trimRightSpace(s: string): string {
  let i = s.length;
  while (i > 0 && isSpace(s.charCodeAt(i - 1))) i--;
  return i === s.length ? s : s.slice(0, i);
}
