/**
 * `data "TYPE" "NAME"`: data sources. The shape is checked for every type Packer knows; the only
 * one evaluated so far is Packer's built-in `null` (its `input` becomes its `output`). Real data
 * sources (amazon-ami, ...) arrive with the builders that need them.
 */
import { error, lineRef, type Diagnostic } from '../diagnostics.js';
import type { Evaluator } from '../evaluator.js';
import type { Block } from '../hcl/ast.js';
import type { DataSource } from '../model.js';
import { decodeBody } from '../schema/decode.js';
import { KNOWN_ELSEWHERE, type ComponentRegistry, type ComponentSpec } from '../schema/spec.js';
import { didYouMean } from '../suggest.js';
import { isObject, type Value, type ValueObject } from '../value.js';
import { z } from 'zod';

export const nullDataSource: ComponentSpec = {
  body: { attributes: { input: z.custom<Value>((v) => v !== undefined, 'a value is required') } },
};

/** What each data source type exposes to expressions (`data.TYPE.NAME.ATTR`). */
function outputs(type: string, config: ValueObject): ValueObject {
  return type === 'null' ? { output: config.input ?? null } : {};
}

export function evaluateData(
  blocks: readonly Block[],
  registry: ComponentRegistry,
  ev: Evaluator,
  roots: ValueObject,
): { data: DataSource[]; values: ValueObject; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const data: DataSource[] = [];
  const values: ValueObject = {};
  const seen = new Map<string, Block>();
  for (const block of blocks) {
    const [type, name] = [block.labels[0]!.value, block.labels[1]!.value];
    const key = `${type}.${name}`;
    const first = seen.get(key);
    if (first) {
      diagnostics.push(error('duplicate-block', `Duplicate data source data.${key}`, block.typeRange, { detail: `data.${key} was already declared at ${lineRef(first.typeRange, block.typeRange)}.` }));
      continue;
    }
    seen.set(key, block);
    const spec = registry.dataSources[type];
    if (!spec) {
      const known = (KNOWN_ELSEWHERE.dataSources as readonly string[]).includes(type);
      diagnostics.push(
        error(known ? 'not-supported-yet' : 'unknown-block', known ? `Data source type "${type}" is not supported yet` : `Unknown data source type "${type}"`, block.labels[0]!.range, {
          hint: known ? `bake evaluates these data sources today: ${Object.keys(registry.dataSources).join(', ')}.` : didYouMean(type, [...Object.keys(registry.dataSources), ...KNOWN_ELSEWHERE.dataSources]),
        }),
      );
      ev.fail('data', type);
      continue;
    }
    const r = decodeBody(block.body, spec.body, (e) => ev.eval(e, roots), block);
    diagnostics.push(...r.diagnostics);
    data.push({ type, name, config: r.config, range: block.range });
    const byType = isObject(values[type]) ? (values[type] as ValueObject) : {};
    byType[name] = outputs(type, r.config);
    values[type] = byType;
  }
  return { data, values, diagnostics };
}
