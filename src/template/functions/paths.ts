/**
 * Go's path/filepath semantics on slash-separated paths, which differ from node:path at the
 * edges users hit: basename("/") is "/", dirname("a/b/") is "a/b", "" cleans to ".".
 */
import { posix } from 'node:path';
import { FunctionError } from './function.js';

export function goClean(p: string): string {
  if (p === '') return '.';
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

export function goBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export function goDir(p: string): string {
  return goClean(p.slice(0, p.lastIndexOf('/') + 1));
}

/** `~` and `~/x` become the home directory (mitchellh/go-homedir's Expand); `~user` is refused. */
export function expandHome(p: string, homeDir: string | undefined, argIndex: number): string {
  if (!p.startsWith('~')) return p;
  if (p.length > 1 && p[1] !== '/') throw new FunctionError('cannot expand user-specific home dir', argIndex);
  if (homeDir === undefined) throw new FunctionError('cannot expand "~": the home directory is not known', argIndex);
  return homeDir + p.slice(1);
}

/** Resolves a user-supplied path: `~` expanded, relative paths against baseDir. */
export function resolvePath(p: string, baseDir: string, homeDir: string | undefined, argIndex: number): string {
  return absolutePath(expandHome(p, homeDir, argIndex), baseDir);
}

/** Go's filepath.Abs with baseDir standing in for the working directory. */
export function absolutePath(p: string, baseDir: string): string {
  return posix.isAbsolute(p) ? goClean(p) : goClean(posix.join(baseDir, p));
}
