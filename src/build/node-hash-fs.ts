/** The cache key's file access (cache-key.ts HashFs) on the real filesystem, relative to a working directory. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HashFs } from './cache-key.js';

export function nodeHashFs(cwd: string): HashFs {
  return {
    kind(p) {
      try {
        return statSync(p).isDirectory() ? 'dir' : 'file';
      } catch {
        return undefined;
      }
    },
    readFile: (p) => readFileSync(p),
    readDir: (p) => readdirSync(p),
    mode: (p) => statSync(p).mode,
    resolve: (p) => path.resolve(cwd, p),
  };
}
