/**
 * `locals { a = ... }` and `local "a" { expression = ..., sensitive = true }`. Locals may refer
 * to each other in any order: they are evaluated in dependency order, and a cycle is reported
 * once, naming every local in it with its line.
 */
import { error, lineRef, type Diagnostic, type Range } from '../diagnostics.js';
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
          detail: `local.${d.name} was already defined at ${lineRef(first.range, d.range)}.`,
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
  // Locals that failed stay visible as names (uses of them are skipped, never see the null), so
  // a misspelt reference to one still gets its did-you-mean.
  const inOrder = new Set(order);
  for (const name of decls.keys()) if (!inOrder.has(name)) values[name] = null;
  for (const name of order) {
    const d = decls.get(name)!;
    const r = ev.eval(d.expr, scope);
    diagnostics.push(...r.diagnostics);
    if (r.skipped || r.diagnostics.some((x) => x.severity === 'error')) {
      ev.fail('local', name);
      values[name] = null;
      continue;
    }
    values[name] = r.value;
    if (d.sensitiveExpr) {
      const s = ev.eval(d.sensitiveExpr, scope);
      diagnostics.push(...s.diagnostics);
      // Fail closed: a sensitive flag that is not plainly false (a typo, an error) hides the value.
      if (s.value !== false) sensitiveNames.add(name);
      if (typeof s.value !== 'boolean' && s.diagnostics.length === 0 && !s.skipped) {
        diagnostics.push(error('type-mismatch', 'Invalid value for "sensitive"', d.sensitiveExpr.range, { detail: 'true or false is required' }));
      }
    }
  }
  return { values, sensitiveNames, diagnostics };
}

/**
 * Dependency order over `local.X` references. Each cycle (strictly: each strongly connected group
 * of locals, so overlapping cycles such as a→b→a and a→c→a are one report naming a, b and c) is
 * reported once and its members marked failed. References to locals that do not exist are left
 * for evaluation to report (with did-you-mean).
 */
function dependencyOrder(decls: Map<string, LocalDecl>, ev: Evaluator, diagnostics: Diagnostic[]): string[] {
  const deps = new Map<string, string[]>();
  for (const [name, d] of decls) {
    deps.set(name, [...new Set(ev.lang.references(d.expr).filter((r) => r.root === 'local' && r.name !== undefined && decls.has(r.name)).map((r) => r.name!))]);
  }
  // Tarjan's algorithm: it emits each group after every group it depends on.
  const order: string[] = [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const failed: string[] = [];
  const connect = (name: string) => {
    index.set(name, index.size);
    low.set(name, index.get(name)!);
    stack.push(name);
    onStack.add(name);
    for (const dep of deps.get(name)!) {
      if (!index.has(dep)) {
        connect(dep);
        low.set(name, Math.min(low.get(name)!, low.get(dep)!));
      } else if (onStack.has(dep)) {
        low.set(name, Math.min(low.get(name)!, index.get(dep)!));
      }
    }
    if (low.get(name) !== index.get(name)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== name);
    if (group.length === 1 && !deps.get(name)!.includes(name)) order.push(name);
    else {
      diagnostics.push(cycleError(group, decls, deps));
      failed.push(...group);
    }
  };
  for (const name of decls.keys()) if (!index.has(name)) connect(name);
  for (const name of failed) ev.fail('local', name);
  return order;
}

function cycleError(group: string[], decls: Map<string, LocalDecl>, deps: Map<string, string[]>) {
  const inGroup = new Set(group);
  const members = [...decls.keys()].filter((n) => inGroup.has(n)); // declaration order
  // The shortest loop through the first-declared member, for the summary.
  const first = members[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [first];
  while (queue.length > 0 && !cameFrom.has(first)) {
    const at = queue.shift()!;
    for (const next of deps.get(at)!) {
      if (!inGroup.has(next) || cameFrom.has(next)) continue;
      cameFrom.set(next, at);
      queue.push(next);
    }
  }
  const loop = [first];
  for (let at = cameFrom.get(first)!; at !== first; at = cameFrom.get(at)!) loop.splice(1, 0, at);
  const where = (n: string) => lineRef(decls.get(n)!.range, decls.get(first)!.range);
  return error('cycle', `Cycle between locals: ${[...loop, first].map((n) => `local.${n}`).join(' → ')}`, decls.get(first)!.range, {
    detail: members
      .map((n) => `local.${n} (${where(n)}) refers to ${deps.get(n)!.filter((d) => inGroup.has(d)).map((d) => `local.${d}`).join(', ')}`)
      .join('\n'),
    hint: 'A local cannot depend on itself, directly or through other locals.',
  });
}
