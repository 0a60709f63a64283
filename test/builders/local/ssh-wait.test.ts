import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForSshBanner } from '../../../src/builders/local/ssh-wait.js';
import { systemClock } from '../../../src/runtime/clock.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A local server whose n-th connection (from 0) is handled by `onConnection`. */
async function server(onConnection: (socket: net.Socket, n: number) => void): Promise<number> {
  let n = 0;
  const s = net.createServer((socket) => {
    socket.on('error', () => undefined);
    onConnection(socket, n++);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as net.AddressInfo).port;
}

describe('waitForSshBanner', () => {
  it('keeps trying while connections are accepted and dropped (qemu forwarding to a guest still booting), until sshd answers', async () => {
    const port = await server((socket, n) => {
      if (n < 2) socket.destroy();
      else socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
    });
    const outcome = await waitForSshBanner({ port, timeoutMs: 10_000, clock: systemClock });
    expect(outcome).toMatchObject({ kind: 'ready', banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3', attempts: 3 });
  });

  it('times out when nothing ever speaks SSH, saying what it last saw', async () => {
    const port = await server((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const outcome = await waitForSshBanner({ port, timeoutMs: 600, clock: systemClock });
    expect(outcome).toMatchObject({ kind: 'timed-out', lastError: 'not an SSH banner: "HTTP/1.1 400 Bad Request"' });
  });

  it('gives up on a silent connection after the attempt timeout', async () => {
    const port = await server(() => undefined);
    const outcome = await waitForSshBanner({ port, timeoutMs: 500, attemptTimeoutMs: 200, clock: systemClock });
    expect(outcome).toMatchObject({ kind: 'timed-out', lastError: expect.stringMatching(/^no SSH banner within \d+ ms$/) });
  });

  it('stops when aborted', async () => {
    const port = await server((socket) => socket.destroy());
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled')), 100);
    await expect(waitForSshBanner({ port, timeoutMs: 10_000, clock: systemClock, signal: ac.signal })).rejects.toThrow('cancelled');
  });
});
