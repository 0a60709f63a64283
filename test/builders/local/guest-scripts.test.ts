/**
 * The shell scripts bake bakes into every base image, run here on the host against a fake
 * /proc/cmdline (BAKE_CMDLINE) and scratch directories instead of /run/bake/ssh and /etc/ssh.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../_helpers/cli.js';
import { guestConfig, sshKeyKernelArg } from '../../../src/builders/local/guest-config.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIADREhAnnld9IU4rGOraazBltA/7Q+36PkBl4bZDmqIh bake-build-42';
const scripts = Object.fromEntries(guestConfig({ hostname: 'h' }).files.map((f) => [path.basename(f.path), f.content]));

function runScript(name: string, cmdline: string, env: Record<string, string>) {
  const dir = testdir();
  writeFileSync(path.join(dir, 'cmdline'), `${cmdline}\n`);
  const result = spawnSync('sh', ['-c', scripts[name]!], { env: { ...process.env, BAKE_CMDLINE: path.join(dir, 'cmdline'), ...env }, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('bake-ssh-authorized-key', () => {
  it("writes the kernel command line's key for root, readable by its owner only", () => {
    const keys = path.join(testdir(), 'ssh');
    const me = userInfo().username;
    const run = runScript('bake-ssh-authorized-key', `root=/dev/vda rw console=ttyS0 ${sshKeyKernelArg(`${KEY}\n`)} bake.ssh_user=${me} quiet`, { BAKE_KEYS_DIR: keys });
    expect(run).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(path.join(keys, me), 'utf8')).toBe(`${KEY}\n`);
    expect(statSync(path.join(keys, me)).mode & 0o777).toBe(0o600);
    expect(statSync(keys).mode & 0o777).toBe(0o755);
    expect(readdirSync(keys)).toEqual([me]);
  });

  it('does nothing when the command line has no key', () => {
    const keys = path.join(testdir(), 'ssh');
    expect(runScript('bake-ssh-authorized-key', 'root=/dev/vda rw', { BAKE_KEYS_DIR: keys }).status).toBe(0);
    expect(existsSync(keys)).toBe(false);
  });

  it('refuses a user name that would leave the keys directory', () => {
    const keys = path.join(testdir(), 'ssh');
    const run = runScript('bake-ssh-authorized-key', `${sshKeyKernelArg(KEY)} bake.ssh_user=../../etc/x`, { BAKE_KEYS_DIR: keys });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("refusing ssh user name '../../etc/x'");
    expect(existsSync(keys)).toBe(false);
  });

  it('is not fooled by glob characters on the command line', () => {
    const keys = path.join(testdir(), 'ssh');
    const me = userInfo().username;
    expect(runScript('bake-ssh-authorized-key', `* /* ${sshKeyKernelArg(KEY)} bake.ssh_user=${me}`, { BAKE_KEYS_DIR: keys }).status).toBe(0);
    expect(readFileSync(path.join(keys, me), 'utf8')).toBe(`${KEY}\n`);
  });
});

const hasSshKeygen = spawnSync('ssh-keygen', ['-?']).error === undefined;
describe.skipIf(!hasSshKeygen)('bake-ssh-host-keys', () => {
  it('makes ed25519 and ecdsa host keys once per instance id, and new ones for a new id', () => {
    const sshDir = testdir();
    mkdirSync(sshDir, { recursive: true });
    const keysNow = () => readdirSync(sshDir).filter((n) => n.startsWith('ssh_host_')).sort();
    const pub = () => readFileSync(path.join(sshDir, 'ssh_host_ed25519_key.pub'), 'utf8');

    expect(runScript('bake-ssh-host-keys', 'root=/dev/vda bake.instance_id=aaa', { BAKE_SSH_DIR: sshDir }).status).toBe(0);
    expect(keysNow()).toEqual(['ssh_host_ecdsa_key', 'ssh_host_ecdsa_key.pub', 'ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub']);
    const first = pub();

    // The guest rebooted itself: same command line, same keys.
    expect(runScript('bake-ssh-host-keys', 'root=/dev/vda bake.instance_id=aaa', { BAKE_SSH_DIR: sshDir }).status).toBe(0);
    expect(pub()).toBe(first);

    // A layer built on this disk, or a VM deployed from it: a new instance, new keys; an old RSA key goes too.
    writeFileSync(path.join(sshDir, 'ssh_host_rsa_key'), 'inherited');
    expect(runScript('bake-ssh-host-keys', 'root=/dev/vda bake.instance_id=bbb', { BAKE_SSH_DIR: sshDir }).status).toBe(0);
    expect(pub()).not.toBe(first);
    expect(keysNow()).not.toContain('ssh_host_rsa_key');
    expect(readFileSync(path.join(sshDir, 'bake-instance-id'), 'utf8')).toBe('bbb\n');
  });
});
