/**
 * The traversals an expression makes from root names (`var.region`, `local.tags["env"]`,
 * `data.amazon-ami.ubuntu.id`), found without evaluating it. The engine orders locals by these
 * and reports cycles; names bound inside the expression (for iterators, the splat item) and the
 * bare names used as object keys are not references.
 */
import type { Range } from '../diagnostics.js';
import { SPLAT_ITEM, type Expr, type TemplatePart } from '../hcl/ast.js';
import { formatNumber } from './numbers.js';

export interface Reference {
  root: string;
  /** The first step after the root (`region` in `var.region`), when it is static. */
  name?: string;
  /** Every static step after the root: `["amazon-ami", "ubuntu", "id"]` for data.amazon-ami.ubuntu.id. */
  path: string[];
  /** From the root to the last static step. */
  range: Range;
}

export function references(expr: Expr): Reference[] {
  const out: Reference[] = [];
  walk(expr, new Set(), out);
  return out;
}

interface Traversal {
  root: string;
  path: string[];
  rootRange: Range;
}

/** The static traversal an expression is, if it is one: a root followed by .attr and [literal]. */
function staticTraversal(e: Expr): Traversal | undefined {
  switch (e.kind) {
    case 'Variable':
      return { root: e.name, path: [], rootRange: e.range };
    case 'GetAttr': {
      const t = staticTraversal(e.object);
      return t && { ...t, path: [...t.path, e.name] };
    }
    case 'Index': {
      const key = literalKey(e.key);
      if (key === undefined) return undefined;
      const t = staticTraversal(e.object);
      return t && { ...t, path: [...t.path, key] };
    }
    default:
      return undefined;
  }
}

function literalKey(e: Expr): string | undefined {
  if (e.kind === 'Literal' && typeof e.value === 'number') return formatNumber(e.value);
  if (e.kind === 'Template' && e.parts.every((p) => p.kind === 'Text')) return e.parts.map((p) => (p.kind === 'Text' ? p.value : '')).join('');
  return undefined;
}

function walk(e: Expr, bound: ReadonlySet<string>, out: Reference[]): void {
  const t = staticTraversal(e);
  if (t) {
    if (!bound.has(t.root) && t.root !== SPLAT_ITEM) {
      const ref: Reference = { root: t.root, path: t.path, range: { filename: t.rootRange.filename, start: t.rootRange.start, end: e.range.end } };
      if (t.path[0] !== undefined) ref.name = t.path[0];
      out.push(ref);
    }
    return;
  }
  switch (e.kind) {
    case 'Literal':
    case 'Variable':
      return;
    case 'Paren':
      return walk(e.expr, bound, out);
    case 'Template':
      return walkParts(e.parts, bound, out);
    case 'GetAttr':
      return walk(e.object, bound, out);
    case 'Index':
      walk(e.object, bound, out);
      return walk(e.key, bound, out);
    case 'Splat':
      walk(e.source, bound, out);
      return walk(e.each, bound, out);
    case 'Call':
      for (const a of e.args) walk(a, bound, out);
      return;
    case 'Conditional':
      walk(e.cond, bound, out);
      walk(e.then, bound, out);
      return walk(e.else, bound, out);
    case 'Binary':
      walk(e.left, bound, out);
      return walk(e.right, bound, out);
    case 'Unary':
      return walk(e.operand, bound, out);
    case 'Tuple':
      for (const i of e.items) walk(i, bound, out);
      return;
    case 'Object':
      for (const item of e.items) {
        // A bare identifier key is a name, not a reference: `{ region = var.region }`.
        if (item.key.kind !== 'Variable') walk(item.key, bound, out);
        walk(item.value, bound, out);
      }
      return;
    case 'For': {
      walk(e.collection, bound, out);
      const inner = withNames(bound, e.keyVar, e.valueVar);
      if (e.keyExpr) walk(e.keyExpr, inner, out);
      walk(e.valueExpr, inner, out);
      if (e.cond) walk(e.cond, inner, out);
      return;
    }
  }
}

function walkParts(parts: readonly TemplatePart[], bound: ReadonlySet<string>, out: Reference[]): void {
  for (const p of parts) {
    switch (p.kind) {
      case 'Text':
        break;
      case 'Interp':
        walk(p.expr, bound, out);
        break;
      case 'If':
        walk(p.cond, bound, out);
        walkParts(p.then, bound, out);
        if (p.else) walkParts(p.else, bound, out);
        break;
      case 'For':
        walk(p.collection, bound, out);
        walkParts(p.body, withNames(bound, p.keyVar, p.valueVar), out);
        break;
    }
  }
}

function withNames(bound: ReadonlySet<string>, ...names: Array<string | undefined>): Set<string> {
  const s = new Set(bound);
  for (const n of names) if (n !== undefined) s.add(n);
  return s;
}
