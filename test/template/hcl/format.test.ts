import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHcl } from '../../../src/template/hcl/format.js';
import { lex } from '../../../src/template/hcl/lexer.js';
import { parseHcl } from '../../../src/template/hcl/parser.js';
import type { Token } from '../../../src/template/hcl/token.js';

const fixtures = fileURLToPath(new URL('./format-fixtures/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const read = (path: string) => readFileSync(path, 'utf8');
const fmt = (text: string) => {
  const { output, diagnostics } = formatHcl(text, 'test.pkr.hcl');
  expect(diagnostics).toEqual([]);
  return output;
};

const fixtureNames = readdirSync(fixtures)
  .filter((f) => f.endsWith('.in.hcl'))
  .map((f) => f.slice(0, -'.in.hcl'.length))
  .sort();

describe('formatHcl fixtures (NAME.in.hcl formats to NAME.out.hcl)', () => {
  it('has fixtures to check', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of fixtureNames) {
    it(`formats ${name}`, () => {
      const want = read(`${fixtures}${name}.out.hcl`);
      expect(fmt(read(`${fixtures}${name}.in.hcl`))).toBe(want);
      expect(fmt(want)).toBe(want);
    });
  }
});

/**
 * The test vectors of hclwrite's own format_test.go (hashicorp/hcl, hclwrite/format_test.go),
 * so `bake fmt` and `packer fmt` agree. hclwrite also formats bare expressions; those are wrapped
 * in `x = ...` here because a template holds only attributes and blocks.
 */
const hclwriteCases: Array<[string, string]> = [
  ['a=1', 'a = 1\n'],
  ['a=b.c', 'a = b.c\n'],
  ['a=b[c]', 'a = b[c]\n'],
  ['a=b()[c]', 'a = b()[c]\n'],
  ['a=["hello"][0]', 'a = ["hello"][0]\n'],
  ['x = ( a+2 )', 'x = (a + 2)\n'],
  ['x = ( a*2 )', 'x = (a * 2)\n'],
  ['x = ( a+-2 )', 'x = (a + -2)\n'],
  ['x = ( a*-2 )', 'x = (a * -2)\n'],
  ['x = (-2+1)', 'x = (-2 + 1)\n'],
  ['x = foo(1, -2,a*b, b,c)', 'x = foo(1, -2, a * b, b, c)\n'],
  ['b{}', 'b {}\n'],
  ['x = foo(\n1,\n- 2,\na*b,\nb,\nc,\n)\n', 'x = foo(\n  1,\n  -2,\n  a * b,\n  b,\n  c,\n)\n'],
  ['x = [ [ ] ]', 'x = [[]]\n'],
  ['x = [\n[\na\n]\n]\n', 'x = [\n  [\n    a\n  ]\n]\n'],
  ['x = [[\na\n]]\n', 'x = [[\n  a\n]]\n'],
  ['x = [[\n[\na\n]\n]]\n', 'x = [[\n  [\n    a\n  ]\n]]\n'],
  // degenerate input, brackets not symmetrical within lines
  ['x = [[\n[\na\n]]\n]\n', 'x = [[\n  [\n    a\n  ]]\n]\n'],
  ['b {\na = 1\n}\n', 'b {\n  a = 1\n}\n'],
  ['a = 1\nbungle = 2\n', 'a      = 1\nbungle = 2\n'],
  ['a = 1\n\nbungle = 2\n', 'a = 1\n\nbungle = 2\n'],
  ['a = 1 # foo\nbungle = 2\n', 'a      = 1 # foo\nbungle = 2\n'],
  ['a = 1 # foo\nbungle = "bonce" # baz\n', 'a      = 1       # foo\nbungle = "bonce" # baz\n'],
  [
    '# here we go\na = 1 # foo\nbungle = "bonce" # baz\n',
    '# here we go\na      = 1       # foo\nbungle = "bonce" # baz\n',
  ],
  [
    'foo {} # here we go\na = 1 # foo\nbungle = "bonce" # baz\n',
    'foo {}           # here we go\na      = 1       # foo\nbungle = "bonce" # baz\n',
  ],
  [
    'a = 1 # foo\nbungle = "bonce" # baz\nzebra = "striped" # baz\n',
    'a      = 1         # foo\nbungle = "bonce"   # baz\nzebra  = "striped" # baz\n',
  ],
  [
    'a = 1 # foo\nbungle = (\n    "bonce"\n) # baz\nzebra = "striped" # baz\n',
    'a = 1 # foo\nbungle = (\n  "bonce"\n)                 # baz\nzebra = "striped" # baz\n',
  ],
  [
    'a="apple"# foo\nbungle=(# woo parens\n"bonce"\n)# baz\nzebra="striped"# baz\n',
    'a = "apple" # foo\nbungle = (  # woo parens\n  "bonce"\n)                 # baz\nzebra = "striped" # baz\n',
  ],
  [
    '𝒜 = 1 # foo\nbungle = "🇬🇧" # baz\nzebra = "striped" # baz\n',
    '𝒜      = 1         # foo\nbungle = "🇬🇧"       # baz\nzebra  = "striped" # baz\n',
  ],
];

describe('formatHcl matches hclwrite', () => {
  it.each(hclwriteCases)('formats %j', (input, want) => {
    expect(fmt(input)).toBe(want);
  });

  it('aligns the = of a heredoc attribute with its neighbours, as hclwrite sees a heredoc as one line', () => {
    expect(fmt('a = 1\nbungle = <<EOT\n  x = 1\nEOT\nc = 2\n')).toBe('a      = 1\nbungle = <<EOT\n  x = 1\nEOT\nc      = 2\n');
  });

  it('does not align an attribute whose value spans lines', () => {
    expect(fmt('a = 1\nbb = [\n1,\n]\nccc = 2\n')).toBe('a = 1\nbb = [\n  1,\n]\nccc = 2\n');
  });

  it('spaces `for` expressions as hclwrite does, colon included', () => {
    expect(fmt('x = [for s in l: upper(s)]\ny = {for k,v in m: k=>v}\n')).toBe(
      'x = [for s in l : upper(s)]\ny = { for k, v in m : k => v }\n',
    );
  });

  it('indents `}, {` between two object arguments one level in, as hclwrite does', () => {
    expect(fmt('r = merge({\na = 1\n}, {\nb = 2\n})\n')).toBe('r = merge({\n  a = 1\n  }, {\n  b = 2\n})\n');
  });

  it('keeps a heredoc argument and what follows it on the next line at the outer level', () => {
    const input = 'x = join("", [<<EOT\nfoo\nEOT\n  , "y"])\n';
    expect(fmt(input)).toBe('x = join("", [<<EOT\nfoo\nEOT\n, "y"])\n');
  });

  it("keeps hclwrite's space after a minus that follows =>, so both tools agree", () => {
    expect(fmt('x = { for k, v in m : k => -v }\n')).toBe('x = { for k, v in m : k => - v }\n');
  });
});

describe('formatHcl leaves alone what it must not change', () => {
  it('returns a file with syntax errors unchanged, with the errors', () => {
    const broken = 'a   =   1\nsource "x" {\n  b =\n}\n';
    const { output, diagnostics } = formatHcl(broken, 'broken.pkr.hcl');
    expect(output).toBe(broken);
    expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(diagnostics[0]?.range?.filename).toBe('broken.pkr.hcl');
  });

  it('returns an unterminated heredoc unchanged', () => {
    const broken = 'a = <<EOT\n  text\n';
    const { output, diagnostics } = formatHcl(broken, 'broken.pkr.hcl');
    expect(output).toBe(broken);
    expect(diagnostics.map((d) => d.code)).toContain('unterminated-heredoc');
  });

  it('keeps heredoc bodies byte for byte, whatever the indentation around them', () => {
    const body = '\t  tabs and  spaces  \n\n   ${ var.x }   %{ if true }y%{ endif }\n  trailing   \n';
    for (const marker of ['<<EOT', '<<-EOT']) {
      const out = fmt(`      locals {\n  x     = ${marker}\n${body}    EOT \t\n        }\n`);
      expect(out).toBe(`locals {\n  x = ${marker}\n${body}    EOT\n}\n`);
    }
  });

  it('keeps everything between the quotes of a string, spaces inside ${ } included', () => {
    expect(fmt('a="  ${ var.x }  %{ if  true }y%{ endif }"\n')).toBe('a = "  ${ var.x }  %{ if  true }y%{ endif }"\n');
  });

  it('keeps a string whose interpolation spans lines as written, and does not align it', () => {
    const input = 'a = "${\n      foo\n   }"\nbb = 1\n';
    expect(fmt(input)).toBe(input);
  });

  it('keeps comments, trimming only blanks at the end of a line comment', () => {
    expect(fmt('a = 1 #   spaced   out   \n/*  keep\n   me  */\n')).toBe('a = 1 #   spaced   out\n/*  keep\n   me  */\n');
  });

  it('keeps `1 .5` (index 5 of the number 1) from becoming the number 1.5', () => {
    expect(fmt('a = 1 .5\nb = 1. 5\nc = a.0 .1\n')).toBe('a = 1 .5\nb = 1 .5\nc = a.0.1\n');
  });

  it('keeps a byte order mark', () => {
    expect(fmt('\ufeffa=1\n')).toBe('\ufeffa = 1\n');
  });
});

describe('formatHcl line ends', () => {
  it('ends a file without a line end with one', () => {
    expect(fmt('a = 1')).toBe('a = 1\n');
    expect(fmt('a = 1 # note')).toBe('a = 1 # note\n');
  });

  it('drops blank lines at the end of the file but keeps blank lines elsewhere', () => {
    expect(fmt('\n\na = 1\n\n\n\nb = 2\n\n\n')).toBe('\n\na = 1\n\n\n\nb = 2\n');
  });

  it('turns an empty or blank file into an empty one', () => {
    expect(fmt('')).toBe('');
    expect(fmt('\n \t\n\n')).toBe('');
  });

  it('keeps CRLF line ends, as hclwrite does, so heredoc values do not change', () => {
    const input = read(`${fixtures}misaligned-attributes.in.hcl`).replace(/\n/g, '\r\n');
    const want = read(`${fixtures}misaligned-attributes.out.hcl`).replace(/\n/g, '\r\n');
    expect(fmt(input)).toBe(want);
    const heredoc = 'a = <<EOT\r\n  body  \r\nEOT\r\nbb = 1 # c  \r\n';
    expect(fmt(heredoc)).toBe('a  = <<EOT\r\n  body  \r\nEOT\r\nbb = 1 # c\r\n');
  });

  it('ends a CRLF file with CRLF', () => {
    expect(fmt('a = 1\r\nb = 2')).toBe('a = 1\r\nb = 2\r\n');
    expect(fmt('a = 1\r\n\r\n\r\n')).toBe('a = 1\r\n');
  });
});

// Timing lives in bench/ (no timing assertions in tests: the machines are shared and noisy).
describe('formatHcl on a large template', () => {
  it('formats a 1,000-line template idempotently', () => {
    const one = read(`${fixtures}packer-template.in.hcl`);
    const big = one.repeat(Math.ceil(1000 / one.split('\n').length));
    expect(big.split('\n').length).toBeGreaterThanOrEqual(1000);
    expect(hasErrors(big)).toBe(false);
    const once = formatHcl(big, 'big.pkr.hcl').output;
    expect(formatHcl(once, 'big.pkr.hcl').output).toBe(once);
  });
});

// ---- properties over a corpus of valid templates ----

const corpus: Array<[string, string]> = [
  ...listHcl(`${repoRoot}templates/`),
  ...listHcl(`${repoRoot}test/template/hcl/fixtures/valid/`),
  ...readdirSync(fixtures)
    .filter((f) => f.endsWith('.hcl'))
    .map((f): [string, string] => [f, read(`${fixtures}${f}`)]),
].filter(([, text]) => text.trim() !== '');

function listHcl(dir: string): Array<[string, string]> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((f) => f.endsWith('.hcl')).map((f) => [f, read(`${dir}${f}`)]);
}

/** A place between two tokens, outside strings and heredocs, where whitespace may go. */
interface Gap {
  /** Index of the token after the gap. */
  before: number;
  /** Whitespace there now (a Whitespace token) or none. */
  ws: number | undefined;
  /** At a line start or end, or between tokens that touch: no whitespace is fine too. */
  mayBeEmpty: boolean;
}

function gapsOf(tokens: readonly Token[]): Gap[] {
  const gaps: Gap[] = [];
  let depth = 0;
  let prev: Token | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'Whitespace') continue;
    if (depth === 0) {
      const ws = tokens[i - 1]?.kind === 'Whitespace' ? i - 1 : undefined;
      const atEdge = prev === undefined || prev.kind === 'Newline' || t.kind === 'Newline' || t.kind === 'EOF';
      gaps.push({ before: ws ?? i, ws, mayBeEmpty: atEdge || ws === undefined });
    }
    if (t.kind === 'OQuote' || t.kind === 'OHeredoc') depth++;
    else if (t.kind === 'CQuote' || t.kind === 'CHeredoc') depth--;
    prev = t;
  }
  return gaps;
}

/** Rewrites the whitespace in some gaps: extra spaces and tabs, other indentation, trailing blanks. */
function respace(text: string, edits: ReadonlyArray<{ at: number; ws: string }>): string {
  const { tokens } = lex(text, 'corpus.hcl');
  const gaps = gapsOf(tokens);
  const chosen = new Map<number, string>();
  for (const e of edits) {
    const gap = gaps[e.at % gaps.length]!;
    chosen.set(gap.before, e.ws === '' && !gap.mayBeEmpty ? ' ' : e.ws);
  }
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const ws = chosen.get(i);
    if (ws !== undefined) {
      out += ws;
      if (tokens[i]!.kind === 'Whitespace') continue;
    }
    out += tokens[i]!.raw;
  }
  return out;
}

/** Tokens that carry meaning, line ends included (but not those at the end of the file). */
function meaning(text: string): string[] {
  const toks = lex(text, 'x.hcl')
    .tokens.filter((t) => t.kind !== 'Whitespace' && t.kind !== 'EOF')
    .map((t) => `${t.kind}:${t.kind === 'Comment' || t.kind === 'CHeredoc' ? t.raw.replace(/[ \t]+$/, '') : t.raw}`);
  while (toks.length > 0 && toks[toks.length - 1]!.startsWith('Newline:')) toks.pop();
  return toks;
}

/** Lines that end in spaces or tabs, leaving out those inside heredocs and block comments. */
function trailingBlanks(text: string): number[] {
  const { tokens } = lex(text, 'x.hcl');
  const lines: number[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1]!;
    const blankEnd = prev.kind === 'Whitespace' || ((prev.kind === 'Comment' || prev.kind === 'CHeredoc') && /[ \t]$/.test(prev.raw));
    if ((t.kind === 'Newline' || t.kind === 'EOF') && blankEnd) lines.push(t.range.start.line);
  }
  return lines;
}

const hasErrors = (text: string) => parseHcl(text, 'x.hcl').diagnostics.some((d) => d.severity === 'error');

describe('formatHcl properties', () => {
  it('has a corpus of valid templates', () => {
    expect(corpus.length).toBeGreaterThan(10);
    for (const [name, text] of corpus) expect(hasErrors(text), name).toBe(false);
  });

  const edits = fc.array(fc.record({ at: fc.nat(), ws: fc.stringMatching(/^[ \t]{0,6}$/) }), { maxLength: 40 });

  it('formats a respaced template the same as the original, idempotently, without changing its tokens', () => {
    fc.assert(
      fc.property(fc.constantFrom(...corpus), edits, ([, original], es) => {
        const input = respace(original, es);
        const out = fmt(input);
        expect(fmt(out)).toBe(out);
        expect(out).toBe(fmt(original));
        expect(hasErrors(out)).toBe(false);
        expect(meaning(out)).toEqual(meaning(input));
        expect(trailingBlanks(out)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('stays idempotent and meaning-preserving when blank lines are added', () => {
    fc.assert(
      fc.property(fc.constantFrom(...corpus), edits, fc.array(fc.nat(), { maxLength: 5 }), ([, original], es, extra) => {
        let input = respace(original, es);
        const lineEnds = [...input.matchAll(/\n/g)].map((m) => m.index);
        const at = [...new Set(extra.map((n) => lineEnds[n % lineEnds.length]!))].sort((a, b) => b - a);
        for (const i of lineEnds.length === 0 ? [] : at) input = input.slice(0, i) + '\n' + input.slice(i);
        fc.pre(!hasErrors(input));
        const out = fmt(input);
        expect(fmt(out)).toBe(out);
        expect(hasErrors(out)).toBe(false);
        expect(meaning(out)).toEqual(meaning(input));
      }),
      { numRuns: 200 },
    );
  });
});
