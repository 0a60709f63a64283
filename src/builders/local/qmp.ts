/**
 * A minimal QMP (QEMU Machine Protocol) client: one connection per command. qemu serves one client
 * per QMP socket at a time, so holding a connection open would lock out `bake gc` and a person
 * debugging with socat; a command costs a millisecond or two of setup, which nothing here notices.
 *
 * Protocol (docs/interop/qmp-spec): the server greets with {"QMP": {...}}; the client must send
 * qmp_capabilities before anything else; each line is one JSON object: a reply
 * ({"return": ...} or {"error": {"class", "desc"}}) carrying our "id", or an asynchronous
 * {"event": ...}, which we skip.
 */
import net from 'node:net';
import type { Clock } from '../../runtime/clock.js';
import { LocalBuilderError, LocalErrorCode } from './local-errors.js';

export interface QmpOptions {
  clock: Clock;
  /** For connecting, negotiating and the reply together. Default 5 s. */
  timeoutMs?: number;
}

/** Runs one QMP command and returns its "return" value; throws ERR_BAKE_QMP_FAILED otherwise. */
export async function qmpExecute(
  socketPath: string,
  execute: string,
  args: Record<string, unknown> | undefined,
  opts: QmpOptions,
): Promise<unknown> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const socket = net.connect({ path: socketPath });
  const timer = new AbortController();
  try {
    const session = new QmpLines(socket);
    const work = (async () => {
      await session.next((m) => 'QMP' in m);
      await session.request('qmp_capabilities', undefined, 'bake-caps');
      return session.request(execute, args, `bake-${execute}`);
    })();
    const timeout = opts.clock.sleep(timeoutMs, timer.signal).then(() => {
      throw qmpError(`QMP ${execute} on ${socketPath} got no answer within ${timeoutMs} ms`);
    });
    return await Promise.race([work, timeout]);
  } catch (e) {
    throw e instanceof LocalBuilderError ? e : qmpError(`QMP ${execute} on ${socketPath} failed: ${(e as Error).message}`, e);
  } finally {
    timer.abort();
    socket.destroy();
  }
}

/** A connection's lines as JSON objects, awaited one predicate at a time. */
class QmpLines {
  private buffered = '';
  private queue: Record<string, unknown>[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl).trim();
        this.buffered = this.buffered.slice(nl + 1);
        if (line === '') continue;
        try {
          this.queue.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.failure = new Error(`unreadable QMP line: ${line.slice(0, 200)}`);
        }
      }
      this.wake();
    });
    socket.on('error', (e) => {
      this.failure = e;
      this.wake();
    });
    socket.on('close', () => {
      this.failure ??= new Error('the QMP socket closed (qemu exited?)');
      this.wake();
    });
  }

  async request(execute: string, args: Record<string, unknown> | undefined, id: string): Promise<unknown> {
    this.socket.write(`${JSON.stringify({ execute, ...(args ? { arguments: args } : {}), id })}\n`);
    const reply = await this.next((m) => m.id === id);
    if ('error' in reply) {
      const err = reply.error as { class?: string; desc?: string };
      throw qmpError(`QMP ${execute} failed: ${err.class ?? 'Error'}: ${err.desc ?? 'no description'}`);
    }
    return reply.return;
  }

  async next(matches: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const i = this.queue.findIndex(matches);
      if (i >= 0) return this.queue.splice(i, 1)[0]!;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

function qmpError(message: string, cause?: unknown): LocalBuilderError {
  return new LocalBuilderError(LocalErrorCode.qmpFailed, message, cause === undefined ? {} : { cause });
}
