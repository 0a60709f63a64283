/**
 * Evaluates an HCL expression to a value. User errors never throw: they come back as
 * diagnostics with source ranges, and the value is then null. Conditionals evaluate only the
 * branch taken (so `var.x == null ? "d" : var.x.y` is safe) and may have branches of different
 * types; `&&` and `||` short-circuit.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { Expr } from '../hcl/ast.js';
import type { Value } from '../value.js';
import { evalCall } from './call.js';
import { Env, FAILED, type Evaluator, type Result, type Scope } from './evaluation.js';
import { condition, evalFor } from './for.js';
import { evalBinary, evalUnary } from './operators.js';
import { objectFrom } from './ordering.js';
import { evalTemplate } from './template.js';
import { evalGetAttr, evalIndex, evalSplat, evalVariable, objectKey } from './traversal.js';

export type { Scope } from './evaluation.js';

export interface EvalResult {
  value: Value;
  diagnostics: Diagnostic[];
}

export function evaluate(expr: Expr, scope: Scope): EvalResult {
  const ev = new ExpressionEvaluator(scope);
  let result: Result;
  try {
    result = ev.eval(expr, Env.EMPTY);
  } catch (e) {
    // A bug in the evaluator must still surface as a located diagnostic, not a stack trace.
    ev.report(error('invalid-value', 'Internal error while evaluating this expression', expr.range, { detail: e instanceof Error ? e.message : String(e) }));
    result = FAILED;
  }
  return { value: result === FAILED ? null : result, diagnostics: dedupe(ev.diagnostics) };
}

/** A for expression reports the same mistake once per element; users need it once. */
function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = JSON.stringify([d.code, d.summary, d.detail, d.range?.filename, d.range?.start.offset, d.range?.end.offset]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

class ExpressionEvaluator implements Evaluator {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly scope: Scope) {}

  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  attempt(expr: Expr, env: Env): { result: Result; diagnostics: Diagnostic[] } {
    const sub = new ExpressionEvaluator(this.scope);
    const result = sub.eval(expr, env);
    return { result, diagnostics: sub.diagnostics };
  }

  eval(expr: Expr, env: Env): Result {
    switch (expr.kind) {
      case 'Literal':
        return expr.value;
      case 'Paren':
        return this.eval(expr.expr, env);
      case 'Template':
        return evalTemplate(this, expr, env);
      case 'Variable':
        return evalVariable(this, expr, env);
      case 'GetAttr':
        return evalGetAttr(this, expr, env);
      case 'Index':
        return evalIndex(this, expr, env);
      case 'Splat':
        return evalSplat(this, expr, env);
      case 'Call':
        return evalCall(this, expr, env);
      case 'Binary':
        return evalBinary(this, expr, env);
      case 'Unary':
        return evalUnary(this, expr, env);
      case 'For':
        return evalFor(this, expr, env);
      case 'Conditional': {
        const c = this.eval(expr.cond, env);
        if (c === FAILED) return FAILED;
        if (c === null) {
          this.report(error('type-mismatch', 'Null condition', expr.cond.range, { detail: 'The condition value is null. Conditions must either be true or false.' }));
          return FAILED;
        }
        const b = condition(this, c, expr.cond.range, 'Incorrect condition type', 'condition');
        if (b === FAILED) return FAILED;
        return this.eval(b ? expr.then : expr.else, env);
      }
      case 'Tuple': {
        const items = expr.items.map((e) => this.eval(e, env));
        return items.includes(FAILED) ? FAILED : (items as Value[]);
      }
      case 'Object': {
        const entries: Array<[string, Value]> = [];
        let failed = false;
        for (const item of expr.items) {
          const k = objectKey(this, item.key, env);
          const v = this.eval(item.value, env);
          if (k === FAILED || v === FAILED) failed = true;
          else entries.push([k, v]);
        }
        return failed ? FAILED : objectFrom(entries);
      }
    }
  }
}
