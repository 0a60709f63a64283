/**
 * Evaluates expression source text for tests: parse with the real parser, evaluate with the real
 * function table and a pinned test context. `value()` insists on success, `diagnostics()` on
 * failure, so each test states which one it expects.
 */
import type { Diagnostic } from '../../../src/template/diagnostics.js';
import { evaluate, type EvalResult, type Scope } from '../../../src/template/eval/evaluate.js';
import type { FunctionContext } from '../../../src/template/functions/function.js';
import { functions } from '../../../src/template/functions/registry.js';
import { parseExpression } from '../../../src/template/hcl/parser.js';
import type { Expr } from '../../../src/template/hcl/ast.js';
import type { Value } from '../../../src/template/value.js';
import { testContext } from '../functions/_context.js';

export const FILE = 'test.pkr.hcl';

export function parse(text: string): Expr {
  const { expr, diagnostics } = parseExpression(text, FILE);
  if (diagnostics.length > 0) throw new Error(`parse error in ${JSON.stringify(text)}: ${diagnostics.map((d) => d.summary).join('; ')}`);
  return expr;
}

export function run(text: string, variables: Record<string, Value> = {}, context: Partial<FunctionContext> = {}): EvalResult {
  const scope: Scope = { variables, functions, context: { ...testContext(), ...context } };
  return evaluate(parse(text), scope);
}

export function value(text: string, variables: Record<string, Value> = {}, context: Partial<FunctionContext> = {}): Value {
  const r = run(text, variables, context);
  if (r.diagnostics.length > 0) throw new Error(`unexpected diagnostics for ${JSON.stringify(text)}: ${r.diagnostics.map(show).join('\n')}`);
  return r.value;
}

export function diagnostics(text: string, variables: Record<string, Value> = {}, context: Partial<FunctionContext> = {}): Diagnostic[] {
  const r = run(text, variables, context);
  if (r.diagnostics.length === 0) throw new Error(`expected diagnostics for ${JSON.stringify(text)}, got value ${JSON.stringify(r.value)}`);
  expectNull(r.value);
  return r.diagnostics;
}

/** The only diagnostic, for tests about one mistake. */
export function only(text: string, variables: Record<string, Value> = {}, context: Partial<FunctionContext> = {}): Diagnostic {
  const ds = diagnostics(text, variables, context);
  if (ds.length !== 1) throw new Error(`expected one diagnostic for ${JSON.stringify(text)}, got:\n${ds.map(show).join('\n')}`);
  return ds[0]!;
}

/** The source text a diagnostic points at (single-line sources). */
export function at(text: string, d: Diagnostic): string {
  return text.slice(d.range!.start.offset, d.range!.end.offset);
}

function expectNull(v: Value): void {
  if (v !== null) throw new Error(`a failed evaluation must yield null, got ${JSON.stringify(v)}`);
}

function show(d: Diagnostic): string {
  return `${d.code}: ${d.summary}${d.detail ? ` / ${d.detail}` : ''}${d.hint ? ` / ${d.hint}` : ''}`;
}
