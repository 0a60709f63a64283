/**
 * String functions, after go-cty's stdlib and Terraform's lang/funcs. Where Go and JavaScript
 * disagree the Go behaviour wins: case mapping is per character (upper("ß") stays "ß"), title()
 * follows strings.Title's idea of a word boundary, trimspace() uses Go's whitespace set, and
 * lengths and offsets count grapheme clusters.
 */
import { listOf, NUMBER, STRING } from '../eval/types.js';
import type { Value } from '../value.js';
import { FunctionError, wholeNumber, type FunctionDef, type Param } from './function.js';
import { graphemes } from './graphemes.js';
import { compileRe2, replaceAll } from './re2.js';

const str = (name: string): Param => ({ name, type: STRING });
const num = (name: string): Param => ({ name, type: NUMBER });

/** Go's unicode.IsSpace set; JavaScript's \s also has U+FEFF, which Go does not trim. */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`);
const TRAILING_SPACE = new RegExp(`[${GO_SPACE}]+$`);

/** Per-character mapping like Go's unicode.ToUpper: no "ß" -> "SS" expansions. */
function mapChars(s: string, f: (c: string) => string): string {
  return Array.from(s, (c) => {
    const m = f(c);
    return Array.from(m).length === 1 ? m : c;
  }).join('');
}

/** strings.Title: ASCII letters, digits and `_` continue a word; other ASCII and spaces end it. */
function isSeparator(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if (cp <= 0x7f) return !/[0-9A-Za-z_]/.test(c);
  if (/[\p{L}\p{Nd}]/u.test(c)) return false;
  return new RegExp(`[${GO_SPACE}]`).test(c);
}

function title(s: string): string {
  let prev = ' ';
  return Array.from(s, (c) => {
    const out = isSeparator(prev) ? mapChars(c, (x) => x.toUpperCase()) : c;
    prev = c;
    return out;
  }).join('');
}

function isRegexLiteral(s: string): boolean {
  return s.length > 1 && s.startsWith('/') && s.endsWith('/');
}

function regexArg(pattern: string, argIndex: number): RegExp {
  try {
    return compileRe2(pattern);
  } catch (e) {
    throw new FunctionError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`, argIndex);
  }
}

function substr(s: string, offset: number, length: number): string {
  const chars = graphemes(s);
  let start = offset < 0 ? chars.length + offset : offset;
  if (start < 0) start = 0;
  if (start >= chars.length) return '';
  const end = length < 0 ? chars.length : Math.min(chars.length, start + length);
  return chars.slice(start, end).join('');
}

function trimCutset(s: string, cutset: string): string {
  const cut = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && cut.has(chars[a]!)) a++;
  while (b > a && cut.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

function join(args: Value[]): Value {
  const [sep, ...lists] = args as [string, ...Array<Array<string | null>>];
  if (lists.length === 0) throw new FunctionError('at least one list is required');
  const parts: string[] = [];
  let n = 0;
  lists.forEach((list, li) => {
    for (const item of list) {
      if (item === null) throw new FunctionError(`element ${n} is null; cannot concatenate null values`, li + 1);
      parts.push(item);
      n++;
    }
  });
  return parts.join(sep);
}

export const stringFunctions: Record<string, FunctionDef> = {
  upper: {
    params: [str('str')],
    description: 'Converts all letters in the given string to uppercase.',
    impl: ([s]: string[]) => mapChars(s!, (c) => c.toUpperCase()),
  },
  lower: {
    params: [str('str')],
    description: 'Converts all letters in the given string to lowercase.',
    impl: ([s]: string[]) => mapChars(s!, (c) => c.toLowerCase()),
  },
  title: {
    params: [str('str')],
    description: 'Converts the first letter of each word in the given string to uppercase.',
    impl: ([s]: string[]) => title(s!),
  },
  strrev: {
    params: [str('str')],
    description: 'Reverses the characters in a string.',
    impl: ([s]: string[]) => graphemes(s!).reverse().join(''),
  },
  replace: {
    params: [str('str'), str('substr'), str('replace')],
    description: 'Replaces each occurrence of substr in str; a substr wrapped in slashes is a regular expression.',
    impl: ([subject, needle, rep]: string[]) => {
      if (isRegexLiteral(needle!)) return replaceAll(regexArg(needle!.slice(1, -1), 1), subject!, rep!);
      if (needle === '') return ['', ...Array.from(subject!), ''].join(rep);
      return subject!.split(needle!).join(rep);
    },
  },
  trimspace: {
    params: [str('str')],
    description: 'Removes whitespace from the start and end of a string.',
    impl: ([s]: string[]) => s!.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, ''),
  },
  trim: {
    params: [str('str'), str('cutset')],
    description: 'Removes the given characters from the start and end of a string.',
    impl: ([s, cutset]: string[]) => trimCutset(s!, cutset!),
  },
  trimprefix: {
    params: [str('str'), str('prefix')],
    description: 'Removes the given prefix from the start of a string, once, if present.',
    impl: ([s, p]: string[]) => (s!.startsWith(p!) ? s!.slice(p!.length) : s!),
  },
  trimsuffix: {
    params: [str('str'), str('suffix')],
    description: 'Removes the given suffix from the end of a string, once, if present.',
    impl: ([s, p]: string[]) => (s!.endsWith(p!) ? s!.slice(0, s!.length - p!.length) : s!),
  },
  chomp: {
    params: [str('str')],
    description: 'Removes newline characters at the end of a string.',
    impl: ([s]: string[]) => s!.replace(/(?:\r\n?|\n)*$/, ''),
  },
  substr: {
    params: [str('str'), num('offset'), num('length')],
    description: 'Extracts a substring by offset and length, counted in characters; a negative offset counts from the end, a negative length means to the end.',
    impl: ([s, o, l]) => substr(s as string, wholeNumber(o!, 1), wholeNumber(l!, 2)),
  },
  indent: {
    params: [num('spaces'), str('str')],
    description: 'Adds the given number of spaces to the start of every line but the first.',
    impl: ([n, s]) => {
      const count = wholeNumber(n!, 0);
      if (count < 0) throw new FunctionError('the number of spaces must not be negative', 0);
      return (s as string).replaceAll('\n', `\n${' '.repeat(count)}`);
    },
  },
  split: {
    params: [str('separator'), str('str')],
    description: 'Splits a string into a list at each occurrence of the separator.',
    impl: ([sep, s]: string[]) => (sep === '' ? Array.from(s!) : s!.split(sep!)),
  },
  join: {
    params: [str('separator')],
    variadic: { name: 'lists', type: listOf(STRING) },
    description: 'Concatenates the elements of the given lists of strings, with the separator between them.',
    impl: join,
  },
  startswith: {
    params: [str('str'), str('prefix')],
    description: 'Whether the string begins with the given prefix.',
    impl: ([s, p]: string[]) => s!.startsWith(p!),
  },
  endswith: {
    params: [str('str'), str('suffix')],
    description: 'Whether the string ends with the given suffix.',
    impl: ([s, p]: string[]) => s!.endsWith(p!),
  },
  strcontains: {
    params: [str('str'), str('substr')],
    description: 'Whether the string contains the given substring.',
    impl: ([s, p]: string[]) => s!.includes(p!),
  },
};
