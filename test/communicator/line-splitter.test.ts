import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSplitter } from '../../src/communicator/line-splitter.js';

function split(chunks: (string | Buffer)[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('emits one call per line, without the line end', () => {
    expect(split(['a\nb\n'])).toEqual(['a', 'b']);
  });

  it('joins a line that arrives in several chunks', () => {
    expect(split(['he', 'll', 'o\nwor', 'ld\n'])).toEqual(['hello', 'world']);
  });

  it('flushes a last line that has no line end', () => {
    expect(split(['a\nb'])).toEqual(['a', 'b']);
  });

  it('emits nothing for no output, and nothing extra after a final newline', () => {
    expect(split([])).toEqual([]);
    expect(split(['a\n'])).toEqual(['a']);
  });

  it('keeps empty lines', () => {
    expect(split(['\n\na\n\n'])).toEqual(['', '', 'a', '']);
  });

  it('drops the \\r of a \\r\\n line end, also when \\r and \\n arrive in different chunks', () => {
    expect(split(['x\r\ny\r', '\nz\r'])).toEqual(['x', 'y', 'z']);
  });

  it('keeps a lone \\r inside a line (progress bars)', () => {
    expect(split(['10%\r50%\r100%\n'])).toEqual(['10%\r50%\r100%']);
  });

  it('decodes a multibyte character split across chunks', () => {
    const euro = Buffer.from('€\n'); // e2 82 ac 0a
    expect(split([euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2)])).toEqual(['€']);
    const emoji = Buffer.from('a🚀b'); // a 4-byte character
    expect(split([emoji.subarray(0, 3), emoji.subarray(3)])).toEqual(['a🚀b']);
  });

  it('turns an incomplete character at the end into U+FFFD rather than dropping it', () => {
    expect(split([Buffer.from([0x61, 0xe2, 0x82])])).toEqual(['a\uFFFD']);
  });

  it('handles a long line delivered in many small chunks', () => {
    const line = 'x'.repeat(1_000_000);
    const chunks = [];
    for (let i = 0; i < line.length; i += 997) chunks.push(line.slice(i, i + 997));
    expect(split([...chunks, '\n'])).toEqual([line]);
  });

  it('gives the same lines however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'é', '€', '🚀', '\n', '\r\n', ' ')), fc.array(fc.nat()), (pieces, cuts) => {
        const bytes = Buffer.from(pieces.join(''));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [];
        let at = 0;
        for (const p of [...points, bytes.length]) {
          chunks.push(bytes.subarray(at, p));
          at = p;
        }
        expect(split(chunks)).toEqual(split([bytes]));
        expect(split([bytes]).join('\n')).toEqual(pieces.join('').replace(/\r\n/g, '\n').replace(/\n$/, ''));
      }),
    );
  });
});
