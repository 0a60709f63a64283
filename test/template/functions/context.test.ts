import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFunctionContext } from '../../../src/template/functions/context.js';
import { invoke } from '../../../src/template/functions/invoke.js';
import { functions } from '../../../src/template/functions/registry.js';
import type { EagerFunction } from '../../../src/template/functions/function.js';
import type { Value } from '../../../src/template/value.js';

const dir = mkdtempSync(join(tmpdir(), 'bake-fn-'));
mkdirSync(join(dir, 'scripts'));
writeFileSync(join(dir, 'scripts', 'greet.tpl'), 'hello ${name}\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function call(ctx: ReturnType<typeof nodeFunctionContext>, name: string, ...args: Value[]) {
  return invoke(name, functions[name] as EagerFunction, args, ctx);
}

describe('nodeFunctionContext', () => {
  it('reads files relative to the base directory and renders templates with the real parser', () => {
    const ctx = nodeFunctionContext(dir, { homeDir: '/home/x' });
    expect(call(ctx, 'file', 'scripts/greet.tpl')).toEqual({ ok: true, value: 'hello ${name}\n' });
    expect(call(ctx, 'templatefile', 'scripts/greet.tpl', { name: 'bake' })).toEqual({ ok: true, value: 'hello bake\n' });
  });

  it('does not count a directory as an existing file', () => {
    const ctx = nodeFunctionContext(dir);
    expect(call(ctx, 'fileexists', 'scripts')).toEqual({ ok: true, value: false });
    expect(call(ctx, 'fileexists', 'scripts/greet.tpl')).toEqual({ ok: true, value: true });
  });

  it('offers env() only when given an environment', () => {
    expect(call(nodeFunctionContext(dir), 'env', 'X').ok).toBe(false);
    expect(call(nodeFunctionContext(dir, { env: { X: '1' } }), 'env', 'X')).toEqual({ ok: true, value: '1' });
  });

  it('produces a fresh RFC 4122 v4 uuid and a current timestamp', () => {
    const ctx = nodeFunctionContext(dir);
    const a = call(ctx, 'uuidv4');
    const b = call(ctx, 'uuidv4');
    expect(a.ok && b.ok && a.value !== b.value).toBe(true);
    expect(a.ok && a.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(call(ctx, 'timestamp')).toMatchObject({ ok: true, value: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
  });
});
