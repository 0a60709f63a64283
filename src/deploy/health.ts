/**
 * Waiting for a group to pass its health checks, as the load balancer sees them (it is the load
 * balancer's checks that decide whether a target gets traffic, so they are the ones that count).
 */
import type { HealthCheckSpec } from '../pipeline/model.js';
import type { Clock } from '../runtime/clock.js';
import type { LoadBalancerDriver, TargetHealth } from './drivers/driver.js';

export type HealthOutcome =
  | { kind: 'healthy'; at: number; targets: TargetHealth[] }
  | { kind: 'unhealthy'; targets: TargetHealth[]; reason: string };

export async function waitHealthy(
  deps: { lb: LoadBalancerDriver; clock: Clock },
  env: string,
  group: string,
  expected: number,
  check: HealthCheckSpec,
  deadline: number,
  signal?: AbortSignal,
): Promise<HealthOutcome> {
  const pollMs = Math.max(100, Math.min(check.intervalMs, 1_000));
  let last: TargetHealth[] = [];
  for (;;) {
    signal?.throwIfAborted();
    last = (await deps.lb.state(env)).targets.filter((t) => t.group === group);
    if (last.length === expected && last.every((t) => t.health === 'healthy')) return { kind: 'healthy', at: deps.clock.now(), targets: last };
    if (deps.clock.now() >= deadline) {
      const missing = expected - last.length;
      return {
        kind: 'unhealthy',
        targets: last,
        reason: missing > 0 ? `${missing} of ${expected} instances are not registered` : 'not every instance passed its health check',
      };
    }
    await deps.clock.sleep(pollMs, signal);
  }
}

/** "web-staging-v003-0: unhealthy (HTTP 503)", one per line. */
export function describeChecks(targets: readonly TargetHealth[]): string {
  return targets.map((t) => `${t.id}: ${t.health}${t.detail ? ` (${t.detail})` : ''}`).join('\n');
}
