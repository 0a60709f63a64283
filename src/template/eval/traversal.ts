/**
 * Root names, `.attr`, `[key]` and splats, with HCL's error wording and a did-you-mean wherever
 * there is a set of names to choose from. Misspelt members of `var` and `local` get their own
 * codes (unknown-variable, unknown-local) because they are declaration errors, not value errors.
 */
import { error, type Range } from '../diagnostics.js';
import { SPLAT_ITEM, type Expr, type GetAttrExpr, type IndexExpr, type SplatExpr, type VariableExpr } from '../hcl/ast.js';
import { didYouMean } from '../suggest.js';
import { isObject, typeName, type Value, type ValueObject } from '../value.js';
import { Env, FAILED, type Evaluator, type Result } from './evaluation.js';
import { formatNumber } from './numbers.js';
import { getOwn } from './ordering.js';
import { convert, NUMBER, STRING } from './types.js';

export function evalVariable(ev: Evaluator, expr: VariableExpr, env: Env): Result {
  if (env.has(expr.name)) return env.lookup(expr.name) ?? null;
  const v = getOwn(ev.scope.variables as ValueObject, expr.name);
  if (v !== undefined) return v;
  const candidates = [...Object.keys(ev.scope.variables), ...env.allNames().filter((n) => n !== SPLAT_ITEM)];
  const hint = didYouMean(expr.name, candidates);
  ev.report(error('unknown-variable', 'Unknown variable', expr.range, hint ? { detail: `There is no variable named "${expr.name}".`, hint } : { detail: `There is no variable named "${expr.name}".` }));
  return FAILED;
}

/** `var` or `local` as written at the root, not shadowed by a for-expression iterator. */
function declarationRoot(objExpr: Expr, env: Env): 'var' | 'local' | undefined {
  if (objExpr.kind !== 'Variable' || env.has(objExpr.name)) return undefined;
  return objExpr.name === 'var' || objExpr.name === 'local' ? objExpr.name : undefined;
}

function missingMember(ev: Evaluator, obj: ValueObject, key: string, range: Range, objExpr: Expr, env: Env, indexed: boolean): typeof FAILED {
  const hint = didYouMean(key, Object.keys(obj));
  const root = declarationRoot(objExpr, env);
  if (root === 'var') {
    ev.report(error('unknown-variable', `Unsupported attribute; there is no variable named "${key}"`, range, { hint: hint ?? `Declare it with a variable "${key}" block.` }));
  } else if (root === 'local') {
    ev.report(error('unknown-local', `Unsupported attribute; there is no local named "${key}"`, range, { hint: hint ?? 'Define it in a locals block.' }));
  } else if (indexed) {
    ev.report(error('invalid-reference', 'Invalid index', range, { detail: `The given key does not identify an element in this collection value: there is no key "${key}".`, ...(hint ? { hint } : {}) }));
  } else {
    ev.report(error('invalid-reference', 'Unsupported attribute', range, { detail: `This object does not have an attribute named "${key}".`, ...(hint ? { hint } : {}) }));
  }
  return FAILED;
}

export function getAttr(ev: Evaluator, obj: Value, name: string, nameRange: Range, objExpr: Expr, env: Env): Result {
  if (obj === null) {
    ev.report(error('invalid-reference', 'Attempt to get attribute from null value', nameRange, { detail: 'This value is null, so it does not have any attributes.' }));
    return FAILED;
  }
  if (isObject(obj)) {
    const v = getOwn(obj, name);
    return v !== undefined ? v : missingMember(ev, obj, name, nameRange, objExpr, env, false);
  }
  if (Array.isArray(obj)) {
    ev.report(
      error('invalid-reference', 'Unsupported attribute', nameRange, {
        detail: "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?",
        hint: `Use [*].${name} for every element, or [0].${name} for the first one.`,
      }),
    );
    return FAILED;
  }
  ev.report(error('invalid-reference', 'Unsupported attribute', nameRange, { detail: `Can't access attributes on a primitive-typed value (${typeName(obj)}).` }));
  return FAILED;
}

export function evalGetAttr(ev: Evaluator, expr: GetAttrExpr, env: Env): Result {
  const obj = ev.eval(expr.object, env);
  if (obj === FAILED) return FAILED;
  return getAttr(ev, obj, expr.name, expr.nameRange, expr.object, env);
}

export function evalIndex(ev: Evaluator, expr: IndexExpr, env: Env): Result {
  const obj = ev.eval(expr.object, env);
  const key = ev.eval(expr.key, env);
  if (obj === FAILED || key === FAILED) return FAILED;
  const invalid = (detail: string, range: Range = expr.key.range): typeof FAILED => {
    ev.report(error('invalid-reference', 'Invalid index', range, { detail }));
    return FAILED;
  };
  if (obj === null) {
    ev.report(error('invalid-reference', 'Attempt to index null value', expr.range, { detail: 'This value is null, so it does not have any indices.' }));
    return FAILED;
  }
  if (key === null) return invalid("Can't use a null value as an indexing key.");
  if (Array.isArray(obj)) {
    const c = convert(key, NUMBER);
    if (!c.ok) return invalid(`The given key does not identify an element in this collection value: ${c.reason}.`);
    const i = c.value as number;
    if (!Number.isInteger(i)) return invalid('The given key does not identify an element in this collection value: indexes must be whole numbers.');
    if (i < 0) return invalid('The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence.');
    if (i >= obj.length) {
      return invalid(`The given key does not identify an element in this collection value: the collection has ${obj.length} element${obj.length === 1 ? '' : 's'}.`);
    }
    return obj[i]!;
  }
  if (isObject(obj)) {
    const c = convert(key, STRING);
    if (!c.ok) return invalid(`The given key does not identify an element in this collection value: ${c.reason}.`);
    const k = c.value as string;
    const v = getOwn(obj, k);
    return v !== undefined ? v : missingMember(ev, obj, k, expr.key.range, expr.object, env, true);
  }
  return invalid(`This value does not have any indices: it is a ${typeName(obj)}.`, expr.range);
}

/** `[*]` and `.*`: null gives [], a non-list value is treated as a one-element list. */
export function evalSplat(ev: Evaluator, expr: SplatExpr, env: Env): Result {
  const source = ev.eval(expr.source, env);
  if (source === FAILED) return FAILED;
  if (source === null) return [];
  const items = Array.isArray(source) ? source : [source];
  const out: Value[] = [];
  let failed = false;
  for (const item of items) {
    const v = ev.eval(expr.each, env.with([[SPLAT_ITEM, item]]));
    if (v === FAILED) failed = true;
    else out.push(v);
  }
  return failed ? FAILED : out;
}

/**
 * An object key evaluated to a string. In an object constructor (`bareName: true`) a bare name is
 * itself (`{ name = 1 }`); in a `for` expression's `key => value` it is an expression like any
 * other (`{ for k, v in m : k => v }` uses the iterator's value).
 */
export function objectKey(ev: Evaluator, key: Expr, env: Env, bareName = true): string | typeof FAILED {
  if (bareName && key.kind === 'Variable') return key.name;
  if (key.kind === 'Literal' && key.value !== null) return typeof key.value === 'number' ? formatNumber(key.value) : String(key.value);
  const v = ev.eval(key, env);
  if (v === FAILED) return FAILED;
  if (v === null) {
    ev.report(error('invalid-value', 'Null value as key', key.range, { detail: "Can't use a null value as a key." }));
    return FAILED;
  }
  const c = convert(v, STRING);
  if (!c.ok) {
    ev.report(error('invalid-value', 'Incorrect key type', key.range, { detail: `Can't use this value as a key: ${c.reason}.` }));
    return FAILED;
  }
  return c.value as string;
}
