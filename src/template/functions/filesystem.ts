/**
 * Path and file functions. Every file access goes through the injected ctx.fs, and relative
 * paths resolve against ctx.baseDir (the template's directory) rather than the process's
 * working directory, so a template reads the same files wherever bake is started from.
 */
import { STRING } from '../eval/types.js';
import { FunctionError, type FunctionContext, type FunctionDef } from './function.js';
import { absolutePath, expandHome, goBase, goDir, resolvePath } from './paths.js';

const path = [{ name: 'path', type: STRING }];

/** Reads a file for file() and templatefile(), with messages that name the path as written. */
export function readTemplateFile(p: string, ctx: FunctionContext, argIndex: number): { resolved: string; text: string } {
  const resolved = resolvePath(p, ctx.baseDir, ctx.homeDir, argIndex);
  if (!ctx.fs.exists(resolved)) throw new FunctionError(`no file exists at ${JSON.stringify(p)}`, argIndex);
  try {
    return { resolved, text: ctx.fs.readFile(resolved) };
  } catch (e) {
    throw new FunctionError(`failed to read ${JSON.stringify(p)}: ${(e as Error).message}`, argIndex);
  }
}

export const filesystemFunctions: Record<string, FunctionDef> = {
  abspath: {
    params: path,
    description: 'The absolute form of a path, relative paths taken from the template directory.',
    impl: ([p], ctx) => absolutePath(p as string, ctx.baseDir),
  },
  basename: {
    params: path,
    description: 'The last element of a path.',
    impl: ([p]) => goBase(p as string),
  },
  dirname: {
    params: path,
    description: 'All but the last element of a path.',
    impl: ([p]) => goDir(p as string),
  },
  pathexpand: {
    params: path,
    description: 'Replaces a leading ~ with the home directory.',
    impl: ([p], ctx) => expandHome(p as string, ctx.homeDir, 0),
  },
  file: {
    params: path,
    description: 'The contents of a file, as a string.',
    impl: ([p], ctx) => readTemplateFile(p as string, ctx, 0).text,
  },
  fileexists: {
    params: path,
    description: 'Whether a file exists at the given path.',
    impl: ([p], ctx) => ctx.fs.exists(resolvePath(p as string, ctx.baseDir, ctx.homeDir, 0)),
  },
};
