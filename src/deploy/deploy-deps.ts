/**
 * What the deploy engine is given: the platform's drivers, the image store, time, who is acting,
 * and where to report progress. The CLI builds one (src/cli/deploy-engine.ts); tests build their own.
 */
import type { ImageStore } from '../registry/images.js';
import type { Clock } from '../runtime/clock.js';
import type { ComputeDriver, LoadBalancerDriver } from './drivers/driver.js';

export interface DeployEvents {
  /** A phase of a deployment started, finished or failed. */
  phase(env: string, phase: string, state: 'start' | 'ok' | 'failed', detail?: string): void;
  log(env: string, message: string): void;
}

export interface DeployDeps {
  /** BAKE_HOME. */
  home: string;
  clock: Clock;
  compute: ComputeDriver;
  lb: LoadBalancerDriver;
  images: ImageStore;
  /** Recorded in the journal and the history. */
  actor: string;
  events: DeployEvents;
}

export const silentEvents: DeployEvents = { phase: () => {}, log: () => {} };
