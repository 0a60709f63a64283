import { describe, expect, it } from 'vitest';
import { HostKeyPin, sha256Fingerprint } from '../../src/communicator/host-key.js';

const keyA = Buffer.from('host key A');
const keyB = Buffer.from('host key B');

describe('HostKeyPin', () => {
  it('accepts any key until a session is ready, then pins the key of that session', () => {
    const pin = new HostKeyPin('accept-new');
    expect(pin.verify(keyA)).toBe(true);
    // A refused attempt (say, no authorized key yet) pins nothing; the next machine key wins.
    expect(pin.verify(keyB)).toBe(true);
    pin.commit();
    expect(pin.fingerprint).toBe(sha256Fingerprint(keyB));
    expect(pin.verify(keyA)).toBe(false);
    expect(pin.rejection()).toEqual({ expected: sha256Fingerprint(keyB), presented: sha256Fingerprint(keyA), source: 'pinned' });
    expect(pin.verify(keyB)).toBe(true);
    expect(pin.rejection()).toBeUndefined();
  });

  it('checks a fingerprint given up front from the first handshake', () => {
    const pin = new HostKeyPin({ sha256: sha256Fingerprint(keyA) });
    expect(pin.verify(keyB)).toBe(false);
    expect(pin.rejection()?.source).toBe('policy');
    expect(pin.verify(keyA)).toBe(true);
  });

  it('formats fingerprints as OpenSSH does: SHA256 and unpadded base64', () => {
    expect(sha256Fingerprint(Buffer.from(''))).toBe('SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU');
  });
});
