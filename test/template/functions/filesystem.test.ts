import { describe, expect, it } from 'vitest';
import { call, callError, invokeNamed, testContext } from './_context.js';

describe('path functions', () => {
  it('basename and dirname follow Go, not node:path', () => {
    expect(call('basename', 'foo/bar/baz.txt')).toBe('baz.txt');
    expect(call('basename', '/')).toBe('/');
    expect(call('basename', '')).toBe('.');
    expect(call('basename', 'a/b/')).toBe('b');
    expect(call('dirname', 'foo/bar/baz.txt')).toBe('foo/bar');
    expect(call('dirname', 'a/b/')).toBe('a/b');
    expect(call('dirname', 'foo')).toBe('.');
    expect(call('dirname', '/foo')).toBe('/');
  });

  it('abspath resolves against the template directory and cleans the path', () => {
    expect(call('abspath', 'data/../x/./y')).toBe('/tpl/x/y');
    expect(call('abspath', '/etc//hosts/')).toBe('/etc/hosts');
  });

  it('pathexpand replaces a leading ~ with the injected home directory', () => {
    expect(call('pathexpand', '~/.ssh/id_rsa')).toBe('/home/builder/.ssh/id_rsa');
    expect(call('pathexpand', '/etc/~')).toBe('/etc/~');
    expect(callError('pathexpand', '~root/x')).toBe('Invalid value for "path" parameter: cannot expand user-specific home dir.');
  });
});

describe('file and fileexists', () => {
  const ctx = testContext({ '/tpl/scripts/setup.sh': '#!/bin/sh\necho hi\n', '/home/builder/key.pub': 'ssh-ed25519 AAA' });

  it('reads files relative to the template directory, or from ~', () => {
    expect(invokeNamed('file', ['scripts/setup.sh'], ctx)).toEqual({ ok: true, value: '#!/bin/sh\necho hi\n' });
    expect(invokeNamed('file', ['~/key.pub'], ctx)).toEqual({ ok: true, value: 'ssh-ed25519 AAA' });
  });

  it('names the path as written when the file is missing', () => {
    const r = invokeNamed('file', ['scripts/nope.sh'], ctx);
    expect(r.ok ? undefined : r.detail).toBe('Invalid value for "path" parameter: no file exists at "scripts/nope.sh".');
  });

  it('fileexists answers true or false', () => {
    expect(invokeNamed('fileexists', ['scripts/setup.sh'], ctx)).toEqual({ ok: true, value: true });
    expect(invokeNamed('fileexists', ['/tpl/nope'], ctx)).toEqual({ ok: true, value: false });
  });
});

describe('env', () => {
  it('reads the injected environment, "" when unset', () => {
    const ctx = testContext({}, { env: (n) => ({ HOME_REGION: 'eu-west-1' })[n] });
    expect(invokeNamed('env', ['HOME_REGION'], ctx)).toEqual({ ok: true, value: 'eu-west-1' });
    expect(invokeNamed('env', ['UNSET'], ctx)).toEqual({ ok: true, value: '' });
  });

  it('fails outside variable defaults, where the context has no env', () => {
    expect(callError('env', 'HOME')).toMatch(/^Call to function "env" failed: env\(\) can only be used in the default value of a variable block/);
  });
});
