/**
 * Binary and unary operators with HCL's operand conversions: arithmetic and ordering convert
 * both sides to number ("5" + 1 is 6), logic converts to bool, equality compares without
 * conversion (1 == "1" is false). `&&` and `||` short-circuit, so `x != null && x.y` is safe.
 */
import { error, type Range } from '../diagnostics.js';
import type { BinaryExpr, UnaryExpr } from '../hcl/ast.js';
import type { Value } from '../value.js';
import { valueEquals } from './equality.js';
import { FAILED, type Env, type Evaluator, type Result } from './evaluation.js';
import { BOOL, convert, NUMBER, type Type } from './types.js';

function operand(ev: Evaluator, v: Value, type: Type, side: string, range: Range): Value | typeof FAILED {
  if (v === null) {
    ev.report(error('type-mismatch', 'Invalid operand', range, { detail: `Unsuitable value for ${side} operand: argument must not be null.` }));
    return FAILED;
  }
  const c = convert(v, type);
  if (!c.ok) {
    ev.report(error('type-mismatch', 'Invalid operand', range, { detail: `Unsuitable value for ${side} operand: ${c.reason}.` }));
    return FAILED;
  }
  return c.value;
}

function arithmetic(ev: Evaluator, op: string, a: number, b: number, range: Range): Result {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      // cty's big.Float division gives ±Inf for x/0 and only fails on 0/0 (and Inf/Inf).
      if (Number.isNaN(a / b)) {
        ev.report(error('invalid-value', 'Error during operation', range, { detail: "can't divide zero by zero or infinity by infinity." }));
        return FAILED;
      }
      return a / b;
    case '%':
      if (b === 0 || !Number.isFinite(a)) {
        ev.report(error('invalid-value', 'Error during operation', range, { detail: "can't use modulo with a zero divisor or an infinite dividend." }));
        return FAILED;
      }
      return a % b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

export function evalBinary(ev: Evaluator, expr: BinaryExpr, env: Env): Result {
  const { op } = expr;
  if (op === '&&' || op === '||') {
    const l = ev.eval(expr.left, env);
    if (l === FAILED) return FAILED;
    const lb = operand(ev, l, BOOL, 'left', expr.left.range);
    if (lb === FAILED) return FAILED;
    if (op === '&&' && lb === false) return false;
    if (op === '||' && lb === true) return true;
    const r = ev.eval(expr.right, env);
    if (r === FAILED) return FAILED;
    return operand(ev, r, BOOL, 'right', expr.right.range);
  }
  const l = ev.eval(expr.left, env);
  const r = ev.eval(expr.right, env);
  if (l === FAILED || r === FAILED) return FAILED;
  if (op === '==') return valueEquals(l, r);
  if (op === '!=') return !valueEquals(l, r);
  const ln = operand(ev, l, NUMBER, 'left', expr.left.range);
  const rn = operand(ev, r, NUMBER, 'right', expr.right.range);
  if (ln === FAILED || rn === FAILED) return FAILED;
  return arithmetic(ev, op, ln as number, rn as number, expr.range);
}

export function evalUnary(ev: Evaluator, expr: UnaryExpr, env: Env): Result {
  const v = ev.eval(expr.operand, env);
  if (v === FAILED) return FAILED;
  if (expr.op === '!') {
    const b = operand(ev, v, BOOL, 'unary', expr.operand.range);
    return b === FAILED ? FAILED : !b;
  }
  const n = operand(ev, v, NUMBER, 'unary', expr.operand.range);
  return n === FAILED ? FAILED : -(n as number) + 0;
}
