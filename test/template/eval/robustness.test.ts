import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasErrors } from '../../../src/template/diagnostics.js';
import { evaluate } from '../../../src/template/eval/evaluate.js';
import { references } from '../../../src/template/eval/references.js';
import { functions } from '../../../src/template/functions/registry.js';
import { parseExpression } from '../../../src/template/hcl/parser.js';
import { testContext } from '../functions/_context.js';
import { value } from './_eval.js';

const TOKENS = [
  'var', 'local', '.', 'x', 'list', 'obj', 'nope', '[', ']', '(', ')', '{', '}', '"', '"a', '${', '%{', 'if', 'else', 'endif',
  'for', 'endfor', 'in', ':', '=>', '...', '?', '=', ',', '~', '1', '0', '-1', '2.5', 'null', 'true', '+', '-', '*', '/', '%',
  '==', '!=', '<', '&&', '||', '!', '*', 'upper', 'try', 'can', 'max', 'format', 'element', 'keys', 'split', 'x.y', '[*]', '.*',
];

const scope = {
  variables: { var: { x: 'a', list: [1, 2, { x: 3 }], obj: { x: [null], y: 'b' } }, local: { x: null } },
  functions,
  context: testContext(),
};

describe('robustness', () => {
  it('never throws and yields null whenever it reports an error, whatever the input', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }), (toks) => {
        const { expr } = parseExpression(toks.join(' '), 'fuzz.hcl');
        const r = evaluate(expr, scope);
        if (hasErrors(r.diagnostics)) expect(r.value).toBeNull();
        for (const d of r.diagnostics) expect(d.range?.filename).toBe('fuzz.hcl');
        expect(() => references(expr)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('interpolates any string unchanged', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(value('"${var.a}${var.b}"', { var: { a, b } })).toBe(a + b);
        expect(value('format("%s", var.a)', { var: { a, b } })).toBe(a);
      }),
    );
  });

  it('does integer arithmetic exactly like JavaScript within the safe range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (a, b) => {
        expect(value('var.a * var.b - var.a + "1"', { var: { a, b } })).toBe(a * b - a + 1);
      }),
    );
  });
});
