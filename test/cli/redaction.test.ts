import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/cli/redactor.js';
import { wantsColor } from '../../src/cli/style.js';
import { memoryHost } from '../_helpers/memory-host.js';

describe('Redactor', () => {
  it('replaces every occurrence of a registered value', () => {
    const r = new Redactor();
    r.add(['hunter2']);
    expect(r.redact('password hunter2, again hunter2')).toBe('password <sensitive>, again <sensitive>');
  });

  it('ignores empty values and leaves text alone when nothing is registered', () => {
    const r = new Redactor();
    r.add(['']);
    expect(r.size).toBe(0);
    expect(r.redact('a b c')).toBe('a b c');
  });

  it('treats values literally, not as patterns', () => {
    const r = new Redactor();
    r.add(['a.b*(c)']);
    expect(r.redact('axb a.b*(c)')).toBe('axb <sensitive>');
  });

  it('hides a longer secret whole when it contains a shorter one', () => {
    const r = new Redactor();
    r.add(['abc', 'xxabcxx']);
    expect(r.redact('xxabcxx abc')).toBe('<sensitive> <sensitive>');
  });

  it('finds a value in its JSON-escaped form', () => {
    const r = new Redactor();
    const secret = 'pa"ss\\word\nline2';
    r.add([secret]);
    expect(r.redact(JSON.stringify({ password: secret }))).toBe('{"password":"<sensitive>"}');
  });

  it('finds the lines of a multi-line secret on their own', () => {
    const r = new Redactor();
    r.add(['-----BEGIN KEY-----\nMIIEowIBAAKCAQEA\n-----END KEY-----\n']);
    expect(r.redact('got MIIEowIBAAKCAQEA here')).toBe('got <sensitive> here');
  });
});

describe('IoHost output', () => {
  it('redacts stdout and stderr, including values registered after the host was made', () => {
    const io = memoryHost();
    io.host.redactor.add(['s3cr3t']);
    io.host.out.line('value: s3cr3t');
    io.host.err.line('error: bad value "s3cr3t"');
    expect(io.stdout()).toBe('value: <sensitive>\n');
    expect(io.stderr()).toBe('error: bad value "<sensitive>"\n');
  });

  it('finds a value written in several pieces on one line', () => {
    const io = memoryHost();
    io.host.redactor.add(['s3cr3t']);
    io.host.out.write('value: s3');
    io.host.out.write('cr');
    io.host.out.write('3t and more\n');
    expect(io.stdout()).toBe('value: <sensitive> and more\n');
  });

  it('writes a last line without a newline on flush, redacted', () => {
    const io = memoryHost();
    io.host.redactor.add(['s3cr3t']);
    io.host.out.write('tail s3cr3t');
    expect(io.stdout()).toBe('tail <sensitive>');
  });

  it('finds a multi-line value written at once', () => {
    const io = memoryHost();
    io.host.redactor.add(['line one\nline two']);
    io.host.err.write('before\nline one\nline two\nafter\n');
    expect(io.stderr()).toBe('before\n<sensitive>\nafter\n');
  });

  it('styles nothing when not on a terminal', () => {
    const io = memoryHost();
    expect(io.host.err.style.red('x')).toBe('x');
    expect(memoryHost({ tty: true }).host.err.style.red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('wantsColor', () => {
  it('colours a terminal unless NO_COLOR is set or CI is true', () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '' })).toBe(true);
    expect(wantsColor(true, { CI: 'true' })).toBe(false);
    expect(wantsColor(true, { CI: 'false' })).toBe(true);
  });
});
