/**
 * A QMP server on a unix socket, standing in for qemu's monitor.
 *
 * Behaviour spec: greets every connection like qemu 7.2; answers qmp_capabilities with {}; passes
 * every other command to `handle`, which returns the "return" value, or `{ error }` for an error
 * reply, or `'no-reply'` to stay silent; sends a SHUTDOWN-style event before each reply so clients
 * must skip events. `close()` stops listening and drops the connections.
 */
import net from 'node:net';

export type QmpHandler = (execute: string, args: unknown) => unknown | { error: { class: string; desc: string } } | 'no-reply';

export interface FakeQmpServer {
  readonly commands: string[];
  close(): Promise<void>;
}

export async function fakeQmpServer(socketPath: string, handle: QmpHandler): Promise<FakeQmpServer> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write(`${JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 22 } }, capabilities: ['oob'] } })}\r\n`);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buffered.slice(0, nl)) as { execute: string; arguments?: unknown; id?: unknown };
        buffered = buffered.slice(nl + 1);
        const reply = (body: object) => socket.write(`${JSON.stringify({ ...body, id: msg.id })}\r\n`);
        if (msg.execute === 'qmp_capabilities') {
          reply({ return: {} });
          continue;
        }
        commands.push(msg.execute);
        const result = handle(msg.execute, msg.arguments);
        if (result === 'no-reply') continue;
        socket.write(`${JSON.stringify({ event: 'RTC_CHANGE', data: { offset: 0 }, timestamp: { seconds: 0, microseconds: 0 } })}\r\n`);
        if (result !== null && typeof result === 'object' && 'error' in result) reply({ error: (result as { error: unknown }).error });
        else reply({ return: result ?? {} });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
