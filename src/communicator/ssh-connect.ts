/**
 * Opens one authenticated ssh2 session, retrying while the machine is still booting.
 *
 * What is retried, and why:
 * - refused, reset or unreachable sockets, handshake timeouts, and connections closed before the
 *   banner: the guest's network or sshd is not up yet. Retried until the deadline.
 * - "All configured authentication methods failed": retried, but only for `authGraceMs` after the
 *   first rejection (and never past the deadline). sshd often starts before the build's key is in
 *   place: cloud-init writes authorized_keys on EC2 after sshd is already accepting connections.
 *   A key that is really wrong must still fail quickly, so the grace window is short and counts
 *   from the first rejection, not from the start of the wait.
 * - everything else (a changed host key, an unparsable private key, an unknown host name) fails at
 *   once: waiting will not fix it.
 */
import ssh2 from 'ssh2';
import type { Client as SshClient, ConnectConfig } from 'ssh2';
import type { Clock } from '../runtime/clock.js';
import { withRetry } from '../runtime/retry.js';
import type { HostKeyPin } from './host-key.js';
import {
  ClosedBeforeReady,
  SshError,
  SshErrorCode,
  classifyConnectError,
  describeError,
  type ConnectFailure,
} from './ssh-errors.js';

export interface ConnectTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  /** Upper bound for one attempt's TCP connect + handshake + auth. */
  handshakeTimeoutMs: number;
  authGraceMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  clock: Clock;
  onRetry?: (error: unknown, attempt: number) => void;
}

/** Backoff between attempts: quick at first (local VMs boot in seconds), then every 2 s. */
const MIN_DELAY_MS = 250;
const MAX_DELAY_MS = 2_000;

/** Connects within timeoutMs, or throws an SshError (or the signal's reason when aborted). */
export async function openClient(
  target: ConnectTarget,
  pin: HostKeyPin,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<SshClient> {
  const { clock } = target;
  const deadline = clock.now() + timeoutMs;
  let firstAuthRejection: number | undefined;
  let lastError: unknown;

  const attempt = async (): Promise<SshClient> => {
    const remaining = deadline - clock.now();
    if (remaining <= 0 && lastError !== undefined) throw timeoutError(target, timeoutMs, lastError);
    try {
      return await connectOnce(target, pin, Math.max(1, Math.min(target.handshakeTimeoutMs, remaining)), signal);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      const failure = failureOf(e, pin, target);
      lastError = e;
      const now = clock.now();
      if (failure === 'auth-rejected') {
        firstAuthRejection ??= now;
        if (now - firstAuthRejection >= target.authGraceMs || now >= deadline) throw authError(target, now - firstAuthRejection, e);
        throw new Retryable(e);
      }
      if (failure === 'not-ready') {
        if (now >= deadline) throw timeoutError(target, timeoutMs, e);
        throw new Retryable(e);
      }
      throw e;
    }
  };

  return withRetry(attempt, {
    retries: Number.POSITIVE_INFINITY,
    minTimeoutMs: MIN_DELAY_MS,
    maxTimeoutMs: MAX_DELAY_MS,
    isRetryable: (e) => e instanceof Retryable,
    onRetry: (e, n) => target.onRetry?.(e instanceof Retryable ? e.cause : e, n),
    ...(signal ? { signal } : {}),
  });
}

/** Marks an attempt's failure as worth another try; `cause` is ssh2's error. */
class Retryable extends Error {
  constructor(override readonly cause: unknown) {
    super(describeError(cause), { cause });
    this.name = 'Retryable';
  }
}

/** Maps a failed attempt to what to do next, turning fatal ssh2 errors into SshErrors. */
function failureOf(e: unknown, pin: HostKeyPin, target: ConnectTarget): Exclude<ConnectFailure, 'fatal'> {
  const mismatch = pin.rejection();
  if (mismatch) {
    throw new SshError(
      SshErrorCode.hostKeyChanged,
      `${where(target)} presented host key ${mismatch.presented}, but ${
        mismatch.source === 'policy' ? 'the template expects' : 'this build pinned'
      } ${mismatch.expected}`,
      {
        hint:
          mismatch.source === 'pinned'
            ? 'A reboot keeps host keys, so another machine now answers at this address (a reused IP or port forward), or the guest regenerated its keys on reboot.'
            : 'Check the expected fingerprint, or use hostKey "accept-new".',
        cause: e,
      },
    );
  }
  const failure = classifyConnectError(e);
  if (failure !== 'fatal') return failure;
  if (e instanceof SshError) throw e;
  throw new SshError(SshErrorCode.connectFailed, `cannot connect to ${where(target)}: ${describeError(e)}`, {
    hint: 'Check the host name and port the builder reports for the machine.',
    cause: e,
  });
}

function connectOnce(target: ConnectTarget, pin: HostKeyPin, readyTimeoutMs: number, signal?: AbortSignal): Promise<SshClient> {
  return new Promise<SshClient>((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      client.removeAllListeners();
      // ssh2 may still emit an error while tearing down; an unheard 'error' would crash the process.
      client.on('error', () => {});
      client.destroy();
      reject(e);
    };
    const onAbort = () => fail(signal!.reason);
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      client.removeAllListeners();
      // The caller attaches its own listeners; until then an 'error' must not go unheard.
      client.on('error', () => {});
      pin.commit();
      resolve(client);
    });
    client.on('error', fail);
    client.on('close', () => fail(new ClosedBeforeReady()));
    signal?.addEventListener('abort', onAbort, { once: true });

    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: readyTimeoutMs,
      keepaliveInterval: target.keepaliveIntervalMs,
      keepaliveCountMax: target.keepaliveCountMax,
      hostVerifier: (key: Buffer) => pin.verify(key),
      // Only the key we were given: ssh2 reads no agent or ~/.ssh unless told to.
      tryKeyboard: false,
    };
    try {
      client.connect(config);
    } catch (e) {
      // ssh2 validates the config synchronously; the only input we do not control is the key.
      fail(
        new SshError(SshErrorCode.invalidKey, `cannot use the SSH private key for ${where(target)}: ${describeError(e)}`, {
          hint: 'Pass an unencrypted OpenSSH or PEM private key, e.g. one from generateKeyPair().',
          cause: e,
        }),
      );
    }
  });
}

function where(target: ConnectTarget): string {
  return `${target.username}@${target.host}:${target.port}`;
}

function timeoutError(target: ConnectTarget, timeoutMs: number, last: unknown): SshError {
  return new SshError(
    SshErrorCode.connectTimeout,
    `no SSH session with ${where(target)} within ${seconds(timeoutMs)} (last error: ${describeError(last)})`,
    {
      hint: 'Check that the machine booted and that sshd listens on that address and port, or raise the SSH timeout if it boots slowly.',
      cause: last,
    },
  );
}

function authError(target: ConnectTarget, rejectedForMs: number, last: unknown): SshError {
  return new SshError(
    SshErrorCode.authFailed,
    `${where(target)} rejected the build's SSH key${rejectedForMs > 0 ? ` (for ${seconds(rejectedForMs)})` : ''}`,
    {
      hint: `Check that the builder installs the build's public key in the authorized_keys of "${target.username}", and that sshd lets that user log in with a key (PermitRootLogin for root).`,
      cause: last,
    },
  );
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}
