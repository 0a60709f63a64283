/**
 * Encoding functions: JSON (cty's byte-exact form, see json.ts), base64 and URL query escaping.
 * base64decode is as strict as Go's StdEncoding (padding required, no whitespace) and insists the
 * result is UTF-8 text, since template strings cannot hold arbitrary bytes.
 */
import { ANY, STRING } from '../eval/types.js';
import type { Value } from '../value.js';
import { FunctionError, type FunctionDef } from './function.js';
import { encodeJson } from './json.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function base64decode(s: string): string {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    throw new FunctionError(`failed to decode base64 data ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s)}`, 0);
  }
  try {
    return utf8.decode(Buffer.from(s, 'base64'));
  } catch {
    throw new FunctionError('the result of decoding the provided string is not valid UTF-8', 0);
  }
}

/** Go's url.QueryEscape: space becomes "+", everything but [A-Za-z0-9-_.~] is %XX-escaped. */
function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export const encodingFunctions: Record<string, FunctionDef> = {
  jsonencode: {
    params: [{ name: 'val', type: ANY, allowNull: true }],
    description: 'Encodes a value as JSON, with object keys sorted.',
    impl: ([v]) => {
      try {
        return encodeJson(v!);
      } catch (e) {
        throw new FunctionError((e as Error).message, 0);
      }
    },
  },
  jsondecode: {
    params: [{ name: 'str', type: STRING }],
    description: 'Decodes a JSON string into a value.',
    impl: ([s]) => {
      try {
        return JSON.parse(s as string) as Value;
      } catch (e) {
        throw new FunctionError(`invalid JSON: ${(e as Error).message}`, 0);
      }
    },
  },
  base64encode: {
    params: [{ name: 'str', type: STRING }],
    description: 'Encodes the UTF-8 bytes of a string as base64.',
    impl: ([s]) => Buffer.from(s as string, 'utf8').toString('base64'),
  },
  base64decode: {
    params: [{ name: 'str', type: STRING }],
    description: 'Decodes base64 data that holds UTF-8 text.',
    impl: ([s]) => base64decode(s as string),
  },
  urlencode: {
    params: [{ name: 'str', type: STRING }],
    description: 'Escapes a string for use in a URL query.',
    impl: ([s]) => queryEscape(s as string),
  },
};
