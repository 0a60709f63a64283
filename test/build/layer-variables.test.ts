import { describe, expect, it } from 'vitest';
import { variablesForKey, variablesForRecord } from '../../src/build/layer-variables.js';
import type { Variable } from '../../src/template/model.js';

const v = (name: string, value: string, sensitive = false) => ({ name, value, sensitive }) as Variable;

describe('layer variables', () => {
  it('keys a sensitive value by an HMAC under the store salt, never by the value', () => {
    const a = variablesForKey([v('pw', 'hunter2', true), v('ver', '1')], 'salt-a');
    expect(JSON.stringify(a)).not.toContain('hunter2');
    expect(a.ver).toBe('1');
    expect(a.pw).toBe(variablesForKey([v('pw', 'hunter2', true)], 'salt-a').pw);
    expect(a.pw).not.toBe(variablesForKey([v('pw', 'hunter3', true)], 'salt-a').pw);
    expect(a.pw).not.toBe(variablesForKey([v('pw', 'hunter2', true)], 'salt-b').pw);
  });
  it('records sensitive values as <sensitive>', () => {
    expect(variablesForRecord([v('pw', 'hunter2', true), v('ver', '1')])).toEqual({ pw: '<sensitive>', ver: '1' });
  });
});
