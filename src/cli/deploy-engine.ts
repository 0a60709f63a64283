/**
 * The composition root of the deploy commands: the local drivers (qemu instances, HAProxy), the
 * image store, the clock, who is acting, and progress printed as plain lines.
 */
import { createNodeProcessRunner } from '../builders/local/process.js';
import type { DeployDeps, DeployEvents } from '../deploy/deploy-deps.js';
import { LocalCompute } from '../deploy/drivers/local/compute.js';
import { LocalLoadBalancer } from '../deploy/drivers/local/load-balancer.js';
import { ImageStore } from '../registry/images.js';
import { systemClock } from '../runtime/clock.js';
import { actor } from './actor.js';
import { bakeHome } from './bake-home.js';
import type { IoHost, Writer } from './io.js';

export function localDeployDeps(host: IoHost, progress: Writer): DeployDeps {
  const home = bakeHome(host);
  const clock = systemClock;
  const runner = createNodeProcessRunner({ clock });
  const images = new ImageStore(home);
  return {
    home,
    clock,
    images,
    compute: new LocalCompute({ home, clock, runner, images }),
    lb: new LocalLoadBalancer({ home, clock, runner }),
    actor: actor(host),
    events: plainDeployEvents(progress, clock),
  };
}

export function plainDeployEvents(out: Writer, clock: { now(): number }): DeployEvents {
  const started = new Map<string, number>();
  return {
    phase(env, phase, state, detail) {
      const key = `${env}/${phase}`;
      if (state === 'start') {
        started.set(key, clock.now());
        out.line(`==> ${env}: ${phase}${detail ? `: ${detail}` : ''}`);
        return;
      }
      const took = ((clock.now() - (started.get(key) ?? clock.now())) / 1000).toFixed(1);
      if (state === 'ok') out.line(`    ${env}: ${phase} done (${took} s)`);
      else out.line(`    ${env}: ${phase} FAILED after ${took} s${detail ? `: ${detail.split('\n')[0]}` : ''}`);
    },
    log(env, message) {
      out.line(`    ${env}: ${message}`);
    },
  };
}
