/**
 * Where the lexer ends a heredoc that has no closing marker line (heredoc-end.ts): at a
 * misspelled marker, before the line that closes the structure around it, or at the end of the
 * file; and the rest is lexed as code again.
 */
import { describe, expect, it } from 'vitest';
import { lex } from '../../../src/template/hcl/lexer.js';

/** The heredoc's text as the lexer read it, and the one diagnostic it must give. */
function heredocText(text: string): string {
  const r = lex(text, 'f.hcl');
  expect(r.diagnostics.map((d) => d.code)).toEqual(['unterminated-heredoc']);
  expect(r.tokens.map((t) => t.raw).join('')).toBe(text);
  return r.tokens
    .filter((t) => t.kind === 'StringLit')
    .map((t) => t.raw)
    .join('');
}

const inBlock = (...lines: string[]) => ['build {', '  provisioner "shell" {', '    inline = [<<EOT', ...lines, '    ]', '  }', '}', ''].join('\n');

describe('heredoc end: a misspelled closing marker', () => {
  it('ends the heredoc at a lone identifier close to its marker, that line included', () => {
    expect(heredocText(inBlock('apt-get update', 'EOF'))).toBe('apt-get update\nEOF');
    expect(heredocText('x = <<-SCRIPT\n  echo\n  SCIRPT\ny = 1\n')).toBe('  echo\n  SCIRPT');
  });

  it('says which line holds the misspelled marker, and what to change', () => {
    const d = lex(inBlock('apt-get update', 'EOF'), 'f.hcl').diagnostics[0]!;
    expect(d.range).toMatchObject({ start: { line: 3, column: 15 } });
    expect(d.detail).toContain('line 5 holds EOF');
    expect(d.hint).toBe('Change EOF on line 5 to EOT: a heredoc ends only at a line holding exactly its marker.');
  });

  it('does not take a lone word far from the marker for it', () => {
    expect(heredocText(inBlock('BEGIN', 'COMMIT'))).toBe('BEGIN\nCOMMIT');
  });

  it('skips the closing line of a heredoc opened in its own text', () => {
    expect(heredocText(inBlock('cat <<EOF >/etc/motd', 'hello', 'EOF', 'EOX'))).toBe('cat <<EOF >/etc/motd\nhello\nEOF\nEOX');
  });
});

describe('heredoc end: the line that closes the structure around it', () => {
  it('ends the heredoc before the first line of closers that leaves the rest balanced', () => {
    expect(heredocText(inBlock('apt-get update'))).toBe('apt-get update');
  });

  it('ignores closers in its own text that would leave a brace too many', () => {
    expect(heredocText(inBlock('f() {', '  echo', '}', 'f'))).toBe('f() {\n  echo\n}\nf');
  });

  it('ignores a closing line indented deeper than the line with the <<', () => {
    expect(heredocText('a {\n  x = <<EOT\n      }\n}\n')).toBe('      }');
  });

  it('ends the heredoc before a line that opens a top-level block', () => {
    expect(heredocText('x = <<EOT\nfoo\n\nlocals {\n  b = 1\n}\n')).toBe('foo\n');
  });

  it('can end the heredoc before its first line of text', () => {
    const r = lex('x = [<<EOT\n]\n', 'f.hcl');
    expect(r.tokens.filter((t) => t.kind !== 'Whitespace').map((t) => t.kind)).toEqual([
      'Ident', 'Equal', 'OBrack', 'OHeredoc', 'TemplateAbort', 'CBrack', 'Newline', 'EOF',
    ]);
  });

  it('leaves the line break after the heredoc text to the code, as a closing marker line would', () => {
    const kinds = lex('a {\n  x = <<EOT\nfoo\n}\n', 'f.hcl').tokens.filter((t) => t.kind !== 'Whitespace').map((t) => t.kind);
    expect(kinds).toEqual(['Ident', 'OBrace', 'Newline', 'Ident', 'Equal', 'OHeredoc', 'StringLit', 'TemplateAbort', 'Newline', 'CBrace', 'Newline', 'EOF']);
  });
});

describe('heredoc end: the end of the file', () => {
  it('runs to the end of the file when no line fits, saying so', () => {
    const r = lex('x = <<EOT\nhello\n}\n', 'f.hcl');
    expect(r.diagnostics[0]!.detail).toContain('The file ends before');
    expect(r.tokens.filter((t) => t.kind === 'StringLit').map((t) => t.raw).join('')).toBe('hello\n}\n');
  });

  it('cuts each of many unterminated heredocs at its own misspelled marker', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `a${i} = <<EOT\nline ${i}\nEOF\n`).join('');
    const r = lex(text, 'f.hcl');
    expect(r.diagnostics).toHaveLength(3000);
    expect(r.diagnostics.at(-1)!.range!.start.line).toBe(3 * 2999 + 1);
    expect(r.tokens.map((t) => t.raw).join('')).toBe(text);
  });
});
