import { describe, expect, it } from 'vitest';
import { decideCache } from '../../src/build/cache-decision.js';
import type { ImageRecord } from '../../src/registry/images.js';

const image = { id: 'img-1', hash: 'h', createdAt: '2026-11-20T00:00:00.000Z' } as ImageRecord;
const byHash = (h: string) => (h === 'h' ? image : undefined);
const now = Date.parse('2026-11-22T00:00:00.000Z');

describe('decideCache', () => {
  it('reuses the image with the same content hash', () => {
    expect(decideCache({ byHash, hash: 'h', now, rebuild: false })).toEqual({ kind: 'cached', image });
  });
  it('builds when no image has the hash', () => {
    expect(decideCache({ byHash, hash: 'other', now, rebuild: false }).kind).toBe('build');
  });
  it('rebuilds an image older than max_age, and keeps one younger', () => {
    expect(decideCache({ byHash, hash: 'h', now, maxAge: '24h', rebuild: false })).toMatchObject({ kind: 'build', reason: 'img-1 is older than max_age 24h' });
    expect(decideCache({ byHash, hash: 'h', now, maxAge: '72h', rebuild: false }).kind).toBe('cached');
  });
  it('rebuilds when asked to, even when cached', () => {
    expect(decideCache({ byHash, hash: 'h', now, rebuild: true }).kind).toBe('build');
  });
});
