/**
 * The end of a layer build: the guest shuts down cleanly (a layer is the disk as the guest left
 * it, so a forced stop fails the build), then the image record is written and the staging
 * directory committed as the image.
 */
import { copyFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Step } from '../../../build/steps.js';
import { BakeError } from '../../../errors.js';
import { newImageId, type ImageRecord } from '../../../registry/images.js';
import { parseDuration } from '../../../template/schema/types.js';
import { LAYER_FILES, type LayerContext } from '../build-context.js';
import { imageInfo } from '../qemu-img.js';

export const DEFAULT_SHUTDOWN_TIMEOUT = '5m';

export const shutdownStep: Step<LayerContext> = {
  name: 'shutdown',
  async run(ctx, signal) {
    if (ctx.comm) {
      // The disk is attached with discard=unmap: trimming gives back the blocks provisioners
      // freed (apt's downloads and lists, temp files), so a layer holds only what it adds.
      // Measured: a layer that wrote and deleted 200 MB went from 214 MiB to 33 MiB (mostly the
      // kernel and initrd every image carries).
      const trimmed = await ctx.comm.run({ command: 'sync && fstrim --all', signal });
      if (trimmed.kind !== 'exited' || trimmed.exitCode !== 0) {
        ctx.deps.events.log(ctx.req.name, `fstrim did not run cleanly (${trimmed.kind === 'exited' ? `exit ${trimmed.exitCode}` : trimmed.kind}); the layer keeps freed blocks`);
      }
    }
    await ctx.comm?.close();
    const timeout = (ctx.req.buildSource.config.shutdown_timeout as string | undefined) ?? DEFAULT_SHUTDOWN_TIMEOUT;
    const outcome = await ctx.vm!.powerdown(parseDuration(timeout));
    if (outcome.kind === 'forced') {
      throw new BakeError('ERR_BAKE_SHUTDOWN_FORCED', `${ctx.req.name}: the guest did not power off within ${timeout} (${outcome.reason}); its disk may be mid-write`, {
        hint: `Raise shutdown_timeout, or see the serial console log ${ctx.vm!.serialLog}.`,
      });
    }
    if (outcome.kind === 'powered-off') ctx.durations.shutdownMs = outcome.afterMs;
  },
};

export const commitStep: Step<LayerContext> = {
  name: 'commit',
  async run(ctx) {
    const { req, deps } = ctx;
    const dir = ctx.staging!.dir;
    const info = await imageInfo(deps.runner, ctx.disk!);
    const kernelBytes = (await stat(ctx.kernel!)).size + (await stat(ctx.initrd!)).size;
    const record: ImageRecord = {
      id: newImageId(),
      name: req.name,
      ...(req.parent ? { parent: req.parent.id } : {}),
      hash: req.hash,
      template: req.templatePath,
      ...(deps.gitCommit ? { gitCommit: deps.gitCommit } : {}),
      variables: req.variables,
      createdAt: new Date(deps.clock.now()).toISOString(),
      size: info.actualSize + kernelBytes,
      virtualSize: info.virtualSize,
      files: { disk: LAYER_FILES.disk, kernel: LAYER_FILES.kernel, initrd: LAYER_FILES.initrd, log: LAYER_FILES.log },
      builder: 'qemu',
      meta: { accelerator: ctx.accelerator!.accelerator, buildId: ctx.buildId!, durationsMs: { ...ctx.durations } },
    };
    // Files left by this build that are no part of the image (the debug key is only ever written on abort).
    await writeFile(path.join(dir, LAYER_FILES.log), ctx.log.join('\n') + '\n');
    // The serial console log goes with the image; a failed build leaves it in BAKE_HOME/run to read.
    if (ctx.vm) {
      await copyFile(ctx.vm.serialLog, path.join(dir, LAYER_FILES.serialLog)).then(() => rm(ctx.vm!.serialLog, { force: true }), () => undefined);
    }
    ctx.committed = deps.store.commit(ctx.staging!, record);
  },
};
