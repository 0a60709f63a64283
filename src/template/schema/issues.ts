/**
 * Turns zod issues into HCL-style messages ("a number is required, got string") that name the
 * element path, so a schema failure reads like the rest of the engine's diagnostics.
 */
import type { z } from 'zod';
import { didYouMean } from '../suggest.js';
import { typeName, type Value } from '../value.js';

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'a bool',
  array: 'a list',
  object: 'an object',
  record: 'a map',
};

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describePath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `element ${p}` : `"${String(p)}"`))
    .join(' → ');
}

function unit(origin: string, n: number | bigint): string {
  const noun = origin === 'array' ? 'element' : origin === 'string' ? 'character' : undefined;
  return noun === undefined ? '' : ` ${noun}${Number(n) === 1 ? '' : 's'}`;
}

export function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  const at = issue.path.length > 0 ? `${describePath(issue.path)}: ` : '';
  const actual = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const want = ARTICLE[issue.expected] ?? issue.expected;
      // A fraction fails `int` after any string was converted: show the number, not its type.
      const fraction = issue.expected === 'int' && (typeof actual === 'number' || typeof actual === 'string') && Number.isFinite(Number(actual));
      const got = fraction ? String(Number(actual)) : actual === undefined ? 'nothing' : typeName(actual as Value);
      return `${at}${want} is required, got ${got}`;
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
      const hint = typeof actual === 'string' ? didYouMean(actual, issue.values.map(String)) : undefined;
      return `${at}must be one of ${options}${hint ? `. ${hint}` : ''}`;
    }
    case 'too_small':
      return `${at}must be at least ${String(issue.minimum)}${unit(issue.origin, issue.minimum)}`;
    case 'too_big':
      return `${at}must be at most ${String(issue.maximum)}${unit(issue.origin, issue.maximum)}`;
    case 'unrecognized_keys':
      return `${at}unexpected ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return `${at}${issue.message}`;
  }
}
