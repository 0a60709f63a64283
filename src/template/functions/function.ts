/**
 * What a template function is: declared parameters (so arity, null-ness and types are checked
 * once, generically, by the evaluator) and an implementation that receives arguments already
 * converted to the declared types, as cty's function package does: `upper(5)` is "5".
 *
 * Everything a function may need from the outside world comes through FunctionContext, so the
 * functions stay pure and tests pin the clock and the uuid.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { TemplateExpr } from '../hcl/ast.js';
import type { Value } from '../value.js';
import { typeString, type Type } from '../eval/types.js';

export interface Param {
  name: string;
  type: Type;
  /** cty rejects null arguments unless the parameter says otherwise. */
  allowNull?: boolean;
}

export interface FunctionFs {
  /** Throws if the file cannot be read. */
  readFile(path: string): string;
  exists(path: string): boolean;
}

export interface FunctionContext {
  /** Relative paths given to file(), fileexists(), templatefile() and abspath() resolve here. */
  baseDir: string;
  fs: FunctionFs;
  now(): Date;
  uuid(): string;
  /** Present only where env() is allowed: variable defaults, as in Packer. */
  env?: (name: string) => string | undefined;
  /** The user's home directory, for pathexpand(); without it pathexpand() fails on `~`. */
  homeDir?: string;
  /** The parser's template entry point, for templatefile(). */
  parseTemplate?: (text: string, filename: string) => { template: TemplateExpr; diagnostics: Diagnostic[] };
}

interface Signature {
  params: readonly Param[];
  /** Accepts any number (including zero) of further arguments of this parameter. */
  variadic?: Param;
  /** One line for listings and did-you-mean output. */
  description: string;
}

export interface EagerFunction extends Signature {
  lazy?: false;
  impl(args: Value[], ctx: FunctionContext): Value;
}

/**
 * An argument of a lazy function: evaluating it either succeeds or yields the diagnostics it
 * raised, which the function may swallow (that is all can() and try() do).
 */
export type Attempt = { ok: true; value: Value } | { ok: false; diagnostics: Diagnostic[] };

export interface LazyFunction extends Signature {
  lazy: true;
  impl(args: Array<() => Attempt>, ctx: FunctionContext): Value;
}

export type FunctionDef = EagerFunction | LazyFunction;

export type FunctionTable = Readonly<Record<string, FunctionDef>>;

/**
 * A function failed. With `argIndex` the fault lies with that argument, and the diagnostic is
 * placed on it (`Invalid value for "str" parameter: ...`); without, on the whole call.
 * `diagnostics` carries errors located elsewhere (a template file's own errors).
 */
export class FunctionError extends Error {
  constructor(
    message: string,
    readonly argIndex?: number,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

/** An argument that must be a whole number, as cty requires for indexes and counts. */
export function wholeNumber(v: Value, argIndex: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new FunctionError('value must be a whole number', argIndex);
  }
  return v;
}

/** The signature as users read it, for listings: `substr(str string, offset number, length number)`. */
export function signature(name: string, def: FunctionDef): string {
  const ps = def.params.map((p) => `${p.name} ${typeString(p.type)}`);
  if (def.variadic) ps.push(`${def.variadic.name}... ${typeString(def.variadic.type)}`);
  return `${name}(${ps.join(', ')})`;
}
