/**
 * The SSH communicator: one authenticated ssh2 session to a build machine, shared by every
 * provisioner of the build, reconnected after an expected reboot.
 *
 * Commands run as SSH "exec" requests (no pty, so output is not mangled and stdout and stderr stay
 * apart); files move over SFTP. See ssh-connect.ts for what is retried while the machine boots,
 * and host-key.ts for how its host key is trusted.
 */
import type { Client as SshClient } from 'ssh2';
import { systemClock, type Clock } from '../runtime/clock.js';
import type { CommandResult, Communicator, RemoteCommand, TransferOptions } from './communicator.js';
import { HostKeyPin, type HostKeyPolicy } from './host-key.js';
import { runCommand } from './remote-command.js';
import { downloadTree, uploadTree } from './sftp-tree.js';
import { downloadFile, uploadFile, type UploadSource } from './sftp-transfer.js';
import { openClient, type ConnectTarget } from './ssh-connect.js';
import { SshError, SshErrorCode } from './ssh-errors.js';

export interface SshConnectOptions {
  host: string;
  port: number;
  username: string;
  /** An unencrypted OpenSSH or PEM private key, e.g. generateKeyPair().privateKey. */
  privateKey: string | Buffer;
  /** How long to wait for the machine to accept a session, boot included. */
  timeoutMs: number;
  /**
   * Measures the deadlines (timeoutMs, authGraceMs) and the close grace. The pauses between
   * attempts are p-retry's own timers (src/runtime/retry.ts), and keepalives are ssh2's.
   */
  clock?: Clock;
  /** Stops waiting for the machine; connectSsh then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Default 'accept-new': trust the first key, then pin it for reconnects (see host-key.ts). */
  hostKey?: HostKeyPolicy;
  /**
   * How long authentication failures are retried, counted from the first one. Covers sshd
   * starting before the key is installed (cloud-init). Default 30 s; never beyond timeoutMs.
   */
  authGraceMs?: number;
  /** Upper bound for one connection attempt (TCP connect, handshake, auth). Default 20 s. */
  handshakeTimeoutMs?: number;
  /**
   * Keepalives detect a machine that vanished without closing the connection (a reboot or power
   * off); a command then ends as `disconnected` after about interval × (countMax + 1).
   * Defaults 5 s and 3, as Packer's 5 s keepalive.
   */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Told about each failed attempt that will be retried (for a progress line). */
  onRetry?: (error: unknown, attempt: number) => void;
}

const DEFAULTS = {
  authGraceMs: 30_000,
  handshakeTimeoutMs: 20_000,
  keepaliveIntervalMs: 5_000,
  keepaliveCountMax: 3,
};

/** Connects to a machine, waiting up to `timeoutMs` for it to boot and accept the key. */
export async function connectSsh(options: SshConnectOptions): Promise<SshCommunicator> {
  const { timeoutMs, signal, hostKey, clock, ...rest } = options;
  const target: ConnectTarget = { ...DEFAULTS, ...withoutUndefined(rest), clock: clock ?? systemClock };
  const pin = new HostKeyPin(hostKey);
  const client = await openClient(target, pin, timeoutMs, signal);
  return new SshCommunicator(target, pin, client);
}

/** How long close() waits for sshd to acknowledge the goodbye before dropping the socket. */
const CLOSE_GRACE_MS = 1_000;

type State = { kind: 'open'; client: SshClient } | { kind: 'lost'; reason: unknown } | { kind: 'closed' };

export class SshCommunicator implements Communicator {
  private state: State;
  private reconnecting: Promise<void> | undefined;
  private readonly closing = new AbortController();

  /** Use connectSsh(); the client must be a ready session opened with this target and pin. */
  constructor(
    private readonly target: ConnectTarget,
    private readonly pin: HostKeyPin,
    client: SshClient,
  ) {
    this.state = this.adopt(client);
  }

  /** The pinned host key, `SHA256:...`, for logs and for a known_hosts entry when debugging. */
  get hostKeyFingerprint(): string | undefined {
    return this.pin.fingerprint;
  }

  /**
   * Runs a command. Once the connection is lost (and until reconnect) every command ends as
   * `disconnected` without being sent, so an expect_disconnect provisioner sees one outcome
   * whether the drop came during its command or just before it.
   */
  run(cmd: RemoteCommand): Promise<CommandResult> {
    const state = this.state;
    if (state.kind === 'closed') return Promise.reject(closedError());
    if (cmd.signal?.aborted) return Promise.reject(cmd.signal.reason);
    if (state.kind === 'lost') return Promise.resolve({ kind: 'disconnected' });
    return runCommand(state.client, cmd, () => this.state.kind === 'open' && this.state.client === state.client);
  }

  upload(source: UploadSource, remotePath: string, opts?: TransferOptions): Promise<void> {
    return this.withClient((client) => uploadFile(client, source, remotePath, opts));
  }

  uploadDir(localDir: string, remoteDir: string, opts?: TransferOptions): Promise<void> {
    return this.withClient((client) => uploadTree(client, localDir, remoteDir, opts));
  }

  download(remotePath: string, localPath: string, opts?: TransferOptions): Promise<void> {
    return this.withClient((client) => downloadFile(client, remotePath, localPath, opts));
  }

  downloadDir(remoteDir: string, localDir: string, opts?: TransferOptions): Promise<void> {
    return this.withClient((client) => downloadTree(client, remoteDir, localDir, opts));
  }

  /**
   * Drops the session and opens a new one with the same retries as the first connection. The
   * machine must present the host key pinned earlier (a reboot keeps it); a different key fails
   * with ERR_BAKE_SSH_HOST_KEY_CHANGED at once. Callers reconnecting after `reboot` should let the
   * old system go down first (Packer's pause_before / start_retry_timeout), or they may reach it
   * again just before it stops.
   */
  reconnect(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.state.kind === 'closed') return Promise.reject(closedError());
    // Two provisioners reconnecting at once share one attempt rather than race two sessions in.
    this.reconnecting ??= this.connectAgain(timeoutMs, signal).finally(() => (this.reconnecting = undefined));
    return this.reconnecting;
  }

  async close(): Promise<void> {
    this.closing.abort(closedError());
    await this.dropClient({ kind: 'closed' });
  }

  private async connectAgain(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.dropClient({ kind: 'lost', reason: new Error('reconnecting') });
    // close() ends the wait for the machine as well.
    const stop = signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
    const client = await openClient(this.target, this.pin, timeoutMs, stop);
    if (this.state.kind === 'closed') {
      client.destroy();
      throw closedError();
    }
    this.state = this.adopt(client);
  }

  private adopt(client: SshClient): State {
    const state: State = { kind: 'open', client };
    // Errors after "ready" (a keepalive timeout, a reset) are followed by close, which is what
    // marks the session lost; the listener also keeps an unheard 'error' from crashing bake.
    let lastError: unknown;
    client.on('error', (e) => (lastError = e));
    client.once('close', () => {
      if (this.state === state) this.state = { kind: 'lost', reason: lastError ?? new Error('connection closed') };
    });
    return state;
  }

  private async dropClient(next: Exclude<State, { kind: 'open' }>): Promise<void> {
    const state = this.state;
    this.state = next;
    if (state.kind !== 'open') return;
    const closed = new Promise<void>((resolve) => state.client.once('close', () => resolve()));
    // end() says goodbye to sshd; a dead peer never answers, and keepalives would take seconds,
    // so the socket is destroyed if the goodbye is not acknowledged quickly.
    state.client.end();
    const giveUp = new AbortController();
    this.target.clock.sleep(CLOSE_GRACE_MS, giveUp.signal).then(
      () => state.client.destroy(),
      () => {},
    );
    await closed;
    giveUp.abort();
  }

  private async withClient<T>(op: (client: SshClient) => Promise<T>): Promise<T> {
    const state = this.state;
    if (state.kind === 'closed') throw closedError();
    if (state.kind === 'lost') {
      throw new SshError(SshErrorCode.transferFailed, 'cannot transfer files: the SSH connection was lost', {
        hint: 'The machine rebooted or went away; a provisioner that reboots it must set expect_disconnect.',
        cause: state.reason,
      });
    }
    return op(state.client);
  }
}

function closedError(): SshError {
  return new SshError(SshErrorCode.closed, 'the SSH communicator was used after close()', {
    hint: 'This is a bug in bake: a step used the communicator after its cleanup.',
    source: 'toolkit',
  });
}

function withoutUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
