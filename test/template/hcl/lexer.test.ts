import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lex } from '../../../src/template/hcl/lexer.js';
import type { Token, TokenKind } from '../../../src/template/hcl/token.js';

const VALID = new URL('./fixtures/valid/', import.meta.url);

/** Kinds of the tokens, without whitespace and EOF, for compact expectations. */
function kinds(text: string, mode: 'config' | 'template' = 'config'): TokenKind[] {
  return lex(text, 'f.hcl', mode)
    .tokens.filter((t) => t.kind !== 'Whitespace' && t.kind !== 'EOF')
    .map((t) => t.kind);
}

function tokens(text: string): Token[] {
  return lex(text, 'f.hcl').tokens.filter((t) => t.kind !== 'Whitespace' && t.kind !== 'EOF');
}

function joined(text: string, mode: 'config' | 'template' = 'config'): string {
  return lex(text, 'f.hcl', mode)
    .tokens.map((t) => t.raw)
    .join('');
}

describe('lexer: round trip', () => {
  it('reproduces every fixture exactly when the raw texts of its tokens are joined', () => {
    for (const name of readdirSync(VALID)) {
      const text = readFileSync(new URL(name, VALID), 'utf8');
      expect(joined(text), name).toBe(text);
      expect(joined(text.replace(/\n/g, '\r\n')), `${name} (CRLF)`).toBe(text.replace(/\n/g, '\r\n'));
    }
  });

  it('reproduces any input, however broken, and never throws', () => {
    const alphabet = fc.constantFrom(...'abc =-_{}[]()"\'$%~\\\n\r\t#/*<>.,:?!&|0123456789eEuU€😀'.split(''), '${', '%{', '<<EOT\n', '\nEOT\n', '"${', '}"');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), fc.constantFrom<'config' | 'template'>('config', 'template'), (parts, mode) => {
        const text = parts.join('');
        expect(joined(text, mode)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('reproduces arbitrary Unicode text too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expect(joined(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves whitespace tokens out on request, for the parser', () => {
    const { tokens: ts } = lex('a  =  1', 'f.hcl', 'config', { whitespace: false });
    expect(ts.map((t) => t.kind)).toEqual(['Ident', 'Equal', 'Number', 'EOF']);
  });
});

describe('lexer: tokens', () => {
  it('reads identifiers with dashes as one token, and a spaced minus as an operator', () => {
    expect(tokens('amazon-ebs a - b a-1').map((t) => [t.kind, t.raw])).toEqual([
      ['Ident', 'amazon-ebs'],
      ['Ident', 'a'],
      ['Minus', '-'],
      ['Ident', 'b'],
      ['Ident', 'a-1'],
    ]);
  });

  it('reads Unicode identifiers and a leading underscore', () => {
    expect(tokens('naïve _x ключ').map((t) => t.raw)).toEqual(['naïve', '_x', 'ключ']);
  });

  it('reads numbers with fractions and exponents', () => {
    expect(tokens('1 1.5 1e3 2E-2 1.5e+2 007 1.e5').map((t) => [t.kind, t.raw])).toEqual([
      ['Number', '1'],
      ['Number', '1.5'],
      ['Number', '1e3'],
      ['Number', '2E-2'],
      ['Number', '1.5e+2'],
      ['Number', '007'],
      ['Number', '1.e5'],
    ]);
  });

  it('does not take a dot without digits or exponent into a number', () => {
    expect(tokens('1.x').map((t) => t.raw)).toEqual(['1', '.', 'x']);
  });

  it('reads only an integer after a dot, so foo.0.1 is two legacy index steps', () => {
    expect(tokens('foo.0.1').map((t) => t.raw)).toEqual(['foo', '.', '0', '.', '1']);
  });

  it('reads every operator and punctuation mark', () => {
    expect(kinds('== != <= >= && || => ... . , : ? ! + - * / % < > = ( ) [ ] { }')).toEqual([
      'EqualEqual', 'NotEqual', 'LessEqual', 'GreaterEqual', 'And', 'Or', 'FatArrow', 'Ellipsis', 'Dot',
      'Comma', 'Colon', 'Question', 'Bang', 'Plus', 'Minus', 'Star', 'Slash', 'Percent', 'Less', 'Greater',
      'Equal', 'OParen', 'CParen', 'OBrack', 'CBrack', 'OBrace', 'CBrace',
    ]);
  });

  it('keeps all three comment styles as tokens, line comments without their line end', () => {
    const ts = tokens('a # hash\nb // slash\n/* block\nspanning */ c');
    expect(ts.map((t) => [t.kind, t.raw])).toEqual([
      ['Ident', 'a'],
      ['Comment', '# hash'],
      ['Newline', '\n'],
      ['Ident', 'b'],
      ['Comment', '// slash'],
      ['Newline', '\n'],
      ['Comment', '/* block\nspanning */'],
      ['Ident', 'c'],
    ]);
  });

  it('makes line ends tokens, CRLF as one', () => {
    expect(tokens('a\r\nb\nc').map((t) => [t.kind, t.raw])).toEqual([
      ['Ident', 'a'],
      ['Newline', '\r\n'],
      ['Ident', 'b'],
      ['Newline', '\n'],
      ['Ident', 'c'],
    ]);
  });

  it('treats a byte order mark at the start as whitespace', () => {
    const r = lex('\ufeffa = 1', 'f.hcl');
    expect(r.diagnostics).toEqual([]);
    expect(r.tokens[0]).toMatchObject({ kind: 'Whitespace', raw: '\ufeff' });
  });

  it('ends with an EOF token at the end of the input', () => {
    const ts = lex('a\n', 'f.hcl').tokens;
    expect(ts[ts.length - 1]).toMatchObject({ kind: 'EOF', raw: '', range: { start: { line: 2, column: 1, offset: 2 } } });
  });
});

describe('lexer: ranges', () => {
  it('gives 1-based lines and columns and 0-based offsets', () => {
    const ts = tokens('a = 1\n  bb = "x"');
    const bb = ts.find((t) => t.raw === 'bb')!;
    expect(bb.range).toEqual({
      filename: 'f.hcl',
      start: { line: 2, column: 3, offset: 8 },
      end: { line: 2, column: 5, offset: 10 },
    });
  });

  it('counts columns in characters: after an emoji the column is one behind the offset + 1', () => {
    const ts = tokens('x = "😀" y');
    const y = ts.find((t) => t.raw === 'y')!;
    expect(y.range.start).toEqual({ line: 1, column: 9, offset: 9 });
  });

  it('slices back to the raw text with its offsets', () => {
    const text = 'source "qemu" "a" {\n  x = [1, "${y}"]\n}\n';
    for (const t of lex(text, 'f.hcl').tokens) expect(text.slice(t.range.start.offset, t.range.end.offset)).toBe(t.raw);
  });
});

describe('lexer: quoted templates', () => {
  it('splits a string into quotes, literal text and interpolation tokens', () => {
    expect(kinds('"a${b}c"')).toEqual(['OQuote', 'QuotedLit', 'TemplateInterp', 'Ident', 'TemplateSeqEnd', 'QuotedLit', 'CQuote']);
  });

  it('knows which brace closes the interpolation when objects nest inside it', () => {
    expect(kinds('"${ {a = {}} }"')).toEqual([
      'OQuote', 'TemplateInterp', 'OBrace', 'Ident', 'Equal', 'OBrace', 'CBrace', 'CBrace', 'TemplateSeqEnd', 'CQuote',
    ]);
  });

  it('nests strings inside interpolations inside strings', () => {
    expect(kinds('"a${"b${c}"}"')).toEqual([
      'OQuote', 'QuotedLit', 'TemplateInterp', 'OQuote', 'QuotedLit', 'TemplateInterp', 'Ident', 'TemplateSeqEnd',
      'CQuote', 'TemplateSeqEnd', 'CQuote',
    ]);
  });

  it('marks ~ strip markers on the opening and closing tokens', () => {
    const ts = tokens('"${~ a ~}%{~ if b ~}"');
    expect(ts.filter((t) => t.strip).map((t) => t.raw)).toEqual(['${~', '~}', '%{~', '~}']);
  });

  it('decodes escapes into the value and keeps the raw text', () => {
    const lit = tokens('"a\\n\\t\\"\\\\\\u00e9\\U0001F600 $${x} %%{y}"').find((t) => t.kind === 'QuotedLit')!;
    expect(lit.value).toBe('a\n\t"\\é😀 ${x} %{y}');
    expect(lit.raw).toBe('a\\n\\t\\"\\\\\\u00e9\\U0001F600 $${x} %%{y}');
  });

  it('leaves a $ or % that does not start a sequence alone', () => {
    expect(tokens('"$5 100% $$ %%"').find((t) => t.kind === 'QuotedLit')!.value).toBe('$5 100% $$ %%');
  });

  it('reports an invalid escape at the escape itself', () => {
    const r = lex('x = "a\\qb"', 'f.hcl');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: 'invalid-escape',
      summary: 'Invalid escape sequence',
      range: { start: { column: 7 }, end: { column: 9 } },
    });
  });

  it('reports a short \\u escape and an out-of-range \\U escape', () => {
    const r = lex('a = "\\u12" \nb = "\\UFFFFFFFF"', 'f.hcl');
    expect(r.diagnostics.map((d) => [d.code, d.range?.start.line])).toEqual([
      ['invalid-escape', 1],
      ['invalid-escape', 2],
    ]);
  });
});

describe('lexer: heredocs', () => {
  it('reads a heredoc as opener (with its line end), one literal per line, and the marker line', () => {
    const ts = tokens('x = <<EOT\nhello\n  ${name}\nEOT\n');
    expect(ts.map((t) => [t.kind, t.raw])).toEqual([
      ['Ident', 'x'],
      ['Equal', '='],
      ['OHeredoc', '<<EOT\n'],
      ['StringLit', 'hello\n'],
      ['StringLit', '  '],
      ['TemplateInterp', '${'],
      ['Ident', 'name'],
      ['TemplateSeqEnd', '}'],
      ['StringLit', '\n'],
      ['CHeredoc', 'EOT'],
      ['Newline', '\n'],
    ]);
    expect(ts[2]!.heredoc).toEqual({ marker: 'EOT', indented: false });
  });

  it('knows <<- heredocs, and accepts an indented closing marker', () => {
    const ts = tokens('x = <<-EOF\n  a\n  EOF\n');
    expect(ts[2]!.heredoc).toEqual({ marker: 'EOF', indented: true });
    expect(ts.find((t) => t.kind === 'CHeredoc')!.raw).toBe('  EOF');
  });

  it('does not treat backslashes in heredocs as escapes', () => {
    const r = lex('x = <<EOT\nC:\\temp\\n\nEOT\n', 'f.hcl');
    expect(r.diagnostics).toEqual([]);
    expect(r.tokens.find((t) => t.kind === 'StringLit')!.value).toBe('C:\\temp\\n\n');
  });

  it('does not end a heredoc at a line that merely starts with the marker', () => {
    const ts = tokens('x = <<EOT\nEOTX\nEOT\n');
    expect(ts.filter((t) => t.kind === 'StringLit').map((t) => t.value)).toEqual(['EOTX\n']);
  });

  it('reports an unterminated heredoc at its opener, naming the marker', () => {
    const r = lex('x = <<EOT\nhello\n', 'f.hcl');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'unterminated-heredoc', range: { start: { line: 1, column: 5 } } });
    expect(r.diagnostics[0]!.summary).toContain('"EOT"');
  });

  it('reports trailing spaces after the heredoc marker, as HCL does', () => {
    const r = lex('x = <<EOT  \na\nEOT\n', 'f.hcl');
    expect(r.diagnostics.map((d) => d.summary)).toEqual(['Extra characters after heredoc marker']);
  });

  it('closes an interpolation left open before the closing marker, and still ends the heredoc there', () => {
    const r = lex('x = <<EOT\nhi ${name\nEOT\ny = 1\n', 'f.hcl');
    expect(r.diagnostics.map((d) => [d.code, d.range?.start.line, d.range?.start.column])).toEqual([['unterminated-template', 2, 4]]);
    expect(r.tokens.some((t) => t.kind === 'CHeredoc')).toBe(true);
  });
});

describe('lexer: bare templates (templatefile)', () => {
  it('reads the whole input as template text, line by line', () => {
    expect(kinds('Hello ${name}!\n%{ if x }y%{ endif }\n', 'template')).toEqual([
      'StringLit', 'TemplateInterp', 'Ident', 'TemplateSeqEnd', 'StringLit', 'TemplateControl', 'Ident', 'Ident',
      'TemplateSeqEnd', 'StringLit', 'TemplateControl', 'Ident', 'TemplateSeqEnd', 'StringLit',
    ]);
  });

  it('reports an interpolation still open at the end of the file', () => {
    const r = lex('Hello ${name', 't.tpl', 'template');
    expect(r.diagnostics).toMatchObject([{ code: 'unterminated-template', range: { start: { column: 7 } } }]);
  });
});

describe('lexer: unterminated strings', () => {
  it('points at the opening quote, says which line it ran to, and resumes on the next line', () => {
    const r = lex('x = "abc\ny = 2\n', 'f.hcl');
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect(d).toMatchObject({ code: 'unterminated-string', summary: 'Unterminated string' });
    expect(d.range).toMatchObject({ start: { line: 1, column: 5, offset: 4 }, end: { line: 1, column: 6 } });
    expect(d.detail).toContain('end of line 1');
    expect(kinds('x = "abc\ny = 2\n')).toEqual(['Ident', 'Equal', 'OQuote', 'QuotedLit', 'TemplateAbort', 'Newline', 'Ident', 'Equal', 'Number', 'Newline']);
  });

  it('treats a line break inside ${ } that cannot continue the expression as the end of the string', () => {
    const r = lex('x = "abc ${foo\ny = 2\n', 'f.hcl');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.detail).toContain('line 1, column 10');
    expect(tokens('x = "abc ${foo\ny = 2\n').filter((t) => t.kind === 'TemplateAbort').map((t) => t.closes)).toEqual(['interp', 'template']);
  });

  it('lets an interpolation go on over a line break when the expression plainly continues', () => {
    for (const text of ['x = "${a +\nb}"\n', 'x = "${a\n? b : c}"\n', 'x = "${\n  a\n}"\n', 'x = "${join(",", [\n"a",\n])}"\n', 'x = "%{ for v\n in xs }${v}%{ endfor }"\n']) {
      expect(lex(text, 'f.hcl').diagnostics, text).toEqual([]);
    }
  });

  it('goes back to the first line break when an interpolation inside parentheses never closes', () => {
    const text = 'x = "${foo("bar}"\ny = 2\nz = "ok"\n';
    const r = lex(text, 'f.hcl');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'unterminated-string', range: { start: { line: 1, column: 5 } } });
    expect(tokens(text).filter((t) => t.kind === 'Ident').map((t) => t.raw)).toEqual(['x', 'foo', 'y', 'z']);
    expect(joined(text)).toBe(text);
  });

  it('takes a quote inside ${ } with nothing after it that could end a string for the closing quote', () => {
    const text = 'x = ["A=${var.a"]\ny = 2\n';
    const r = lex(text, 'f.hcl');
    expect(r.diagnostics.map((d) => [d.code, d.range?.start.column, d.summary])).toEqual([['unterminated-template', 9, 'Unclosed template interpolation']]);
    expect(kinds(text)).toEqual([
      'Ident', 'Equal', 'OBrack', 'OQuote', 'QuotedLit', 'TemplateInterp', 'Ident', 'Dot', 'Ident', 'TemplateAbort', 'CQuote', 'CBrack', 'Newline',
      'Ident', 'Equal', 'Number', 'Newline',
    ]);
    expect(joined(text)).toBe(text);
  });

  it('reports a string cut off by the end of the file', () => {
    const r = lex('x = "abc', 'f.hcl');
    expect(r.diagnostics[0]!.detail).toContain('end of the file');
  });

  it('reports many unterminated strings without re-reading the file for each', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `a${i} = "${'${'}f(${i}`).join('\n') + '\n';
    const r = lex(text, 'f.hcl');
    expect(r.diagnostics.filter((d) => d.code === 'unterminated-string')).toHaveLength(2000);
    expect(joined(text)).toBe(text);
  });
});

describe('lexer: invalid characters', () => {
  it('reports an invalid character with a hint', () => {
    const r = lex("x = 'single'", 'f.hcl');
    expect(r.diagnostics[0]).toMatchObject({ code: 'invalid-character', range: { start: { column: 5 } } });
    expect(r.diagnostics[0]!.hint).toContain('double quotes');
  });

  it('suggests && for a single &', () => {
    expect(lex('x = a & b', 'f.hcl').diagnostics[0]!.hint).toContain('&&');
  });

  it('reports a run of invalid characters once', () => {
    const r = lex('x = 1 @@@@\n', 'f.hcl');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.range).toMatchObject({ start: { column: 7 }, end: { column: 11 } });
    expect(r.tokens.filter((t) => t.kind === 'Invalid').map((t) => t.raw)).toEqual(['@@@@']);
  });

  it('reports an unterminated block comment', () => {
    expect(lex('a = 1 /* never closed', 'f.hcl').diagnostics.map((d) => d.summary)).toEqual(['Unterminated comment']);
  });
});
