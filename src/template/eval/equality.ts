/**
 * Value equality as HCL's `==` sees it: deep and type-sensitive, so `1 == "1"` is false even
 * though either side would convert to the other.
 */
import { isObject, type Value } from '../value.js';

export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valueEquals(x, b[i]!));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && valueEquals(a[k]!, b[k]!));
  }
  return false;
}

/** Removes later duplicates, keeping the first occurrence's position. */
export function distinctValues(values: readonly Value[]): Value[] {
  const out: Value[] = [];
  for (const v of values) if (!out.some((o) => valueEquals(o, v))) out.push(v);
  return out;
}
