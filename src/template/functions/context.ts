/**
 * The real-world FunctionContext: the local file system, the system clock, random UUIDs and the
 * HCL template parser. This is the one place in the template engine that touches them; everything
 * else takes a FunctionContext, so tests substitute fixed ones.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { parseTemplate } from '../hcl/parser.js';
import type { FunctionContext } from './function.js';

export interface NodeContextOptions {
  /**
   * The environment for env(). Pass it only when evaluating variable defaults: its absence is
   * what makes env() an error everywhere else.
   */
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
}

export function nodeFunctionContext(baseDir: string, options: NodeContextOptions = {}): FunctionContext {
  const ctx: FunctionContext = {
    baseDir,
    fs: {
      readFile: (path) => readFileSync(path, 'utf8'),
      // fileexists() is about files: a directory of that name does not count.
      exists: (path) => existsSync(path) && statSync(path).isFile(),
    },
    now: () => new Date(),
    uuid: () => randomUUID(),
    homeDir: options.homeDir ?? homedir(),
    parseTemplate,
  };
  const env = options.env;
  if (env) ctx.env = (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
  return ctx;
}
