/**
 * Numbers as text, the way cty writes and reads them. cty prints a number in plain decimal
 * (big.Float `Text('f', -1)`), never in exponent form, so `1e21` renders as 22 digits where
 * JavaScript would say "1e+21". cty's numbers are arbitrary precision; ours are doubles, so the
 * digits after the 17th may differ from Packer's.
 */

/** Decimal text without an exponent: 1e21 -> "1000000000000000000000", 1e-7 -> "0.0000001". */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (Object.is(n, -0)) return '0';
  if (Number.isInteger(n)) return BigInt(n).toString();
  return expandExponent(String(n));
}

/** Turns "1.5e-7" into "0.00000015"; text without an exponent passes through. */
export function expandExponent(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, int, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = int! + frac;
  const point = int!.length + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  out = out.replace(/^0+(?=\d)/, '');
  if (out.includes('.')) out = out.replace(/\.?0+$/, '');
  return sign + out;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a string as cty does when converting to number: plain decimal only (no whitespace, no
 * hex, no underscores). Returns undefined when the text is not a number.
 */
export function parseNumber(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
