/**
 * `for` expressions: `[for k, v in coll : expr if cond]` and `{for k, v in coll : key => value}`,
 * with `...` grouping. Maps iterate in key order, as cty does, so results do not depend on the
 * order keys were written in.
 */
import { error, type Range } from '../diagnostics.js';
import type { ForExpr } from '../hcl/ast.js';
import { isObject, typeName, type Value } from '../value.js';
import { FAILED, type Env, type Evaluator, type Result } from './evaluation.js';
import { objectFrom, sortedKeys } from './ordering.js';
import { BOOL, convert } from './types.js';
import { objectKey } from './traversal.js';

/** The (key, value) pairs a `for` walks: index and element for lists, key and value for maps. */
export function iterationPairs(ev: Evaluator, coll: Value, range: Range, construct: string): Array<[Value, Value]> | typeof FAILED {
  if (coll === null) {
    ev.report(error('invalid-value', 'Iteration over null value', range, { detail: `A null value cannot be used as the collection in a ${construct}.` }));
    return FAILED;
  }
  if (Array.isArray(coll)) return coll.map((v, i) => [i, v]);
  if (isObject(coll)) return sortedKeys(coll).map((k) => [k, coll[k]!]);
  ev.report(error('invalid-value', 'Iteration over non-iterable value', range, { detail: `A value of type ${typeName(coll)} cannot be used as the collection in a ${construct}.` }));
  return FAILED;
}

export function bindings(keyVar: string | undefined, valueVar: string, key: Value, value: Value): Array<[string, Value]> {
  return keyVar === undefined ? [[valueVar, value]] : [[keyVar, key], [valueVar, value]];
}

/** The `if` of a for expression or template directive: true, false, or FAILED after reporting. */
export function condition(ev: Evaluator, v: Value, range: Range, summary: string, what: string): boolean | typeof FAILED {
  if (v === null) {
    ev.report(error('type-mismatch', summary, range, { detail: `The ${what} value is invalid: argument must not be null.` }));
    return FAILED;
  }
  const c = convert(v, BOOL);
  if (!c.ok) {
    ev.report(error('type-mismatch', summary, range, { detail: `The ${what} value is invalid: ${c.reason}.` }));
    return FAILED;
  }
  return c.value as boolean;
}

export function evalFor(ev: Evaluator, expr: ForExpr, env: Env): Result {
  const coll = ev.eval(expr.collection, env);
  if (coll === FAILED) return FAILED;
  const pairs = iterationPairs(ev, coll, expr.collection.range, "'for' expression");
  if (pairs === FAILED) return FAILED;
  const items: Value[] = [];
  const entries = new Map<string, Value>();
  const groups = new Map<string, Value[]>();
  let failed = false;
  for (const [k, v] of pairs) {
    const inner = env.with(bindings(expr.keyVar, expr.valueVar, k, v));
    if (expr.cond) {
      const c = ev.eval(expr.cond, inner);
      const keep = c === FAILED ? FAILED : condition(ev, c, expr.cond.range, "Invalid 'for' condition", "'if' clause");
      if (keep === FAILED) {
        failed = true;
        continue;
      }
      if (!keep) continue;
    }
    if (!expr.keyExpr) {
      const value = ev.eval(expr.valueExpr, inner);
      if (value === FAILED) failed = true;
      else items.push(value);
      continue;
    }
    const key = objectKey(ev, expr.keyExpr, inner, false);
    const value = ev.eval(expr.valueExpr, inner);
    if (key === FAILED || value === FAILED) {
      failed = true;
      continue;
    }
    if (expr.group) {
      const g = groups.get(key);
      if (g) g.push(value);
      else groups.set(key, [value]);
    } else if (entries.has(key)) {
      ev.report(
        error('invalid-value', 'Duplicate object key', expr.keyExpr.range, {
          detail: `Two different items produced the key "${key}" in this 'for' expression.`,
          hint: 'If duplicates are expected, use the ellipsis (...) after the value expression to group values by key.',
        }),
      );
      failed = true;
    } else {
      entries.set(key, value);
    }
  }
  if (failed) return FAILED;
  if (!expr.keyExpr) return items;
  return objectFrom(expr.group ? groups : entries);
}
