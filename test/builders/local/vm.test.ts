import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testdir } from '../../_helpers/cli.js';
import { isLocalBuilderError, LocalErrorCode } from '../../../src/builders/local/local-errors.js';
import type { PortAllocator } from '../../../src/builders/local/ports.js';
import { kernelCommandLine, qemuVmArgs } from '../../../src/builders/local/qemu-args.js';
import { launchVm, type LaunchVmOptions } from '../../../src/builders/local/vm.js';
import { parseVmRecord } from '../../../src/builders/local/vm-state.js';
import { systemClock } from '../../../src/runtime/clock.js';
import { fakeProcessRunner, type FakeBehaviour, type FakeProcess } from './fake-process-runner.js';
import { fakeQmpServer, type FakeQmpServer } from './fake-qmp-server.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIADREhAnnld9IU4rGOraazBltA/7Q+36PkBl4bZDmqIh bake-test';
const HOSTFWD_TAKEN = "qemu-system-x86_64: -netdev user,id=net0,hostfwd=tcp:127.0.0.1:40001-:22: Could not set up host forwarding rule 'tcp:127.0.0.1:40001-:22'\n";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** Hands out the given port batches in order, then keeps repeating the last one. */
function ports(...batches: number[][]): PortAllocator & { asked: number[] } {
  const asked: number[] = [];
  let i = 0;
  return {
    asked,
    allocate: async (count) => {
      asked.push(count);
      const batch = batches[Math.min(i++, batches.length - 1)]!;
      return batch.slice(0, count);
    },
  };
}

interface QemuBehaviour {
  /** Per launch attempt (0, 1, ...): fail at start like this, or start. */
  start?: (attempt: number) => FakeBehaviour | undefined;
  /** What the guest does with the ACPI power button. */
  guest?: 'powers-off' | 'ignores-powerdown';
}

/** qemu, faked: serves QMP on the socket from its -qmp argument until it exits. */
function fakeQemu(behaviour: QemuBehaviour = {}) {
  let attempt = 0;
  const qmpServers: FakeQmpServer[] = [];
  const runner = fakeProcessRunner(async (p: FakeProcess) => {
    const failure = behaviour.start?.(attempt++);
    if (failure) return failure;
    const qmpArg = p.args[p.args.indexOf('-qmp') + 1]!;
    const socket = qmpArg.slice('unix:'.length, qmpArg.indexOf(',server='));
    const exit = () => setImmediate(() => void server.close().then(() => p.exit(0)));
    const server = await fakeQmpServer(socket, (command) => {
      if (command === 'query-status') return { status: 'running', running: true };
      if (command === 'system_powerdown' && behaviour.guest !== 'ignores-powerdown') exit();
      if (command === 'quit') exit();
      return {};
    });
    qmpServers.push(server);
    cleanups.push(() => server.close());
    return { keepRunning: true };
  });
  return { runner, qmpServers };
}

function options(extra: Partial<LaunchVmOptions> = {}): LaunchVmOptions {
  const dir = testdir();
  return {
    name: 'base-1',
    disk: '/images/base/disk.qcow2',
    kernel: '/images/base/vmlinuz',
    initrd: '/images/base/initrd.img',
    accelerator: 'tcg',
    sshPublicKey: KEY,
    runDir: path.join(dir, 'run'),
    stateDir: path.join(dir, 'state'),
    ...extra,
  };
}

const argAfter = (args: readonly string[], flag: string) => args[args.indexOf(flag) + 1];

describe('launchVm', () => {
  it('boots the image kernel on the disk with the accelerator, an SSH forward and the extra forwards', async () => {
    const { runner } = fakeQemu();
    const opts = options({ memoryMiB: 2048, cpus: 2, forwards: [{ guestPort: 8080 }, { guestPort: 9000, hostPort: 19000 }], kernelArgs: ['quiet'] });
    const vm = await launchVm({ runner, clock: systemClock, ports: ports([40001, 40002]) }, opts);
    const qemu = runner.callsOf('qemu-system-x86_64')[0]!;
    expect(qemu.opts.dieWithParent).toBe(true);
    expect(argAfter(qemu.args, '-accel')).toBe('tcg');
    expect(argAfter(qemu.args, '-m')).toBe('2048');
    expect(argAfter(qemu.args, '-smp')).toBe('2');
    expect(argAfter(qemu.args, '-name')).toBe('base-1');
    expect(argAfter(qemu.args, '-kernel')).toBe('/images/base/vmlinuz');
    expect(argAfter(qemu.args, '-initrd')).toBe('/images/base/initrd.img');
    expect(argAfter(qemu.args, '-drive')).toBe('file=/images/base/disk.qcow2,if=virtio,format=qcow2,discard=unmap');
    expect(argAfter(qemu.args, '-netdev')).toBe(
      'user,id=net0,hostfwd=tcp:127.0.0.1:40001-:22,hostfwd=tcp:127.0.0.1:40002-:8080,hostfwd=tcp:127.0.0.1:19000-:9000',
    );
    expect(argAfter(qemu.args, '-serial')).toBe(`file:${path.join(opts.runDir, 'base-1.serial.log')}`);
    expect(argAfter(qemu.args, '-pidfile')).toBe(path.join(opts.runDir, 'base-1.pid'));
    expect(qemu.args).toEqual(expect.arrayContaining(['-nodefaults', '-display', 'none', '-monitor', 'none']));
    expect(argAfter(qemu.args, '-append')).toBe(
      `root=/dev/vda rw console=ttyS0 net.ifnames=0 bake.instance_id=${vm.instanceId} bake.ssh_key=${Buffer.from(KEY).toString('base64')} quiet`,
    );
    expect(vm.sshPort).toBe(40001);
    expect(vm.forwards).toEqual([
      { guestPort: 22, hostPort: 40001 },
      { guestPort: 8080, hostPort: 40002 },
      { guestPort: 9000, hostPort: 19000 },
    ]);
    expect(await vm.status()).toBe('running');
    await vm.kill();
  });

  it('keeps a state record for gc while qemu runs, and removes it with the QMP socket when qemu exits', async () => {
    const { runner } = fakeQemu();
    const opts = options();
    const vm = await launchVm({ runner, clock: systemClock, ports: ports([40001]) }, opts);
    const record = parseVmRecord(readFileSync(path.join(opts.stateDir, 'vm-base-1.json'), 'utf8'));
    expect(record).toMatchObject({ name: 'base-1', pid: vm.pid, owner: { pid: process.pid } });
    expect(record.argv).toEqual(['qemu-system-x86_64', ...runner.calls[0]!.args]);
    expect(record.files).toEqual([vm.qmpSocket, path.join(opts.runDir, 'base-1.pid')]);
    const result = await vm.kill();
    expect(result.outcome).toEqual({ kind: 'signalled', signal: 'SIGKILL' });
    expect(readdirSync(opts.stateDir)).toEqual([]);
    expect(existsSync(vm.qmpSocket)).toBe(false);
  });

  it('launches again with new ports when qemu could not bind a forwarded port', async () => {
    const { runner } = fakeQemu({ start: (n) => (n === 0 ? { exitCode: 1, stderr: HOSTFWD_TAKEN } : undefined) });
    const allocator = ports([40001], [40007]);
    const opts = options();
    const vm = await launchVm({ runner, clock: systemClock, ports: allocator }, opts);
    expect(runner.callsOf('qemu-system-x86_64')).toHaveLength(2);
    expect(vm.sshPort).toBe(40007);
    expect(readdirSync(opts.stateDir)).toEqual(['vm-base-1.json']);
    await vm.kill();
  });

  it('gives up after portRetries when the ports keep being taken', async () => {
    const { runner } = fakeQemu({ start: () => ({ exitCode: 1, stderr: HOSTFWD_TAKEN }) });
    const opts = options();
    const err = await launchVm({ runner, clock: systemClock, ports: ports([40001]), portRetries: 2 }, opts).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.hostForwardTaken)).toBe(true);
    expect(runner.calls).toHaveLength(3);
    expect(readdirSync(opts.stateDir)).toEqual([]);
  });

  it('does not retry other start failures, and reports what qemu said', async () => {
    const stderr = "qemu-system-x86_64: -drive file=/images/base/disk.qcow2,if=virtio,format=qcow2,discard=unmap: Could not open '/images/base/disk.qcow2': No such file or directory\n";
    const { runner } = fakeQemu({ start: () => ({ exitCode: 1, stderr }) });
    const opts = options();
    const err = await launchVm({ runner, clock: systemClock, ports: ports([40001]) }, opts).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.vmStartFailed)).toBe(true);
    expect((err as Error).message).toContain("Could not open '/images/base/disk.qcow2'");
    expect(runner.calls).toHaveLength(1);
    expect(readdirSync(opts.stateDir)).toEqual([]);
  });

  it('kills qemu and removes its record when aborted before QMP answers', async () => {
    const ac = new AbortController();
    const runner = fakeProcessRunner(() => {
      setTimeout(() => ac.abort(new Error('cancelled')), 50);
      return { keepRunning: true }; // and never serves QMP
    });
    const opts = options({ signal: ac.signal });
    await expect(launchVm({ runner, clock: systemClock, ports: ports([40001]) }, opts)).rejects.toThrow('cancelled');
    expect(runner.running()).toEqual([]);
    expect(runner.calls[0]!.signals).toEqual(['SIGKILL']);
    expect(readdirSync(opts.stateDir)).toEqual([]);
  });

  it('refuses a kernel command line longer than x86 Linux accepts, before starting qemu', async () => {
    const { runner } = fakeQemu();
    const err = await launchVm({ runner, clock: systemClock }, options({ kernelArgs: ['x'.repeat(2000)] })).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.vmStartFailed)).toBe(true);
    expect((err as { hint: string }).hint).toMatch(/ed25519/);
    expect(runner.calls).toEqual([]);
  });

  it('refuses a run directory too long for the QMP socket', async () => {
    const { runner } = fakeQemu();
    const err = await launchVm({ runner, clock: systemClock }, options({ runDir: `/tmp/${'x'.repeat(120)}` })).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.badVmPath)).toBe(true);
    expect(runner.calls).toEqual([]);
  });
});

describe('a running VM', () => {
  it('powers off cleanly when the guest obeys the ACPI power button', async () => {
    const { runner, qmpServers } = fakeQemu();
    const vm = await launchVm({ runner, clock: systemClock, ports: ports([40001]) }, options());
    const outcome = await vm.powerdown(5_000);
    expect(outcome.kind).toBe('powered-off');
    expect(qmpServers[0]!.commands).toEqual(['query-status', 'system_powerdown']);
  });

  it('tells qemu to quit when the guest ignores the power button', async () => {
    const { runner, qmpServers } = fakeQemu({ guest: 'ignores-powerdown' });
    const vm = await launchVm({ runner, clock: systemClock, ports: ports([40001]) }, options());
    const outcome = await vm.powerdown(200);
    expect(outcome).toMatchObject({ kind: 'forced', how: 'quit', reason: 'the guest did not power off within 200 ms of the ACPI power button' });
    expect(qmpServers[0]!.commands).toEqual(['query-status', 'system_powerdown', 'quit']);
  });

  it('kills qemu when QMP is gone', async () => {
    const { runner, qmpServers } = fakeQemu();
    const vm = await launchVm({ runner, clock: systemClock, ports: ports([40001]) }, options());
    await qmpServers[0]!.close();
    const outcome = await vm.powerdown(200);
    expect(outcome).toMatchObject({ kind: 'forced', how: 'kill' });
    expect(runner.calls[0]!.signals).toEqual(['SIGKILL']);
  });

  it('says the VM exited instead of waiting out the SSH deadline', async () => {
    const { runner } = fakeQemu();
    const vm = await launchVm({ runner, clock: systemClock, ports: ports([1]) }, options());
    setTimeout(() => runner.calls[0]!.exit(1, 'Kernel panic - not syncing: VFS: Unable to mount root fs'), 50);
    const outcome = await vm.waitForSsh(60_000);
    expect(outcome.kind).toBe('vm-exited');
  });

  it('waits for the SSH banner on the forwarded port', async () => {
    const sshd = net.createServer((s) => s.end('SSH-2.0-OpenSSH_9.2p1\r\n'));
    await new Promise<void>((r) => sshd.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => sshd.close(r)));
    const { runner } = fakeQemu();
    const vm = await launchVm({ runner, clock: systemClock, ports: ports([(sshd.address() as net.AddressInfo).port]) }, options());
    expect(await vm.waitForSsh(5_000)).toMatchObject({ kind: 'ready', banner: 'SSH-2.0-OpenSSH_9.2p1' });
    await vm.kill();
  });
});

describe('qemu arguments', () => {
  it('doubles commas in option-parsed paths, and only there', () => {
    const args = qemuVmArgs({
      name: 'a',
      accelerator: 'kvm',
      memoryMiB: 512,
      cpus: 1,
      disk: '/w/a,b/disk.qcow2',
      kernel: '/w/a,b/vmlinuz',
      initrd: '/w/a,b/initrd.img',
      append: 'root=/dev/vda',
      forwards: [{ hostPort: 2222, guestPort: 22 }],
      serialLog: '/w/a,b/serial.log',
      qmpSocket: '/w/a,b/qmp',
      pidFile: '/w/a,b/pid',
      extra: [['-cpu', 'host'], ['-device', 'virtio-balloon']],
    });
    expect(argAfter(args, '-drive')).toBe('file=/w/a,,b/disk.qcow2,if=virtio,format=qcow2,discard=unmap');
    expect(argAfter(args, '-qmp')).toBe('unix:/w/a,,b/qmp,server=on,wait=off');
    expect(argAfter(args, '-serial')).toBe('file:/w/a,b/serial.log');
    expect(argAfter(args, '-kernel')).toBe('/w/a,b/vmlinuz');
    expect(args.slice(-4)).toEqual(['-cpu', 'host', '-device', 'virtio-balloon']);
  });

  it('passes a non-root SSH user to the guest', () => {
    expect(kernelCommandLine({ sshPublicKey: KEY, instanceId: 'i1', sshUser: 'admin' })).toContain(' bake.ssh_user=admin');
    expect(kernelCommandLine({ sshPublicKey: KEY, instanceId: 'i1', sshUser: 'root' })).not.toContain('bake.ssh_user');
  });
});
