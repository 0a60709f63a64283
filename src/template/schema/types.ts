/**
 * Attribute value schemas for component configs, with HCL's implicit conversions applied first
 * (Packer decodes `cpus = "2"` into an int; so do we). Every schema here is a plain zod schema, so
 * component specs stay declarative and `bake inspect`/docs can read them.
 */
import { z } from 'zod';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const toString = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);

export function str() {
  return z.preprocess(toString, z.string());
}

/** A string that must match `pattern`; `message` says what is expected. */
export function strMatching(pattern: RegExp, message: string) {
  return z.preprocess(toString, z.string().regex(pattern, message));
}

export function num() {
  return z.preprocess((v) => (typeof v === 'string' && NUMBER.test(v.trim()) ? Number(v) : v), z.number());
}

export function int() {
  return z.preprocess(
    (v) => (typeof v === 'string' && NUMBER.test(v.trim()) ? Number(v) : v),
    z.number().int('a whole number is required'),
  );
}

export function bool() {
  return z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
}

export function list<T extends z.ZodType>(item: T) {
  return z.array(item);
}

export function map<T extends z.ZodType>(item: T) {
  return z.record(z.string(), item);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values);
}

/** Go's time.ParseDuration syntax, as Packer uses for timeouts: `30s`, `5m`, `1h30m`, `250ms`. */
export const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

export function duration() {
  return z.preprocess(
    (v) => (typeof v === 'number' ? `${v}s` : v),
    z.string().regex(DURATION, 'a duration like "30s", "5m" or "1h30m" is required'),
  );
}

/** Duration in milliseconds, for code that consumes a validated duration string. */
export function parseDuration(text: string): number {
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

/** Accepts a single string where a list of strings is expected (Packer is lenient here too). */
export function stringList() {
  return z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(str()));
}
