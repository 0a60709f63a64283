/**
 * One SFTP session as promises, for one upload or download call. A session per call, rather than
 * one kept for the connection, leaves nothing stale to repair after a reconnect.
 *
 * Every request settles, whatever happens to the session. ssh2 fails the requests pending when
 * the channel closes, but quietly accepts requests made after that and never answers them (its
 * own fastPut/fastGet keep issuing reads and writes after an error, and hang when the connection
 * drops or the transfer is aborted mid-way). So this class tracks the session's end itself: on
 * close, or abort, every pending request is rejected and later ones are rejected at once.
 */
import type { FileHandle } from 'node:fs/promises';
import { open as openLocal } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { Client as SshClient, FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';

const { STATUS_CODE } = ssh2.utils.sftp;

/** Bytes per read or write request; 32 KiB fits every server's SFTP packet limit. */
const CHUNK_SIZE = 32 * 1024;
/** Requests in flight per transfer: enough to fill a long-distance link, not enough to flood sshd. */
const CONCURRENCY = 16;

type Done<T> = (err: Error | undefined | null, value: T) => void;

export class RemoteFs {
  /** Why the session is over, once it is: requests fail with this. */
  private ended: unknown;
  private readonly pending = new Set<(reason: unknown) => void>();

  private constructor(
    private readonly sftp: SFTPWrapper,
    signal: AbortSignal | undefined,
  ) {
    const onEnd = () => this.end(new Error('the SFTP session closed (connection lost?)'));
    sftp.once('close', onEnd).once('end', onEnd);
    // A session that dies also closes; an unheard 'error' would throw.
    sftp.on('error', () => {});
    if (signal) {
      const onAbort = () => this.end(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      sftp.once('close', () => signal.removeEventListener('abort', onAbort));
      if (signal.aborted) onAbort();
    }
  }

  static open(client: SshClient, signal?: AbortSignal): Promise<RemoteFs> {
    return new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const onSession = (err: Error | undefined, sftp: SFTPWrapper) => (err ? reject(err) : resolve(new RemoteFs(sftp, signal)));
      // ssh2 throws "Not connected" synchronously once the socket is gone.
      try {
        client.sftp(onSession);
      } catch (e) {
        reject(e);
      }
    });
  }

  /** Ends the session; pending and later requests fail with `reason`. */
  end(reason: unknown = new Error('the SFTP session was ended')): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    for (const fail of this.pending) fail(reason);
    this.pending.clear();
    this.sftp.end();
  }

  /** The entry's attributes following symlinks, or undefined when there is nothing at the path. */
  stat(path: string): Promise<Stats | undefined> {
    return this.call<Stats | undefined>((done) =>
      this.sftp.stat(path, (err, stats) => (isNoSuchFile(err) ? done(undefined, undefined) : done(err, stats))),
    );
  }

  readdir(path: string): Promise<FileEntryWithStats[]> {
    return this.call((done) => this.sftp.readdir(path, done));
  }

  /** The canonical path, with symlinks resolved: how a tree walk recognises a directory it is already in. */
  realpath(path: string): Promise<string> {
    return this.call((done) => this.sftp.realpath(path, done));
  }

  mkdir(path: string, mode: number): Promise<void> {
    return this.call((done) => this.sftp.mkdir(path, { mode }, (err) => done(err, undefined)));
  }

  /** Explicit, because a mode given at creation is cut down by sshd's umask and not applied to existing files. */
  chmod(path: string, mode: number): Promise<void> {
    return this.call((done) => this.sftp.chmod(path, mode, (err) => done(err, undefined)));
  }

  /** Uploads a local file, replacing the remote one, and gives it exactly `mode`. */
  async putFile(localPath: string, remotePath: string, mode: number): Promise<void> {
    const local = await openLocal(localPath, 'r');
    try {
      await this.put(remotePath, mode, async (buf, position) => (await local.read(buf, 0, buf.length, position)).bytesRead);
    } finally {
      await local.close();
    }
  }

  writeFile(remotePath: string, content: Buffer, mode: number): Promise<void> {
    return this.put(remotePath, mode, async (buf, position) => content.copy(buf, 0, position));
  }

  /** Downloads into a local file (created or truncated). */
  async getFile(remotePath: string, localPath: string): Promise<void> {
    const handle = await this.call<Buffer>((done) => this.sftp.open(remotePath, 'r', done));
    try {
      const local = await openLocal(localPath, 'w', 0o600);
      try {
        await this.copyOut(handle, local);
      } finally {
        await local.close();
      }
    } finally {
      await this.closeHandle(handle);
    }
  }

  /** Writes chunks from `read` at their offsets, CONCURRENCY requests at a time. */
  private async put(remotePath: string, mode: number, read: (buf: Buffer, position: number) => Promise<number>): Promise<void> {
    const handle = await this.call<Buffer>((done) => this.sftp.open(remotePath, 'w', { mode }, done));
    try {
      const inFlight = new Set<Promise<void>>();
      for (let position = 0; ; ) {
        const buf = Buffer.allocUnsafe(CHUNK_SIZE);
        const n = await read(buf, position);
        if (n === 0) break;
        const at = position;
        const write = this.call<void>((done) => this.sftp.write(handle, buf, 0, n, at, (err) => done(err, undefined)));
        inFlight.add(write);
        write.then(() => inFlight.delete(write), () => {});
        position += n;
        if (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      await this.closeHandle(handle);
    }
    await this.chmod(remotePath, mode);
  }

  /** Reads the remote file to its end, CONCURRENCY chunks at a time, each written at its offset. */
  private async copyOut(handle: Buffer, local: FileHandle): Promise<void> {
    let next = 0;
    let done = false;
    const worker = async () => {
      while (!done) {
        let position = next;
        let want = CHUNK_SIZE;
        next += CHUNK_SIZE;
        // A server may answer with fewer bytes than asked before the end; ask again for the rest.
        while (want > 0) {
          const buf = Buffer.allocUnsafe(want);
          const at = position;
          const n = await this.call<number>((cb) => this.sftp.read(handle, buf, 0, want, at, (err, bytes) => cb(err, bytes)));
          if (n === 0) {
            done = true;
            break;
          }
          await local.write(buf, 0, n, at);
          position += n;
          want -= n;
        }
      }
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        worker().catch((e: unknown) => {
          done = true;
          throw e;
        }),
      ),
    );
  }

  private async closeHandle(handle: Buffer): Promise<void> {
    // After a failure the session may be gone with the handle; the first error is the one to report.
    await this.call<void>((done) => this.sftp.close(handle, (err) => done(err, undefined))).catch(() => {});
  }

  private call<T>(start: (done: Done<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.ended !== undefined) return reject(this.ended);
      const fail = (reason: unknown) => reject(reason);
      this.pending.add(fail);
      try {
        start((err, value) => {
          this.pending.delete(fail);
          if (err) reject(err);
          else resolve(value);
        });
      } catch (e) {
        this.pending.delete(fail);
        reject(e);
      }
    });
  }
}

export function isNoSuchFile(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === STATUS_CODE.NO_SUCH_FILE;
}

export function isPermissionDenied(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === STATUS_CODE.PERMISSION_DENIED;
}
