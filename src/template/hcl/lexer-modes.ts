/**
 * The lexer's mode stack, and the rule for line breaks inside a quoted string's `${ }`.
 */
import type { HeredocCut } from './heredoc-end.js';
import type { TokenKind } from './token.js';

export type Entry =
  | { kind: 'quoted'; start: number; checkpoint?: Checkpoint }
  /** `cut` is set when no line closes the heredoc: where its text is taken to end instead. */
  | { kind: 'heredoc'; start: number; headerEnd: number; marker: string; atLineStart: boolean; cut?: HeredocCut }
  | { kind: 'bare' }
  /** `${` or `%{`; parens counts open `(`/`[` so a line break inside them is plausible. */
  | { kind: 'interp'; start: number; control: boolean; parens: number }
  | { kind: 'brace' };

/**
 * Where to resume if a quoted string that went on past a line end turns out to be unterminated:
 * the state just before the first line end inside it.
 */
export interface Checkpoint {
  pos: number;
  tokens: number;
  diags: number;
  lastSig: TokenKind | undefined;
  brackets: number;
  braces: number;
  quoted: number;
  /** Index of the quoted string on the stack; the entries below it stay as they are meanwhile. */
  index: number;
  /** Copies of the stack entries from the quoted string up. */
  from: Entry[];
}

/**
 * A line end inside `${ }` of a quoted string is legal HCL but is far more often a missing `}` or
 * `"`. The interpolation goes on only when the expression plainly continues: the line ends with
 * an operator, or the next line starts with one (or with the closing `}`).
 */
const CONTINUES_AFTER = new Set<TokenKind>([
  'TemplateInterp', 'TemplateControl', 'Plus', 'Minus', 'Star', 'Slash', 'Percent', 'Bang', 'EqualEqual',
  'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'And', 'Or', 'Question', 'Colon', 'Comma',
  'Dot', 'FatArrow', 'Equal', 'OParen', 'OBrack', 'OBrace',
]);
const CONTINUES_BEFORE = new Set('}~?:.[+-*/%=!<>&|');

/** Whether the expression plainly goes on after the line break at `pos` (see above). */
export function expressionContinues(lastSig: TokenKind | undefined, text: string, pos: number): boolean {
  if (lastSig !== undefined && CONTINUES_AFTER.has(lastSig)) return true;
  let p = pos;
  while (p < text.length && (text[p] === ' ' || text[p] === '\t' || text[p] === '\n' || text[p] === '\r')) p++;
  return p < text.length && CONTINUES_BEFORE.has(text[p]!);
}

export function copyEntry(e: Entry): Entry {
  return e.kind === 'quoted' ? { kind: 'quoted', start: e.start } : { ...e };
}
