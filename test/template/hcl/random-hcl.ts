/**
 * Seeded generator of Packer-like HCL files for the differential test: nested blocks with
 * labels, and expressions from the whole grammar (templates with directives and strip markers,
 * heredocs, splats, for expressions, comments in odd places, awkward numbers). Mostly valid, but
 * it does not try hard: some outputs are rejected by HCL, which the test uses too (both parsers
 * must then reject them). `mutate` breaks a file on purpose.
 */

/** mulberry32: small, fast, and the same sequence everywhere for a given seed. */
export function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomHcl(seed: number): string {
  return new Generator(rng(seed)).file();
}

/** Deletes, inserts or duplicates a few characters. */
export function mutate(src: string, seed: number, edits: number): string {
  const rnd = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  for (let m = 0; m < edits; m++) {
    const p = Math.floor(rnd() * src.length);
    const k = rnd();
    if (k < 0.4) src = src.slice(0, p) + src.slice(p + 1);
    else if (k < 0.8) src = src.slice(0, p) + pick(['"', '{', '}', '[', ']', '(', ')', '$', '%', '\n', '~', '=', ',', '.', '*', '<<', 'x', '#', '/*', '\\']) + src.slice(p);
    else {
      const q = Math.floor(rnd() * src.length);
      src = src.slice(0, p) + src.slice(q, q + 5) + src.slice(p);
    }
  }
  return src;
}

const IDENTS = ['a', 'b', 'var', 'local', 'foo_bar', 'x-y', 'count', 'each', 'in', 'if', 'é', '_u'];
const LITERALS = ['1', '0', '1.5', '1e3', '2E-2', '1.e2', '007', '12345678901234567890', 'true', 'false', 'null', '"s"', '""', '-1', '!true', '-x'];
const OPERATORS = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||'];
const TEXT = ['abc', ' x ', '\\n', '\\t', '\\"', '\\\\', '$${x}', '%%{y}', '$', '%', ' ', '\\u00e9', '{', '}', 'a b'];
const BLOCKS: Record<string, () => string[]> = {
  source: () => [' "a" "b"', ' x "q"', ' "a" "c"'],
  build: () => [''],
  provisioner: () => [' "shell"', ' file'],
  locals: () => [''],
  variable: () => [' "v1"', ' v2'],
};

class Generator {
  constructor(private readonly rnd: () => number) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  private ws(): string {
    return this.pick(['', '', ' ', ' ', '  ', '\t', ' /* c */ ']);
  }

  private nl(): string {
    return this.pick(['', ' ', '\n', '\n  ', ' # c\n', ' // c\n']);
  }

  private strip(): string {
    return this.pick(['', '~']);
  }

  file(): string {
    let src = this.body(2, '');
    if (this.rnd() < 0.3) src = src.replace(/\n/g, '\r\n');
    // One-line blocks and comments between labels, now and then.
    if (this.rnd() < 0.2) src = src.replace(/ \{(\r?\n) {2}([a-h]) = ([^\n{}]*)\r?\n\}/, ' { $2 = $3 }');
    if (this.rnd() < 0.2) src = src.replace(/"a" "b" \{/, '"a" /* c */ b { # x');
    return src;
  }

  private body(depth: number, indent: string): string {
    const n = 1 + Math.floor(this.rnd() * 4);
    const out: string[] = [];
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      if (depth > 0 && this.rnd() < 0.3) {
        const type = this.pick(Object.keys(BLOCKS));
        const labels = this.pick(BLOCKS[type]!());
        out.push(`${indent}${type}${labels} {\n${this.body(depth - 1, indent + '  ')}${indent}}`);
      } else {
        const name = this.pick(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
        if (used.has(name)) continue;
        used.add(name);
        out.push(`${indent}${name} = ${this.expr(3)}`);
      }
    }
    return out.map((l) => l + this.pick(['', ' # t', '  ']) + '\n').join('');
  }

  private expr(d: number, inner = false): string {
    const k = this.rnd();
    if (d <= 0 || k < 0.2) return this.pick([...LITERALS, ...IDENTS]);
    if (k < 0.3) return `"${this.templateText(d)}"`;
    if (k < 0.35 && !inner) return this.heredoc(d);
    if (k < 0.45) return this.expr(d - 1, inner) + this.ws() + this.pick(OPERATORS) + this.ws() + this.expr(d - 1, inner);
    if (k < 0.5) return this.rnd() < 0.5 ? '-' + this.pick(['a', '(1)', 'f(1)', 'a.b', '1', '-1', '1.5e2']) : '!' + this.pick(['a', '(true)', 'true', '!a', 'false']);
    if (k < 0.55) return `${this.expr(d - 1, inner)}${this.ws()}?${this.ws()}${this.expr(d - 1, inner)}${this.ws()}:${this.ws()}${this.expr(d - 1, inner)}`;
    if (k < 0.62) {
      const items = Array.from({ length: Math.floor(this.rnd() * 4) }, () => this.nl() + this.expr(d - 1, true));
      return `[${items.join(',')}${items.length > 0 && this.rnd() < 0.3 ? ',' : ''}${this.nl()}]`;
    }
    if (k < 0.7) {
      const items = Array.from({ length: Math.floor(this.rnd() * 4) }, (_, i) => {
        const key = this.pick([this.pick(IDENTS.filter((x) => x !== 'in' && x !== 'if')), `"k${i}"`, `(${this.pick(IDENTS)})`, 'a.b', '1']);
        return `${key}${this.ws()}${this.pick(['=', ':'])}${this.ws()}${this.expr(d - 1, inner)}`;
      });
      return `{${this.pick(['', '\n'])}${items.join(this.pick([',', '\n', ',\n']))}${this.pick(['', '\n', ','])}}`;
    }
    if (k < 0.76) {
      const args = [this.expr(d - 1, true), this.expr(d - 1, true)].slice(0, Math.floor(this.rnd() * 3));
      return `${this.pick(['upper', 'f', 'max', 'concat'])}(${this.nl()}${args.join(',' + this.nl())}${this.rnd() < 0.2 ? ', a...' : ''}${this.nl()})`;
    }
    if (k < 0.82) return `(${this.nl()}${this.expr(d - 1, true)}${this.nl()})`;
    if (k < 0.88) {
      return this.pick(['a', 'var.x', 'a[0]', 'foo']) + this.pick(['.b', '[0]', '.*', '.*.b', '[*]', '[*].b[0]', '.0', '["k"]', '[a]', '.b.c', '']);
    }
    const v = this.pick(['v', 'k, v']);
    const cond = this.pick(['', ` if ${this.expr(d - 1, true)}`]);
    if (k < 0.94) return `[for ${v} in ${this.expr(d - 1, true)} : ${this.expr(d - 1, true)}${cond}]`;
    return `{for ${v} in ${this.expr(d - 1, true)} : ${this.expr(d - 1, true)} => ${this.expr(d - 1, true)}${this.pick(['', '...'])}${cond}}`;
  }

  /** The inside of a quoted string. */
  private templateText(d: number): string {
    const parts: string[] = [];
    const n = Math.floor(this.rnd() * 4);
    for (let i = 0; i < n; i++) {
      const k = this.rnd();
      if (k < 0.4 || d <= 0) parts.push(this.pick(TEXT));
      else if (k < 0.7) parts.push(`\${${this.strip()}${this.ws()}${this.expr(d - 1, true)}${this.ws()}${this.strip()}}`);
      else if (k < 0.85) {
        const els = this.rnd() < 0.5 ? `%{ else }${this.templateText(d - 1)}` : '';
        parts.push(`%{${this.strip()} if ${this.expr(d - 1, true)} ${this.strip()}}${this.templateText(d - 1)}${els}%{${this.strip()}endif${this.strip()}}`);
      } else {
        parts.push(`%{${this.strip()}for ${this.pick(['v', 'k, v'])} in ${this.expr(d - 1, true)}${this.strip()}}${this.templateText(d - 1)}%{${this.strip()}endfor${this.strip()}}`);
      }
    }
    return parts.join('');
  }

  private heredoc(d: number): string {
    const marker = this.pick(['EOT', 'EOF', 'X']);
    const lines = Array.from({ length: Math.floor(this.rnd() * 4) }, () => {
      let line = this.pick(['', ' ', '  ', '    ', '\t']) + this.pick(['hello', '', '  x', 'a $${b}', '%%{c}', '\\n']);
      if (d > 0 && this.rnd() < 0.4) line += `\${${this.strip()}${this.expr(d - 1, true)}${this.strip()}}`;
      if (d > 0 && this.rnd() < 0.2) line = `${this.pick(['', '  '])}%{${this.strip()} if a ${this.strip()}}${line}%{${this.strip()} endif ${this.strip()}}`;
      return line + '\n';
    });
    return `<<${this.pick(['', '-'])}${marker}\n${lines.join('')}${this.pick(['', '  ', '    '])}${marker}`;
  }
}
