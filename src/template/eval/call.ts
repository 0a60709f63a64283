/**
 * Function calls in expressions: look the name up (did-you-mean over the table), evaluate and
 * expand the arguments, then invoke. Checking and conversion live in functions/invoke.ts; this
 * file only decides where a failure is shown: on the argument it names, else on the call.
 * can() and try() are lazy and receive their arguments as thunks instead.
 */
import { error, type Range } from '../diagnostics.js';
import type { CallExpr } from '../hcl/ast.js';
import type { Attempt, LazyFunction } from '../functions/function.js';
import { arityFailure, failureFrom, invoke, type Invocation } from '../functions/invoke.js';
import { didYouMean } from '../suggest.js';
import { typeName, type Value } from '../value.js';
import { FAILED, STATIC_CODES, type Env, type Evaluator, type Result } from './evaluation.js';

/** Thrown through a lazy function when an argument has an error it must not swallow. */
class StaticAbort {}

export function evalCall(ev: Evaluator, expr: CallExpr, env: Env): Result {
  const fns = ev.scope.functions;
  const def = Object.hasOwn(fns, expr.name) ? fns[expr.name] : undefined;
  if (!def) {
    const hint = didYouMean(expr.name, Object.keys(fns));
    ev.report(
      error('unknown-function', 'Call to unknown function', expr.nameRange, {
        detail: `There is no function named "${expr.name}".`,
        ...(hint ? { hint } : {}),
      }),
    );
    return FAILED;
  }
  if (def.lazy) return callLazy(ev, expr, def, env);

  const values: Value[] = [];
  const ranges: Range[] = [];
  let failed = false;
  expr.args.forEach((arg, i) => {
    const v = ev.eval(arg, env);
    if (v === FAILED) {
      failed = true;
    } else if (expr.expandFinal && i === expr.args.length - 1) {
      if (!Array.isArray(v)) {
        ev.report(
          error('function-call', 'Invalid expanding argument value', arg.range, {
            detail: `The expanding argument (indicated by ...) must be of a tuple, list, or set type, not ${typeName(v)}.`,
          }),
        );
        failed = true;
        return;
      }
      values.push(...v);
      ranges.push(...v.map(() => arg.range));
    } else {
      values.push(v);
      ranges.push(arg.range);
    }
  });
  if (failed) return FAILED;
  const r = invoke(expr.name, def, values, ev.scope.context);
  if (r.ok) return r.value;
  reportFailure(ev, expr, r, ranges);
  return FAILED;
}

function reportFailure(ev: Evaluator, expr: CallExpr, r: Invocation & { ok: false }, ranges: Range[]): void {
  for (const d of r.diagnostics) ev.report(d);
  const range = r.argIndex !== undefined ? (ranges[r.argIndex] ?? expr.range) : expr.range;
  ev.report(error('function-call', r.summary, range, { detail: r.detail }));
}

function callLazy(ev: Evaluator, expr: CallExpr, def: LazyFunction, env: Env): Result {
  const ranges = expr.args.map((a) => a.range);
  if (expr.expandFinal) {
    ev.report(error('function-call', 'Invalid expanding argument value', ranges[ranges.length - 1] ?? expr.range, { detail: `The arguments of ${expr.name}() cannot be expanded with "...".` }));
    return FAILED;
  }
  const arity = arityFailure(expr.name, def, expr.args.length);
  if (arity && !arity.ok) {
    reportFailure(ev, expr, arity, ranges);
    return FAILED;
  }
  const thunks = expr.args.map((arg) => (): Attempt => {
    const { result, diagnostics } = ev.attempt(arg, env);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.some((d) => STATIC_CODES.has(d.code))) {
      for (const d of diagnostics) ev.report(d);
      throw new StaticAbort();
    }
    if (errors.length > 0 || result === FAILED) return { ok: false, diagnostics: errors };
    for (const d of diagnostics) ev.report(d);
    return { ok: true, value: result };
  });
  try {
    return def.impl(thunks, ev.scope.context);
  } catch (e) {
    if (e instanceof StaticAbort) return FAILED;
    const r = failureFrom(expr.name, def, e, expr.args.length);
    if (!r.ok) reportFailure(ev, expr, r, ranges);
    return FAILED;
  }
}
