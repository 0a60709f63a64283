/**
 * A deploy pipeline (pipelines/NAME.hcl), as the deploy engine uses it: which app template it
 * deploys and the environments it promotes through, in order. Durations are milliseconds;
 * `range` fields point back into the file for messages about a setting.
 */
import type { Range } from '../template/diagnostics.js';

export interface Pipeline {
  /** The pipeline block's label, e.g. "web": the app part of group names (web-staging-v003). */
  name: string;
  /** Absolute path of the pipeline file. */
  file: string;
  /** Absolute path of the app template it deploys (the `template` attribute, resolved). */
  template: string;
  /** In promotion order: each one after the first takes what is live in the one before. */
  environments: EnvironmentSpec[];
  range: Range;
}

export interface EnvironmentSpec {
  name: string;
  /** Instances per group. */
  instances: number;
  /** The port the app listens on inside an instance. */
  appPort: number;
  /** The load balancer's port on 127.0.0.1; 0 picks a free one (kept for the environment's life). */
  listenPort: number;
  healthCheck: HealthCheckSpec;
  /** How long a previous (blue) group is kept, disabled, after a cutover; 0 destroys it at once. */
  keepPreviousMs: number;
  /** Present when promoting here needs a release manager's signed approval. */
  approval?: ApprovalSpec;
  range: Range;
}

export interface HealthCheckSpec {
  /** HTTP path, e.g. "/health"; a 2xx or 3xx answer is healthy. */
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive passes before an instance counts as healthy (HAProxy's rise). */
  healthyThreshold: number;
  /** Consecutive failures before it counts as unhealthy (HAProxy's fall). */
  unhealthyThreshold: number;
  /** How long a new group has, from launch, to become healthy before the promote gives up. */
  deadlineMs: number;
}

export interface ApprovalSpec {
  /** Who may approve (names of keys in the allowed-signers file), as written; enforced by a later issue. */
  approvers: string[];
  /** How many distinct approvers must sign. */
  required: number;
  range: Range;
}
