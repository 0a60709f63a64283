/**
 * Waits until an SSH server answers on a port: TCP connect, then read its identification line
 * ("SSH-2.0-OpenSSH_9.2p1 ..."). A connect alone proves nothing here: qemu's user-mode network
 * accepts connections on a forwarded port before the guest has even booted, then closes them.
 *
 * This is only "sshd is up"; authenticating is the communicator's business.
 */
import net from 'node:net';
import type { Clock } from '../../runtime/clock.js';
import { withRetry } from '../../runtime/retry.js';

export type SshWaitOutcome =
  | { kind: 'ready'; banner: string; afterMs: number; attempts: number }
  | { kind: 'timed-out'; afterMs: number; attempts: number; lastError: string };

export interface SshWaitOptions {
  host?: string;
  port: number;
  timeoutMs: number;
  clock: Clock;
  /** How long one attempt waits for the banner after connecting. Default 5 s. */
  attemptTimeoutMs?: number;
  signal?: AbortSignal;
}

const MIN_DELAY_MS = 250;
const MAX_DELAY_MS = 1_000;

export async function waitForSshBanner(opts: SshWaitOptions): Promise<SshWaitOutcome> {
  const { clock } = opts;
  const started = clock.now();
  const deadline = started + opts.timeoutMs;
  let attempts = 0;
  let lastError = 'no attempt made';
  try {
    const banner = await withRetry(
      async () => {
        attempts++;
        const remaining = deadline - clock.now();
        if (remaining <= 0) throw new GaveUp();
        try {
          return await readBanner(opts.host ?? '127.0.0.1', opts.port, Math.min(opts.attemptTimeoutMs ?? 5_000, remaining), clock, opts.signal);
        } catch (e) {
          if (opts.signal?.aborted) throw opts.signal.reason;
          lastError = (e as Error).message;
          throw clock.now() >= deadline ? new GaveUp() : new NotYet(lastError);
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeoutMs: MIN_DELAY_MS,
        maxTimeoutMs: MAX_DELAY_MS,
        isRetryable: (e) => e instanceof NotYet,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    return { kind: 'ready', banner, afterMs: clock.now() - started, attempts };
  } catch (e) {
    if (e instanceof GaveUp) return { kind: 'timed-out', afterMs: clock.now() - started, attempts, lastError };
    throw e;
  }
}

/** The guest is not answering yet: try again. */
class NotYet extends Error {}
/** The deadline passed. */
class GaveUp extends Error {}

/** Connects and resolves with the server's first line when it starts with "SSH-". */
export function readBanner(host: string, port: number, timeoutMs: number, clock: Clock, signal?: AbortSignal): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = new AbortController();
    let received = '';
    const finish = (error: Error | undefined, banner?: string) => {
      timer.abort();
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(banner!);
    };
    const onAbort = () => finish(signal!.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    clock.sleep(timeoutMs, timer.signal).then(
      () => finish(new Error(`no SSH banner within ${timeoutMs} ms`)),
      () => {},
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const nl = received.indexOf('\n');
      if (nl < 0 && received.length < 255) return;
      const line = received.slice(0, nl < 0 ? undefined : nl).replace(/\r$/, '');
      // RFC 4253 4.2: "SSH-2.0-..." (or "SSH-1.99-" from servers that also speak v1). A server may
      // send other lines first, but OpenSSH never does.
      if (/^SSH-(2\.0|1\.99)-/.test(line)) finish(undefined, line);
      else finish(new Error(`not an SSH banner: ${JSON.stringify(line.slice(0, 80))}`));
    });
    socket.on('error', (e) => finish(e));
    socket.on('close', () => finish(new Error('connection closed before the SSH banner')));
  });
}
