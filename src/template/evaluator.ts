/**
 * The engine's view of expression evaluation: roots in scope per block kind, plus failure
 * containment. When a variable or local fails, every expression that references it is skipped
 * silently, so one bad variable yields one diagnostic instead of one per use. Likewise an
 * expression the parser could not read (it stands in a placeholder and reports a syntax error)
 * is not evaluated, so `a = 1 +` is one syntax error, not also an "Invalid operand".
 */
import type { Diagnostic, Range } from './diagnostics.js';
import type { Expr } from './hcl/ast.js';
import type { Value, ValueObject } from './value.js';

export interface EvalResult {
  value: Value;
  diagnostics: Diagnostic[];
}

export interface Reference {
  root: string;
  name?: string;
}

/** What the engine needs from the expression language; src/template/eval implements it. */
export interface ExpressionLanguage {
  evaluate(expr: Expr, roots: ValueObject, opts: { allowEnv: boolean }): EvalResult;
  references(expr: Expr): Reference[];
  /** Parses a variable's `type = ...` constraint. */
  parseType(expr: Expr): { type: unknown; diagnostics: Diagnostic[] };
  /** Converts a value to a parsed type, HCL's rules ("5" to 5 for number). */
  convert(value: Value, type: unknown): { ok: true; value: Value } | { ok: false; message: string };
  typeString(type: unknown): string;
  /** Parses `--var` / env values for non-string variables as HCL expressions. */
  parseExpression(text: string, filename: string): { expr: Expr; diagnostics: Diagnostic[] };
}

export class Evaluator {
  private readonly failed = new Set<string>();
  /** Offsets of syntax errors per file, kept sorted for binary search. */
  private readonly syntaxErrors = new Map<string, number[]>();

  constructor(readonly lang: ExpressionLanguage) {}

  /** Records where the parser reported errors: expressions spanning one are skipped. */
  parseFailedAt(ranges: readonly Range[]): void {
    for (const r of ranges) {
      const list = this.syntaxErrors.get(r.filename) ?? [];
      list.push(r.start.offset);
      this.syntaxErrors.set(r.filename, list);
    }
    for (const list of this.syntaxErrors.values()) list.sort((a, b) => a - b);
  }

  private unparsed(expr: Expr): boolean {
    const offsets = this.syntaxErrors.get(expr.range.filename);
    if (!offsets) return false;
    const { start, end } = expr.range;
    // The first error at or after the start; inclusive at the end, because a missing operand is
    // a zero-width placeholder where the error starts.
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offsets[mid]! < start.offset) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length && offsets[lo]! <= end.offset;
  }

  /** Marks `root.name` (e.g. var.region) as failed: expressions using it are skipped. */
  fail(root: string, name: string): void {
    this.failed.add(`${root}.${name}`);
  }

  dependsOnFailure(expr: Expr): boolean {
    if (this.failed.size === 0) return false;
    return this.lang.references(expr).some((r) => r.name !== undefined && this.failed.has(`${r.root}.${r.name}`));
  }

  eval(expr: Expr, roots: ValueObject, opts: { allowEnv?: boolean } = {}): EvalResult & { skipped: boolean } {
    if (this.dependsOnFailure(expr) || this.unparsed(expr)) return { value: null, diagnostics: [], skipped: true };
    return { ...this.lang.evaluate(expr, roots, { allowEnv: opts.allowEnv ?? false }), skipped: false };
  }
}
