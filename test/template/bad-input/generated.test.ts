/**
 * Inputs too big or too odd to keep as corpus files, generated here: deep nesting, a 1 MB
 * template, binary garbage. The engine must answer each with located diagnostics, never a
 * stack overflow, a hang or a stack trace; the per-test timeouts are the bound on "quickly".
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/template/diagnostics.js';
import { parseHcl } from '../../../src/template/hcl/parser.js';
import { runCli, testdir } from '../../_helpers/cli.js';
import { STACK_LINE, loadAsCli, rangeProblems, where } from './_diagnostics.js';

const DEPTH = 10_000;

const errorsOf = (diags: readonly Diagnostic[]) => diags.filter((d) => d.severity === 'error');

/** A template with `expr` as the value of a local, on line 2. */
const inLocal = (expr: string) => `locals {\n  x = ${expr}\n}\n`;

/** Name, text, and the line of the one "too deep" error; 0 where more errors are expected. */
const deep: Array<[string, string, number]> = [
  ['brackets', inLocal('['.repeat(DEPTH) + ']'.repeat(DEPTH)), 2],
  ['parentheses', inLocal(`${'('.repeat(DEPTH)}1${')'.repeat(DEPTH)}`), 2],
  ['objects', inLocal(`${'{ a = '.repeat(DEPTH)}1${' }'.repeat(DEPTH)}`), 2],
  ['interpolations', inLocal(`"${'${"'.repeat(DEPTH)}${'"}'.repeat(DEPTH)}"`), 2],
  ['unary minus signs', inLocal(`${'-'.repeat(DEPTH)}1`), 2],
  ['conditionals', inLocal(`${'true ? '.repeat(DEPTH)}1${' : 2'.repeat(DEPTH)}`), 2],
  ['function calls', inLocal(`${'abs('.repeat(DEPTH)}1${')'.repeat(DEPTH)}`), 2],
  ['for expressions', inLocal(`${'[for x in '.repeat(DEPTH)}[] : x${']'.repeat(DEPTH)}`), 2],
  ['template directives', `locals {\n  x = <<EOT\n${'%{ if true }'.repeat(DEPTH)}${'%{ endif }'.repeat(DEPTH)}\nEOT\n}\n`, 3],
  ['an operator chain', inLocal(`1${' + 1'.repeat(DEPTH)}`), 2],
  // Also "b0" is not a block type; and every bracket left open is reported, up to the limit.
  ['blocks', `${Array.from({ length: DEPTH }, (_, i) => `b${i} {\n`).join('')}${'}\n'.repeat(DEPTH)}`, 0],
  ['unclosed brackets', inLocal('['.repeat(DEPTH)), 0],
];

describe(`${DEPTH} levels of nesting`, () => {
  it.each(deep)('%s: reported as too deep, without a stack overflow', async (_, text, line) => {
    const parsed = parseHcl(text, 't.pkr.hcl');
    expect(parsed.diagnostics.map((d) => d.code)).toContain('nesting-too-deep');

    const cwd = testdir({ 't.pkr.hcl': text });
    const r = await loadAsCli('t.pkr.hcl', cwd);
    const errors = errorsOf(r.diagnostics);
    expect(rangeProblems(r.diagnostics, r.sources)).toEqual([]);
    if (line > 0) {
      // One error, not one per level nor echoes of the cut-off expression when it is evaluated.
      expect(errors.map((d) => [d.code, d.range?.start.line])).toEqual([['nesting-too-deep', line]]);
    } else {
      expect(errors.map((d) => d.code)).toContain('nesting-too-deep');
      expect(errors.length).toBeLessThan(200);
    }
  });

  it('is reported by the CLI with its location and no stack trace', async () => {
    const cwd = testdir({ 't.pkr.hcl': deep[0]![1] });
    const r = await runCli(['validate', 't.pkr.hcl'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^t\.pkr\.hcl:2:\d+: error: .*too deep/m);
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  });
});

/**
 * A valid template of about 1 MB: a locals block of ~500 kB, then a build with enough shell
 * provisioners for the rest. `tail` replaces the build's closing brace.
 */
function megabyteTemplate(tail = '}\n'): { text: string; lines: number } {
  const parts = ['source "qemu" "big" {\n  parent = "os-base"\n}\n\nlocals {\n'];
  let size = parts[0]!.length;
  let locals = 0;
  while (size < 500_000) {
    const line = `  package_${locals} = "pkg-${locals}-\${upper("x")}"\n`;
    parts.push(line);
    size += line.length;
    locals++;
  }
  parts.push('}\n\nbuild {\n  sources = ["source.qemu.big"]\n');
  for (let i = 0; size < 1_000_000; i++) {
    const block = `\n  provisioner "shell" {\n    inline = ["echo step ${i}", "apt-get install -y \${local.package_${i % locals}}"]\n  }\n`;
    parts.push(block);
    size += block.length;
  }
  parts.push(tail);
  const text = parts.join('');
  return { text, lines: text.split('\n').length };
}

describe('a 1 MB template', () => {
  it('loads when valid, in-process and through the CLI', { timeout: 20_000 }, async () => {
    const { text } = megabyteTemplate();
    expect(text.length).toBeGreaterThan(1_000_000);
    const cwd = testdir({ 'big.pkr.hcl': text });
    const r = await loadAsCli('big.pkr.hcl', cwd);
    expect(r.diagnostics.map(where)).toEqual([]);
    expect(r.template?.builds[0]?.provisioners.length).toBeGreaterThan(4_000);

    const cli = await runCli(['validate', 'big.pkr.hcl'], { cwd });
    expect(cli).toMatchObject({ code: 0, stderr: '' });
  });

  it('reports a typo in its last block at the right line', { timeout: 20_000 }, async () => {
    const { text, lines } = megabyteTemplate('\n  provisioner "shell" {\n    inline = ["echo last"]\n    timout = "5m"\n  }\n}\n');
    const typoLine = lines - 3;
    expect(text.split('\n')[typoLine - 1]).toBe('    timout = "5m"');
    const cwd = testdir({ 'big.pkr.hcl': text });
    const r = await loadAsCli('big.pkr.hcl', cwd);
    expect(r.diagnostics.map(where)).toEqual([`unknown-attribute big.pkr.hcl:${typoLine}:5`]);
    expect(r.diagnostics[0]!.hint).toBe('Did you mean "timeout"?');

    const cli = await runCli(['validate', 'big.pkr.hcl'], { cwd });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`big.pkr.hcl:${typoLine}:5: error: Unsupported argument "timout"`);
  });

  it('reports a stray brace on its last line', { timeout: 20_000 }, async () => {
    const { text, lines } = megabyteTemplate('}\n}\n');
    const cwd = testdir({ 'big.pkr.hcl': text });
    const r = await loadAsCli('big.pkr.hcl', cwd);
    expect(r.diagnostics.map(where)).toEqual([`unexpected-token big.pkr.hcl:${lines - 1}:1`]);
  });
});

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be reproduced. */
function garbage(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

describe('binary garbage', () => {
  // The start of a gzip file, then noise: a compressed template passed by mistake.
  const gzipLike = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]), garbage(4096, 0x2545f491)]);

  it('is answered with located errors inside the file', async () => {
    const cwd = testdir();
    writeFileSync(path.join(cwd, 'image.pkr.hcl'), gzipLike);
    const r = await loadAsCli('image.pkr.hcl', cwd);
    const errors = errorsOf(r.diagnostics);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((d) => !d.range).map(where)).toEqual([]);
    expect(rangeProblems(r.diagnostics, r.sources)).toEqual([]);
  });

  it('fails through the CLI without a stack trace', async () => {
    const cwd = testdir();
    writeFileSync(path.join(cwd, 'image.pkr.hcl'), gzipLike);
    const r = await runCli(['validate', 'image.pkr.hcl'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^image\.pkr\.hcl:1:\d+: error: /m);
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  });

  it.each([
    ['NUL bytes', Buffer.from('source "qemu" "a" {\n  parent = "os\0base"\n}\n\0\0\0\n')],
    ['a UTF-16 file', Buffer.from('\ufeffsource "qemu" "a" {}\n', 'utf16le')],
    ['control characters', Buffer.from('locals {\n  a = \u0007\u001b[31m"red"\n}\n')],
  ])('%s: errors, each located inside the file', async (_, bytes) => {
    const cwd = testdir();
    writeFileSync(path.join(cwd, 't.pkr.hcl'), bytes);
    const r = await loadAsCli('t.pkr.hcl', cwd);
    expect(errorsOf(r.diagnostics).length).toBeGreaterThan(0);
    expect(errorsOf(r.diagnostics).filter((d) => !d.range).map(where)).toEqual([]);
    expect(rangeProblems(r.diagnostics, r.sources)).toEqual([]);
  });
});
