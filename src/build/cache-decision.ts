/**
 * Whether a layer is reused: an image with the layer's cache key exists, is younger than the
 * source's max_age (the phoenix policy: rebuild now and then even when nothing changed), and the
 * user did not ask for a rebuild. Returned as data.
 */
import type { ImageRecord } from '../registry/images.js';
import { parseDuration } from '../template/schema/types.js';

export type CacheDecision = { kind: 'cached'; image: ImageRecord } | { kind: 'build'; reason: string };

export interface CacheQuery {
  byHash(hash: string): ImageRecord | undefined;
  hash: string;
  maxAge?: string;
  now: number;
  /** --force for the target, --no-cache for every layer. */
  rebuild: boolean;
}

export function decideCache(q: CacheQuery): CacheDecision {
  if (q.rebuild) return { kind: 'build', reason: 'rebuild requested' };
  const image = q.byHash(q.hash);
  if (!image) return { kind: 'build', reason: 'no image with this content hash' };
  if (q.maxAge !== undefined) {
    const age = q.now - Date.parse(image.createdAt);
    if (age > parseDuration(q.maxAge)) return { kind: 'build', reason: `${image.id} is older than max_age ${q.maxAge}` };
  }
  return { kind: 'cached', image };
}
