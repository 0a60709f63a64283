/**
 * What the deploy engine needs from a platform, in two narrow interfaces: compute (groups of
 * instances booted from an image) and a load balancer (groups of targets behind one endpoint).
 * The blue/green plan and runner (src/deploy/) only talk to these; the local driver is qemu +
 * HAProxy (drivers/local/), the AWS one will be EC2 + an ALB through ELBv2 (drivers/aws/).
 *
 * The load balancer works on whole groups because that is how both platforms swap atomically:
 * HAProxy readies every green server before draining blue; an ALB listener's default action moves
 * from blue's target group to green's in one ModifyListener call.
 */
import type { HealthCheckSpec } from '../../pipeline/model.js';

/** One instance of a group, as the load balancer reaches it. */
export interface Target {
  /** Unique within the environment, stable for the instance's life, e.g. "web-staging-v003-0". */
  id: string;
  host: string;
  port: number;
}

export interface GroupSpec {
  /** Frigga name: app-env-vNNN, e.g. "web-staging-v003". */
  name: string;
  /** Image id in the image store (or an AMI id on AWS). */
  image: string;
  instances: number;
  appPort: number;
}

export interface LaunchedGroup {
  name: string;
  targets: Target[];
}

export interface ComputeDriver {
  /**
   * Starts every instance of the group and returns once each is booted (on the local driver:
   * its sshd answers). Instances outlive the bake process. On failure or abort, whatever started is
   * destroyed before this rejects.
   */
  launchGroup(env: string, group: GroupSpec, signal?: AbortSignal): Promise<LaunchedGroup>;
  /** Stops and deletes every instance of the group; a group already gone is not an error. */
  destroyGroup(env: string, group: string): Promise<void>;
  /** Groups with at least one instance still present, with the instances that are. */
  listGroups(env: string): Promise<{ name: string; targets: Target[] }[]>;
}

/** A target's health as the load balancer last saw it. */
export interface TargetHealth {
  id: string;
  group: string;
  /** healthy: passing checks; unhealthy: failing; unknown: no check finished yet. */
  health: 'healthy' | 'unhealthy' | 'unknown';
  /** serving: takes new traffic; standby: health-checked, no new traffic; disabled: neither. */
  mode: 'serving' | 'standby' | 'disabled';
  /** The last check's result in words, e.g. "HTTP 503 after 2 ms" or "Connection refused". */
  detail: string;
}

export interface LoadBalancerState {
  /** e.g. http://127.0.0.1:40123 */
  endpoint: string;
  running: boolean;
  targets: TargetHealth[];
}

export interface LoadBalancerDriver {
  /**
   * Makes sure the environment's load balancer exists and answers, (re)creating it from what it
   * is told is registered. listenPort 0 picks a free port the first time and keeps it.
   */
  ensure(env: string, opts: { listenPort: number; healthCheck: HealthCheckSpec; registered: RegisteredGroup[] }): Promise<{ endpoint: string }>;
  /** Adds the group's targets, health-checked but taking no traffic (standby). Idempotent. */
  register(env: string, group: LaunchedGroup, healthCheck: HealthCheckSpec): Promise<void>;
  state(env: string): Promise<LoadBalancerState>;
  /**
   * Moves traffic to `to`: every target of `to` serves, then every target of each `from` group
   * goes to standby. Never a moment with no serving healthy target when `to` was healthy.
   */
  cutover(env: string, to: string, from: readonly string[]): Promise<void>;
  /**
   * Stops health checks and traffic to the group's targets (kept registered, for a rollback).
   * Refused when it would leave no healthy serving target, unless forced (taking an environment down).
   */
  disable(env: string, group: string, opts?: { force?: boolean }): Promise<void>;
  /** Removes the group's targets; existing connections are closed. Idempotent. Guarded as disable is. */
  deregister(env: string, group: string, opts?: { force?: boolean }): Promise<void>;
  /** Asks through the load balancer once; `group` is the group that answered, when the driver can tell. */
  probe(env: string, path: string, signal?: AbortSignal): Promise<{ status: number; group?: string }>;
  /** Stops the environment's load balancer and forgets it. */
  destroy(env: string): Promise<void>;
}

/** A group as the deploy state records it, for re-creating a load balancer that went away. */
export interface RegisteredGroup {
  group: LaunchedGroup;
  mode: 'serving' | 'standby' | 'disabled';
}
