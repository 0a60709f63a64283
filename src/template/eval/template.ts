/**
 * String templates: `${...}` interpolation, `%{if}` and `%{for}` directives and the `~` strip
 * markers. A template that is nothing but one interpolation, `"${var.list}"`, yields the value
 * itself rather than a string, as HCL does.
 *
 * The parser has already applied the `~` strip markers and `<<-` indentation to the literal
 * text (hcl/template-parser.ts), so Text parts are rendered as they are. It keeps an empty Text
 * part where a literal was stripped to nothing, so `"${x~} "` is still a string, not x itself.
 */
import { error } from '../diagnostics.js';
import type { TemplateExpr, TemplatePart } from '../hcl/ast.js';
import { FAILED, type Env, type Evaluator, type Result } from './evaluation.js';
import { bindings, condition, iterationPairs } from './for.js';
import { convert, STRING } from './types.js';

export function evalTemplate(ev: Evaluator, expr: TemplateExpr, env: Env): Result {
  const only = expr.parts.length === 1 ? expr.parts[0]! : undefined;
  if (only?.kind === 'Interp') return ev.eval(only.expr, env);
  return renderParts(ev, expr.parts, env);
}

function renderParts(ev: Evaluator, parts: readonly TemplatePart[], env: Env): string | typeof FAILED {
  let out = '';
  let failed = false;
  parts.forEach((part) => {
    const piece = renderPart(ev, part, env);
    if (piece === FAILED) failed = true;
    else out += piece;
  });
  return failed ? FAILED : out;
}

function renderPart(ev: Evaluator, part: TemplatePart, env: Env): string | typeof FAILED {
  switch (part.kind) {
    case 'Text':
      return part.value;
    case 'Interp': {
      const v = ev.eval(part.expr, env);
      if (v === FAILED) return FAILED;
      if (v === null) {
        ev.report(
          error('invalid-value', 'Invalid template interpolation value', part.expr.range, {
            detail: 'The expression result is null. Cannot include a null value in a string template.',
          }),
        );
        return FAILED;
      }
      const c = convert(v, STRING);
      if (!c.ok) {
        ev.report(
          error('type-mismatch', 'Invalid template interpolation value', part.expr.range, {
            detail: `Cannot include the given value in a string template: ${c.reason}.`,
            hint: 'Use jsonencode() or join() to turn a list or object into a string.',
          }),
        );
        return FAILED;
      }
      return c.value as string;
    }
    case 'If': {
      const c = ev.eval(part.cond, env);
      if (c === FAILED) return FAILED;
      const b = condition(ev, c, part.cond.range, 'Invalid template if condition', 'condition');
      if (b === FAILED) return FAILED;
      return renderParts(ev, b ? part.then : (part.else ?? []), env);
    }
    case 'For': {
      const coll = ev.eval(part.collection, env);
      if (coll === FAILED) return FAILED;
      const pairs = iterationPairs(ev, coll, part.collection.range, 'template for directive');
      if (pairs === FAILED) return FAILED;
      let out = '';
      for (const [k, v] of pairs) {
        const piece = renderParts(ev, part.body, env.with(bindings(part.keyVar, part.valueVar, k, v)));
        if (piece === FAILED) return FAILED;
        out += piece;
      }
      return out;
    }
  }
}
