/**
 * The first two steps of a layer build: a lock per image name (a second build of the same image
 * fails at once naming the holder; other images build in parallel), then a staging directory in
 * the image store that becomes the image on commit or is discarded.
 */
import path from 'node:path';
import type { Step } from '../../../build/steps.js';
import { BakeError } from '../../../errors.js';
import { acquireLock } from '../../../runtime/lock.js';
import type { LayerContext } from '../build-context.js';

export const lockStep: Step<LayerContext> = {
  name: 'lock',
  async run(ctx) {
    const file = path.join(ctx.deps.home, 'locks', `build-${ctx.req.name}.lock`);
    const result = acquireLock(file, `bake build ${ctx.req.templatePath}`, () => new Date(ctx.deps.clock.now()));
    if (result.kind === 'held') {
      const h = result.holder;
      throw new BakeError('ERR_BAKE_BUILD_LOCKED', `${ctx.req.name} is already being built by pid ${h.pid} (${h.purpose}, since ${h.since})`, {
        hint: `Wait for that build to finish, or stop it; the lock is ${file}.`,
      });
    }
    ctx.lock = result.lock;
  },
  async cleanup(ctx) {
    ctx.lock?.release();
  },
};

export const stageStep: Step<LayerContext> = {
  name: 'stage',
  async run(ctx) {
    ctx.staging = ctx.deps.store.stage();
    ctx.buildId = ctx.staging.buildId;
  },
  async cleanup(ctx) {
    if (ctx.staging && !ctx.committed) ctx.deps.store.discard(ctx.staging);
  },
};
