/**
 * The local image store under BAKE_HOME/images. Each image is a directory holding its qcow2 layer
 * (a delta whose backing file is the parent's layer, by a relative path so BAKE_HOME can move),
 * the kernel and initrd it boots with, its build log, and image.json. A build works in a staging
 * directory beside the images and is committed by one rename, after image.json is written: an
 * image directory without a complete record never exists, and a staging directory left by a
 * killed build is found by its owner's pid and removed by the next build or `bake gc`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, processStartTime, type LockHolder } from '../runtime/lock.js';
import type { Value } from '../template/value.js';

export interface ImageRecord {
  id: string;
  name: string;
  /** The image this layer's disk is backed by; absent for an OS base. */
  parent?: string;
  /** The layer's content hash (cache key): see src/build/cache-key.ts. */
  hash: string;
  template: string;
  gitCommit?: string;
  /** Variable values the image was built with; sensitive ones redacted. */
  variables: Record<string, Value>;
  createdAt: string;
  /** Bytes this layer adds on disk (the qcow2 delta plus kernel files), not the whole chain. */
  size: number;
  virtualSize: number;
  /** Files in the image directory. */
  files: { disk: string; kernel: string; initrd: string; log: string };
  builder: string;
  /** Free-form facts the builder records (accelerator, durations...). */
  meta?: Record<string, Value>;
}

export interface Staging {
  dir: string;
  buildId: string;
}

const STAGING_PREFIX = '.staging-';
const RECORD = 'image.json';

export function newImageId(): string {
  return `img-${randomBytes(6).toString('hex')}`;
}

export class ImageStore {
  readonly dir: string;

  constructor(home: string) {
    this.dir = join(home, 'images');
  }

  private recordPath(id: string): string {
    return join(this.dir, id, RECORD);
  }

  imageDir(id: string): string {
    return join(this.dir, id);
  }

  list(): ImageRecord[] {
    if (!existsSync(this.dir)) return [];
    const out: ImageRecord[] = [];
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith('.')) continue;
      const rec = this.get(name);
      if (rec) out.push(rec);
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  get(id: string): ImageRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.recordPath(id), 'utf8')) as ImageRecord;
    } catch {
      return undefined;
    }
  }

  /** Images with this name, newest first. */
  byName(name: string): ImageRecord[] {
    return this.list().filter((r) => r.name === name);
  }

  /** The newest image with this content hash, if any. */
  byHash(hash: string): ImageRecord | undefined {
    return this.list().find((r) => r.hash === hash);
  }

  /** An id, or a name meaning its newest image. */
  resolve(ref: string): ImageRecord | undefined {
    return this.get(ref) ?? this.byName(ref)[0];
  }

  children(id: string): ImageRecord[] {
    return this.list().filter((r) => r.parent === id);
  }

  /** Starts a build: a staging directory owned by this process. */
  stage(): Staging {
    mkdirSync(this.dir, { recursive: true });
    const buildId = randomBytes(6).toString('hex');
    const dir = join(this.dir, `${STAGING_PREFIX}${buildId}`);
    mkdirSync(dir);
    const owner: Pick<LockHolder, 'pid' | 'processStart'> = { pid: process.pid, processStart: processStartTime(process.pid) ?? '' };
    writeFileSync(join(dir, 'owner.json'), JSON.stringify(owner));
    return { dir, buildId };
  }

  /** Makes a staged build an image: the record is written first, then the directory renamed. */
  commit(staging: Staging, record: ImageRecord): ImageRecord {
    rmSync(join(staging.dir, 'owner.json'), { force: true });
    const tmp = join(staging.dir, `${RECORD}.tmp`);
    writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(tmp, join(staging.dir, RECORD));
    renameSync(staging.dir, this.imageDir(record.id));
    return record;
  }

  discard(staging: Staging): void {
    rmSync(staging.dir, { recursive: true, force: true });
  }

  /**
   * Removes an image unless something still needs it: a child layer (its disk is backed by this
   * one) or a deployment (`inUse` names it). Returns why not, as data.
   */
  remove(id: string, inUse: (id: string) => string | undefined = () => undefined): { kind: 'removed' } | { kind: 'refused'; reason: string } | { kind: 'not-found' } {
    const rec = this.get(id);
    if (!rec) return { kind: 'not-found' };
    const kids = this.children(id);
    if (kids.length > 0) {
      return { kind: 'refused', reason: `image ${id} (${rec.name}) is the parent of ${kids.map((k) => `${k.id} (${k.name})`).join(', ')}` };
    }
    const user = inUse(id);
    if (user) return { kind: 'refused', reason: `image ${id} (${rec.name}) is used by ${user}` };
    // Rename first so a half-removed image is never mistaken for a whole one.
    const doomed = join(this.dir, `${STAGING_PREFIX}rm-${id}`);
    renameSync(this.imageDir(id), doomed);
    rmSync(doomed, { recursive: true, force: true });
    return { kind: 'removed' };
  }

  /** Staging directories whose build process is gone (killed, crashed): safe to delete. */
  abandonedStaging(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((n) => n.startsWith(STAGING_PREFIX))
      .map((n) => join(this.dir, n))
      .filter((dir) => {
        try {
          const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as Pick<LockHolder, 'pid' | 'processStart'>;
          return !isAlive(owner);
        } catch {
          // No owner file: a removal that was interrupted, or a commit interrupted between its
          // two renames (the record is complete but the name is wrong); neither is in use.
          return statSync(dir).isDirectory();
        }
      });
  }
}
