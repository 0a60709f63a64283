/**
 * Packer's manifest post-processor output: builds[] appended to whatever the file held, and
 * last_run_uuid naming this run. https://developer.hashicorp.com/packer/docs/post-processors/manifest
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageRecord } from '../registry/images.js';

export interface ManifestBuild {
  name: string;
  builder_type: string;
  build_time: number;
  files: Array<{ name: string; size: number }>;
  artifact_id: string;
  packer_run_uuid: string;
  custom_data: Record<string, string> | null;
}

export function manifestEntry(image: ImageRecord, opts: { runUuid: string; imageDir: string; stripPath: boolean; customData?: Record<string, string> }): ManifestBuild {
  const file = (name: string) => (opts.stripPath ? name : path.join(opts.imageDir, name));
  return {
    name: image.name,
    builder_type: image.builder,
    build_time: Math.floor(Date.parse(image.createdAt) / 1000),
    files: [{ name: file(image.files.disk), size: image.size }],
    artifact_id: image.id,
    packer_run_uuid: opts.runUuid,
    custom_data: opts.customData ?? null,
  };
}

export function writeManifest(file: string, entry: ManifestBuild): void {
  let doc: { builds: ManifestBuild[]; last_run_uuid: string } = { builds: [], last_run_uuid: entry.packer_run_uuid };
  try {
    const old = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
    if (Array.isArray(old.builds)) doc = { ...old, builds: old.builds };
  } catch {
    // No manifest yet, or an unreadable one: start a new one, as Packer does.
  }
  doc.builds.push(entry);
  doc.last_run_uuid = entry.packer_run_uuid;
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
