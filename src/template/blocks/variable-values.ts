/**
 * Variable values, lowest to highest precedence: default < BAKE_VAR_x / PKR_VAR_x environment <
 * *.auto.pkrvars.hcl < --var-file (in the order given) < --var (in the order given). Then type
 * conversion and `validation` blocks. Values from the command line or environment are strings;
 * how they are read depends on the variable's type, as in Packer (see readsTextLiterally). As in
 * Packer, a variable without a `type` takes the type of its default when that is a string, number
 * or bool: `variable "n" { default = 2 }` with `--var n=3` is the number 3, not the string "3".
 */
import { error, lineRef, warning, type Diagnostic, type Range } from '../diagnostics.js';
import type { Evaluator } from '../evaluator.js';
import type { Expr, File } from '../hcl/ast.js';
import type { Variable, VariableSource } from '../model.js';
import { didYouMean } from '../suggest.js';
import type { Value, ValueObject } from '../value.js';
import type { VariableDecl } from './variables.js';

export interface CliVar {
  name: string;
  value: string;
}

interface Candidate {
  from: VariableSource;
  /** How to name the origin in messages: `--var region=...`, `PKR_VAR_region`, `prod.pkrvars.hcl:3`. */
  origin: string;
  text?: string;
  expr?: Expr;
  range?: Range;
}

export interface ResolveInput {
  decls: Map<string, VariableDecl>;
  env: Record<string, string | undefined>;
  autoVarFiles: File[];
  varFiles: File[];
  cliVars: CliVar[];
}

export interface ResolveResult {
  variables: Variable[];
  /** `var` root object for later evaluation. */
  values: ValueObject;
  diagnostics: Diagnostic[];
}

const ENV_PREFIXES = ['PKR_VAR_', 'BAKE_VAR_'] as const; // later wins

export function resolveVariables(input: ResolveInput, ev: Evaluator): ResolveResult {
  const diagnostics: Diagnostic[] = [];
  const candidates = new Map<string, Candidate>();
  const names = [...input.decls.keys()];

  for (const prefix of ENV_PREFIXES) {
    for (const [key, text] of Object.entries(input.env)) {
      if (!key.startsWith(prefix) || text === undefined) continue;
      const name = key.slice(prefix.length);
      if (input.decls.has(name)) candidates.set(name, { from: 'env', origin: key, text });
    }
  }

  const fromFiles = (files: File[], from: VariableSource) => {
    for (const file of files) {
      for (const item of file.body.items) {
        if (item.kind === 'Block') {
          diagnostics.push(error('unknown-block', `Unexpected block "${item.type}" in a variables file`, item.typeRange, { hint: 'A variables file holds only NAME = value lines.' }));
          continue;
        }
        if (!input.decls.has(item.name)) {
          diagnostics.push(
            warning('undeclared-variable', `Undeclared variable "${item.name}"`, item.nameRange, {
              detail: `A value was set for "${item.name}" but the template declares no such variable; it is ignored.`,
              hint: didYouMean(item.name, names) ?? `Declare it with variable "${item.name}" {} or remove this line.`,
            }),
          );
          continue;
        }
        candidates.set(item.name, { from, origin: `${file.filename}:${item.range.start.line}`, expr: item.expr, range: item.expr.range });
      }
    }
  };
  fromFiles(input.autoVarFiles, 'auto-var-file');
  fromFiles(input.varFiles, 'var-file');

  for (const cv of input.cliVars) {
    if (!input.decls.has(cv.name)) {
      diagnostics.push(
        error('undeclared-variable', `Undeclared variable "${cv.name}" set with --var`, undefined, {
          detail: `The template declares no variable named "${cv.name}".`,
          hint: didYouMean(cv.name, names) ?? (names.length ? `Declared variables: ${names.join(', ')}.` : 'The template declares no variables.'),
        }),
      );
      continue;
    }
    candidates.set(cv.name, { from: 'cli', origin: `--var ${cv.name}=...`, text: cv.value });
  }

  const variables: Variable[] = [];
  const values: ValueObject = {};
  for (const decl of input.decls.values()) {
    const cand = candidates.get(decl.name);
    let value: Value = decl.default;
    let from: VariableSource = 'default';
    let failed = false;

    if (cand) {
      from = cand.from;
      const raw = candidateValue(cand, decl, ev);
      diagnostics.push(...raw.diagnostics);
      failed = raw.failed;
      value = raw.value;
    } else if (!decl.hasDefault) {
      diagnostics.push(
        error('unset-variable', `Unset variable "${decl.name}"`, decl.range, {
          detail: 'This variable has no default, and no value was given for it.',
          hint: `Set it with --var ${decl.name}=VALUE, in a --var-file, in a *.auto.pkrvars.hcl file, or with PKR_VAR_${decl.name} in the environment.`,
        }),
      );
      failed = true;
    } else if (decl.defaultFailed) {
      failed = true; // reported where the default is written
    }

    const target = conversionType(decl, ev);
    if (!failed && target && cand && value !== null) {
      const c = ev.lang.convert(value, target.type);
      if (c.ok) value = c.value;
      else {
        diagnostics.push(
          error('type-mismatch', `Invalid value for variable "${decl.name}"`, cand.range ?? decl.range, {
            detail: `The value from ${cand.origin} does not match ${target.label}: ${c.message}.`,
          }),
        );
        failed = true;
      }
    }

    if (!failed) failed = !validate(decl, value, cand, ev, diagnostics);
    if (failed) ev.fail('var', decl.name);
    values[decl.name] = value;
    const v: Variable = { name: decl.name, sensitive: decl.sensitive, value, from, range: decl.range };
    if (decl.typeExpr && decl.type !== undefined) v.type = ev.lang.typeString(decl.type);
    if (decl.description !== undefined) v.description = decl.description;
    variables.push(v);
  }
  return { variables, values, diagnostics };
}

/** A primitive default's type keyword: what Packer gives a variable declared without `type`. */
function defaultKind(decl: VariableDecl): 'string' | 'number' | 'bool' | 'collection' | undefined {
  if (decl.type !== undefined || !decl.hasDefault || decl.default === null) return undefined;
  const v = decl.default;
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'collection';
}

/** The type values are converted to, and how to name it in messages; undefined converts nothing. */
function conversionType(decl: VariableDecl, ev: Evaluator): { type: unknown; label: string } | undefined {
  if (decl.type !== undefined) return { type: decl.type, label: `the variable's type ${ev.lang.typeString(decl.type)}` };
  const kind = defaultKind(decl);
  // A collection default's inferred type is a tuple or object of that exact shape in Packer,
  // which would reject a list of another length; bake infers only primitive types.
  if (kind === undefined || kind === 'collection') return undefined;
  // The engine sees types only through the expression language, so the keyword is parsed.
  const type = ev.lang.parseType(ev.lang.parseExpression(kind, kind).expr).type;
  return { type, label: `the type of its default, ${kind}` };
}

/**
 * Packer's rule (expressionFromVariableDefinition): for a string, number or `any` variable, or one
 * with no type, the text is the value (converted to the type afterwards, so `--var n=abc` is "a
 * number is required", not a parse error); for bool and collection types it is parsed as HCL.
 */
function readsTextLiterally(decl: VariableDecl, ev: Evaluator): boolean {
  if (decl.type === undefined) {
    const kind = defaultKind(decl);
    return kind !== 'bool' && kind !== 'collection';
  }
  return ['string', 'number', 'any'].includes(ev.lang.typeString(decl.type));
}

function expectedType(decl: VariableDecl, ev: Evaluator): string {
  if (decl.type !== undefined) return ev.lang.typeString(decl.type);
  return defaultKind(decl) === 'bool' ? 'bool' : Array.isArray(decl.default) ? 'list' : 'map';
}

function candidateValue(cand: Candidate, decl: VariableDecl, ev: Evaluator): { value: Value; failed: boolean; diagnostics: Diagnostic[] } {
  if (cand.text !== undefined) {
    if (readsTextLiterally(decl, ev)) return { value: cand.text, failed: false, diagnostics: [] };
    const parsed = ev.lang.parseExpression(cand.text, cand.origin);
    // The text has no file to point into, so problems are reported against the flag or variable.
    const invalid = (problem: Diagnostic) => {
      const expected = expectedType(decl, ev);
      const d = error('invalid-value', `Invalid value for variable "${decl.name}" from ${cand.origin}`, undefined, {
        detail: `A ${expected} value is expected, written as in HCL: ${problem.summary}${problem.detail ? ` (${problem.detail.replace(/\.$/, '')})` : ''}.`,
      });
      if (expected !== 'bool') d.hint = `Strings inside the value need quotes, and the shell needs the whole flag quoted: --var '${decl.name}=["a", "b"]'.`;
      return { value: null, failed: true, diagnostics: [d] };
    };
    if (parsed.diagnostics.length > 0) return invalid(parsed.diagnostics[0]!);
    const r = ev.eval(parsed.expr, {});
    if (r.diagnostics.length > 0) return invalid(r.diagnostics[0]!);
    return { value: r.value, failed: false, diagnostics: [] };
  }
  // A value the parser could not read is skipped (its syntax error is reported) and counts as failed.
  const r = ev.eval(cand.expr!, {});
  return { value: r.value, failed: r.skipped || r.diagnostics.length > 0, diagnostics: r.diagnostics };
}

/** Runs the variable's validation blocks; returns false when one fails. */
function validate(decl: VariableDecl, value: Value, cand: Candidate | undefined, ev: Evaluator, diagnostics: Diagnostic[]): boolean {
  for (const v of decl.validations) {
    // Packer lets a condition refer to its own variable only.
    const scope = { var: { [decl.name]: value } };
    const r = ev.eval(v.condition, scope);
    if (r.skipped) return false; // the condition has a syntax error, already reported
    if (r.diagnostics.length > 0) {
      diagnostics.push(...r.diagnostics);
      return false;
    }
    if (typeof r.value !== 'boolean') {
      diagnostics.push(error('type-mismatch', 'Invalid validation condition', v.condition.range, { detail: `The condition must be true or false, got ${JSON.stringify(r.value)}.` }));
      return false;
    }
    if (r.value) continue;
    let message = 'The value failed this validation.';
    if (v.errorMessage) {
      // Like the condition, the message may refer to the variable (`"${var.x} is not a version"`).
      const m = ev.eval(v.errorMessage, scope);
      if (typeof m.value === 'string') message = m.value;
    }
    diagnostics.push(
      error('variable-validation', `Invalid value for variable "${decl.name}"`, cand?.range ?? v.condition.range, {
        detail: `${message}\nThe value${cand ? ` from ${cand.origin}` : ' (the default)'} failed the validation at ${lineRef(v.condition.range, cand?.range ?? v.condition.range)}.`,
      }),
    );
    return false;
  }
  return true;
}
