/**
 * Host key trust for build machines. A guest's host key is generated on its first boot, so there is
 * nothing to check it against before the build ("accept-new", as `ssh -o
 * StrictHostKeyChecking=accept-new` does for an unknown host). What we can check is that the
 * machine stays the same one: the key presented when the first session became ready is pinned for
 * the communicator's life, and a reconnect (after an expected reboot) must present it again. A
 * reboot keeps the host keys on disk, so a different key means a different machine answered at
 * that address (an IP reused by another VM, a stale port forward) or something in between.
 *
 * When the key is known up front (e.g. read from an EC2 console log), pass its fingerprint and it
 * is checked from the first connection on.
 */
import { createHash } from 'node:crypto';

export type HostKeyPolicy =
  /** Trust the key the first session presents, then require it on every reconnect. */
  | 'accept-new'
  /** Require this key from the start, as OpenSSH prints it: `SHA256:<base64 without padding>`. */
  | { sha256: string };

/** OpenSSH's fingerprint format for a public key blob (`ssh-keygen -lf`). */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export class HostKeyPin {
  private pinned: string | undefined;
  private readonly fromPolicy: boolean;
  /** What the last verification saw, so a refused connection can say which key it refused. */
  private lastSeen: string | undefined;
  private lastRejected = false;

  constructor(policy: HostKeyPolicy = 'accept-new') {
    this.fromPolicy = policy !== 'accept-new';
    this.pinned = policy === 'accept-new' ? undefined : policy.sha256;
  }

  /** The pinned fingerprint, once a session was established (or from the policy). */
  get fingerprint(): string | undefined {
    return this.pinned;
  }

  /** For ssh2's `hostVerifier`: called during each handshake with the server's key blob. */
  verify(keyBlob: Buffer): boolean {
    this.lastSeen = sha256Fingerprint(keyBlob);
    this.lastRejected = this.pinned !== undefined && this.pinned !== this.lastSeen;
    return !this.lastRejected;
  }

  /**
   * Pins the key of the session that became ready. Pinning waits for "ready" rather than the first
   * handshake because early attempts while a guest boots may be refused (no key installed yet),
   * and the session bake actually uses is the one whose key must persist.
   */
  commit(): void {
    if (this.pinned === undefined) this.pinned = this.lastSeen;
  }

  /** The mismatch the last handshake hit, if that is why it failed. */
  rejection(): { expected: string; presented: string; source: 'policy' | 'pinned' } | undefined {
    if (!this.lastRejected || this.pinned === undefined || this.lastSeen === undefined) return undefined;
    return { expected: this.pinned, presented: this.lastSeen, source: this.fromPolicy ? 'policy' : 'pinned' };
  }
}
