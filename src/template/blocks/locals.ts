/**
 * `locals { a = ... }` and `local "a" { expression = ..., sensitive = true }`. Locals may refer
 * to each other in any order: they are evaluated in dependency order, and a cycle is reported
 * once, naming every local in it with its line.
 */
import { error, type Diagnostic, type Range } from '../diagnostics.js';
import type { Evaluator } from '../evaluator.js';
import type { Block, Expr } from '../hcl/ast.js';
import { checkShape } from '../schema/shape.js';
import type { ValueObject } from '../value.js';

interface LocalDecl {
  name: string;
  expr: Expr;
  range: Range;
  sensitive: boolean;
  sensitiveExpr?: Expr;
}

export interface LocalsResult {
  values: ValueObject;
  sensitiveNames: Set<string>;
  diagnostics: Diagnostic[];
}

export function evaluateLocals(blocks: readonly Block[], ev: Evaluator, roots: ValueObject): LocalsResult {
  const diagnostics: Diagnostic[] = [];
  const decls = new Map<string, LocalDecl>();
  const add = (d: LocalDecl) => {
    const first = decls.get(d.name);
    if (first) {
      diagnostics.push(
        error('duplicate-attribute', `Duplicate local "${d.name}"`, d.range, {
          detail: `local.${d.name} was already defined at ${first.range.filename}:${first.range.start.line}.`,
        }),
      );
      return;
    }
    decls.set(d.name, d);
  };

  for (const block of blocks) {
    if (block.type === 'locals') {
      for (const item of block.body.items) {
        if (item.kind === 'Block') {
          diagnostics.push(error('unknown-block', `Unexpected block "${item.type}" in locals`, item.typeRange, { hint: 'A locals block holds only NAME = expression lines.' }));
          continue;
        }
        add({ name: item.name, expr: item.expr, range: item.nameRange, sensitive: false });
      }
      continue;
    }
    const shape = checkShape(block.body, { attributes: ['expression', 'sensitive'] }, block);
    diagnostics.push(...shape.diagnostics);
    const expr = shape.attributes.get('expression');
    if (!expr) {
      diagnostics.push(error('missing-attribute', `Missing required argument "expression" in local "${block.labels[0]!.value}"`, block.typeRange));
      continue;
    }
    const d: LocalDecl = { name: block.labels[0]!.value, expr: expr.expr, range: block.labels[0]!.range, sensitive: false };
    const s = shape.attributes.get('sensitive');
    if (s) d.sensitiveExpr = s.expr;
    add(d);
  }

  const values: ValueObject = {};
  const sensitiveNames = new Set<string>();
  const order = dependencyOrder(decls, ev, diagnostics);
  const scope: ValueObject = { ...roots, local: values };
  for (const name of order) {
    const d = decls.get(name)!;
    const r = ev.eval(d.expr, scope);
    diagnostics.push(...r.diagnostics);
    if (r.skipped || r.diagnostics.some((x) => x.severity === 'error')) {
      ev.fail('local', name);
      continue;
    }
    values[name] = r.value;
    if (d.sensitiveExpr) {
      const s = ev.eval(d.sensitiveExpr, scope);
      diagnostics.push(...s.diagnostics);
      if (s.value === true) sensitiveNames.add(name);
      else if (typeof s.value !== 'boolean' && s.diagnostics.length === 0) {
        diagnostics.push(error('type-mismatch', 'Invalid value for "sensitive"', d.sensitiveExpr.range, { detail: 'true or false is required' }));
      }
    }
  }
  return { values, sensitiveNames, diagnostics };
}

/**
 * Topological order over `local.X` references. Locals in a cycle are reported and marked failed;
 * references to locals that do not exist are left for evaluation to report (with did-you-mean).
 */
function dependencyOrder(decls: Map<string, LocalDecl>, ev: Evaluator, diagnostics: Diagnostic[]): string[] {
  const deps = new Map<string, string[]>();
  for (const [name, d] of decls) {
    deps.set(name, [...new Set(ev.lang.references(d.expr).filter((r) => r.root === 'local' && r.name !== undefined && decls.has(r.name)).map((r) => r.name!))]);
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const inCycle = new Set<string>();

  const visit = (name: string, path: string[]) => {
    const st = state.get(name);
    if (st === 'done') return;
    if (st === 'visiting') {
      const cycle = path.slice(path.indexOf(name));
      if (cycle.some((n) => inCycle.has(n))) return;
      cycle.forEach((n) => inCycle.add(n));
      const first = decls.get(cycle[0]!)!;
      diagnostics.push(
        error('cycle', `Cycle between locals: ${[...cycle, name].map((n) => `local.${n}`).join(' → ')}`, first.range, {
          detail: cycle.map((n) => `local.${n} is defined at ${decls.get(n)!.range.filename}:${decls.get(n)!.range.start.line}`).join('\n'),
          hint: 'A local cannot depend on itself, directly or through other locals.',
        }),
      );
      return;
    }
    state.set(name, 'visiting');
    for (const dep of deps.get(name) ?? []) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of decls.keys()) visit(name, []);
  for (const name of inCycle) ev.fail('local', name);
  return order.filter((n) => !inCycle.has(n));
}

