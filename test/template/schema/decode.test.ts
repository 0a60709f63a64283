import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeBody, type EvalExpr } from '../../../src/template/schema/decode.js';
import type { BodySpec } from '../../../src/template/schema/spec.js';
import { int, str } from '../../../src/template/schema/types.js';
import { parseHcl } from '../../../src/template/hcl/parser.js';
import type { Block, Expr } from '../../../src/template/hcl/ast.js';
import { evaluate } from '../../../src/template/eval/evaluate.js';
import { functions } from '../../../src/template/functions/registry.js';
import { testContext } from '../functions/_context.js';
import { show } from '../../_helpers/load.js';

/** The first block of `text`, and an evaluator with `var.failed` marked as skipped. */
function decode(text: string, spec: BodySpec) {
  const { file, diagnostics } = parseHcl(text, 't.hcl');
  if (diagnostics.length) throw new Error(diagnostics.map(show).join('\n'));
  const block = file.body.items[0] as Block;
  const evalExpr: EvalExpr = (e: Expr) =>
    e.kind === 'GetAttr' && e.name === 'failed' ? { value: null, diagnostics: [], skipped: true } : evaluate(e, { variables: {}, functions, context: testContext() });
  return decodeBody(block.body, spec, evalExpr, block);
}

const DISK: BodySpec = {
  attributes: { name: str(), size: int().optional() },
  blocks: { partition: { labels: ['mount'], multiple: true, body: { attributes: { size: int() } } } },
  rules: [{ name: 'small', check: (c) => (Number(c.size) > 100 ? { message: 'Too big', attribute: 'size' } : undefined) }],
};

describe('decodeBody', () => {
  it('decodes repeatable labelled blocks into a list of objects carrying their labels', () => {
    const r = decode(`disk "d" {\n  name = "root"\n  partition "/" {\n    size = "10"\n  }\n  partition "/var" {\n    size = 5\n  }\n}\n`, DISK);
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toEqual({ name: 'root', partition: [{ mount: '/', size: 10 }, { mount: '/var', size: 5 }] });
  });

  it('treats an optional argument set to null as unset, and rejects null for a required one', () => {
    const r = decode(`disk "d" {\n  name = null\n  size = null\n}\n`, DISK);
    expect(r.config).toEqual({});
    expect(r.diagnostics.map((d) => `${show(d)} | ${d.detail}`)).toEqual(['t.hcl:2: error invalid-value: Invalid value for "name" | This argument is required, so it cannot be null.']);
  });

  it('reports a missing required argument at the block header', () => {
    const r = decode(`disk "d" {\n}\n`, DISK);
    expect(r.diagnostics.map((d) => [show(d), d.hint])).toEqual([['t.hcl:1: error missing-attribute: Missing required argument "name" in disk "d"', 'Add name = ... to this block.']]);
  });

  it('neither reports nor calls missing an argument whose evaluation was skipped', () => {
    const r = decode(`disk "d" {\n  name = var.failed\n}\n`, DISK);
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toEqual({});
  });

  it('runs rules once the attributes are valid, at the attribute the rule names, and not before', () => {
    expect(decode(`disk "d" {\n  name = "x"\n\n  size = 500\n}\n`, DISK).diagnostics.map(show)).toEqual(['t.hcl:4: error invalid-value: Too big']);
    expect(decode(`disk "d" {\n  name = ["x"]\n  size = 500\n}\n`, DISK).diagnostics.map((d) => d.code)).toEqual(['type-mismatch']);
  });

  it('reports one diagnostic per schema issue, each naming the element', () => {
    const spec: BodySpec = { attributes: { ports: z.array(int()) } };
    const r = decode(`x "y" {\n  ports = ["a", 2, 2.5]\n}\n`, spec);
    expect(r.diagnostics.map((d) => d.detail)).toEqual(['element 0: a number is required, got string', 'element 2: a whole number is required, got 2.5']);
  });
});
