/**
 * The model of a pipeline that decoded without errors: defaults filled in, durations in
 * milliseconds, ranges from the blocks they came from.
 */
import type { Block } from '../template/hcl/ast.js';
import { parseDuration } from '../template/schema/types.js';
import { isObject, type ValueObject } from '../template/value.js';
import type { ApprovalSpec, EnvironmentSpec, Pipeline } from './model.js';
import { APPROVAL_DEFAULTS, ENVIRONMENT_DEFAULTS, healthCheckSettings } from './schema.js';

export interface DecodedPipeline {
  block: Block;
  config: ValueObject;
  /** The environment blocks, in the order of config.environment. */
  environments: readonly Block[];
  /** Absolute paths. */
  file: string;
  template: string;
}

export function toPipeline(d: DecodedPipeline): Pipeline {
  const configs = Array.isArray(d.config.environment) ? d.config.environment.filter(isObject) : [];
  return {
    name: d.block.labels[0]!.value,
    file: d.file,
    template: d.template,
    environments: configs.map((c, i) => toEnvironment(c, d.environments[i]!)),
    range: d.block.range,
  };
}

function toEnvironment(c: ValueObject, block: Block): EnvironmentSpec {
  const hc = healthCheckSettings(isObject(c.health_check) ? c.health_check : {});
  const spec: EnvironmentSpec = {
    name: block.labels[0]!.value,
    instances: numberOr(c.instances, ENVIRONMENT_DEFAULTS.instances),
    appPort: numberOr(c.app_port, 0),
    listenPort: numberOr(c.listen_port, ENVIRONMENT_DEFAULTS.listen_port),
    healthCheck: {
      path: hc.path,
      intervalMs: parseDuration(hc.interval),
      timeoutMs: parseDuration(hc.timeout),
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
      deadlineMs: parseDuration(hc.deadline),
    },
    keepPreviousMs: parseDuration(typeof c.keep_previous === 'string' ? c.keep_previous : ENVIRONMENT_DEFAULTS.keep_previous),
    range: block.range,
  };
  const approval = block.body.items.find((i): i is Block => i.kind === 'Block' && i.type === 'approval');
  if (isObject(c.approval) && approval) spec.approval = toApproval(c.approval, approval);
  return spec;
}

function toApproval(c: ValueObject, block: Block): ApprovalSpec {
  const approvers = Array.isArray(c.approvers) ? c.approvers.filter((a): a is string => typeof a === 'string') : [];
  return { approvers, required: numberOr(c.required, APPROVAL_DEFAULTS.required), range: block.range };
}

function numberOr(v: ValueObject[string] | undefined, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}
