/**
 * Templates are UTF-8. Decoding leniently would turn a Latin-1 "é" into U+FFFD and accept the
 * file, silently changing a value; so bytes that are not UTF-8 are an error at their line and
 * column, like any other.
 */

export class SourceEncodingError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly offset: number,
    readonly byte: number,
    /** The text decoded leniently, so the error can still show its line. */
    readonly lossyText: string,
  ) {
    super(`not valid UTF-8: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at line ${line}, column ${column}`);
    this.name = 'SourceEncodingError';
  }
}

/** Index of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let n: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if ((b & 0xe0) === 0xc0) [n, min] = [1, 0x80];
    else if ((b & 0xf0) === 0xe0) [n, min] = [2, 0x800];
    else if ((b & 0xf8) === 0xf0) [n, min] = [3, 0x10000];
    else return i;
    let cp = b & (0xff >> (n + 2));
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8 either.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += n + 1;
  }
  return -1;
}

export function decodeUtf8(buf: Uint8Array): string {
  const bad = firstInvalidUtf8(buf);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  if (bad < 0) return decoder.decode(buf);
  const lineStart = buf.lastIndexOf(0x0a, bad - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (buf[i] === 0x0a) line++;
  const column = [...decoder.decode(buf.subarray(lineStart, bad))].length + 1;
  throw new SourceEncodingError(line, column, bad, buf[bad]!, new TextDecoder('utf-8').decode(buf));
}
