/**
 * JSON as cty writes it: object keys sorted, numbers in plain decimal, and `<`, `>`, `&`,
 * U+2028 and U+2029 escaped as Go's encoding/json does (Terraform documents this for
 * jsonencode), so the output is byte-for-byte what Packer writes.
 */
import { formatNumber } from '../eval/numbers.js';
import { sortedKeys } from '../eval/ordering.js';
import type { Value } from '../value.js';

export function encodeJson(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot encode ${formatNumber(v)} as JSON`);
    return formatNumber(v);
  }
  if (typeof v === 'string') return encodeJsonString(v);
  if (Array.isArray(v)) return `[${v.map(encodeJson).join(',')}]`;
  return `{${sortedKeys(v)
    .map((k) => `${encodeJsonString(k)}:${encodeJson(v[k]!)}`)
    .join(',')}}`;
}

export function encodeJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
