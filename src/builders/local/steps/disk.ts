/**
 * The layer's disk: a fresh OS base from mmdebstrap, or a qcow2 overlay on the parent's disk with
 * the parent's kernel and initrd beside it; then the accelerator (accelerator-choice.ts: probed once
 * per boot of the host with the layer's own kernel, then cached).
 */
import { copyFile, link } from 'node:fs/promises';
import path from 'node:path';
import type { Step } from '../../../build/steps.js';
import type { AcceleratorSetting } from '../accelerator.js';
import { chooseAccelerator } from '../accelerator-choice.js';
import type { BootstrapSpec } from '../bootstrap.js';
import { LAYER_FILES, type LayerContext } from '../build-context.js';
import { createOverlay } from '../qemu-img.js';
import { makeBaseImage } from '../rootfs.js';

export const DEFAULT_DISK_SIZE = '4G';

export const acceleratorStep: Step<LayerContext> = {
  name: 'accelerator',
  async run(ctx, signal) {
    const { deps } = ctx;
    const setting = (ctx.req.buildSource.config.accelerator as AcceleratorSetting | undefined) ?? 'auto';
    const choice = await chooseAccelerator(deps, { setting, kernel: ctx.kernel!, signal });
    ctx.accelerator = choice;
    deps.events.log(ctx.req.name, `accelerator ${choice.accelerator} (${choice.source}: ${choice.reason})`);
  },
};

export const diskStep: Step<LayerContext> = {
  name: 'disk',
  async run(ctx, signal) {
    const { req, deps } = ctx;
    const dir = ctx.staging!.dir;
    const at = (name: keyof typeof LAYER_FILES) => path.join(dir, LAYER_FILES[name]);
    const bootstrap = req.buildSource.config.bootstrap as unknown as BootstrapSpec | undefined;
    if (bootstrap) {
      const made = await makeBaseImage(
        { runner: deps.runner, clock: deps.clock },
        {
          bootstrap,
          diskSize: (req.buildSource.config.disk_size as string | undefined) ?? DEFAULT_DISK_SIZE,
          hostname: req.name,
          workDir: dir,
          signal,
          onOutput: (_tool, chunk) => {
            for (const line of chunk.split('\n')) if (line.trim() !== '') deps.events.output(req.name, line.trimEnd());
          },
        },
      );
      ctx.durations.bootstrapMs = made.timings.totalMs;
    } else {
      const parent = req.parent!;
      const parentDir = deps.store.imageDir(parent.id);
      await createOverlay(deps.runner, { parent: path.join(parentDir, parent.files.disk), child: at('disk'), signal });
      for (const name of ['kernel', 'initrd'] as const) {
        const from = path.join(parentDir, parent.files[name]);
        // A hard link costs nothing; across filesystems (a BAKE_HOME split by mounts) copy instead.
        await link(from, at(name)).catch(() => copyFile(from, at(name)));
      }
    }
    ctx.disk = at('disk');
    ctx.kernel = at('kernel');
    ctx.initrd = at('initrd');
  },
};
