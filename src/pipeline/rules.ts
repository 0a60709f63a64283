/**
 * The rules of a pipeline a BodySpec cannot express, because they concern block labels or span
 * environments: names usable in group names, unique environment names, at least one environment,
 * and no load-balancer port shared by two environments. Each error is at the label or value it
 * is about.
 */
import { error, lineRef, type Diagnostic } from '../template/diagnostics.js';
import type { Block, BlockLabel } from '../template/hcl/ast.js';
import { headerRange } from '../template/schema/shape.js';
import type { ValueObject } from '../template/value.js';

/**
 * Group names are Frigga's app-stack-vNNN (web-staging-v003): "-" separates the parts, so a
 * name with one would be read back as another app or environment. Letters and digits only.
 */
const NAME = /^[A-Za-z0-9]+$/;

export function checkName(kind: 'pipeline' | 'environment', label: BlockLabel): Diagnostic[] {
  if (NAME.test(label.value)) return [];
  const fixed = label.value.replace(/[^A-Za-z0-9]/g, '');
  return [
    error('invalid-value', `Invalid ${kind} name "${label.value}"`, label.range, {
      detail: 'Names are letters and digits only: they make up group names like web-staging-v003, where "-" separates the app, the environment and the version.',
      ...(fixed === '' ? {} : { hint: `Write "${fixed}".` }),
    }),
  ];
}

/**
 * `environments` are the pipeline's environment blocks in order, `configs` what each decoded to
 * (possibly partial when it has errors: only values that decoded are checked).
 */
export function checkEnvironments(pipeline: Block, environments: readonly Block[], configs: readonly ValueObject[]): Diagnostic[] {
  if (environments.length === 0) {
    return [
      error('missing-attribute', 'A pipeline needs at least one environment block', headerRange(pipeline), {
        hint: 'Add environment "staging" { app_port = 8080 }; environments are promoted through in the order they are written.',
      }),
    ];
  }
  const diagnostics: Diagnostic[] = [];
  const byName = new Map<string, Block>();
  const byPort = new Map<number, Block>();
  environments.forEach((env, i) => {
    const label = env.labels[0]!;
    diagnostics.push(...checkName('environment', label));
    const first = byName.get(label.value);
    if (first) {
      diagnostics.push(
        error('duplicate-block', `Duplicate environment "${label.value}"`, label.range, {
          detail: `The first is at ${lineRef(first.typeRange, label.range)}; each environment is promoted to once, in order.`,
        }),
      );
    } else {
      byName.set(label.value, env);
    }

    const port = configs[i]?.listen_port;
    if (typeof port !== 'number' || port === 0) return;
    const taken = byPort.get(port);
    if (taken) {
      diagnostics.push(
        error('invalid-value', `listen_port ${port} is already taken by environment "${taken.labels[0]!.value}"`, attributeValue(env, 'listen_port'), {
          detail: `Each environment has its own load balancer; environment "${taken.labels[0]!.value}" (${lineRef(taken.typeRange, env.range)}) listens on ${port} already.`,
          hint: 'Use another port, or 0 to have bake pick a free one.',
        }),
      );
    } else {
      byPort.set(port, env);
    }
  });
  return diagnostics;
}

/** Where an attribute's value is written, for errors about the value. */
function attributeValue(block: Block, name: string) {
  for (const item of block.body.items) if (item.kind === 'Attribute' && item.name === name) return item.expr.range;
  return headerRange(block);
}
