import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, Range } from '../../../src/template/diagnostics.js';
import {
  SPLAT_ITEM,
  type Attribute,
  type Block,
  type Expr,
  type TemplateExpr,
} from '../../../src/template/hcl/ast.js';
import { parseExpression, parseHcl, parseTemplate } from '../../../src/template/hcl/parser.js';

const VALID = new URL('./fixtures/valid/', import.meta.url);

function parseOk(text: string) {
  const r = parseHcl(text, 'main.pkr.hcl');
  expect(r.diagnostics).toEqual([]);
  return r.file;
}

/** The expression of the only attribute in `x = <expr>`. */
function expr(source: string): Expr {
  const item = parseOk(`x = ${source}\n`).body.items[0] as Attribute;
  return item.expr;
}

/** An expression as a compact S-expression, ignoring ranges. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'Literal':
      return e.raw ?? JSON.stringify(e.value);
    case 'Variable':
      return e.name === SPLAT_ITEM ? '*' : e.name;
    case 'GetAttr':
      return `${show(e.object)}.${e.name}`;
    case 'Index':
      return `${show(e.object)}[${show(e.key)}]`;
    case 'Splat':
      return `(splat${e.full ? '[*]' : '.*'} ${show(e.source)} ${show(e.each)})`;
    case 'Call':
      return `${e.name}(${e.args.map(show).join(', ')}${e.expandFinal ? '...' : ''})`;
    case 'Conditional':
      return `(? ${show(e.cond)} ${show(e.then)} ${show(e.else)})`;
    case 'Binary':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'Unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'Tuple':
      return `[${e.items.map(show).join(', ')}]`;
    case 'Object':
      return `{${e.items.map((i) => `${show(i.key)}${i.separator}${show(i.value)}`).join(', ')}}`;
    case 'Paren':
      return `(paren ${show(e.expr)})`;
    case 'For':
      return `(for ${e.keyVar ? `${e.keyVar},` : ''}${e.valueVar} ${show(e.collection)} ${e.keyExpr ? `${show(e.keyExpr)} => ` : ''}${show(e.valueExpr)}${e.group ? '...' : ''}${e.cond ? ` if ${show(e.cond)}` : ''})`;
    case 'Template':
      return `"${e.parts
        .map((p) => (p.kind === 'Text' ? p.value : p.kind === 'Interp' ? `\${${show(p.expr)}}` : `%{${p.kind}}`))
        .join('')}"`;
  }
}

function errors(text: string): Diagnostic[] {
  return parseHcl(text, 'main.pkr.hcl').diagnostics;
}

function codesAndLines(text: string): [string, number | undefined][] {
  return errors(text).map((d) => [d.code, d.range?.start.line]);
}

/** Every diagnostic as [code, "LINE:COLUMN", summary]. */
function located(text: string): [string, string, string][] {
  return errors(text).map((d) => [d.code, `${d.range?.start.line}:${d.range?.start.column}`, d.summary]);
}

/** Top-level items as `type` or `name`, with nested blocks' types in brackets. */
function outline(text: string): string[] {
  const show = (b: Block): string => {
    const nested = b.body.items.filter((i): i is Block => i.kind === 'Block');
    return nested.length === 0 ? b.type : `${b.type}[${nested.map(show).join(' ')}]`;
  };
  return parseHcl(text, 'main.pkr.hcl').file.body.items.map((i) => (i.kind === 'Block' ? show(i) : i.name));
}

describe('parseHcl: structure', () => {
  it('parses every valid fixture without diagnostics', () => {
    for (const name of readdirSync(VALID)) {
      const text = readFileSync(new URL(name, VALID), 'utf8');
      expect(parseHcl(text, name).diagnostics, name).toEqual([]);
    }
  });

  it('keeps blocks in their declared order across block types', () => {
    const file = parseOk(`build {
  provisioner "shell" { inline = ["a"] }
  provisioner "file" { source = "x" }
  post-processor "manifest" {}
  provisioner "shell" { inline = ["b"] }
}
`);
    const build = file.body.items[0] as Block;
    expect(build.body.items.map((i) => (i.kind === 'Block' ? `${i.type}:${i.labels[0]!.value}` : i.name))).toEqual([
      'provisioner:shell',
      'provisioner:file',
      'post-processor:manifest',
      'provisioner:shell',
    ]);
  });

  it('keeps attributes and blocks interleaved in source order', () => {
    const file = parseOk('a = 1\nb {}\nc = 2\nd "x" {}\n');
    expect(file.body.items.map((i) => i.kind)).toEqual(['Attribute', 'Block', 'Attribute', 'Block']);
  });

  it('records quoted and bare labels', () => {
    const block = parseOk('source "amazon-ebs" base {}\n').body.items[0] as Block;
    expect(block.labels.map((l) => [l.value, l.quoted])).toEqual([
      ['amazon-ebs', true],
      ['base', false],
    ]);
  });

  it('decodes escapes in quoted labels', () => {
    const block = parseOk('a "x\\ty" {}\n').body.items[0] as Block;
    expect(block.labels[0]!.value).toBe('x\ty');
  });

  it('parses single-line blocks with one argument, and empty ones', () => {
    const file = parseOk('locals { a = 1 }\nlocals {}\n');
    expect(file.body.items.map((b) => (b as Block).body.items.length)).toEqual([1, 0]);
  });

  it('collects every comment in source order, for the formatter', () => {
    const file = parseOk('# one\na = 1 // two\n/* three */ b = 2\n');
    expect(file.comments.map((c) => c.text)).toEqual(['# one', '// two', '/* three */']);
    expect(file.comments[1]!.range.start).toEqual({ line: 2, column: 7, offset: 12 });
  });

  it('accepts a file without a final line end, an empty file and one with only comments', () => {
    expect(parseOk('a = 1').body.items).toHaveLength(1);
    expect(parseOk('').body.items).toEqual([]);
    expect(parseOk('# nothing\n').body.items).toEqual([]);
  });

  it('accepts CRLF line ends', () => {
    const file = parseOk('a = 1\r\nb {\r\n  c = <<EOT\r\nx\r\nEOT\r\n}\r\n');
    const c = ((file.body.items[1] as Block).body.items[0] as Attribute).expr as TemplateExpr;
    expect(c.parts).toMatchObject([{ kind: 'Text', value: 'x\r\n' }]);
  });
});

describe('parseHcl: ranges', () => {
  const text = 'source "qemu" "a" {\n  cpus   = 1 + 2\n  disk = upper("x")\n}\n';
  const file = parseOk(text);
  const block = file.body.items[0] as Block;
  const cpus = block.body.items[0] as Attribute;
  const disk = block.body.items[1] as Attribute;
  const slice = (r: { start: { offset: number }; end: { offset: number } }) => text.slice(r.start.offset, r.end.offset);

  it('gives the block its type, brace and whole ranges', () => {
    expect(block.typeRange).toEqual({ filename: 'main.pkr.hcl', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 7, offset: 6 } });
    expect(block.openBraceRange.start).toEqual({ line: 1, column: 19, offset: 18 });
    expect(block.closeBraceRange.start).toEqual({ line: 4, column: 1, offset: 57 });
    expect(slice(block.range)).toBe(text.slice(0, 58));
    expect(block.labels.map((l) => slice(l.range))).toEqual(['"qemu"', '"a"']);
  });

  it('gives attributes their name range and a range from name to end of value', () => {
    expect(slice(cpus.nameRange)).toBe('cpus');
    expect(slice(cpus.range)).toBe('cpus   = 1 + 2');
    expect(cpus.nameRange.start).toEqual({ line: 2, column: 3, offset: 22 });
  });

  it('gives every expression the exact range of its source text', () => {
    expect(slice(cpus.expr.range)).toBe('1 + 2');
    expect(slice(disk.expr.range)).toBe('upper("x")');
    if (disk.expr.kind !== 'Call') throw new Error('expected a call');
    expect(slice(disk.expr.nameRange)).toBe('upper');
    expect(slice(disk.expr.args[0]!.range)).toBe('"x"');
  });

  it('covers nested expressions exactly, down to template parts', () => {
    const src = 'x = [a.b[0], (c), "p${d}q", <<EOT\nh\nEOT\n, {k = v}, [for i in l : i], s[*].t]\n';
    const e = (parseOk(src).body.items[0] as Attribute).expr;
    if (e.kind !== 'Tuple') throw new Error('expected a tuple');
    expect(e.items.map((i) => src.slice(i.range.start.offset, i.range.end.offset))).toEqual([
      'a.b[0]',
      '(c)',
      '"p${d}q"',
      '<<EOT\nh\nEOT',
      '{k = v}',
      '[for i in l : i]',
      's[*].t',
    ]);
    const tmpl = e.items[2] as TemplateExpr;
    expect(tmpl.parts.map((p) => src.slice(p.range.start.offset, p.range.end.offset))).toEqual(['p', '${d}', 'q']);
  });

  it('gives the file body a range over the whole file', () => {
    const f = parseOk('  a = 1\n');
    expect(f.body.range).toMatchObject({ start: { line: 1, column: 1, offset: 0 }, end: { line: 2, column: 1, offset: 8 } });
  });
});

/** Every node with its range, parents before children. */
function* nodes(node: unknown, parent?: { range: Range }): Generator<{ node: { kind?: string; range: Range }; parent?: { range: Range } }> {
  if (Array.isArray(node)) {
    for (const n of node) yield* nodes(n, parent);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as { range?: Range };
  const isNode = n.range !== undefined && 'start' in n.range;
  if (isNode) yield { node: n as { range: Range }, parent };
  for (const [k, v] of Object.entries(node)) {
    if (k.endsWith('ange')) continue;
    yield* nodes(v, isNode ? (n as { range: Range }) : parent);
  }
}

/** Line and column of an offset, counted the slow, obvious way. */
function posOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line, column: [...text.slice(lineStart, offset)].length + 1 };
}

describe('parseHcl: range consistency', () => {
  it('gives every node of every fixture a range inside its parent, with line and column matching the offset', () => {
    for (const name of readdirSync(VALID)) {
      const text = readFileSync(new URL(name, VALID), 'utf8');
      const { file } = parseHcl(text, name);
      let count = 0;
      for (const { node, parent } of nodes(file.body)) {
        count++;
        const { start, end } = node.range;
        expect(node.range.filename).toBe(name);
        expect(start.offset).toBeLessThanOrEqual(end.offset);
        expect({ line: start.line, column: start.column }).toEqual(posOf(text, start.offset));
        expect({ line: end.line, column: end.column }).toEqual(posOf(text, end.offset));
        if (parent !== undefined) {
          expect(start.offset, `${name}: ${node.kind} inside its parent`).toBeGreaterThanOrEqual(parent.range.start.offset);
          expect(end.offset, `${name}: ${node.kind} inside its parent`).toBeLessThanOrEqual(parent.range.end.offset);
        }
      }
      expect(count).toBeGreaterThan(10);
    }
  });
});

describe('parseHcl: expressions', () => {
  it('follows HCL precedence: * / % over + - over comparisons over equality over && over ||', () => {
    expect(show(expr('1 + 2 * 3 - 4'))).toBe('(- (+ 1 (* 2 3)) 4)');
    expect(show(expr('a || b && c == d < e + f * g'))).toBe('(|| a (&& b (== c (< d (+ e (* f g))))))');
    expect(show(expr('a / b % c'))).toBe('(% (/ a b) c)');
  });

  it('binds unary operators tighter than binary ones but looser than traversals', () => {
    expect(show(expr('-a.b + !c[0]'))).toBe('(+ (- a.b) (! c[0]))');
    expect(show(expr('- -1'))).toBe('(- (- 1))');
  });

  it('nests conditionals to the right', () => {
    expect(show(expr('a ? b : c ? d : e'))).toBe('(? a b (? c d e))');
    expect(show(expr('a ? b ? c : d : e'))).toBe('(? a (? b c d) e)');
  });

  it('reads literals, keeping numbers as written', () => {
    expect(expr('true')).toMatchObject({ kind: 'Literal', value: true });
    expect(expr('null')).toMatchObject({ kind: 'Literal', value: null });
    expect(expr('1.50')).toMatchObject({ kind: 'Literal', value: 1.5, raw: '1.50' });
    expect(expr('1e3')).toMatchObject({ kind: 'Literal', value: 1000, raw: '1e3' });
  });

  it('reads traversals, indexes and the legacy .0 index', () => {
    expect(show(expr('var.a.b["k"][0]'))).toBe('var.a.b["k"][0]');
    const legacy = expr('var.list.0.name');
    expect(show(legacy)).toBe('var.list[0].name');
    expect(legacy).toMatchObject({ kind: 'GetAttr', object: { kind: 'Index', key: { kind: 'Literal', value: 0 } } });
  });

  it('reads attribute splats: only attribute steps apply to each element', () => {
    expect(show(expr('a.*.b.c'))).toBe('(splat.* a *.b.c)');
    expect(show(expr('a.*.b[0]'))).toBe('(splat.* a *.b)[0]');
    expect(show(expr('a.*'))).toBe('(splat.* a *)');
  });

  it('reads full splats: every following step applies to each element', () => {
    expect(show(expr('a[*].b[0].c'))).toBe('(splat[*] a *.b[0].c)');
    expect(show(expr('a[*]'))).toBe('(splat[*] a *)');
    expect(show(expr('a[*].b[*].c'))).toBe('(splat[*] a (splat[*] *.b *.c))');
    const s = expr('a[*].b');
    if (s.kind !== 'Splat') throw new Error('expected a splat');
    expect(s.each).toMatchObject({ kind: 'GetAttr', object: { kind: 'Variable', name: SPLAT_ITEM } });
  });

  it('reads function calls, with trailing commas and ... expansion', () => {
    expect(show(expr('f()'))).toBe('f()');
    expect(show(expr('f(1, "a",)'))).toBe('f(1, "a")');
    expect(show(expr('concat(a, b...)'))).toBe('concat(a, b...)');
    expect(show(expr('f(\n  1,\n  2\n)'))).toBe('f(1, 2)');
  });

  it('reads tuples and objects with = or : and commas or line breaks between items', () => {
    expect(show(expr('[1, 2,\n 3,]'))).toBe('[1, 2, 3]');
    expect(show(expr('{ a = 1, "b" : 2\n c = 3\n (d) = 4 }'))).toBe('{a=1, "b":2, c=3, (paren d)=4}');
    expect(show(expr('{}'))).toBe('{}');
  });

  it('makes a bare object key a Variable and keeps the separator as written', () => {
    const o = expr('{ foo = 1, bar: 2 }');
    if (o.kind !== 'Object') throw new Error('expected an object');
    expect(o.items.map((i) => [i.key.kind, i.separator])).toEqual([
      ['Variable', '='],
      ['Variable', ':'],
    ]);
  });

  it('reads for expressions in both forms, with keys, conditions and grouping', () => {
    expect(show(expr('[for s in var.list : upper(s)]'))).toBe('(for s var.list upper(s))');
    expect(show(expr('[for i, s in l : s if i > 0]'))).toBe('(for i,s l s if (> i 0))');
    expect(show(expr('{ for k, v in m : k => v... if v != null }'))).toBe('(for k,v m k => v... if (!= v null))');
    expect(show(expr('{\n  for s in l :\n  s.az => s.name\n}'))).toBe('(for s l s.az => s.name)');
  });

  it('keeps parentheses as nodes', () => {
    expect(show(expr('(1 + 2) * 3'))).toBe('(* (paren (+ 1 2)) 3)');
  });

  it('lets keywords be variable and attribute names', () => {
    expect(show(expr('[in, if, a.for]'))).toBe('[in, if, a.for]');
  });
});

describe('parseHcl: templates', () => {
  it('makes a quoted string without interpolation one Text part', () => {
    expect(expr('"a\\tb"')).toMatchObject({ kind: 'Template', parts: [{ kind: 'Text', value: 'a\tb' }] });
    expect(expr('""')).toMatchObject({ kind: 'Template', parts: [] });
  });

  it('splits text and interpolations, decoding $${ and %%{', () => {
    expect(show(expr('"a${b}c $${d} %%{e}"'))).toBe('"a${b}c ${d} %{e}"');
  });

  it('applies strip markers to the neighbouring text, keeping an emptied text part', () => {
    const t = expr('"a  ${~ b ~}  c"') as TemplateExpr;
    expect(t.parts).toMatchObject([
      { kind: 'Text', value: 'a' },
      { kind: 'Interp', stripLeft: true, stripRight: true },
      { kind: 'Text', value: 'c' },
    ]);
    expect((expr('"${b~} "') as TemplateExpr).parts).toMatchObject([{ kind: 'Interp' }, { kind: 'Text', value: '' }]);
  });

  it('nests %{if}/%{else} and %{for} directives', () => {
    const t = expr('"%{ if a }x${b}%{ else }y%{ endif }%{ for k, v in m }${k}%{ endfor }"') as TemplateExpr;
    expect(t.parts).toMatchObject([
      { kind: 'If', cond: { kind: 'Variable', name: 'a' }, then: [{ kind: 'Text', value: 'x' }, { kind: 'Interp' }], else: [{ kind: 'Text', value: 'y' }] },
      { kind: 'For', keyVar: 'k', valueVar: 'v', collection: { kind: 'Variable', name: 'm' }, body: [{ kind: 'Interp' }] },
    ]);
  });

  it('omits else when there is no %{else}', () => {
    const t = expr('"%{ if a }x%{ endif }"') as TemplateExpr;
    expect(t.parts[0]).not.toHaveProperty('else');
  });

  it('returns heredoc text with its line ends, and records the marker', () => {
    const t = expr('<<EOT\nline 1\n  line 2\nEOT') as TemplateExpr;
    expect(t.heredoc).toEqual({ marker: 'EOT', indented: false });
    expect(t.parts).toMatchObject([{ kind: 'Text', value: 'line 1\n  line 2\n' }]);
  });

  it('removes the common indentation of <<- heredocs, ignoring blank lines', () => {
    const t = expr('<<-EOT\n    a\n\n      b ${c}\n    EOT') as TemplateExpr;
    expect(t.heredoc).toEqual({ marker: 'EOT', indented: true });
    expect(show(t)).toBe('"a\n\n  b ${c}\n"');
  });

  it('strips before it measures indentation, as HCL does', () => {
    const t = expr('<<-EOT\n  %{ if a ~}\n    yes\n  %{~ endif }\n  EOT') as TemplateExpr;
    expect(t.parts).toMatchObject([
      { kind: 'Text', value: '  ' },
      { kind: 'If', then: [{ kind: 'Text', value: '    yes\n' }] },
      { kind: 'Text', value: '\n' },
    ]);
  });

  it('parses a heredoc passed to a function, closing paren on its own line', () => {
    expect(show(expr('trimspace(<<-EOT\n  hi\n  EOT\n)'))).toBe('trimspace("hi\n")');
  });
});

describe('parseTemplate (templatefile)', () => {
  it('parses a whole text as a template, without backslash escapes', () => {
    const { template, diagnostics } = parseTemplate('Hello ${name}!\n%{ for u in users ~}\n- ${u}\n%{ endfor ~}\nC:\\path\n', 'motd.tpl');
    expect(diagnostics).toEqual([]);
    expect(template.range.start).toEqual({ line: 1, column: 1, offset: 0 });
    expect(template.parts).toMatchObject([
      { kind: 'Text', value: 'Hello ' },
      { kind: 'Interp', expr: { kind: 'Variable', name: 'name' } },
      { kind: 'Text', value: '!\n' },
      { kind: 'For', valueVar: 'u', body: [{ kind: 'Text', value: '- ' }, { kind: 'Interp' }, { kind: 'Text', value: '\n' }] },
      { kind: 'Text', value: 'C:\\path\n' },
    ]);
  });

  it('reports a missing %{endif} at its %{if}', () => {
    const { diagnostics } = parseTemplate('a\n%{ if x }\nb\n', 't.tpl');
    expect(diagnostics).toMatchObject([{ code: 'unterminated-template', range: { start: { line: 2, column: 1 } } }]);
  });

  it('reports directives that close nothing', () => {
    const { diagnostics } = parseTemplate('%{ endfor }\n%{ else }', 't.tpl');
    expect(diagnostics.map((d) => d.summary)).toEqual(['Unexpected %{endfor}', 'Unexpected %{else}']);
  });

  it('suggests the directive keyword that was probably meant', () => {
    const { diagnostics } = parseTemplate('%{ endfi }', 't.tpl');
    expect(diagnostics[0]!.hint).toContain('endif');
  });
});

describe('parseExpression', () => {
  it('parses a value given on the command line', () => {
    const { expr: e, diagnostics } = parseExpression('["a", "b"]', '<--var>');
    expect(diagnostics).toEqual([]);
    expect(show(e)).toBe('["a", "b"]');
  });

  it('parses a type expression', () => {
    expect(show(parseExpression('list(object({ name = string }))', '<type>').expr)).toBe('list(object({name=string}))');
  });

  it('allows line breaks anywhere', () => {
    expect(parseExpression('{\n  a = 1\n}\n', '<--var>').diagnostics).toEqual([]);
  });

  it('reports anything after the expression', () => {
    const { diagnostics } = parseExpression('1 2', '<--var>');
    expect(diagnostics).toMatchObject([{ code: 'syntax', summary: 'Extra characters after the expression', range: { start: { column: 3 } } }]);
  });

  it('reports an empty input', () => {
    expect(parseExpression('', '<--var>').diagnostics.map((d) => d.summary)).toEqual(['Expected an expression']);
  });
});

describe('parseHcl: errors', () => {
  it('reports an unterminated string at its opening quote, and parses the rest', () => {
    const r = parseHcl('source "qemu" "a" {\n  memory = "2048\n  cpus = 2\n}\n', 'f.hcl');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'unterminated-string', summary: 'Unterminated string', range: { start: { line: 2, column: 12 } } });
    expect(r.diagnostics[0]!.detail).toContain('line 2');
    const block = r.file.body.items[0] as Block;
    expect(block.body.items.map((i) => (i as Attribute).name)).toEqual(['memory', 'cpus']);
  });

  it('reports an unterminated heredoc naming its marker', () => {
    const d = errors('x = <<EOF\nhello\n');
    expect(d).toMatchObject([{ code: 'unterminated-heredoc', range: { start: { line: 1, column: 5 } } }]);
    expect(d[0]!.summary).toContain('EOF');
  });

  it('reports a block left open at the end of the file, naming it', () => {
    const d = errors('source "qemu" "a" {\n  cpus = 1\n');
    expect(d).toMatchObject([{ code: 'unclosed-brace', summary: 'Missing closing brace for block "source"', range: { start: { line: 1, column: 19 } } }]);
  });

  it('blames the block whose brace is really missing, going by indentation', () => {
    const d = errors(`build {
  provisioner "shell" {
    inline = ["a"]

  provisioner "file" {
    source = "x"
  }
}

source "qemu" "x" {
}
`);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'unclosed-brace', summary: 'Missing closing brace for block "provisioner"', range: { start: { line: 2 } } });
    expect(d[0]!.detail).toContain('line 5');
  });

  it('reports a stray closing brace as an unexpected token, and goes on', () => {
    expect(codesAndLines('a = 1\n}\nb = 2\n')).toEqual([['unexpected-token', 2]]);
    expect(parseHcl('a = 1\n}\nb = 2\n', 'f.hcl').file.body.items).toHaveLength(2);
  });

  it('reports invalid escapes and invalid characters', () => {
    expect(codesAndLines('a = "\\q"\nb = 1 @ 2\n')).toEqual([
      ['invalid-escape', 1],
      ['invalid-character', 2],
    ]);
  });

  it('recognises JSON and says JSON templates are not supported yet', () => {
    const d = errors('{\n  "builders": []\n}\n');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'json-as-hcl', range: { start: { line: 1, column: 1 } } });
    expect(d[0]!.summary).toMatch(/JSON/);
    expect(d[0]!.detail).toMatch(/\.pkr\.json.*not supported yet/);
    expect(d[0]!.hint).toMatch(/HCL/);
  });

  it('recognises JSON after leading blank lines and comments too', () => {
    expect(errors('\n\n# x\n{"a": 1}')[0]!.code).toBe('json-as-hcl');
  });

  it('reports an attribute defined twice at the second, naming the line of the first', () => {
    const d = errors('source "q" "a" {\n  cpus = 1\n  memory = 2\n  cpus = 3\n}\n');
    expect(d).toMatchObject([{ code: 'duplicate-attribute', range: { start: { line: 4, column: 3 } } }]);
    expect(d[0]!.detail).toContain('line 2');
  });

  it('allows the same attribute name in different blocks', () => {
    expect(errors('a { x = 1 }\nb { x = 2 }\nx = 3\n')).toEqual([]);
  });

  it('reports a list left open before the next argument at the list', () => {
    expect(errors('x = [1,\n  2\ny = 3\n')).toMatchObject([{ code: 'unclosed-brace', range: { start: { line: 1, column: 5 } } }]);
  });

  it('reports an object left open before the next block at the object, and keeps the block', () => {
    const r = parseHcl('tags = {\n  a = 1\n\nsource "q" "a" {\n  x = 1\n}\n', 'f.hcl');
    expect(r.diagnostics).toMatchObject([{ code: 'unclosed-brace', summary: 'Missing "}" to close the object', range: { start: { line: 1, column: 8 } } }]);
    expect(r.diagnostics[0]!.detail).toContain('line 4');
    expect(r.file.body.items.map((i) => (i.kind === 'Block' ? i.type : i.name))).toEqual(['tags', 'source']);
  });

  it('reports an operand that runs into the next line as an unclosed parenthesis', () => {
    expect(errors('x = (1 +\ny = 2\n')).toMatchObject([{ code: 'unclosed-brace', range: { start: { line: 1, column: 5 } } }]);
  });

  it('reports a missing value', () => {
    expect(errors('x =\ny = 1\n')).toMatchObject([{ code: 'syntax', summary: 'Expected an expression', range: { start: { line: 1, column: 4 } } }]);
  });

  it('reports text after an argument on the same line', () => {
    expect(errors('a = 1 b = 2\n')).toMatchObject([{ code: 'unexpected-token', range: { start: { column: 7 } } }]);
  });

  it('enforces HCL single-line block rules', () => {
    expect(errors('a { b {} }\n').map((d) => d.summary)).toEqual(['A nested block must start on its own line']);
    expect(errors('a { b = 1, c = 2 }\n')[0]!.hint).toContain('only one argument');
  });

  it('reports an unclosed interpolation that runs into the quote ending its string at the ${', () => {
    expect(located('x = "${var.a"\ny = 2\n')).toEqual([['unterminated-template', '1:6', 'Unclosed template interpolation']]);
  });

  it('reports a string cut short inside an unclosed interpolation as an unterminated string', () => {
    // `("a)}`: the quote opens a string here (a "}" follows it), so the string is what is broken.
    expect(codesAndLines('x = "${foo("a)}\ny = 2\n')).toEqual([['unterminated-string', 1]]);
  });

  it('reports every error in a file, not just the first', () => {
    const text = [
      'variable "a" {',
      '  default = "x',
      '  type    = string',
      '}',
      'b = [1 2]',
      'c = "\\q"',
      'd = 1',
      'd = 2',
      '}',
      'e = 1 +',
      'f = <<EOT',
      'never closed',
    ].join('\n');
    expect(codesAndLines(text)).toEqual([
      ['unterminated-string', 2],
      ['syntax', 5],
      ['invalid-escape', 6],
      ['duplicate-attribute', 8],
      ['unexpected-token', 9],
      ['syntax', 10],
      ['unterminated-heredoc', 11],
    ]);
  });

  it('keeps every argument it can after errors', () => {
    const r = parseHcl('a = [1 2]\nb = "ok"\nc = )\nd = 4\n', 'f.hcl');
    expect(r.file.body.items.map((i) => (i as Attribute).name)).toEqual(['a', 'b', 'c', 'd']);
    expect(r.diagnostics).toHaveLength(2);
  });

  it('writes summaries as one line without a final period', () => {
    const text = 'a = "x\nb = [\n}\nc = \\\nd { e {} }\nf = 1 1\n{\ng = "\\q"\nh = <<EOT\n';
    for (const d of errors(text)) {
      expect(d.summary).not.toContain('\n');
      expect(d.summary).not.toMatch(/\.$/);
      expect(d.range).toBeDefined();
    }
  });
});

describe('parseHcl: recovery without follow-on errors', () => {
  it('ends a heredoc at a misspelled closing marker, so the braces after it close their blocks', () => {
    const text = 'locals {\n  script = <<EOT\napt-get update\nEOF\n}\n\nlocals {\n  b = 1\n}\n';
    expect(located(text)).toEqual([['unterminated-heredoc', '2:12', 'Unterminated heredoc: no closing "EOT" line']]);
    expect(errors(text)[0]!.hint).toContain('Change EOF on line 4 to EOT');
    expect(outline(text)).toEqual(['locals', 'locals']);
  });

  it('ends a heredoc inside a list at its misspelled marker, so the list and blocks around it close', () => {
    const text = [
      'build {',
      '  sources = ["source.qemu.app"]',
      '',
      '  provisioner "shell" {',
      '    inline = [<<EOT',
      'apt-get update',
      'EOF',
      '    ]',
      '  }',
      '}',
      '',
    ].join('\n');
    expect(located(text)).toEqual([['unterminated-heredoc', '5:15', 'Unterminated heredoc: no closing "EOT" line']]);
    expect(outline(text)).toEqual(['build[provisioner]']);
  });

  it('ends a heredoc without any closing line before the line that closes the brackets around it', () => {
    const text = 'build {\n  provisioner "shell" {\n    inline = [<<EOT\napt-get update\n    ]\n  }\n}\n';
    expect(located(text)).toEqual([['unterminated-heredoc', '3:15', 'Unterminated heredoc: no closing "EOT" line']]);
    expect(errors(text)[0]!.detail).toContain('before line 5');
  });

  it('does not end an unterminated heredoc at a "}" of its own text', () => {
    // The JSON's "}" at column 1 would leave one brace too many for the blocks; the "  }" fits.
    const text = 'build {\n  provisioner "file" {\n    content = <<EOT\n{\n  "a": 1\n}\n    destination = "/x"\n  }\n}\n';
    expect(located(text)).toEqual([['unterminated-heredoc', '3:15', 'Unterminated heredoc: no closing "EOT" line']]);
    expect(errors(text)[0]!.detail).toContain('before line 8');
  });

  it('reports an unclosed ${ in a quoted string at the ${, and ends the string at its quote', () => {
    const text = 'locals {\n  a = ["A=${var.a"]\n}\nlocals {\n  b = 1\n}\n';
    expect(located(text)).toEqual([['unterminated-template', '2:11', 'Unclosed template interpolation']]);
    expect(errors(text)[0]!.detail).toContain('line 2, column 18');
    expect(outline(text)).toEqual(['locals', 'locals']);
    const a = (parseHcl(text, 'f.hcl').file.body.items[0] as Block).body.items[0] as Attribute;
    expect(a.expr.range.end).toMatchObject({ line: 2, column: 20 });
  });

  it('counts a list closed when its "]" is inside a string left unterminated on the same line', () => {
    expect(located('locals {\n  cmds = ["echo last]\n}\n')).toEqual([['unterminated-string', '2:11', 'Unterminated string']]);
    expect(located('x = foo("a)\ny = {k = "v}\nz = a["k]\n')).toEqual([
      ['unterminated-string', '1:9', 'Unterminated string'],
      ['unterminated-string', '2:10', 'Unterminated string'],
      ['unterminated-string', '3:7', 'Unterminated string'],
    ]);
  });

  it('still reports a list left open when no "]" was swallowed by the unterminated string', () => {
    expect(located('x = ["a\ny = 1\n')).toEqual([
      ['unclosed-brace', '1:5', 'Missing "]" to close the list'],
      ['unterminated-string', '1:6', 'Unterminated string'],
    ]);
  });

  it('ends an unclosed block at a line opening a top-level block, and reads that block at top level', () => {
    const text = [
      'variable "app_version" {',
      '  type    = string',
      '}',
      '',
      'source "qemu" "webapp" {',
      '  image_name = "webapp"',
      '',
      'build {',
      '  sources = ["source.qemu.webapp"]',
      '  provisioner "shell" {',
      '    inline = ["echo"]',
      '  }',
      '}',
      '',
    ].join('\n');
    expect(located(text)).toEqual([['unclosed-brace', '5:24', 'Missing closing brace for block "source"']]);
    expect(errors(text)[0]!.detail).toContain('Block build on line 8');
    expect(outline(text)).toEqual(['variable', 'source', 'build[provisioner]']);
  });

  it('closes every block open at that line, blaming each by indentation where it can', () => {
    const text = 'build {\n  provisioner "shell" {\n    inline = ["a"]\n\nsource "qemu" "x" {\n  a = 1\n}\n';
    expect(located(text)).toEqual([
      ['unclosed-brace', '1:7', 'Missing closing brace for block "build"'],
      ['unclosed-brace', '2:23', 'Missing closing brace for block "provisioner"'],
    ]);
    expect(outline(text)).toEqual(['build[provisioner]', 'source']);
  });

  it('keeps a block at column 1 nested when the braces say it is, however it is indented', () => {
    const text = 'build {\n  name = "a"\nsource "qemu.x" {\n  name = "b"\n}\n}\n';
    expect(errors(text)).toEqual([]);
    expect(outline(text)).toEqual(['build[source]']);
  });
});

describe('parseHcl: nesting limits', () => {
  it('reports deeply nested brackets instead of overflowing the stack', () => {
    const d = errors(`x = ${'['.repeat(5000)}${']'.repeat(5000)}\ny = 1\n`);
    expect(d).toMatchObject([{ code: 'nesting-too-deep' }]);
  });

  it('reports deeply nested blocks', () => {
    const d = errors(`${'a {\n'.repeat(3000)}${'}\n'.repeat(3000)}`);
    expect(d.map((x) => x.code)).toEqual(['nesting-too-deep']);
  });

  it('survives long unary, binary, traversal and splat chains', () => {
    for (const src of [
      `x = ${'!'.repeat(20000)}a`,
      `x = ${Array.from({ length: 20000 }, () => 'a').join(' + ')}`,
      `x = a${'.b'.repeat(20000)}`,
      `x = a${'[*]'.repeat(5000)}`,
      `x = ${'a ? b : '.repeat(5000)}c`,
      `x = ${'"${'.repeat(3000)}${'}"'.repeat(3000)}`,
      `x = "${'%{ if a }'.repeat(3000)}${'%{ endif }'.repeat(3000)}"`,
      `x = ${'('.repeat(100000)}`,
      `${'a "l" {'.repeat(20000)}`,
    ]) {
      const r = parseHcl(src + '\n', 'f.hcl');
      expect(r.diagnostics.length, src.slice(0, 20)).toBeGreaterThan(0);
    }
  });

  it('accepts nesting well within the limit', () => {
    expect(errors(`x = ${'['.repeat(60)}${']'.repeat(60)}\n`)).toEqual([]);
    expect(errors(`${'a {\n'.repeat(60)}${'}\n'.repeat(60)}`)).toEqual([]);
  });
});

describe('parseHcl: robustness', () => {
  it('never throws, and every diagnostic points inside the file', () => {
    const piece = fc.constantFrom(
      'a', ' = ', '1', '"', '"x"', '${', '%{', '}', '{', '[', ']', '(', ')', ',', '\n', ' ', '<<EOT\n', '\nEOT\n', '<<-X\n',
      'for', ' in ', ':', '=>', '...', '?', '.', '*', '#c\n', '/*', '*/', '\\', '~', 'if ', 'endif', '-', '!', '&&',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const r = parseHcl(text, 'f.hcl');
        for (const d of r.diagnostics) {
          expect(d.range!.start.offset).toBeGreaterThanOrEqual(0);
          expect(d.range!.end.offset).toBeLessThanOrEqual(text.length);
          expect(d.range!.start.offset).toBeLessThanOrEqual(d.range!.end.offset);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (text) => {
        parseHcl(text, 'f.hcl');
        parseTemplate(text, 't.tpl');
        parseExpression(text, '<e>');
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseHcl: performance', () => {
  const block = (i: number) => `
variable "region_${i}" {
  type    = string
  default = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]$", var.region_${i}))
    error_message = "The region must look like us-east-1."
  }
}

locals {
  name_${i}  = "\${var.prefix}-\${formatdate("YYYYMMDD", timestamp())}"
  disks_${i} = [for d in var.disks : { size = d.size * 1024, type = lookup(d, "type", "gp3") } if d.enabled]
}

source "amazon-ebs" "base_${i}" {
  ami_name      = local.name_${i}
  instance_type = var.instance_type
  source_ami_filter {
    filters = {
      name = "debian-12-amd64-*"
    }
    owners = ["136693071363"]
  }
}

build {
  sources = ["source.amazon-ebs.base_${i}"]
  provisioner "shell" {
    inline = ["sudo apt-get install -y \${join(" ", var.packages)}"]
  }
  provisioner "shell" {
    script = <<-EOT
      #!/bin/sh
      %{ for p in var.packages ~}
      echo \${p}
      %{ endfor ~}
    EOT
  }
}
`;
  function template(minChars: number): string {
    let s = '';
    for (let i = 0; s.length < minChars; i++) s += block(i);
    return s;
  }

  // Timing is measured in bench/ (bench/parse-validate.ts), never asserted in tests: the
  // machines are shared and noisy. These check that large inputs parse completely and correctly.
  it('parses a 1,000-line template without diagnostics', () => {
    let text = '';
    for (let i = 0; text.split('\n').length < 1000; i++) text += block(i);
    expect(parseHcl(text, 'f.hcl').diagnostics).toEqual([]);
  });

  it('parses a 1 MB template without diagnostics', () => {
    const text = template(1_000_000);
    const r = parseHcl(text, 'big.hcl');
    expect(r.diagnostics).toEqual([]);
    expect(r.file.body.items.length).toBeGreaterThan(1000);
  });

  it('reports an error on every line of a 16,000-line broken input, at the right lines', () => {
    const line = (i: number) => `a${i} = [1, 2 "x\n`;
    const large = Array.from({ length: 16_000 }, (_, i) => line(i)).join('');
    const diags = parseHcl(large, 'l.hcl').diagnostics;
    expect(diags.length).toBeGreaterThanOrEqual(16_000);
    expect(diags.at(-1)!.range!.start.line).toBe(16_000);
  });
});
