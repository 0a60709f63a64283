/**
 * format() and formatlist(): cty's printf, which is Go's fmt restricted to HCL's types.
 * Verbs: %v (%#v for JSON), %t, %b %d %o %x %X %e %E %f %F %g %G, %s, %q and %%; flags
 * `+ - # 0` and space, width, precision and explicit argument indexes (`%[2]s`).
 * %v prints numbers in plain decimal like tostring() does; the numeric verbs behave like Go.
 */
import { formatNumber } from '../eval/numbers.js';
import { convert, BOOL, NUMBER, STRING } from '../eval/types.js';
import { isObject, type Value } from '../value.js';
import { FunctionError, type FunctionDef } from './function.js';
import { encodeJson } from './json.js';

interface Verb {
  flags: { minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean };
  width?: number;
  precision?: number;
  mode: string;
  /** The verb as written, for messages: `%5.2f`. */
  text: string;
}

class FormatFailure extends Error {}

/** Renders one format string against its arguments; throws FormatFailure with cty's messages. */
export function formatValues(format: string, args: readonly Value[]): string {
  let out = '';
  let argIdx = 0;
  let usedMax = 0;
  const re = /%([-+# 0]*)(?:\[(\d+)\])?(\d+)?(?:\.(\d*))?(?:\[(\d+)\])?(.?)/gsy;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    re.lastIndex = pct;
    const m = re.exec(format)!;
    const [text, flagText = '', idx1, width, precision, idx2, mode = ''] = m;
    i = pct + text.length;
    if (mode === '%' && text === '%%') {
      out += '%';
      continue;
    }
    if (mode === '') throw new FormatFailure(`unterminated format verb at offset ${pct}`);
    if (!'vtbdoxXeEfFgGsq'.includes(mode)) throw new FormatFailure(`unrecognized format character ${JSON.stringify(mode)} at offset ${pct + text.length - 1}`);
    const explicit = idx2 ?? idx1;
    if (explicit !== undefined) argIdx = Number(explicit) - 1;
    const verb: Verb = {
      flags: {
        minus: flagText.includes('-'),
        plus: flagText.includes('+'),
        sharp: flagText.includes('#'),
        space: flagText.includes(' '),
        zero: flagText.includes('0'),
      },
      mode,
      text,
    };
    if (width !== undefined) verb.width = Number(width);
    if (precision !== undefined) verb.precision = precision === '' ? 0 : Number(precision);
    if (argIdx < 0 || argIdx >= args.length) {
      throw new FormatFailure(`not enough arguments for ${JSON.stringify(text)} at ${pct}: need index ${argIdx + 1} but have ${args.length} total`);
    }
    out += formatOne(verb, args[argIdx]!, pct);
    argIdx++;
    usedMax = Math.max(usedMax, argIdx);
  }
  if (usedMax < args.length) throw new FormatFailure(`too many arguments; only ${usedMax} used by format string`);
  return out;
}

function formatOne(verb: Verb, arg: Value, at: number): string {
  const fail = (why: string): never => {
    throw new FormatFailure(`unsupported value for ${JSON.stringify(verb.text)} at ${at}: ${why}`);
  };
  if (arg === null) {
    if (verb.mode === 'v') return pad(verb, 'null');
    return fail('null value cannot be formatted');
  }
  switch (verb.mode) {
    case 'v': {
      if (verb.flags.sharp) return pad(verb, encodeJson(arg));
      if (Array.isArray(arg) || isObject(arg)) return pad(verb, encodeJson(arg));
      return pad(verb, typeof arg === 'number' ? formatNumber(arg) : String(arg));
    }
    case 't': {
      const c = convert(arg, BOOL);
      if (!c.ok) return fail('bool required');
      return pad(verb, String(c.value));
    }
    case 's':
    case 'q': {
      const c = convert(arg, STRING);
      if (!c.ok) return fail('string required');
      let s = c.value as string;
      if (verb.precision !== undefined) s = Array.from(s).slice(0, verb.precision).join('');
      return pad(verb, verb.mode === 'q' ? goQuote(s) : s);
    }
    default: {
      const c = convert(arg, NUMBER);
      if (!c.ok) return fail('number required');
      return formatNumberVerb(verb, c.value as number, fail);
    }
  }
}

function pad(verb: Verb, s: string, numeric = false): string {
  const len = Array.from(s).length;
  if (verb.width === undefined || len >= verb.width) return s;
  const fill = verb.width - len;
  if (verb.flags.minus) return s + ' '.repeat(fill);
  if (numeric && verb.flags.zero) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    const rest = s.slice(sign.length);
    const prefix = /^0[xXbo]/.test(rest) && verb.flags.sharp ? rest.slice(0, 2) : '';
    return sign + prefix + '0'.repeat(fill) + rest.slice(prefix.length);
  }
  return ' '.repeat(fill) + s;
}

function formatNumberVerb(verb: Verb, n: number, fail: (why: string) => never): string {
  const neg = n < 0 || Object.is(n, -0);
  const abs = Math.abs(n);
  const sign = neg ? '-' : verb.flags.plus ? '+' : verb.flags.space ? ' ' : '';
  let body: string;
  switch (verb.mode) {
    case 'd':
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      if (!Number.isInteger(n)) return fail('an integer is required');
      const radix = { d: 10, b: 2, o: 8, x: 16, X: 16 }[verb.mode]!;
      body = BigInt(abs).toString(radix);
      if (verb.mode === 'X') body = body.toUpperCase();
      if (verb.precision !== undefined) body = body.padStart(verb.precision, '0');
      if (verb.flags.sharp) body = ({ b: '0b', o: '0', x: '0x', X: '0X', d: '' }[verb.mode] ?? '') + body;
      break;
    }
    case 'e':
    case 'E':
      body = goExponent(abs, verb.precision ?? 6);
      if (verb.mode === 'E') body = body.toUpperCase();
      break;
    case 'f':
    case 'F':
      body = fixed(abs, verb.precision ?? 6);
      break;
    default:
      body = goG(abs, verb.precision, verb.flags.sharp);
      if (verb.mode === 'G') body = body.toUpperCase();
  }
  return pad(verb, sign + body, true);
}

function fixed(n: number, precision: number): string {
  if (!Number.isFinite(n)) return 'Inf';
  if (precision <= 100 && n < 1e21) return n.toFixed(precision);
  const int = BigInt(Math.trunc(n)).toString();
  return precision === 0 ? int : `${int}.${'0'.repeat(precision)}`;
}

/** Go's %e: at least two exponent digits (1.500000e+06). */
function goExponent(n: number, precision: number): string {
  if (!Number.isFinite(n)) return 'Inf';
  const [mant, exp] = n.toExponential(Math.min(precision, 100)).split('e') as [string, string];
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Go's %g: shortest digits by default; exponent form when the exponent is < -4 or >= the precision (6 when shortest). */
function goG(n: number, precision: number | undefined, sharp: boolean): string {
  if (!Number.isFinite(n)) return 'Inf';
  if (n === 0) return '0';
  const p = precision === undefined ? undefined : Math.max(1, precision);
  const [m, e] = (p === undefined ? n.toExponential() : n.toExponential(p - 1)).split('e') as [string, string];
  let digits = m.replace('.', '');
  if (!sharp) digits = digits.replace(/(?<=.)0+$/, '');
  const exp = Number(e);
  let eprec = p ?? 6;
  if (p !== undefined && p > digits.length && digits.length >= exp + 1) eprec = digits.length;
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return digits + '0'.repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    switch (c) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (/[\p{L}\p{M}\p{N}\p{P}\p{S}]|[ ]/u.test(c)) out += c;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

function formatList(args: Value[]): Value {
  const [format, ...rest] = args as [string, ...Value[]];
  let length = -1;
  let lengthFrom = -1;
  rest.forEach((a, i) => {
    if (!Array.isArray(a)) return;
    if (length >= 0 && a.length !== length) {
      throw new FunctionError(`argument ${i + 1} has length ${a.length}, which is inconsistent with argument ${lengthFrom + 1} of length ${length}`, i + 1);
    }
    length = a.length;
    lengthFrom = i;
  });
  if (length < 0) length = 1;
  const out: string[] = [];
  for (let n = 0; n < length; n++) {
    const row = rest.map((a) => (Array.isArray(a) ? a[n]! : a));
    try {
      out.push(formatValues(format, row));
    } catch (e) {
      if (e instanceof FormatFailure) throw new FunctionError(`error on format iteration ${n}: ${e.message}`);
      throw e;
    }
  }
  return out;
}

export const formatFunctions: Record<string, FunctionDef> = {
  format: {
    params: [{ name: 'format', type: STRING }],
    variadic: { name: 'args', type: { kind: 'any' }, allowNull: true },
    description: 'Produces a string by formatting the arguments according to a printf-style specification.',
    impl: ([format, ...rest]) => {
      try {
        return formatValues(format as string, rest);
      } catch (e) {
        if (e instanceof FormatFailure) throw new FunctionError(e.message);
        throw e;
      }
    },
  },
  formatlist: {
    params: [{ name: 'format', type: STRING }],
    variadic: { name: 'args', type: { kind: 'any' }, allowNull: true },
    description: 'Formats each element of the given lists (scalars repeat), producing a list of strings.',
    impl: formatList,
  },
};
