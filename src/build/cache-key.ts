/**
 * A layer's content hash: if an image with this hash exists, the layer is reused instead of
 * rebuilt. It covers everything that can change what the layer contains: the parent image id,
 * the source's settings, every provisioner in order with its settings and the content of every
 * file and directory it uploads or runs, and the template's variable values. Template formatting
 * and comments do not count (the hash is over evaluated values, not text), nor does `max_age`,
 * which is a rebuild policy, not content.
 */
import { createHash } from 'node:crypto';
import type { BuildSource, Provisioner } from '../template/model.js';
import type { Value, ValueObject } from '../template/value.js';

export interface HashFs {
  /** 'file' | 'dir' | undefined when missing. */
  kind(path: string): 'file' | 'dir' | undefined;
  readFile(path: string): Buffer;
  readDir(path: string): string[];
  /** Unix permission bits, so making a script executable changes the hash. */
  mode(path: string): number;
  resolve(path: string): string;
}

export interface CacheKeyInput {
  parentId?: string;
  source: BuildSource;
  variables: Record<string, Value>;
}

/** Config keys that are policy, not content. */
const POLICY_KEYS = new Set(['max_age']);

/** Files a provisioner reads from this machine (uploads and scripts; not downloads). */
export function referencedFiles(p: Provisioner): string[] {
  const c = p.config;
  const strings = (v: Value | undefined) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (p.type === 'shell') return [...strings(c.script), ...strings(c.scripts)];
  if (p.type === 'file' && c.direction !== 'download') return [...strings(c.source), ...strings(c.sources)];
  return [];
}

export function canonicalJson(v: Value): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`)
    .join(',')}}`;
}

/** Content hash of a file or a whole directory tree (names, modes and contents). */
export function contentHash(path: string, fs: HashFs): string {
  const h = createHash('sha256');
  const walk = (p: string, rel: string) => {
    const kind = fs.kind(p);
    if (kind === 'dir') {
      h.update(`d ${rel} ${(fs.mode(p) & 0o7777).toString(8)}\n`);
      for (const name of fs.readDir(p).sort()) walk(`${p}/${name}`, rel ? `${rel}/${name}` : name);
    } else if (kind === 'file') {
      const data = fs.readFile(p);
      h.update(`f ${rel} ${(fs.mode(p) & 0o7777).toString(8)} ${data.length}\n`);
      h.update(data);
    } else {
      h.update(`missing ${rel}\n`);
    }
  };
  walk(fs.resolve(path), '');
  return h.digest('hex');
}

export function cacheKey(input: CacheKeyInput, fs: HashFs): string {
  const config: ValueObject = Object.fromEntries(Object.entries(input.source.config).filter(([k]) => !POLICY_KEYS.has(k)));
  const provisioners = input.source.provisioners.map((p) => ({
    type: p.type,
    config: p.config,
    files: Object.fromEntries(referencedFiles(p).map((f) => [f, contentHash(f, fs)])),
  }));
  const doc = {
    v: 1,
    parent: input.parentId ?? null,
    source: { type: input.source.source.type, config },
    provisioners,
    variables: input.variables,
  } as unknown as Value;
  return createHash('sha256').update(canonicalJson(doc)).digest('hex');
}
