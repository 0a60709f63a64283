/**
 * regex(), regexall() and Packer's regex_replace(). The shape of a match follows cty: no capture
 * groups gives the matched string, unnamed groups a list, named groups an object; a group that
 * did not take part in the match is null.
 */
import { STRING } from '../eval/types.js';
import type { Value } from '../value.js';
import { FunctionError, type FunctionDef } from './function.js';
import { allMatches, compileRe2, replaceAll, type Match } from './re2.js';

interface Pattern {
  re: RegExp;
  shape: 'string' | 'list' | 'object';
}

function compilePattern(pattern: string, argIndex: number): Pattern {
  let re: RegExp;
  try {
    re = compileRe2(pattern);
  } catch (e) {
    throw new FunctionError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`, argIndex);
  }
  // An empty match on a fresh copy tells us how many groups the pattern has and which are named.
  const probe = new RegExp(`${re.source}|`, re.flags).exec('')!;
  const total = probe.length - 1;
  const named = Object.keys(probe.groups ?? {}).length;
  if (named > 0 && named < total) {
    throw new FunctionError(`invalid regular expression ${JSON.stringify(pattern)}: can't mix named and unnamed capture groups`, argIndex);
  }
  return { re, shape: total === 0 ? 'string' : named > 0 ? 'object' : 'list' };
}

function matchValue(p: Pattern, m: Match): Value {
  if (p.shape === 'string') return m.text;
  if (p.shape === 'list') return m.groups.map((g) => g ?? null);
  return Object.fromEntries(Object.entries(m.named).map(([k, v]) => [k, v ?? null]));
}

export const regexFunctions: Record<string, FunctionDef> = {
  regex: {
    params: [
      { name: 'pattern', type: STRING },
      { name: 'string', type: STRING },
    ],
    description: 'Applies a regular expression to a string and returns the first match (its captures, if the pattern has groups).',
    impl: ([pattern, s]) => {
      const p = compilePattern(pattern as string, 0);
      const [m] = allMatches(p.re, s as string, 1);
      if (!m) throw new FunctionError('pattern did not match any part of the given string');
      return matchValue(p, m);
    },
  },
  regexall: {
    params: [
      { name: 'pattern', type: STRING },
      { name: 'string', type: STRING },
    ],
    description: 'Applies a regular expression to a string and returns a list of all matches.',
    impl: ([pattern, s]) => {
      const p = compilePattern(pattern as string, 0);
      return allMatches(p.re, s as string).map((m) => matchValue(p, m));
    },
  },
  regex_replace: {
    params: [
      { name: 'str', type: STRING },
      { name: 'substr', type: STRING },
      { name: 'replace', type: STRING },
    ],
    description: 'Replaces every match of a regular expression; $1 and ${name} in the replacement refer to captures.',
    impl: ([s, pattern, rep]) => replaceAll(compilePattern(pattern as string, 1).re, s as string, rep as string),
  },
};
