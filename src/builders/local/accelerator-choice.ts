/**
 * The accelerator bake's VMs use, probed once per boot of the host (with the kernel of the first VM
 * that asks) and kept under BAKE_HOME/cache: a build's layers and a deploy's instances all ask here.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import { probeAccelerator, type AcceleratorChoice, type AcceleratorSetting } from './accelerator.js';
import type { ProcessRunner } from './process.js';

export async function chooseAccelerator(
  deps: { runner: ProcessRunner; clock: Clock; home: string },
  opts: { setting?: AcceleratorSetting; kernel: string; signal?: AbortSignal },
): Promise<AcceleratorChoice> {
  const cacheFile = path.join(deps.home, 'cache', 'accelerator.json');
  const cached = await readFile(cacheFile, 'utf8').then((t) => JSON.parse(t) as AcceleratorChoice, () => undefined);
  const tempRoot = path.join(deps.home, 'run');
  await mkdir(tempRoot, { recursive: true });
  const choice = await probeAccelerator(
    { runner: deps.runner, clock: deps.clock, tempRoot },
    { setting: opts.setting ?? 'auto', kernel: opts.kernel, ...(opts.signal ? { signal: opts.signal } : {}), ...(cached ? { cached } : {}) },
  );
  if (choice.source === 'probe' && choice.cacheKey) {
    await mkdir(path.dirname(cacheFile), { recursive: true });
    await writeFile(cacheFile, `${JSON.stringify(choice)}\n`);
  }
  return choice;
}
