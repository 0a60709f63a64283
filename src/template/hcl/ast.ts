/**
 * The HCL2 native syntax tree. Every node keeps its source range. Body items keep their declared
 * order across types (unlike hcl2json, which groups blocks by type), which is what lets provisioners
 * run in the order they are written.
 */
import type { Range } from '../diagnostics.js';

export interface File {
  kind: 'File';
  filename: string;
  body: Body;
  /** All comments in source order, for the formatter. */
  comments: Comment[];
}

export interface Comment {
  kind: 'Comment';
  /** The raw text including `#`, `//` or `/* *\/`, without the trailing newline. */
  text: string;
  range: Range;
}

export interface Body {
  kind: 'Body';
  items: BodyItem[];
  range: Range;
}

export type BodyItem = Attribute | Block;

export interface Attribute {
  kind: 'Attribute';
  name: string;
  nameRange: Range;
  expr: Expr;
  range: Range;
}

export interface BlockLabel {
  value: string;
  /** true for `"quoted"` labels, false for bare identifiers. */
  quoted: boolean;
  range: Range;
}

export interface Block {
  kind: 'Block';
  type: string;
  typeRange: Range;
  labels: BlockLabel[];
  body: Body;
  openBraceRange: Range;
  closeBraceRange: Range;
  range: Range;
}

export type Expr =
  | LiteralExpr
  | TemplateExpr
  | VariableExpr
  | GetAttrExpr
  | IndexExpr
  | SplatExpr
  | CallExpr
  | ConditionalExpr
  | BinaryExpr
  | UnaryExpr
  | TupleExpr
  | ObjectExpr
  | ForExpr
  | ParenExpr;

/** `null`, `true`, `false` and numbers. Quoted strings without interpolation are TemplateExpr. */
export interface LiteralExpr {
  kind: 'Literal';
  value: null | boolean | number;
  /** The number as written, for the formatter and hcl2json projection (e.g. `1e3`, `0.50`). */
  raw?: string;
  range: Range;
}

/** A quoted string or heredoc, possibly with `${}` interpolations and `%{}` directives. */
export interface TemplateExpr {
  kind: 'Template';
  parts: TemplatePart[];
  /** Present for heredocs: the marker and whether it was `<<-` (indented, leading space trimmed). */
  heredoc?: { marker: string; indented: boolean };
  range: Range;
}

export type TemplatePart = TemplateText | TemplateInterp | TemplateIf | TemplateFor;

export interface TemplateText {
  kind: 'Text';
  /** Text with escapes already decoded (`\n`, `$${`, `%%{`). */
  value: string;
  range: Range;
}

/** `${ expr }`; strip flags are the `~` markers: `${~ expr ~}`. */
export interface TemplateInterp {
  kind: 'Interp';
  expr: Expr;
  stripLeft: boolean;
  stripRight: boolean;
  range: Range;
}

export interface TemplateIf {
  kind: 'If';
  cond: Expr;
  then: TemplatePart[];
  else?: TemplatePart[];
  range: Range;
}

export interface TemplateFor {
  kind: 'For';
  keyVar?: string;
  valueVar: string;
  collection: Expr;
  body: TemplatePart[];
  range: Range;
}

/** A root name: `var`, `local`, `source`, `path`, a for-expression's iterator, etc. */
export interface VariableExpr {
  kind: 'Variable';
  name: string;
  range: Range;
}

/** `object.name` */
export interface GetAttrExpr {
  kind: 'GetAttr';
  object: Expr;
  name: string;
  nameRange: Range;
  range: Range;
}

/** `object[key]`, also the legacy `object.0` form (key is then a number literal). */
export interface IndexExpr {
  kind: 'Index';
  object: Expr;
  key: Expr;
  range: Range;
}

/**
 * `source.*.name` (attribute splat) or `source[*].name` (full splat). `each` is applied to every
 * element; inside it the element is referenced by a VariableExpr named SPLAT_ITEM.
 */
export interface SplatExpr {
  kind: 'Splat';
  source: Expr;
  each: Expr;
  full: boolean;
  range: Range;
}

export const SPLAT_ITEM = '\u0000splat';

export interface CallExpr {
  kind: 'Call';
  name: string;
  nameRange: Range;
  args: Expr[];
  /** `f(list...)`: the final argument is expanded into separate arguments. */
  expandFinal: boolean;
  range: Range;
}

export interface ConditionalExpr {
  kind: 'Conditional';
  cond: Expr;
  then: Expr;
  else: Expr;
  range: Range;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

export interface BinaryExpr {
  kind: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  range: Range;
}

export interface UnaryExpr {
  kind: 'Unary';
  op: '!' | '-';
  operand: Expr;
  range: Range;
}

export interface TupleExpr {
  kind: 'Tuple';
  items: Expr[];
  range: Range;
}

export interface ObjectItem {
  /**
   * A bare identifier key (`foo = 1`) is a VariableExpr that evaluates to its own name, as in HCL;
   * a parenthesised key `(foo) = 1` is a ParenExpr and is evaluated.
   */
  key: Expr;
  value: Expr;
  /** `=` or `:` as written, for the formatter. */
  separator: '=' | ':';
  range: Range;
}

export interface ObjectExpr {
  kind: 'Object';
  items: ObjectItem[];
  range: Range;
}

/** `[for k, v in coll : expr if cond]` or `{for k, v in coll : key => value... if cond}` */
export interface ForExpr {
  kind: 'For';
  keyVar?: string;
  valueVar: string;
  collection: Expr;
  /** Present for object-for expressions. */
  keyExpr?: Expr;
  valueExpr: Expr;
  cond?: Expr;
  /** `...` after the value of an object-for: group values with the same key into lists. */
  group: boolean;
  range: Range;
}

export interface ParenExpr {
  kind: 'Paren';
  expr: Expr;
  range: Range;
}
