/**
 * can() and try(): the two functions that see their arguments unevaluated, so that an error in
 * one argument can be caught instead of failing the whole expression. Misspelt names are not
 * caught (the evaluator lets those through): a typo should never silently become the fallback.
 */
import type { Diagnostic } from '../diagnostics.js';
import { ANY } from '../eval/types.js';
import { FunctionError, type FunctionDef } from './function.js';

function describe(d: Diagnostic): string {
  const at = d.range ? ` (at ${d.range.filename}:${d.range.start.line},${d.range.start.column})` : '';
  return `- ${d.summary}${at}${d.detail ? `\n  ${d.detail}` : ''}`;
}

export const fallbackFunctions: Record<string, FunctionDef> = {
  can: {
    lazy: true,
    params: [{ name: 'expression', type: ANY, allowNull: true }],
    description: 'Whether the expression evaluates without an error.',
    impl: ([arg]) => arg!().ok,
  },
  try: {
    lazy: true,
    params: [],
    variadic: { name: 'expressions', type: ANY, allowNull: true },
    description: 'The value of the first argument that evaluates without an error.',
    impl: (args) => {
      if (args.length === 0) throw new FunctionError('at least one argument is required');
      const failures: Diagnostic[] = [];
      for (const arg of args) {
        const r = arg();
        if (r.ok) return r.value;
        failures.push(...r.diagnostics);
      }
      throw new FunctionError(`no expression succeeded:\n${failures.map(describe).join('\n')}\nAt least one expression must produce a successful result`);
    },
  },
};
