/**
 * The local compute driver: a group's instances are qemu VMs booted from the image, each on its
 * own qcow2 overlay of the image's disk (the image itself is never written), with the app port
 * forwarded to 127.0.0.1. The VMs are daemonized (builders/local/detached-vm.ts) so they keep
 * serving after bake exits; their records under the environment's directory are how later bakes
 * find them.
 *
 * Nobody logs into an instance: each launch gets a fresh SSH key only because the guest's sshd
 * answering is how "booted" is told apart from "qemu started" (a forwarded port accepts
 * connections before the guest is up). The private key is never written anywhere.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chooseAccelerator } from '../../../builders/local/accelerator-choice.js';
import { launchDetachedVm, listDetachedVms, stopDetachedVm } from '../../../builders/local/detached-vm.js';
import type { PortAllocator } from '../../../builders/local/ports.js';
import type { ProcessRunner } from '../../../builders/local/process.js';
import { createOverlay } from '../../../builders/local/qemu-img.js';
import { waitForSshBanner } from '../../../builders/local/ssh-wait.js';
import type { ProcTable } from '../../../builders/local/vm-state.js';
import { generateKeyPair } from '../../../communicator/keys.js';
import { BakeError } from '../../../errors.js';
import type { ImageStore } from '../../../registry/images.js';
import type { Clock } from '../../../runtime/clock.js';
import { environmentPaths } from '../../paths.js';
import type { ComputeDriver, GroupSpec, LaunchedGroup, Target } from '../driver.js';

export interface LocalComputeDeps {
  home: string;
  clock: Clock;
  runner: ProcessRunner;
  images: ImageStore;
  proc?: ProcTable;
  ports?: PortAllocator;
  /** From qemu's start to the guest's sshd answering. Default 5 min (TCG on a busy host). */
  bootTimeoutMs?: number;
  memoryMiB?: number;
}

interface InstanceRecord {
  id: string;
  group: string;
  image: string;
  target: Target;
}

const DEFAULT_BOOT_TIMEOUT_MS = 5 * 60_000;
const INSTANCE_FILE = 'instance.json';

export class LocalCompute implements ComputeDriver {
  constructor(private readonly deps: LocalComputeDeps) {}

  async launchGroup(env: string, group: GroupSpec, signal?: AbortSignal): Promise<LaunchedGroup> {
    const { deps } = this;
    const image = deps.images.get(group.image);
    if (image === undefined) {
      throw new BakeError('ERR_BAKE_IMAGE_NOT_FOUND', `Image ${group.image} is not in the image store`, {
        hint: 'See `bake images`; an image removed with `bake rmi` cannot be deployed.',
      });
    }
    const imageDir = deps.images.imageDir(image.id);
    const paths = environmentPaths(deps.home, env);
    const accelerator = await chooseAccelerator(deps, { kernel: path.join(imageDir, image.files.kernel), ...(signal ? { signal } : {}) });
    const launchOne = async (index: number): Promise<Target> => {
      const id = `${group.name}-${index}`;
      const dir = path.join(paths.instances, id);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const disk = path.join(dir, 'disk.qcow2');
      await createOverlay(deps.runner, { parent: path.join(imageDir, image.files.disk), child: disk, backingPath: 'absolute', ...(signal ? { signal } : {}) });
      const key = generateKeyPair(`bake-${id}`);
      const vm = await launchDetachedVm(deps, {
        name: id,
        disk,
        kernel: path.join(imageDir, image.files.kernel),
        initrd: path.join(imageDir, image.files.initrd),
        accelerator: accelerator.accelerator,
        ...(deps.memoryMiB === undefined ? {} : { memoryMiB: deps.memoryMiB }),
        sshPublicKey: key.publicKey,
        forwards: [{ guestPort: group.appPort }],
        // Each instance is named after itself (its logs and shipped log lines say which one), as
        // a cloud instance gets its own hostname; the image's /etc/hostname stays as it is.
        kernelArgs: [`systemd.hostname=${id}`],
        runDir: paths.run,
        stateDir: paths.vms,
        ...(signal ? { signal } : {}),
      });
      const target: Target = { id, host: '127.0.0.1', port: vm.forwards[1]!.hostPort };
      const record: InstanceRecord = { id, group: group.name, image: image.id, target };
      await writeFile(path.join(dir, INSTANCE_FILE), `${JSON.stringify(record, null, 2)}\n`);
      const timeoutMs = deps.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS;
      const up = await waitForSshBanner({ port: vm.forwards[0]!.hostPort, timeoutMs, clock: deps.clock, ...(signal ? { signal } : {}) });
      if (up.kind !== 'ready') {
        throw new BakeError('ERR_BAKE_INSTANCE_BOOT', `Instance ${id} did not boot within ${Math.round(timeoutMs / 1000)} s (${up.lastError})`, {
          hint: `Its console output is in ${vm.serialLog}.`,
        });
      }
      return target;
    };
    // All settle before a failure is acted on, so no launch is still under way while the group is destroyed.
    const settled = await Promise.allSettled(Array.from({ length: group.instances }, (_, i) => launchOne(i)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await this.destroyGroup(env, group.name);
      throw failed.reason;
    }
    return { name: group.name, targets: settled.map((s) => (s as PromiseFulfilledResult<Target>).value) };
  }

  async destroyGroup(env: string, group: string): Promise<void> {
    const paths = environmentPaths(this.deps.home, env);
    const ofGroup = (name: string) => instanceGroup(name) === group;
    for (const vm of (await listDetachedVms(paths.vms, this.deps)).filter((v) => ofGroup(v.name))) {
      const outcome = await stopDetachedVm(paths.vms, vm.name, this.deps);
      if (outcome.kind === 'still-running') {
        throw new BakeError('ERR_BAKE_INSTANCE_STOP', `Instance ${vm.name} (qemu pid ${outcome.pid}) did not stop`, {
          hint: 'Stop it by hand, then run `bake gc`.',
          source: 'toolkit',
        });
      }
      await rm(path.join(paths.run, `${vm.name}.serial.log`), { force: true });
    }
    for (const name of (await readdir(paths.instances).catch(() => [] as string[])).filter(ofGroup)) {
      await rm(path.join(paths.instances, name), { recursive: true, force: true });
    }
  }

  async listGroups(env: string): Promise<{ name: string; targets: Target[] }[]> {
    const paths = environmentPaths(this.deps.home, env);
    const running = new Set((await listDetachedVms(paths.vms, this.deps)).filter((v) => v.pid !== undefined).map((v) => v.name));
    const groups = new Map<string, Target[]>();
    const add = (group: string, t?: Target) => {
      const list = groups.get(group) ?? [];
      if (t) list.push(t);
      groups.set(group, list);
    };
    for (const name of await readdir(paths.instances).catch(() => [] as string[])) {
      const group = instanceGroup(name);
      if (group === undefined) continue;
      const rec = await readFile(path.join(paths.instances, name, INSTANCE_FILE), 'utf8').then((t) => JSON.parse(t) as InstanceRecord, () => undefined);
      add(group, rec && running.has(name) ? rec.target : undefined);
    }
    for (const name of running) {
      const group = instanceGroup(name);
      if (group !== undefined && !groups.has(group)) add(group);
    }
    return [...groups].map(([name, targets]) => ({ name, targets }));
  }
}

/** "web-staging-v003-1" -> "web-staging-v003". */
function instanceGroup(instance: string): string | undefined {
  return /^(.+-v\d{3,})-\d+$/.exec(instance)?.[1];
}
