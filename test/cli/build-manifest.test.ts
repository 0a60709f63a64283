import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestEntry, writeManifest } from '../../src/cli/build-manifest.js';
import type { ImageRecord } from '../../src/registry/images.js';
import { testdir } from '../_helpers/cli.js';

const image = { id: 'img-1', name: 'webapp', builder: 'qemu', createdAt: '2026-11-22T00:00:10.000Z', size: 42, files: { disk: 'disk.qcow2' } } as ImageRecord;

describe('the manifest post-processor', () => {
  it('appends a Packer-shaped build entry and points last_run_uuid at this run', () => {
    const file = path.join(testdir({ 'bake-manifest.json': JSON.stringify({ builds: [{ name: 'old' }], last_run_uuid: 'r0' }) }), 'bake-manifest.json');
    writeManifest(file, manifestEntry(image, { runUuid: 'r1', imageDir: '/store/img-1', stripPath: false }));
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { builds: unknown[]; last_run_uuid: string };
    expect(doc.last_run_uuid).toBe('r1');
    expect(doc.builds).toEqual([
      { name: 'old' },
      { name: 'webapp', builder_type: 'qemu', build_time: 1795305610, files: [{ name: '/store/img-1/disk.qcow2', size: 42 }], artifact_id: 'img-1', packer_run_uuid: 'r1', custom_data: null },
    ]);
  });
});
