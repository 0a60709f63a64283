/**
 * Hashes (hex of the UTF-8 bytes, as Terraform's md5/sha* do) and UUIDs. Random UUIDs come from
 * the injected context so tests can pin them; uuidv5 is deterministic (RFC 4122 section 4.3).
 */
import { createHash } from 'node:crypto';
import { STRING } from '../eval/types.js';
import { FunctionError, type FunctionDef } from './function.js';

function hashFn(algorithm: string, label: string): FunctionDef {
  return {
    params: [{ name: 'str', type: STRING }],
    description: `The ${label} hash of a string, in hexadecimal.`,
    impl: ([s]) => createHash(algorithm).update(s as string, 'utf8').digest('hex'),
  };
}

const NAMESPACES: Record<string, string> = {
  dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidv5(namespace: string, name: string): string {
  const ns = Object.hasOwn(NAMESPACES, namespace) ? NAMESPACES[namespace]! : namespace;
  if (!UUID.test(ns)) throw new FunctionError(`uuidv5() doesn't support namespace ${JSON.stringify(namespace)}`, 0);
  const bytes = createHash('sha1')
    .update(Buffer.from(ns.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const cryptoFunctions: Record<string, FunctionDef> = {
  md5: hashFn('md5', 'MD5'),
  sha1: hashFn('sha1', 'SHA-1'),
  sha256: hashFn('sha256', 'SHA-256'),
  sha512: hashFn('sha512', 'SHA-512'),
  uuidv4: {
    params: [],
    description: 'A new random UUID (version 4), different on every call.',
    impl: (_args, ctx) => ctx.uuid(),
  },
  uuidv5: {
    params: [
      { name: 'namespace', type: STRING },
      { name: 'name', type: STRING },
    ],
    description: 'A name-based UUID (version 5); the namespace is "dns", "url", "oid", "x500" or a UUID.',
    impl: ([ns, name]) => uuidv5(ns as string, name as string),
  },
};
