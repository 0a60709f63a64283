/**
 * Connecting, retrying and reconnecting against a real sshd that tests start late, stop, restart
 * and re-key, as a booting or rebooting machine would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/communicator/keys.js';
import { connectSsh, type SshCommunicator, type SshConnectOptions } from '../../src/communicator/ssh.js';
import { createSshd, freePort, type TestSshd } from '../_helpers/sshd.js';

const key = generateKeyPair('bake-test-connect');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(opts: Parameters<typeof createSshd>[0] = {}): Promise<TestSshd> {
  const sshd = await createSshd({ authorizedKeys: [key.publicKey], ...opts });
  cleanups.push(() => sshd.dispose());
  return sshd;
}

async function connect(sshd: { host: string; port: number; user: string }, overrides: Partial<SshConnectOptions> = {}): Promise<SshCommunicator> {
  const comm = await connectSsh({
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    privateKey: key.privateKey,
    timeoutMs: 15_000,
    ...overrides,
  });
  cleanups.push(() => comm.close());
  return comm;
}

const later = (ms: number, fn: () => Promise<void>) => new Promise<void>((resolve, reject) => setTimeout(() => fn().then(resolve, reject), ms));

describe('connectSsh', () => {
  it('retries while sshd is not up yet, and connects once it starts', async () => {
    const sshd = await server({ start: false });
    const retried: unknown[] = [];
    const [comm] = await Promise.all([connect(sshd, { onRetry: (e) => retried.push(e) }), later(1_000, () => sshd.start())]);
    expect(await comm.run({ command: 'exit 0' })).toEqual({ kind: 'exited', exitCode: 0 });
    expect(retried.length).toBeGreaterThan(0);
    expect(retried[0]).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('gives up with ERR_BAKE_SSH_CONNECT_TIMEOUT and the last error when nothing ever listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await connect({ host: '127.0.0.1', port, user: 'root' }, { timeoutMs: 1_500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_BAKE_SSH_CONNECT_TIMEOUT', message: expect.stringContaining('ECONNREFUSED') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('fails with a clear auth error once the auth grace window has passed, well before the deadline', async () => {
    const sshd = await server();
    const wrong = generateKeyPair('not-authorized');
    const started = Date.now();
    const error = await connect(sshd, { privateKey: wrong.privateKey, authGraceMs: 1_000, timeoutMs: 60_000 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({
      code: 'ERR_BAKE_SSH_AUTH_FAILED',
      message: expect.stringContaining(`${sshd.user}@127.0.0.1:${sshd.port} rejected the build's SSH key`),
      hint: expect.stringContaining('authorized_keys'),
    });
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(15_000);
  });

  it('keeps trying while the key is not installed yet (cloud-init writes it after sshd starts)', async () => {
    const sshd = await server({ authorizedKeys: [] });
    const [comm] = await Promise.all([
      connect(sshd, { authGraceMs: 10_000 }),
      later(800, () => sshd.setAuthorizedKeys([key.publicKey])),
    ]);
    expect(await comm.run({ command: 'exit 0' })).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it('stops waiting when its signal aborts', async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('build cancelled')), 500);
    const started = Date.now();
    await expect(connect({ host: '127.0.0.1', port, user: 'root' }, { signal: controller.signal })).rejects.toThrow('build cancelled');
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('fails at once with ERR_BAKE_SSH_INVALID_KEY for a private key it cannot parse', async () => {
    const sshd = await server();
    await expect(connect(sshd, { privateKey: 'not a key' })).rejects.toMatchObject({ code: 'ERR_BAKE_SSH_INVALID_KEY' });
  });

  it('pins the host key it was shown, as ssh-keygen prints the fingerprint', async () => {
    const sshd = await server();
    const comm = await connect(sshd);
    expect(comm.hostKeyFingerprint).toBe(await sshd.hostKeyFingerprint());
  });

  it('accepts a host key given up front, and refuses a different one at once', async () => {
    const sshd = await server();
    const comm = await connect(sshd, { hostKey: { sha256: await sshd.hostKeyFingerprint() } });
    expect(await comm.run({ command: 'exit 0' })).toEqual({ kind: 'exited', exitCode: 0 });
    const started = Date.now();
    await expect(connect(sshd, { hostKey: { sha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } })).rejects.toMatchObject({
      code: 'ERR_BAKE_SSH_HOST_KEY_CHANGED',
      message: expect.stringContaining('the template expects SHA256:AAAA'),
    });
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});

describe('reconnect', () => {
  it('reconnects after sshd went away and came back with the same host key (a reboot)', async () => {
    const sshd = await server();
    const comm = await connect(sshd);
    const pinned = comm.hostKeyFingerprint;
    await sshd.stop();
    expect(await comm.run({ command: 'true' })).toEqual({ kind: 'disconnected' });
    await Promise.all([comm.reconnect(15_000), later(800, () => sshd.start())]);
    expect(await comm.run({ command: 'exit 4' })).toEqual({ kind: 'exited', exitCode: 4 });
    expect(comm.hostKeyFingerprint).toBe(pinned);
  });

  it('ends a reconnect still waiting for the machine when the communicator is closed', async () => {
    const sshd = await server();
    const comm = await connect(sshd);
    await sshd.stop();
    const reconnect = comm.reconnect(30_000);
    setTimeout(() => void comm.close(), 300);
    const started = Date.now();
    await expect(reconnect).rejects.toMatchObject({ code: 'ERR_BAKE_SSH_CLOSED' });
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('shares one attempt between concurrent reconnects', async () => {
    const sshd = await server();
    const comm = await connect(sshd);
    const first = comm.reconnect(10_000);
    expect(comm.reconnect(10_000)).toBe(first);
    await first;
    expect(await comm.run({ command: 'exit 0' })).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it('reconnects a connection that is still up', async () => {
    const sshd = await server();
    const comm = await connect(sshd);
    await comm.reconnect(10_000);
    expect(await comm.run({ command: 'exit 0' })).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it('fails at once with ERR_BAKE_SSH_HOST_KEY_CHANGED when the machine comes back with another host key', async () => {
    const sshd = await server();
    const comm = await connect(sshd);
    const pinned = comm.hostKeyFingerprint!;
    await sshd.restart({ newHostKey: true });
    const presented = await sshd.hostKeyFingerprint();
    const started = Date.now();
    const error = await comm.reconnect(30_000).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_BAKE_SSH_HOST_KEY_CHANGED',
      message: `${sshd.user}@127.0.0.1:${sshd.port} presented host key ${presented}, but this build pinned ${pinned}`,
    });
    expect(Date.now() - started).toBeLessThan(8_000);
    // Still disconnected, not silently connected to the other machine.
    expect(await comm.run({ command: 'true' })).toEqual({ kind: 'disconnected' });
  });
});
