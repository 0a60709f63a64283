/**
 * Mutation fuzzing of the parser and the loader: every valid template (templates/*.hcl and the
 * parser's valid fixtures), broken by random edits of characters and tokens (delete, insert,
 * duplicate, swap, truncate; braces, quotes, `${`, heredocs, `%{`, line breaks, any Unicode).
 *
 * Whatever the input, parseHcl and loadTemplate must return (never throw), within a generous time
 * per case, with a bounded number of diagnostics, every error located, and every range inside the
 * text; the CLI's renderer must be able to print them. The run is seeded: a failure prints the seed, the shrunk edits and the text they make;
 * rerun one with FUZZ_SEED=<seed> (and FUZZ_RUNS=<n> for a longer hunt).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../../src/cli/render-diagnostics.js';
import type { Diagnostic } from '../../../src/template/diagnostics.js';
import { parseHcl } from '../../../src/template/hcl/parser.js';
import { loadOne } from '../../_helpers/load.js';
import { rangeProblems, where } from '../bad-input/_diagnostics.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Far above what a template of a few kB costs (milliseconds); only a hang or a blow-up reaches it. */
const CASE_LIMIT_MS = 3_000;

function validTemplates(): Array<{ name: string; text: string }> {
  const dirs = ['templates', 'test/template/hcl/fixtures/valid'];
  return dirs.flatMap((dir) => {
    let names: string[];
    try {
      names = readdirSync(path.join(repoRoot, dir));
    } catch {
      return []; // the fixtures are optional
    }
    return names
      .filter((n) => n.endsWith('.hcl'))
      .sort()
      .map((n) => ({ name: `${dir}/${n}`, text: readFileSync(path.join(repoRoot, dir, n), 'utf8') }));
  });
}

const seeds = validTemplates();

/** Pieces that open or close something, or end a line: the ones most likely to confuse recovery. */
const PIECES = ['{', '}', '"', '${', '}"', '<<EOF\n', '<<-EOT\n', '\nEOF\n', '%{', '%{ if true }', '%{ endif }', '\n', '\r\n', '\r', '[', ']', '(', ')', '=', ',', '.', '*', ':', '?', '#', '//', '/*', '*/', '\\', '\\u', '$', '%', '<<', 'for', 'in', 'null', '0x', '1e999', ' ', '\t', '\0', '\ufeff', '\u2028', '😀'];

/** Tokens of HCL text, roughly: runs of space, names, numbers, escapes, single characters. */
const TOKEN = /\s+|[A-Za-z_][\w-]*|\d+(?:\.\d+)?|\\.|[\s\S]/gu;

type Edit =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicate'; at: number; length: number; to: number }
  | { kind: 'swap'; at: number; to: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete-token'; at: number }
  | { kind: 'duplicate-token'; at: number; to: number }
  | { kind: 'swap-tokens'; at: number; to: number };

const position = fc.nat({ max: 1_000_000 });
const shortLength = fc.integer({ min: 1, max: 40 });

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: shortLength }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      text: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 400 }), to: position }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('swap' as const), at: position, to: position, length: shortLength }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete-token' as const), at: position }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate-token' as const), at: position, to: position }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('swap-tokens' as const), at: position, to: position }) },
);

/** Applies one edit; positions are taken modulo the current length, so every edit applies. */
function apply(text: string, e: Edit): string {
  const n = text.length;
  const at = (p: number) => (n === 0 ? 0 : p % (n + 1));
  switch (e.kind) {
    case 'delete':
      return text.slice(0, at(e.at)) + text.slice(at(e.at) + e.length);
    case 'insert':
      return text.slice(0, at(e.at)) + e.text + text.slice(at(e.at));
    case 'duplicate': {
      const piece = text.slice(at(e.at), at(e.at) + e.length);
      return text.slice(0, at(e.to)) + piece + text.slice(at(e.to));
    }
    case 'swap': {
      const [a, b] = [at(e.at), at(e.to)].sort((x, y) => x - y) as [number, number];
      const len = Math.min(e.length, b - a);
      if (len === 0) return text;
      return text.slice(0, a) + text.slice(b, b + len) + text.slice(a + len, b) + text.slice(a, a + len) + text.slice(b + len);
    }
    case 'truncate':
      return text.slice(0, at(e.at));
    case 'delete-token':
    case 'duplicate-token':
    case 'swap-tokens': {
      const tokens = text.match(TOKEN) ?? [];
      if (tokens.length === 0) return text;
      const i = e.at % tokens.length;
      if (e.kind === 'delete-token') tokens.splice(i, 1);
      else if (e.kind === 'duplicate-token') tokens.splice(e.to % (tokens.length + 1), 0, tokens[i]!);
      else {
        const j = e.to % tokens.length;
        [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
      }
      return tokens.join('');
    }
  }
}

interface Mutant {
  seed: string;
  edits: Edit[];
  text: string;
}

/** A valid template and 1 to 6 edits of it; printed as the edits and the text they make. */
const mutant: fc.Arbitrary<Mutant> = fc
  .record({ index: fc.nat({ max: seeds.length - 1 }), edits: fc.array(edit, { minLength: 1, maxLength: 6 }) })
  .map(({ index, edits }) => {
    const m: Mutant = { seed: seeds[index]!.name, edits, text: edits.reduce(apply, seeds[index]!.text) };
    return Object.assign(m, { [fc.toStringMethod]: () => `${m.seed} after ${JSON.stringify(m.edits)}:\n${JSON.stringify(m.text)}` });
  });

/** The invariants every result keeps, as a list of what is wrong (empty when all hold). */
function problems(diags: readonly Diagnostic[], text: string, filename: string, ms: number): string[] {
  const found = rangeProblems(diags, new Map([[filename, text]]));
  for (const d of diags) if (d.severity === 'error' && !d.range) found.push(`${where(d)}: an error without a location: ${d.summary}`);
  // More diagnostics than characters would mean the parser reports one spot over and over.
  if (diags.length > text.length + 10) found.push(`${diags.length} diagnostics for ${text.length} characters`);
  if (ms > CASE_LIMIT_MS) found.push(`took ${Math.round(ms)} ms`);
  return found;
}

const params = { seed: SEED, numRuns: RUNS } as const;

describe('mutated valid templates', () => {
  it('has valid templates to mutate', () => {
    expect(seeds.map((s) => s.name)).toEqual(expect.arrayContaining(['templates/os-base.hcl', 'templates/webapp.hcl']));
    for (const s of seeds) expect(parseHcl(s.text, s.name).diagnostics.map(where), s.name).toEqual([]);
  });

  it('never make parseHcl throw, and keep its diagnostics located inside the text', () => {
    fc.assert(
      fc.property(mutant, (m) => {
        const started = performance.now();
        const r = parseHcl(m.text, 't.pkr.hcl');
        expect(problems(r.diagnostics, m.text, 't.pkr.hcl', performance.now() - started)).toEqual([]);
        expect(r.file.body.items).toBeInstanceOf(Array);
      }),
      params,
    );
  });

  it('never make loadTemplate throw, and keep its diagnostics located inside the text and printable', () => {
    fc.assert(
      fc.property(mutant, (m) => {
        const started = performance.now();
        const r = loadOne(m.text);
        expect(problems(r.diagnostics, m.text, 't.pkr.hcl', performance.now() - started)).toEqual([]);
        // ... and the CLI can show each of them with its source line.
        expect(renderDiagnostics(r.diagnostics, { cwd: '.', sources: r.sources })).not.toMatch(/:(NaN|undefined):/);
        // A template comes back exactly when there is no error.
        expect(r.template === undefined).toBe(r.diagnostics.some((d) => d.severity === 'error'));
      }),
      { ...params, numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
