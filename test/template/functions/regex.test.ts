import { describe, expect, it } from 'vitest';
import { call, callError } from './_context.js';

describe('regex', () => {
  it('returns the matched text when the pattern has no groups', () => {
    expect(call('regex', '[a-z]+', '53453453.345345aaabbbccc23454')).toBe('aaabbbccc');
  });

  it('returns a list of captures for unnamed groups', () => {
    expect(call('regex', '(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)', '2019-02-01')).toEqual(['2019', '02', '01']);
  });

  it("returns an object for Go's (?P<name>...) groups", () => {
    expect(call('regex', '^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?', 'https://terraform.io/docs/')).toEqual({
      scheme: 'https',
      authority: 'terraform.io',
    });
  });

  it('gives null for a group that did not take part in the match', () => {
    expect(call('regex', '(a)|(b)', 'b')).toEqual([null, 'b']);
  });

  it('fails when nothing matches', () => {
    expect(callError('regex', 'x', 'abc')).toBe('Call to function "regex" failed: pattern did not match any part of the given string.');
  });

  it('refuses a mix of named and unnamed groups', () => {
    expect(callError('regex', '(?P<a>x)(y)', 'xy')).toMatch(/can't mix named and unnamed capture groups/);
  });

  it('understands RE2 syntax: a leading (?i), POSIX classes, \\A and \\z', () => {
    expect(call('regex', '(?i)hello', 'say HeLLo')).toBe('HeLLo');
    expect(call('regex', '[[:digit:]]+', 'abc123')).toBe('123');
    expect(call('regex', '\\Aab\\z', 'ab')).toBe('ab');
    expect(callError('regex', '\\Aab\\z', 'abc')).toMatch(/did not match/);
  });
});

describe('regexall', () => {
  it('returns every match, or an empty list', () => {
    expect(call('regexall', '[a-z]+', '1234abcd5678efgh9')).toEqual(['abcd', 'efgh']);
    expect(call('regexall', '[a-z]+', '123')).toEqual([]);
  });

  it('returns captures of every match', () => {
    expect(call('regexall', '(\\w)=(\\d)', 'a=1 b=2')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });
});

describe('regex_replace', () => {
  it('replaces every match, expanding $1 and ${name}', () => {
    expect(call('regex_replace', 'ubuntu-22.04-amd64', '(\\d+)\\.(\\d+)', '${1}_$2')).toBe('ubuntu-22_04-amd64');
    expect(call('regex_replace', 'k=v', '(?P<key>\\w)=(?P<val>\\w)', '${val}=${key}')).toBe('v=k');
  });

  it('treats $1x and $1_ as groups named "1x" and "1_", like Go, so ${1}x is needed', () => {
    expect(call('regex_replace', 'ab', '(a)', '$1x')).toBe('b');
    expect(call('regex_replace', '22.04', '(\\d+)\\.(\\d+)', '$1_$2')).toBe('04');
    expect(call('regex_replace', 'ab', '(a)', '${1}x')).toBe('axb');
  });

  it('skips an empty match right after a match, like Go', () => {
    expect(call('regex_replace', 'axc', 'x*', '-')).toBe('-a-c-');
  });
});
