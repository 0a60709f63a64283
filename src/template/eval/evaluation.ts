/**
 * The evaluator's internal vocabulary, shared by the files that evaluate each kind of
 * expression. A sub-expression that failed yields FAILED after reporting its diagnostic once;
 * everything built on it is FAILED too without saying more, so one mistake gives one message.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Expr } from '../hcl/ast.js';
import type { FunctionContext, FunctionTable } from '../functions/function.js';
import type { Value } from '../value.js';

export const FAILED: unique symbol = Symbol('failed');
export type Result = Value | typeof FAILED;

/** What is in scope for an expression: root names, functions and the functions' world. */
export interface Scope {
  /** Root names (`var`, `local`, `path`, `source`, ...) and their values. */
  variables: Readonly<Record<string, Value>>;
  functions: FunctionTable;
  context: FunctionContext;
}

/** Names bound inside an expression: for-expression iterators and the splat item. */
export class Env {
  private constructor(
    private readonly names: ReadonlyMap<string, Value>,
    private readonly parent: Env | undefined,
  ) {}

  static readonly EMPTY = new Env(new Map(), undefined);

  with(bindings: Iterable<readonly [string, Value]>): Env {
    return new Env(new Map(bindings), this);
  }

  lookup(name: string): Value | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) {
      if (e.names.has(name)) return e.names.get(name);
    }
    return undefined;
  }

  has(name: string): boolean {
    for (let e: Env | undefined = this; e; e = e.parent) if (e.names.has(name)) return true;
    return false;
  }

  allNames(): string[] {
    const out: string[] = [];
    for (let e: Env | undefined = this; e; e = e.parent) out.push(...e.names.keys());
    return out;
  }
}

/** What the per-kind evaluation files need from the evaluator. */
export interface Evaluator {
  readonly scope: Scope;
  eval(expr: Expr, env: Env): Result;
  report(d: Diagnostic): void;
  /** Evaluates in isolation: the diagnostics are returned, not reported. */
  attempt(expr: Expr, env: Env): { result: Result; diagnostics: Diagnostic[] };
}

/**
 * Errors that no runtime fallback can fix: a misspelt variable or function name. can() and try()
 * let these through, as Terraform does, so a typo is never silently replaced by the fallback.
 */
export const STATIC_CODES: ReadonlySet<string> = new Set(['unknown-variable', 'unknown-local', 'unknown-function']);

