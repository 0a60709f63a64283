import { describe, expect, it } from 'vitest';
import { call, callError } from './_context.js';

describe('case functions', () => {
  it('upper and lower map each character', () => {
    expect(call('upper', 'hello, World')).toBe('HELLO, WORLD');
    expect(call('lower', 'HELLO, Wörld')).toBe('hello, wörld');
  });

  it('keeps characters whose uppercase is longer than one character, like Go (ß stays ß)', () => {
    expect(call('upper', 'straße')).toBe('STRAßE');
  });

  it('title capitalises words split at spaces and ASCII punctuation but not inside words', () => {
    expect(call('title', 'hello world')).toBe('Hello World');
    expect(call('title', 'hello-world foo_bar')).toBe('Hello-World Foo_bar');
    expect(call('title', "o'neil été")).toBe("O'Neil Été");
  });

  it('converts a number argument to a string first, as cty does', () => {
    expect(call('upper', 5)).toBe('5');
  });
});

describe('replace', () => {
  it('replaces every occurrence of a plain substring', () => {
    expect(call('replace', '1 + 2 + 3', '+', '-')).toBe('1 - 2 - 3');
  });

  it('treats a substring wrapped in slashes as a regular expression with $1 references', () => {
    expect(call('replace', 'hello world', '/w.*d/', 'everybody')).toBe('hello everybody');
    expect(call('replace', 'ami-123 ami-456', '/ami-(\\d+)/', 'img-$1')).toBe('img-123 img-456');
  });

  it('treats "/" alone as a plain substring', () => {
    expect(call('replace', 'a/b/c', '/', '-')).toBe('a-b-c');
  });

  it('inserts the replacement around every character for an empty substring, like Go', () => {
    expect(call('replace', 'ab', '', '-')).toBe('-a-b-');
  });

  it('reports an invalid pattern on the substr argument', () => {
    expect(callError('replace', 'x', '/(/', 'y')).toMatch(/^Invalid value for "substr" parameter: invalid regular expression/);
  });
});

describe('trimming', () => {
  it('trimspace removes leading and trailing whitespace including newlines', () => {
    expect(call('trimspace', '  \n\thello\n ')).toBe('hello');
  });

  it('trim removes any of the cutset characters from both ends', () => {
    expect(call('trim', '?!hello?!', '!?')).toBe('hello');
  });

  it('trimprefix and trimsuffix remove only one occurrence, only if present', () => {
    expect(call('trimprefix', 'helloworld', 'hello')).toBe('world');
    expect(call('trimprefix', 'helloworld', 'cat')).toBe('helloworld');
    expect(call('trimsuffix', 'hellohello', 'hello')).toBe('hello');
  });

  it('chomp removes all trailing newlines, whatever their style', () => {
    expect(call('chomp', 'hello\n\n')).toBe('hello');
    expect(call('chomp', 'hello\r\n')).toBe('hello');
    expect(call('chomp', 'hel\nlo')).toBe('hel\nlo');
  });
});

describe('substr', () => {
  it('extracts by offset and length', () => {
    expect(call('substr', 'hello world', 1, 4)).toBe('ello');
  });

  it('counts characters, not UTF-16 units: emoji and combining marks stay whole', () => {
    expect(call('substr', '🤔🤷', 0, 1)).toBe('🤔');
    expect(call('substr', 'e\u0301tude', 0, 1)).toBe('e\u0301');
  });

  it('counts a negative offset from the end and reads a negative length as "to the end"', () => {
    expect(call('substr', 'hello world', -5, -1)).toBe('world');
  });

  it('clamps a length past the end and returns "" for an offset past the end', () => {
    expect(call('substr', 'hello world', 6, 10)).toBe('world');
    expect(call('substr', 'hello', 10, 1)).toBe('');
  });

  it('rejects a fractional offset on that argument', () => {
    expect(callError('substr', 'hello', 1.5, 1)).toBe('Invalid value for "offset" parameter: value must be a whole number.');
  });
});

describe('indent, strrev, split, join', () => {
  it('indent adds spaces to every line but the first', () => {
    expect(call('indent', 2, '[\n  foo,\n  bar,\n]\n')).toBe('[\n    foo,\n    bar,\n  ]\n  ');
  });

  it('strrev reverses characters, keeping emoji with modifiers intact', () => {
    expect(call('strrev', 'hello')).toBe('olleh');
    expect(call('strrev', 'a👍🏽b')).toBe('b👍🏽a');
  });

  it('split returns [""] for an empty string and single characters for an empty separator', () => {
    expect(call('split', ',', 'foo,bar,baz')).toEqual(['foo', 'bar', 'baz']);
    expect(call('split', ',', '')).toEqual(['']);
    expect(call('split', '', 'ab')).toEqual(['a', 'b']);
  });

  it('join concatenates several lists with the separator', () => {
    expect(call('join', ', ', ['foo', 'bar'], ['baz'])).toBe('foo, bar, baz');
    expect(call('join', '-', [1, true])).toBe('1-true');
  });

  it('join requires at least one list and refuses null elements', () => {
    expect(callError('join', ',')).toBe('Call to function "join" failed: at least one list is required.');
    expect(callError('join', ',', ['a', null])).toBe('Invalid value for "lists" parameter: element 1 is null; cannot concatenate null values.');
  });
});

describe('predicates', () => {
  it('startswith, endswith and strcontains', () => {
    expect(call('startswith', 'hello world', 'hello')).toBe(true);
    expect(call('endswith', 'hello world', 'hello')).toBe(false);
    expect(call('strcontains', 'hello world', 'o w')).toBe(true);
  });
});
