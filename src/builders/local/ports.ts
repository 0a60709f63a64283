/**
 * Host ports for qemu's user-mode network forwards (`hostfwd=tcp:127.0.0.1:PORT-:22`).
 *
 * qemu cannot be told "any free port" and then asked which one it took, so bake asks the kernel
 * for a free port (bind to port 0), closes it, and hands the number to qemu. Between the close and
 * qemu's bind another process may take it; qemu then exits at once with "Could not set up host
 * forwarding rule", which `isHostForwardTaken` recognises so the launch is retried with new ports.
 */
import net from 'node:net';

export interface PortAllocator {
  /** `count` distinct ports that were free on 127.0.0.1 a moment ago. */
  allocate(count: number): Promise<number[]>;
}

export const localPortAllocator: PortAllocator = {
  async allocate(count) {
    // Hold all of them open at once so the kernel cannot hand out the same port twice.
    const servers: net.Server[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const server = net.createServer();
        servers.push(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, resolve);
        });
      }
      return servers.map((s) => (s.address() as net.AddressInfo).port);
    } finally {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
  },
};

/** qemu's stderr when a hostfwd port was taken (net/slirp.c, slirp_hostfwd). */
export function isHostForwardTaken(stderr: string): boolean {
  return /could not set up host forwarding rule/i.test(stderr);
}
