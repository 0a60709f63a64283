/**
 * Tokens of HCL2 native syntax. The lexer emits every character of the input in some token
 * (whitespace and comments included), so joining the `raw` text of all tokens reproduces the
 * input exactly: that is what lets a formatter work from tokens without losing anything.
 */
import type { Range } from '../diagnostics.js';

export type TokenKind =
  | 'Ident'
  | 'Number'
  // brackets
  | 'OBrace'
  | 'CBrace'
  | 'OBrack'
  | 'CBrack'
  | 'OParen'
  | 'CParen'
  // punctuation
  | 'Equal'
  | 'Colon'
  | 'Comma'
  | 'Dot'
  | 'Ellipsis'
  | 'FatArrow'
  | 'Question'
  // operators
  | 'Plus'
  | 'Minus'
  | 'Star'
  | 'Slash'
  | 'Percent'
  | 'Bang'
  | 'EqualEqual'
  | 'NotEqual'
  | 'Less'
  | 'LessEqual'
  | 'Greater'
  | 'GreaterEqual'
  | 'And'
  | 'Or'
  // templates
  | 'OQuote'
  | 'CQuote'
  /** A run of literal text inside a quoted string; `value` holds it with escapes decoded. */
  | 'QuotedLit'
  /** `<<EOT` or `<<-EOT` including the newline that ends the line. */
  | 'OHeredoc'
  /** Literal text of a heredoc or bare template; never spans a line end (it may end with one). */
  | 'StringLit'
  /** The closing marker line of a heredoc, without its line end. */
  | 'CHeredoc'
  /** `${` or `${~` */
  | 'TemplateInterp'
  /** `%{` or `%{~` */
  | 'TemplateControl'
  /** `}` or `~}` closing an interpolation or directive. */
  | 'TemplateSeqEnd'
  /**
   * Zero-width token the lexer inserts where it had to give up on an unterminated string,
   * heredoc or interpolation (already reported). `closes` says which construct it ends; the
   * parser closes that construct here without reporting anything more.
   */
  | 'TemplateAbort'
  // trivia and structure
  | 'Newline'
  | 'Whitespace'
  /** `# ...`, `// ...` (without the line end) or `/* ... *\/`. */
  | 'Comment'
  /** Characters that cannot start any token (already reported as 'invalid-character'). */
  | 'Invalid'
  | 'EOF';

/**
 * One token. The fields after `range` are set only on the kinds named in their comments and are
 * undefined on all others (present as keys: every token has the same shape, which keeps the
 * parser's property reads fast).
 */
export interface Token {
  kind: TokenKind;
  /** The exact source text of the token. */
  raw: string;
  range: Range;
  /** QuotedLit and StringLit: the literal text with escapes (`\n`, `$${`, `%%{`) decoded. */
  value?: string;
  /** TemplateInterp/TemplateControl written `${~`/`%{~`, TemplateSeqEnd written `~}`. */
  strip?: boolean;
  /** OHeredoc: its marker and whether it was `<<-` (indented). */
  heredoc?: { marker: string; indented: boolean };
  /** TemplateAbort: the construct that the lexer closed. */
  closes?: 'interp' | 'template';
}

/** Tokens the parser never looks at; they matter only to a formatter. */
export function isTrivia(kind: TokenKind): boolean {
  return kind === 'Whitespace' || kind === 'Comment' || kind === 'Invalid';
}
