import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/communicator/keys.js';
import { createSshd, type TestSshd } from '../_helpers/sshd.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bake-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the private key where OpenSSH tools accept it (they refuse keys others can read). */
async function keyFile(privateKey: string): Promise<string> {
  const file = path.join(dir, `id_${Math.random().toString(16).slice(2)}`);
  await writeFile(file, privateKey, { mode: 0o600 });
  return file;
}

describe('generateKeyPair', () => {
  it('returns an unencrypted OpenSSH private key and a one-line ed25519 public key with the comment', () => {
    const pair = generateKeyPair('bake-build-42');
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----\n$/);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/]+=* bake-build-42$/);
    expect(pair.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('makes a new key every time', () => {
    const a = generateKeyPair('x');
    const b = generateKeyPair('x');
    expect(a.publicKey).not.toBe(b.publicKey);
    expect(a.privateKey).not.toBe(b.privateKey);
  });

  it('refuses a comment that would break the authorized_keys line', () => {
    expect(() => generateKeyPair('a\nssh-ed25519 AAAA evil')).toThrow(TypeError);
  });

  it('is read by ssh-keygen: same public key, same fingerprint', async () => {
    const pair = generateKeyPair('bake-check');
    const file = await keyFile(pair.privateKey);
    const derived = (await run('ssh-keygen', ['-y', '-f', file])).stdout.trim();
    expect(derived).toBe(pair.publicKey);
    await writeFile(`${file}.pub`, `${pair.publicKey}\n`);
    const listed = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`])).stdout;
    expect(listed.split(' ')[1]).toBe(pair.fingerprint);
  });

  describe('with a real sshd', () => {
    const pair = generateKeyPair('bake-ssh-client');
    let sshd: TestSshd;
    beforeAll(async () => {
      sshd = await createSshd({ authorizedKeys: [pair.publicKey] });
    });
    afterAll(async () => {
      await sshd?.dispose();
    });

    it('logs in with `ssh -i` using the private key, through the authorized_keys line', async () => {
      const file = await keyFile(pair.privateKey);
      const { stdout } = await run('ssh', [
        '-i', file,
        '-p', String(sshd.port),
        '-o', 'BatchMode=yes',
        '-o', 'IdentitiesOnly=yes',
        '-o', 'StrictHostKeyChecking=no',
        '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'LogLevel=ERROR',
        '-F', '/dev/null',
        `${sshd.user}@${sshd.host}`,
        'echo logged-in',
      ]);
      expect(stdout).toBe('logged-in\n');
    });
  });
});
