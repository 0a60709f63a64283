/**
 * Decodes a block body against a BodySpec: unknown attributes and blocks (with did-you-mean),
 * missing required attributes, values checked by each attribute's schema, then the spec's named
 * cross-field rules. Returns every problem at once, each located at the offending expression.
 */
import { error, hasErrors, type Diagnostic, type Range } from '../diagnostics.js';
import type { Body, Block, Expr } from '../hcl/ast.js';
import type { Value, ValueObject } from '../value.js';
import { issueMessage } from './issues.js';
import { blockTitle, checkShape, headerRange } from './shape.js';
import type { BodySpec } from './spec.js';

/** `skipped`: not evaluated because it uses something that already failed (see Evaluator). */
export type EvalExpr = (expr: Expr) => { value: Value; diagnostics: Diagnostic[]; skipped?: boolean };

export interface DecodeResult {
  config: ValueObject;
  diagnostics: Diagnostic[];
  /** Where each decoded attribute was written, for later stages that report on values. */
  ranges: Map<string, Range>;
  /**
   * false when a value is missing from `config` because it failed or was skipped (it uses a
   * failed variable): cross-field rules would then report a problem that is not there.
   */
  complete: boolean;
}

export function isRequired(schema: BodySpec['attributes'][string]): boolean {
  return !schema.safeParse(undefined).success;
}

export function decodeBody(body: Body, spec: BodySpec, evalExpr: EvalExpr, owner: Block): DecodeResult {
  const nestedSpecs = spec.blocks ?? {};
  const shape = checkShape(
    body,
    {
      attributes: Object.keys(spec.attributes),
      blocks: Object.fromEntries(Object.entries(nestedSpecs).map(([k, v]) => [k, { labels: v.labels ?? [], multiple: v.multiple ?? false }])),
    },
    owner,
  );
  const diagnostics = shape.diagnostics;
  const config: ValueObject = {};
  const ranges = new Map<string, Range>();
  let complete = true;

  for (const [name, attr] of shape.attributes) {
    ranges.set(name, attr.range);
    const { value, diagnostics: evalDiags, skipped } = evalExpr(attr.expr);
    diagnostics.push(...evalDiags);
    if (hasErrors(evalDiags) || skipped) {
      complete = false;
      continue;
    }
    if (value === null) {
      // HCL: an attribute set to null is unset, which a required one cannot be.
      if (isRequired(spec.attributes[name]!)) {
        diagnostics.push(error('invalid-value', `Invalid value for "${name}"`, attr.expr.range, { detail: 'This argument is required, so it cannot be null.' }));
      }
      continue;
    }
    const parsed = spec.attributes[name]!.safeParse(value);
    if (parsed.success) {
      config[name] = parsed.data as Value;
      continue;
    }
    complete = false;
    for (const issue of parsed.error.issues) {
      diagnostics.push(
        error('type-mismatch', `Invalid value for "${name}"`, attr.expr.range, { detail: issueMessage(issue, value) }),
      );
    }
  }

  for (const block of shape.blocks) {
    const nested = nestedSpecs[block.type]!;
    const inner = decodeBody(block.body, nested.body, evalExpr, block);
    diagnostics.push(...inner.diagnostics);
    complete &&= inner.complete;
    const obj: ValueObject = { ...inner.config };
    (nested.labels ?? []).forEach((name, i) => (obj[name] = block.labels[i]!.value));
    if (nested.multiple) {
      const existing = config[block.type];
      config[block.type] = Array.isArray(existing) ? [...existing, obj] : [obj];
    } else {
      config[block.type] = obj;
    }
    ranges.set(block.type, block.range);
  }

  const title = blockTitle(owner);
  for (const [name, schema] of Object.entries(spec.attributes)) {
    if (!ranges.has(name) && isRequired(schema)) {
      diagnostics.push(
        error('missing-attribute', `Missing required argument "${name}" in ${title}`, headerRange(owner), {
          hint: `Add ${name} = ... to this block.`,
        }),
      );
    }
  }

  if (complete && !hasErrors(diagnostics)) {
    for (const rule of spec.rules ?? []) {
      const failed = rule.check(config);
      if (failed) {
        const at = failed.attribute ? ranges.get(failed.attribute) : undefined;
        diagnostics.push(error('invalid-value', failed.message, at ?? headerRange(owner)));
      }
    }
  }
  return { config, diagnostics, ranges, complete };
}
