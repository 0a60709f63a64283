/**
 * Numeric functions. Arguments are numbers after cty's conversion, so max("3", 2) is 3.
 */
import { NUMBER, STRING } from '../eval/types.js';
import type { Value } from '../value.js';
import { FunctionError, wholeNumber, type FunctionDef } from './function.js';

const num = (name: string) => ({ name, type: NUMBER });
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function extreme(args: Value[], pick: (a: number, b: number) => number): number {
  if (args.length === 0) throw new FunctionError('must pass at least one number');
  return (args as number[]).reduce((a, b) => pick(a, b));
}

/** big.Int's SetString: optional sign, digits of the base (case-insensitive up to base 36). */
function parseInteger(text: string, base: number): number | undefined {
  const m = /^([+-]?)(.+)$/.exec(text);
  if (!m) return undefined;
  const digits = base <= 36 ? m[2]!.toLowerCase() : m[2]!;
  let n = 0n;
  for (const c of digits) {
    const d = DIGITS.indexOf(c);
    if (d < 0 || d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
  }
  return Number(m[1] === '-' ? -n : n);
}

export const numericFunctions: Record<string, FunctionDef> = {
  min: {
    params: [],
    variadic: num('numbers'),
    description: 'The smallest of the given numbers.',
    impl: (args) => extreme(args, Math.min),
  },
  max: {
    params: [],
    variadic: num('numbers'),
    description: 'The largest of the given numbers.',
    impl: (args) => extreme(args, Math.max),
  },
  abs: {
    params: [num('num')],
    description: 'The absolute value of a number.',
    impl: ([n]) => Math.abs(n as number),
  },
  ceil: {
    params: [num('num')],
    description: 'The closest whole number greater than or equal to the given number.',
    impl: ([n]) => Math.ceil(n as number),
  },
  floor: {
    params: [num('num')],
    description: 'The closest whole number less than or equal to the given number.',
    impl: ([n]) => Math.floor(n as number),
  },
  signum: {
    params: [num('num')],
    description: '-1, 0 or 1 according to the sign of the number.',
    impl: ([n]) => Math.sign(n as number) + 0,
  },
  log: {
    params: [num('num'), num('base')],
    description: 'The logarithm of a number in the given base.',
    impl: ([n, b]) => Math.log(n as number) / Math.log(b as number),
  },
  pow: {
    params: [num('num'), num('power')],
    description: 'A number raised to the given power.',
    impl: ([n, p]) => Math.pow(n as number, p as number),
  },
  parseint: {
    params: [{ name: 'number', type: STRING }, num('base')],
    description: 'Parses a string as an integer in the given base (2 to 62).',
    impl: ([s, b]) => {
      const base = wholeNumber(b!, 1);
      if (base < 2 || base > 62) throw new FunctionError('base must be a whole number between 2 and 62 inclusive', 1);
      const n = parseInteger(s as string, base);
      if (n === undefined) throw new FunctionError(`cannot parse ${JSON.stringify(s)} as a base ${base} integer`, 0);
      return n;
    },
  },
};
