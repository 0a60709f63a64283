/**
 * cty's conversion rules: "5" becomes 5 for number, true becomes "true" for string, a tuple
 * becomes a list by converting every element, and list(any) first finds the one element type
 * all elements convert to (["a", 1] becomes ["a", "1"]) as cty's unification does. Failures say
 * where: `.servers[1].port: a number is required`.
 */
import { isObject, typeName, type Value, type ValueObject } from '../value.js';
import { distinctValues } from './equality.js';
import { formatNumber, parseNumber } from './numbers.js';
import { compareSetElements, getOwn, objectFrom, sortedKeys } from './ordering.js';
import { ANY, BOOL, friendlyName, listOf, mapOf, NUMBER, STRING, type ObjectAttribute, type Type } from './type.js';


export type ConvertResult =
  | { ok: true; value: Value }
  | {
      ok: false;
      /** The reason prefixed with the path when not at the top: `.servers[1].port: a number is required`. */
      message: string;
      /** The reason alone: `a number is required`. */
      reason: string;
      /** Where in the value, `.servers[1].port`; empty at the top. */
      path: string;
    };

class ConvertFailure {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {}
}

export function convert(value: Value, type: Type): ConvertResult {
  try {
    return { ok: true, value: conv(value, type, '') };
  } catch (e) {
    if (!(e instanceof ConvertFailure)) throw e;
    return { ok: false, reason: e.reason, path: e.path, message: e.path ? `${e.path}: ${e.reason}` : e.reason };
  }
}

function attrPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function mismatch(t: Type, v: Value, path: string): never {
  throw new ConvertFailure(`${friendlyName(t)} required, got ${typeName(v)}`, path);
}

function conv(v: Value, t: Type, path: string): Value {
  if (t.kind === 'any' || v === null) return v;
  switch (t.kind) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return formatNumber(v);
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      return mismatch(t, v, path);
    case 'number':
      if (typeof v === 'number') return v;
      if (typeof v === 'string') {
        const n = parseNumber(v);
        if (n === undefined) throw new ConvertFailure('a number is required', path);
        return n;
      }
      return mismatch(t, v, path);
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') return stringToBool(v, path);
      return mismatch(t, v, path);
    case 'list':
    case 'set': {
      if (!Array.isArray(v)) return mismatch(t, v, path);
      const items = convertElements(v, t.element, t.kind, path);
      return t.kind === 'set' ? toSetOrder(items) : items;
    }
    case 'map': {
      if (!isObject(v)) return mismatch(t, v, path);
      const keys = sortedKeys(v);
      const values = convertElements(
        keys.map((k) => v[k]!),
        t.element,
        'map',
        path,
        keys,
      );
      return objectFrom(keys.map((k, i) => [k, values[i]!]));
    }
    case 'tuple':
      if (!Array.isArray(v)) return mismatch(t, v, path);
      if (v.length !== t.elements.length) {
        throw new ConvertFailure(`a tuple of ${t.elements.length} elements is required, got ${v.length}`, path);
      }
      return v.map((x, i) => conv(x, t.elements[i]!, `${path}[${i}]`));
    case 'object': {
      if (!isObject(v)) return mismatch(t, v, path);
      const out: [string, Value][] = [];
      for (const k of sortedKeys(t.attributes as unknown as ValueObject)) {
        const a = t.attributes[k]!;
        const given = getOwn(v, k);
        if (given === undefined && !a.optional) throw new ConvertFailure(`attribute ${JSON.stringify(k)} is required`, path);
        if ((given === undefined || given === null) && a.optional) {
          out.push([k, a.default ?? null]);
          continue;
        }
        out.push([k, conv(given ?? null, a.type, attrPath(path, k))]);
      }
      // Attributes the type does not name are dropped, as cty does.
      return objectFrom(out);
    }
  }
}

function stringToBool(s: string, path: string): boolean {
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  const lower = s.toLowerCase();
  if (lower === 'true' || lower === 'false') {
    throw new ConvertFailure(`a bool is required; to convert from string, use lowercase "${lower}"`, path);
  }
  throw new ConvertFailure('a bool is required', path);
}

function convertElements(items: readonly Value[], element: Type, kind: 'list' | 'set' | 'map', path: string, keys?: string[]): Value[] {
  const step = (i: number) => (keys ? attrPath(path, keys[i]!) : `${path}[${i}]`);
  let target = element;
  if (element.kind === 'any') {
    const u = unify(items);
    if (!u) throw new ConvertFailure(`all ${kind} elements must have the same type`, path);
    target = u;
  }
  return items.map((x, i) => conv(x, target, step(i)));
}

function toSetOrder(items: Value[]): Value[] {
  return distinctValues(items).sort(compareSetElements);
}

/**
 * The single type that every value converts to without loss, or undefined if there is none:
 * strings absorb numbers and bools, same-length tuples stay tuples, objects with differing
 * attributes become maps. Nulls fit anything.
 */
export function unify(values: readonly Value[]): Type | undefined {
  const present = values.filter((v) => v !== null);
  if (present.length === 0) return ANY;
  if (present.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    const kinds = new Set(present.map((v) => typeof v));
    if (kinds.has('string')) return STRING;
    if (kinds.size === 1) return kinds.has('number') ? NUMBER : BOOL;
    return undefined;
  }
  if (present.every(Array.isArray)) {
    const arrays = present as Value[][];
    const len = arrays[0]!.length;
    if (arrays.every((a) => a.length === len)) {
      const elements: Type[] = [];
      for (let i = 0; i < len; i++) {
        const u = unify(arrays.map((a) => a[i]!));
        if (!u) return undefined;
        elements.push(u);
      }
      return { kind: 'tuple', elements };
    }
    const u = unify(arrays.flat());
    return u && listOf(u);
  }
  if (present.every(isObject)) {
    const objects = present as ValueObject[];
    const shape = sortedKeys(objects[0]!).join('\u0000');
    if (objects.every((o) => sortedKeys(o).join('\u0000') === shape)) {
      const attributes: Record<string, ObjectAttribute> = {};
      for (const k of Object.keys(objects[0]!)) {
        const u = unify(objects.map((o) => o[k]!));
        if (!u) return undefined;
        attributes[k] = { type: u, optional: false };
      }
      return { kind: 'object', attributes };
    }
    const u = unify(objects.flatMap((o) => Object.values(o)));
    return u && mapOf(u);
  }
  return undefined;
}

