/**
 * What a pipeline file may say, as the template engine's BodySpec (decoded by decodeBody, so it
 * gets the same did-you-mean and value messages as a template), and the defaults of what it may
 * leave out. Rules that need more than one block (names, ports shared between environments) are
 * in rules.ts.
 *
 * Health-check settings follow an ELB target group's names and meaning (path, interval, timeout,
 * healthy/unhealthy thresholds), with HAProxy's rule that a check ends before the next one starts
 * (timeout <= interval). The defaults are an ALB's shape on a local scale: its minimum interval
 * (5s) and timeout (2s) rather than 30s/5s, its unhealthy threshold (2), and 3 passes to become
 * healthy (ALB 5, HAProxy's rise 2), so a new group is in service about 15 s after its app is.
 */
import { z } from 'zod';
import type { BodyRule, BodySpec } from '../template/schema/spec.js';
import { DURATION, duration, int, parseDuration, str } from '../template/schema/types.js';
import type { ValueObject } from '../template/value.js';

export const HEALTH_CHECK_DEFAULTS = {
  path: '/',
  interval: '5s',
  timeout: '2s',
  healthy_threshold: 3,
  unhealthy_threshold: 2,
  /** From launch: boot, app start and healthy_threshold passes; TCG boots take a minute or more. */
  deadline: '5m',
} as const;

export const ENVIRONMENT_DEFAULTS = {
  instances: 1,
  listen_port: 0,
  /** As CodeDeploy's blue/green wait before it terminates the original instances: 1 hour. */
  keep_previous: '1h',
} as const;

export const APPROVAL_DEFAULTS = { required: 1 } as const;

// Only a well-formed duration can be too short: "soon" gets the format's message, not this one too.
const positiveDuration = () => duration().refine((d) => !DURATION.test(d) || parseDuration(d) > 0, 'a duration longer than 0 is required');
const atLeastOne = () => int().pipe(z.number().min(1));

const approvers = z.array(str().pipe(z.string().min(1))).min(1).superRefine((names, ctx) => {
  names.forEach((n, i) => {
    if (names.indexOf(n) < i) ctx.addIssue({ code: 'custom', message: `"${n}" is listed twice`, path: [i] });
  });
});

/** Durations and counts of a health_check body with the defaults filled in. */
export function healthCheckSettings(c: ValueObject) {
  const d = HEALTH_CHECK_DEFAULTS;
  const text = (k: 'interval' | 'timeout' | 'deadline'): string => {
    const v = c[k];
    return typeof v === 'string' ? v : d[k];
  };
  return {
    path: typeof c.path === 'string' ? c.path : d.path,
    interval: text('interval'),
    timeout: text('timeout'),
    deadline: text('deadline'),
    healthyThreshold: typeof c.healthy_threshold === 'number' ? c.healthy_threshold : d.healthy_threshold,
    unhealthyThreshold: typeof c.unhealthy_threshold === 'number' ? c.unhealthy_threshold : d.unhealthy_threshold,
  };
}

/** `"3s"`, or `"2s" (the default)` when the file does not set it. */
function shown(c: ValueObject, key: string, value: string | number): string {
  return c[key] === undefined ? `${JSON.stringify(value)} (the default)` : JSON.stringify(value);
}

const healthCheckRules: BodyRule[] = [
  {
    // HAProxy's "timeout check" is bounded by "inter": a check that outlives the interval would
    // overlap the next one. https://docs.haproxy.org/2.6/configuration.html#5.2-inter
    name: 'timeout-within-interval',
    check(c) {
      const s = healthCheckSettings(c);
      if (parseDuration(s.timeout) <= parseDuration(s.interval)) return undefined;
      return {
        message: `timeout ${shown(c, 'timeout', s.timeout)} is longer than interval ${shown(c, 'interval', s.interval)}: a check must end before the next one starts`,
        attribute: c.timeout !== undefined ? 'timeout' : 'interval',
      };
    },
  },
  {
    name: 'deadline-fits-healthy-threshold',
    check(c) {
      const s = healthCheckSettings(c);
      const needed = s.healthyThreshold * parseDuration(s.interval);
      if (parseDuration(s.deadline) >= needed) return undefined;
      return {
        message:
          `deadline ${shown(c, 'deadline', s.deadline)} is shorter than healthy_threshold × interval ` +
          `(${s.healthyThreshold} × ${s.interval} = ${seconds(needed)}): no instance could become healthy in time`,
        attribute: c.deadline !== undefined ? 'deadline' : c.interval !== undefined ? 'interval' : 'healthy_threshold',
      };
    },
  },
];

const approvalRules: BodyRule[] = [
  {
    name: 'required-within-approvers',
    check(c) {
      const list = Array.isArray(c.approvers) ? c.approvers : [];
      const required = typeof c.required === 'number' ? c.required : APPROVAL_DEFAULTS.required;
      if (required <= list.length) return undefined;
      return { message: `required = ${required} but only ${list.length} approver${list.length === 1 ? ' is' : 's are'} listed`, attribute: 'required' };
    },
  },
];

export const HEALTH_CHECK_BODY: BodySpec = {
  attributes: {
    path: str().pipe(z.string().regex(/^\/[\x21-\x7e]*$/, 'an HTTP path is required: "/" then printable ASCII with no spaces')
        .refine((p) => !/["'\\]/.test(p), 'quotes and backslashes are not allowed in a health check path')).optional(),
    interval: positiveDuration().optional(),
    timeout: positiveDuration().optional(),
    healthy_threshold: atLeastOne().optional(),
    unhealthy_threshold: atLeastOne().optional(),
    deadline: positiveDuration().optional(),
  },
  rules: healthCheckRules,
};

export const APPROVAL_BODY: BodySpec = {
  attributes: { approvers, required: atLeastOne().optional() },
  rules: approvalRules,
};

export const ENVIRONMENT_BODY: BodySpec = {
  attributes: {
    instances: atLeastOne().optional(),
    app_port: int().pipe(z.number().min(1).max(65535)),
    listen_port: int().pipe(z.number().min(0).max(65535)).optional(),
    keep_previous: duration().optional(),
  },
  blocks: {
    health_check: { body: HEALTH_CHECK_BODY },
    approval: { body: APPROVAL_BODY },
  },
};

export const PIPELINE_BODY: BodySpec = {
  attributes: { template: str().pipe(z.string().min(1)) },
  blocks: { environment: { body: ENVIRONMENT_BODY, multiple: true, labels: ['name'] } },
};

/** 6000 -> "6s", 1500 -> "1.5s". */
function seconds(ms: number): string {
  return `${ms / 1000}s`;
}
