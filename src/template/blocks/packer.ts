/**
 * `packer { required_version = "...", required_plugins { ... } }`: accepted so existing templates
 * load, and checked: constraints must parse, and plugins must be declared with a version and a
 * source. bake's components are built in, so nothing is installed.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { Evaluator } from '../evaluator.js';
import type { Block } from '../hcl/ast.js';
import { checkShape } from '../schema/shape.js';
import { isObject, type ValueObject } from '../value.js';

const CONSTRAINT = /^\s*(=|!=|>=|<=|>|<|~>)?\s*v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?\s*$/;

export function isVersionConstraint(text: string): boolean {
  return text.split(',').every((part) => CONSTRAINT.test(part));
}

export function checkPackerBlocks(blocks: readonly Block[], ev: Evaluator): { requirements: ValueObject; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const requirements: ValueObject = {};
  for (const block of blocks) {
    const shape = checkShape(block.body, { attributes: ['required_version'], blocks: { required_plugins: {} } }, block);
    diagnostics.push(...shape.diagnostics);
    const rv = shape.attributes.get('required_version');
    if (rv) {
      const r = ev.eval(rv.expr, {});
      diagnostics.push(...r.diagnostics);
      if (typeof r.value !== 'string' || !isVersionConstraint(r.value)) {
        if (r.diagnostics.length === 0) {
          diagnostics.push(error('invalid-value', 'Invalid required_version', rv.expr.range, { detail: `A version constraint like ">= 1.7.0" or "~> 1.9" is required, got ${JSON.stringify(r.value)}.` }));
        }
      } else {
        requirements.required_version = r.value;
      }
    }
    for (const rp of shape.blocks) {
      const plugins: ValueObject = {};
      for (const item of rp.body.items) {
        if (item.kind === 'Block') {
          diagnostics.push(error('unknown-block', `Unexpected block "${item.type}" in required_plugins`, item.typeRange, { hint: `Write NAME = { version = "...", source = "..." }.` }));
          continue;
        }
        const r = ev.eval(item.expr, {});
        diagnostics.push(...r.diagnostics);
        if (r.diagnostics.length > 0) continue;
        const v = r.value;
        if (!isObject(v) || typeof v.source !== 'string' || (v.version !== undefined && (typeof v.version !== 'string' || !isVersionConstraint(v.version)))) {
          diagnostics.push(
            error('invalid-value', `Invalid required plugin "${item.name}"`, item.expr.range, {
              detail: 'Each plugin is an object with a "source" (e.g. "github.com/hashicorp/qemu") and a "version" constraint (e.g. ">= 1.0.0").',
            }),
          );
          continue;
        }
        plugins[item.name] = v;
      }
      requirements.required_plugins = plugins;
    }
  }
  return { requirements, diagnostics };
}
