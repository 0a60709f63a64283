import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8, SourceEncodingError } from '../../src/template/encoding.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('UTF-8 decoding of templates', () => {
  it('decodes valid UTF-8, multi-byte characters included', () => {
    expect(decodeUtf8(Buffer.from('a = "René 🚀"\n'))).toBe('a = "René 🚀"\n');
  });

  it('locates a Latin-1 byte at its line and column', () => {
    const buf = Buffer.concat([Buffer.from('x = 1\ndesc = "Ren'), bytes(0xe9), Buffer.from('"\n')]);
    try {
      decodeUtf8(buf);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SourceEncodingError);
      expect(e).toMatchObject({ line: 2, column: 12, byte: 0xe9 });
    }
  });

  it('counts characters, not bytes, for the column', () => {
    const buf = Buffer.concat([Buffer.from('é€'), bytes(0xff)]);
    expect(() => decodeUtf8(buf)).toThrow(expect.objectContaining({ line: 1, column: 3 }));
  });

  it('rejects overlong forms, surrogates, truncated sequences and stray continuation bytes', () => {
    expect(firstInvalidUtf8(bytes(0x41, 0xc0, 0x80))).toBe(1);
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0);
    expect(firstInvalidUtf8(bytes(0x41, 0xe2, 0x82))).toBe(1);
    expect(firstInvalidUtf8(bytes(0x80))).toBe(0);
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from('ok ✓ 𝄞'))).toBe(-1);
  });
});
