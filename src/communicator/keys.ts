/**
 * Per-build SSH key pairs. Every build generates its own ed25519 pair in memory: no key is shared
 * between builds or checked into a project, and a leaked image carries nothing that opens another
 * build's machine. Callers that must hand the private key to `ssh -i` (debugging a failed build)
 * write it themselves, with mode 0600, outside the project.
 */
// ssh2 is CommonJS without named-export hints, so Node's ESM loader needs the default import.
import ssh2 from 'ssh2';
import { sha256Fingerprint } from './host-key.js';

export interface SshKeyPair {
  /** OpenSSH private key ("-----BEGIN OPENSSH PRIVATE KEY-----"), unencrypted; ssh2 and `ssh -i` read it. */
  privateKey: string;
  /** One authorized_keys line: `ssh-ed25519 <base64> <comment>`, without a line end. */
  publicKey: string;
  /** `SHA256:...`, as `ssh-keygen -lf` prints it, for logs. */
  fingerprint: string;
}

/**
 * @param comment ends the public key line (e.g. `bake-<build id>`), so the key can be identified
 *   in a guest's authorized_keys. One line of printable text.
 */
export function generateKeyPair(comment: string): SshKeyPair {
  // A line break would end the authorized_keys line and start another one.
  if (/[\u0000-\u001f\u007f]/.test(comment)) {
    throw new TypeError(`SSH key comment must be printable text on one line: ${JSON.stringify(comment)}`);
  }
  // ssh2 converts Node's ed25519 keys to OpenSSH's own formats (Node only writes PKCS#8/SPKI).
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
  const blob = pair.public.split(' ')[1];
  if (blob === undefined) throw new Error(`ssh2 returned an unexpected public key line: ${pair.public}`);
  return {
    privateKey: pair.private,
    publicKey: pair.public,
    fingerprint: sha256Fingerprint(Buffer.from(blob, 'base64')),
  };
}
