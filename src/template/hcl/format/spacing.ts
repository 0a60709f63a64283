/**
 * Whether one space or none goes between two units on a line: hclwrite's `spaceAfterToken`,
 * rule for rule and in the same order, so `bake fmt` and `packer fmt` agree. Its rules for
 * tokens inside strings and heredocs are left out because those never reach here (see
 * lines.ts).
 */
import type { TokenKind } from '../token.js';
import type { Unit } from './lines.js';

/**
 * Tokens after which a `-` can only be a negation: `= -1`, `(-x)`, `a * -b`. hclwrite's list,
 * gaps included: after `=>` or a keyword a minus gets a space (`k => - v`), in both tools.
 */
const NEGATION_CONTEXT: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'OParen', 'OBrace', 'OBrack', 'Equal', 'Colon', 'Comma', 'Question',
  'Plus', 'Star', 'Slash', 'Percent', 'Minus',
  'EqualEqual', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual',
  'And', 'Or', 'Bang',
]);

/**
 * `subject` is followed by `after` in the same cell; `before` is the unit before `subject` in
 * that cell, if any.
 */
export function spaceAfter(subject: Unit, before: Unit | undefined, after: Unit): boolean {
  const s = subject.last;
  const a = after.first;
  if (s === 'Ident' && a === 'OParen') return false; // f(x)
  if (s === 'Dot' || a === 'Dot') return false; // a.b
  if (a === 'Comma' || a === 'Ellipsis') return false; // f(a, b...)
  if (s === 'Comma') return true;
  // [for x in [1, 2]: x]: `in` is the keyword here, not a value being indexed.
  if (s === 'Ident' && subject.text === 'in' && before?.last === 'Ident') return true;
  if (a === 'OBrack' && (s === 'Ident' || s === 'Number' || subject.brackets < 0)) return false; // a[0], f()[0]
  if (s === 'Bang') return false; // !a
  if (s === 'Minus') return before !== undefined && !NEGATION_CONTEXT.has(before.last); // a - b, but -b
  // Braces get spaces inside, `{ a = 1 }`, except when empty: `{}`.
  if (s === 'OBrace' || a === 'CBrace') return !(s === 'OBrace' && a === 'CBrace');
  if (subject.brackets > 0) return false; // (a
  if (after.brackets < 0) return false; // a)
  return true;
}
