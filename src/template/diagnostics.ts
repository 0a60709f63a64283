/**
 * Diagnostics: every user error in a template is collected as data carrying its source range,
 * never thrown (the hcl2template model). The CLI renders them as `FILE:LINE:COL: error: summary`,
 * the source line with a caret, then detail and hint.
 */

/** A position in a source file: 1-based line and column (in characters), 0-based character offset. */
export interface Pos {
  line: number;
  column: number;
  offset: number;
}

export interface Range {
  filename: string;
  start: Pos;
  end: Pos;
}

export type Severity = 'error' | 'warning';

/**
 * Stable codes, grouped by stage. A code never changes meaning once released; tests and users
 * may match on it.
 */
export type DiagnosticCode =
  // lexing and parsing
  | 'syntax'
  | 'unterminated-string'
  | 'unterminated-heredoc'
  | 'unterminated-template'
  | 'unclosed-brace'
  | 'unexpected-token'
  | 'invalid-escape'
  | 'invalid-character'
  | 'nesting-too-deep'
  | 'json-as-hcl'
  // structure
  | 'unknown-block'
  | 'unknown-attribute'
  | 'missing-attribute'
  | 'duplicate-attribute'
  | 'duplicate-block'
  | 'block-labels'
  | 'not-supported-yet'
  | 'unknown-source'
  | 'unknown-provisioner'
  // evaluation
  | 'unknown-variable'
  | 'unknown-local'
  | 'unknown-function'
  | 'function-call'
  | 'type-mismatch'
  | 'invalid-value'
  | 'cycle'
  | 'unset-variable'
  | 'variable-validation'
  | 'undeclared-variable'
  | 'invalid-reference'
  // files and arguments
  | 'file-not-found'
  | 'file-read'
  | 'invalid-argument';

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  /** One line, no trailing period: what is wrong. */
  summary: string;
  /** Further explanation, may span lines. */
  detail?: string;
  /** How to fix it, e.g. a did-you-mean. */
  hint?: string;
  /** Where; absent only for errors that belong to no file (e.g. a bad --var flag). */
  range?: Range;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

export function error(
  code: DiagnosticCode,
  summary: string,
  range: Range | undefined,
  extra: { detail?: string; hint?: string } = {},
): Diagnostic {
  const d: Diagnostic = { severity: 'error', code, summary };
  if (range) d.range = range;
  if (extra.detail !== undefined) d.detail = extra.detail;
  if (extra.hint !== undefined) d.hint = extra.hint;
  return d;
}

export function warning(
  code: DiagnosticCode,
  summary: string,
  range: Range | undefined,
  extra: { detail?: string; hint?: string } = {},
): Diagnostic {
  return { ...error(code, summary, range, extra), severity: 'warning' };
}

/** Orders diagnostics by file, then position, so output is stable. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => {
    const fa = a.range?.filename ?? '';
    const fb = b.range?.filename ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (a.range?.start.offset ?? -1) - (b.range?.start.offset ?? -1);
  });
}

/**
 * How a detail names another place: `line 7` in the same file, else `other.pkr.hcl:7` (the base
 * name: the location line above the detail already shows the directory, relative to the cwd).
 */
export function lineRef(at: Range, from: Range | undefined): string {
  if (from && from.filename === at.filename) return `line ${at.start.line}`;
  return `${at.filename.slice(at.filename.lastIndexOf('/') + 1)}:${at.start.line}`;
}
