/**
 * A layer's variable values, as the cache key sees them and as the image record keeps them.
 *
 * Sensitive values must change the key (a new password means a new image) but the key is stored
 * in image.json and printed by `bake images`, and a plain hash of a short secret can be guessed
 * offline. So a sensitive value enters the key as HMAC-SHA256 under a random salt kept in
 * BAKE_HOME (mode 0600): the same store gives the same key, and the key reveals nothing without the
 * salt. The record keeps `<sensitive>` in their place.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REDACTED, type Variable } from '../template/model.js';
import type { Value } from '../template/value.js';
import { canonicalJson } from './cache-key.js';

export function variablesForKey(variables: readonly Variable[], salt: string): Record<string, Value> {
  return Object.fromEntries(
    variables.map((v) => [v.name, v.sensitive ? `hmac:${createHmac('sha256', salt).update(canonicalJson(v.value)).digest('hex')}` : v.value]),
  );
}

export function variablesForRecord(variables: readonly Variable[]): Record<string, Value> {
  return Object.fromEntries(variables.map((v) => [v.name, v.sensitive ? REDACTED : v.value]));
}

/** The store's salt, made on first use. */
export function storeSalt(home: string): string {
  const file = path.join(home, 'salt');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(home, { recursive: true });
    const salt = randomBytes(32).toString('hex');
    try {
      writeFileSync(file, `${salt}\n`, { mode: 0o600, flag: 'wx' });
      return salt;
    } catch {
      // Another build made it first.
      return readFileSync(file, 'utf8').trim();
    }
  }
}
