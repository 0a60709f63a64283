import { describe, expect, it } from 'vitest';
import { hclExpressionLanguage } from '../../../src/template/eval/language.js';
import { testContext } from '../functions/_context.js';

describe('hclExpressionLanguage', () => {
  const lang = hclExpressionLanguage({ context: testContext(), env: { AWS_REGION: 'eu-west-1' } });
  const expr = (text: string) => lang.parseExpression(text, 'x.hcl').expr;

  it('grants env() only when the engine allows it', () => {
    expect(lang.evaluate(expr('env("AWS_REGION")'), {}, { allowEnv: true })).toEqual({ value: 'eu-west-1', diagnostics: [] });
    expect(lang.evaluate(expr('env("AWS_REGION")'), {}, { allowEnv: false }).diagnostics[0]?.code).toBe('function-call');
  });

  it('evaluates against the given roots and lists references', () => {
    expect(lang.evaluate(expr('"${var.a}-${local.b}"'), { var: { a: 1 }, local: { b: 'x' } }, { allowEnv: false }).value).toBe('1-x');
    expect(lang.references(expr('local.b')).map((r) => r.name)).toEqual(['b']);
  });

  it('parses, shows and converts type constraints', () => {
    const { type } = lang.parseType(expr('list(number)'));
    expect(lang.typeString(type)).toBe('list(number)');
    expect(lang.convert(['1'], type)).toEqual({ ok: true, value: [1] });
    expect(lang.convert(['x'], type)).toMatchObject({ ok: false, message: '[0]: a number is required' });
  });
});
