/**
 * A FunctionContext for tests: a pinned clock and uuid, an in-memory file system rooted at
 * /tpl, the real template parser, and `call(name, ...args)` that goes through the same argument checking as the evaluator.
 */
import type { FunctionContext } from '../../../src/template/functions/function.js';
import { invoke, type Invocation } from '../../../src/template/functions/invoke.js';
import { functions } from '../../../src/template/functions/registry.js';
import { parseTemplate } from '../../../src/template/hcl/parser.js';
import type { Value } from '../../../src/template/value.js';

export const FIXED_NOW = new Date('2024-03-05T07:08:09.123Z');
export const FIXED_UUID = '0b1c7a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21';

export function testContext(files: Record<string, string> = {}, extra: Partial<FunctionContext> = {}): FunctionContext {
  return {
    baseDir: '/tpl',
    fs: {
      readFile(path) {
        if (!Object.hasOwn(files, path)) throw new Error(`ENOENT: no such file, open '${path}'`);
        return files[path]!;
      },
      exists: (path) => Object.hasOwn(files, path),
    },
    now: () => FIXED_NOW,
    uuid: () => FIXED_UUID,
    homeDir: '/home/builder',
    parseTemplate,
    ...extra,
  };
}

export function invokeNamed(name: string, args: Value[], ctx: FunctionContext = testContext()): Invocation {
  const def = functions[name];
  if (!def || def.lazy) throw new Error(`no eager function ${name}`);
  return invoke(name, def, args, ctx);
}

/** The result of a call that must succeed. */
export function call(name: string, ...args: Value[]): Value {
  const r = invokeNamed(name, args);
  if (!r.ok) throw new Error(`${name}() failed: ${r.summary}: ${r.detail}`);
  return r.value;
}

/** The detail of a call that must fail. */
export function callError(name: string, ...args: Value[]): string {
  const r = invokeNamed(name, args);
  if (r.ok) throw new Error(`${name}() unexpectedly returned ${JSON.stringify(r.value)}`);
  return r.detail;
}
