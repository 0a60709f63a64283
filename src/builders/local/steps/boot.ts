/**
 * Booting the build VM: a per-build ed25519 key (its public half reaches the guest on the kernel
 * command line, so nothing is written into the disk), qemu, the wait for sshd, and the SSH session
 * the provisioners share.
 */
import path from 'node:path';
import type { Step } from '../../../build/steps.js';
import { generateKeyPair } from '../../../communicator/keys.js';
import { connectSsh } from '../../../communicator/ssh.js';
import { BakeError } from '../../../errors.js';
import { parseDuration } from '../../../template/schema/types.js';
import type { LayerContext } from '../build-context.js';
import { launchVm } from '../vm.js';

/** Boot to SSH under TCG on a busy host can take a minute; Packer's default ssh_timeout is 5m too. */
export const DEFAULT_SSH_TIMEOUT = '5m';

export function runDirs(home: string): { runDir: string; stateDir: string } {
  return { runDir: path.join(home, 'run'), stateDir: path.join(home, 'run', 'vms') };
}

export const sshUser = (ctx: LayerContext) => (ctx.req.buildSource.config.ssh_username as string | undefined) ?? 'root';

export const keyStep: Step<LayerContext> = {
  name: 'ssh key',
  async run(ctx) {
    ctx.key = generateKeyPair(`bake-${ctx.buildId}`);
  },
};

export const launchStep: Step<LayerContext> = {
  name: 'launch',
  async run(ctx, signal) {
    const { req, deps } = ctx;
    const c = req.buildSource.config;
    ctx.vm = await launchVm(
      { runner: deps.runner, clock: deps.clock },
      {
        name: `bake-${ctx.buildId}`,
        disk: ctx.disk!,
        kernel: ctx.kernel!,
        initrd: ctx.initrd!,
        accelerator: ctx.accelerator!.accelerator,
        sshPublicKey: ctx.key!.publicKey,
        sshUser: sshUser(ctx),
        ...(typeof c.memory === 'number' ? { memoryMiB: c.memory } : {}),
        ...(typeof c.cpus === 'number' ? { cpus: c.cpus } : {}),
        ...(Array.isArray(c.kernel_args) ? { kernelArgs: c.kernel_args as string[] } : {}),
        ...(Array.isArray(c.qemuargs) ? { qemuArgs: c.qemuargs as string[][] } : {}),
        ...runDirs(deps.home),
        dieWithParent: deps.dieWithParent,
        signal,
      },
    );
    deps.events.log(req.name, `VM ${ctx.vm.name} started (pid ${ctx.vm.pid}, ssh on 127.0.0.1:${ctx.vm.sshPort})`);
  },
  async cleanup(ctx) {
    // After a clean powerdown this finds qemu gone already; after a failure it stops the VM.
    await ctx.vm?.kill();
  },
};

export const waitSshStep: Step<LayerContext> = {
  name: 'wait for ssh',
  async run(ctx, signal) {
    const timeout = (ctx.req.buildSource.config.ssh_timeout as string | undefined) ?? DEFAULT_SSH_TIMEOUT;
    const outcome = await ctx.vm!.waitForSsh(parseDuration(timeout), signal);
    if (outcome.kind === 'ready') {
      ctx.durations.bootMs = outcome.afterMs;
      return;
    }
    const why = outcome.kind === 'vm-exited' ? 'the VM exited' : `no SSH banner within ${timeout} (${outcome.lastError})`;
    throw new BakeError('ERR_BAKE_SSH_TIMEOUT', `${ctx.req.name}: ${why}`, {
      hint: `See the serial console log ${ctx.vm!.serialLog}; raise ssh_timeout if the host is slow.`,
    });
  },
};

export const connectStep: Step<LayerContext> = {
  name: 'connect',
  async run(ctx, signal) {
    ctx.comm = await connectSsh({
      host: '127.0.0.1',
      port: ctx.vm!.sshPort,
      username: sshUser(ctx),
      privateKey: ctx.key!.privateKey,
      timeoutMs: 120_000,
      clock: ctx.deps.clock,
      signal,
    });
  },
  async cleanup(ctx) {
    await ctx.comm?.close();
  },
};
