/**
 * `variable "NAME" { ... }` and Packer's older `variables { NAME = default }`: declarations only.
 * Values are resolved separately (variable-values.ts) because they come from outside the template.
 */
import { error, lineRef, type Diagnostic, type Range } from '../diagnostics.js';
import type { Block, Expr } from '../hcl/ast.js';
import type { Evaluator } from '../evaluator.js';
import { checkShape, headerRange } from '../schema/shape.js';
import type { Value } from '../value.js';

export interface Validation {
  condition: Expr;
  errorMessage?: Expr;
  range: Range;
}

export interface VariableDecl {
  name: string;
  range: Range;
  typeExpr?: Expr;
  /** Parsed type constraint; undefined means `any`. */
  type?: unknown;
  hasDefault: boolean;
  /**
   * The default could not be evaluated or does not fit the type (already reported): uses of the
   * variable are skipped rather than reported again, unless a value is given from outside.
   */
  defaultFailed?: boolean;
  default: Value;
  defaultRange?: Range;
  description?: string;
  sensitive: boolean;
  validations: Validation[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const VARIABLE_SHAPE = {
  attributes: ['type', 'default', 'description', 'sensitive', 'nullable'],
  blocks: { validation: { multiple: true } },
} as const;

const VALIDATION_SHAPE = { attributes: ['condition', 'error_message'] } as const;

export function declareVariables(blocks: readonly Block[], ev: Evaluator): { decls: Map<string, VariableDecl>; diagnostics: Diagnostic[] } {
  const decls = new Map<string, VariableDecl>();
  const diagnostics: Diagnostic[] = [];

  const add = (decl: VariableDecl) => {
    const first = decls.get(decl.name);
    if (first) {
      diagnostics.push(
        error('duplicate-block', `Duplicate variable "${decl.name}"`, decl.range, {
          detail: `A variable named "${decl.name}" was already declared at ${lineRef(first.range, decl.range)}.`,
        }),
      );
      return;
    }
    if (!NAME.test(decl.name)) {
      diagnostics.push(
        error('invalid-value', `Invalid variable name "${decl.name}"`, decl.range, {
          detail: 'A name must start with a letter or underscore and contain only letters, digits, underscores and dashes.',
        }),
      );
      return;
    }
    decls.set(decl.name, decl);
  };

  // Defaults may call functions (and env()), but cannot refer to other variables or locals.
  const evalDefault = (expr: Expr) => ev.eval(expr, {}, { allowEnv: true });

  for (const block of blocks) {
    if (block.type === 'variables') {
      for (const item of block.body.items) {
        if (item.kind === 'Block') {
          diagnostics.push(error('unknown-block', `Unexpected block "${item.type}" in variables`, item.typeRange, { hint: 'A variables block holds only NAME = default lines.' }));
          continue;
        }
        const r = evalDefault(item.expr);
        diagnostics.push(...r.diagnostics);
        const decl: VariableDecl = { name: item.name, range: item.nameRange, hasDefault: true, default: r.value, defaultRange: item.expr.range, sensitive: false, validations: [] };
        if (r.skipped || r.diagnostics.length > 0) decl.defaultFailed = true;
        add(decl);
      }
      continue;
    }

    const name = block.labels[0]!.value;
    const shape = checkShape(block.body, VARIABLE_SHAPE, block);
    diagnostics.push(...shape.diagnostics);
    const decl: VariableDecl = { name, range: headerRange(block), hasDefault: false, default: null, sensitive: false, validations: [] };

    const typeAttr = shape.attributes.get('type');
    if (typeAttr) {
      const t = ev.lang.parseType(typeAttr.expr);
      diagnostics.push(...t.diagnostics);
      decl.typeExpr = typeAttr.expr;
      decl.type = t.type;
    }
    const def = shape.attributes.get('default');
    if (def) {
      const r = evalDefault(def.expr);
      diagnostics.push(...r.diagnostics);
      decl.hasDefault = true;
      decl.default = r.value;
      decl.defaultRange = def.expr.range;
      if (r.skipped || r.diagnostics.length > 0) decl.defaultFailed = true;
      else if (decl.type !== undefined && r.value !== null) {
        const c = ev.lang.convert(r.value, decl.type);
        if (c.ok) decl.default = c.value;
        else decl.defaultFailed = true;
        if (!c.ok) diagnostics.push(error('type-mismatch', `Invalid default value for variable "${name}"`, def.expr.range, { detail: `The default does not match the variable's type ${ev.lang.typeString(decl.type)}: ${c.message}.` }));
      }
    }
    for (const [attr, key] of [['description', 'description'], ['sensitive', 'sensitive']] as const) {
      const a = shape.attributes.get(attr);
      if (!a) continue;
      const r = ev.eval(a.expr, {});
      diagnostics.push(...r.diagnostics);
      if (key === 'description') {
        if (typeof r.value === 'string') decl.description = r.value;
        else if (r.diagnostics.length === 0 && !r.skipped) diagnostics.push(error('type-mismatch', 'Invalid value for "description"', a.expr.range, { detail: 'a string is required' }));
      } else if (typeof r.value === 'boolean') {
        decl.sensitive = r.value;
      } else {
        // Fail closed: a sensitive flag that does not evaluate to a bool still hides the value.
        decl.sensitive = true;
        if (r.diagnostics.length === 0) diagnostics.push(error('type-mismatch', 'Invalid value for "sensitive"', a.expr.range, { detail: 'true or false is required' }));
      }
    }
    for (const vb of shape.blocks) {
      const vs = checkShape(vb.body, VALIDATION_SHAPE, vb, `validation of variable "${name}"`);
      diagnostics.push(...vs.diagnostics);
      const cond = vs.attributes.get('condition');
      if (!cond) {
        diagnostics.push(error('missing-attribute', `Missing required argument "condition" in validation of variable "${name}"`, vb.typeRange));
        continue;
      }
      const v: Validation = { condition: cond.expr, range: vb.range };
      const msg = vs.attributes.get('error_message');
      if (msg) v.errorMessage = msg.expr;
      decl.validations.push(v);
    }
    add(decl);
  }
  return { decls, diagnostics };
}
