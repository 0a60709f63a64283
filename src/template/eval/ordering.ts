/**
 * The orders cty iterates in. Maps and objects have no insertion order in HCL: keys always come
 * out sorted by their UTF-8 bytes, which is code point order (not JavaScript's UTF-16 order, which
 * differs for characters outside the Basic Multilingual Plane).
 */
import { isObject, type Value, type ValueObject } from '../value.js';

export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}

export function sortedKeys(obj: ValueObject): string[] {
  return Object.keys(obj).sort(compareStrings);
}

/** An own property, never one inherited from Object.prototype (`constructor`, `__proto__`). */
export function getOwn(obj: ValueObject, key: string): Value | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Builds an object safely even for keys like `__proto__`. */
export function objectFrom(entries: Iterable<readonly [string, Value]>): ValueObject {
  return Object.fromEntries(entries) as ValueObject;
}

/**
 * Set element order: cty sorts sets of primitives (strings lexically, numbers numerically, false
 * before true); other elements keep their first-seen order.
 */
export function compareSetElements(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

export function isPrimitive(v: Value): v is string | number | boolean {
  return v !== null && !Array.isArray(v) && !isObject(v);
}
