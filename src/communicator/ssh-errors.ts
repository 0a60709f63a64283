/**
 * The errors the SSH communicator raises on purpose, each with a stable code and a hint, and the
 * classification of ssh2's raw errors into "the machine is not ready yet" versus "give up".
 */
import { BakeError, type ErrorSource } from '../errors.js';

export const SshErrorCode = {
  /** The machine never accepted an SSH session before the deadline. */
  connectTimeout: 'ERR_BAKE_SSH_CONNECT_TIMEOUT',
  /** sshd answered but kept rejecting the key after the auth grace window. */
  authFailed: 'ERR_BAKE_SSH_AUTH_FAILED',
  /** The host key differs from the one pinned earlier in this build. */
  hostKeyChanged: 'ERR_BAKE_SSH_HOST_KEY_CHANGED',
  /** The private key could not be parsed. */
  invalidKey: 'ERR_BAKE_SSH_INVALID_KEY',
  /** Any other connection failure that retrying will not fix (e.g. an unknown host name). */
  connectFailed: 'ERR_BAKE_SSH_CONNECT_FAILED',
  /** The communicator was used after close(). */
  closed: 'ERR_BAKE_SSH_CLOSED',
  /** sshd refused to open a session channel (e.g. MaxSessions reached). */
  execFailed: 'ERR_BAKE_SSH_EXEC_FAILED',
  remoteNotFound: 'ERR_BAKE_SSH_REMOTE_NOT_FOUND',
  localNotFound: 'ERR_BAKE_SSH_LOCAL_NOT_FOUND',
  transferFailed: 'ERR_BAKE_SSH_TRANSFER_FAILED',
} as const;

export type SshErrorCode = (typeof SshErrorCode)[keyof typeof SshErrorCode];

export class SshError extends BakeError {
  /** `source` defaults to 'user': the machine, the template or the network, not bake, is at fault. */
  constructor(code: SshErrorCode, message: string, options: { hint?: string; cause?: unknown; source?: ErrorSource } = {}) {
    super(code, message, { ...options, source: options.source ?? 'user' });
    this.name = 'SshError';
  }
}

export function isSshError(e: unknown, code?: SshErrorCode): e is SshError {
  return e instanceof SshError && (code === undefined || e.code === code);
}

/** The connection closed after the handshake began but before authentication finished. */
export class ClosedBeforeReady extends Error {
  constructor() {
    super('connection closed before the SSH session was ready');
    this.name = 'ClosedBeforeReady';
  }
}

/** What one failed connection attempt means for the next one. */
export type ConnectFailure = 'not-ready' | 'auth-rejected' | 'fatal';

/** Socket errors a booting machine produces before sshd is up, or while the network is coming up. */
const NOT_READY_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  // A temporary DNS failure; ENOTFOUND (the name does not exist) stays fatal.
  'EAI_AGAIN',
]);

/** ssh2 sets `level` on the errors it raises itself; sockets add a string `code`. */
interface Ssh2ErrorShape {
  message?: unknown;
  level?: unknown;
  code?: unknown;
}

export function classifyConnectError(e: unknown): ConnectFailure {
  if (typeof e !== 'object' || e === null) return 'fatal';
  const { message, level, code } = e as Ssh2ErrorShape;
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && NOT_READY_SOCKET_CODES.has(code)) return 'not-ready';
  // "Timed out while waiting for handshake": sshd is listening but not answering yet, or the
  // guest is under load while booting.
  if (level === 'client-timeout') return 'not-ready';
  // Accepted the TCP connection, then closed it before the banner: sshd starting, or MaxStartups
  // dropping us while a cloud instance boots.
  if (text === 'Connection lost before handshake') return 'not-ready';
  if (e instanceof ClosedBeforeReady) return 'not-ready';
  if (level === 'client-authentication') return 'auth-rejected';
  return 'fatal';
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
