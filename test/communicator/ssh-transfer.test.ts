/**
 * SFTP transfers against a real sshd on this machine: "remote" paths are local paths in a
 * temporary directory, so the tests can check what landed where with plain fs calls.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/communicator/keys.js';
import { connectSsh, type SshCommunicator } from '../../src/communicator/ssh.js';
import { createSshd, killQuietly, type TestSshd } from '../_helpers/sshd.js';

const key = generateKeyPair('bake-test-transfer');
let sshd: TestSshd;
let comm: SshCommunicator;
let work: string;
let local: string;
let remote: string;

beforeAll(async () => {
  sshd = await createSshd({ authorizedKeys: [key.publicKey] });
  comm = await connectSsh({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: key.privateKey, timeoutMs: 10_000 });
});
afterAll(async () => {
  await comm?.close();
  await sshd?.dispose();
});
beforeEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  work = await mkdtemp(path.join(tmpdir(), 'bake-transfer-'));
  local = path.join(work, 'local');
  remote = path.join(work, 'remote');
  await mkdir(local);
  await mkdir(remote);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

/** Every entry under dir: relative path -> "dir <mode>" or "<sha256> <mode>". */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      const rel = path.relative(dir, p);
      const mode = (await modeOf(p)).toString(8);
      if (entry.isDirectory()) {
        out[rel] = `dir ${mode}`;
        await walk(p);
      } else {
        out[rel] = `${sha256(await readFile(p))} ${mode}`;
      }
    }
  };
  await walk(dir);
  return out;
}

/** src/ with nested directories, an empty one, an executable and binary files. */
async function makeTree(root: string): Promise<void> {
  await mkdir(path.join(root, 'nested', 'deeper'), { recursive: true });
  await mkdir(path.join(root, 'nested', 'empty'));
  await writeFile(path.join(root, 'top.txt'), 'top\n');
  await writeFile(path.join(root, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  await chmod(path.join(root, 'run.sh'), 0o755);
  await writeFile(path.join(root, 'bin.dat'), randomBytes(200_000));
  await writeFile(path.join(root, 'nested', 'deeper', 'leaf.bin'), randomBytes(70_001));
  await writeFile(path.join(root, 'nested', 'note €.txt'), 'unicode name\n');
}

describe('upload', () => {
  it('writes in-memory content with the given mode', async () => {
    const dest = path.join(remote, 'script.sh');
    await comm.upload({ content: '#!/bin/sh\necho ok\n' }, dest, { mode: 0o755 });
    expect(await readFile(dest, 'utf8')).toBe('#!/bin/sh\necho ok\n');
    expect(await modeOf(dest)).toBe(0o755);
  });

  it('defaults to 0644 and applies the mode to a file that already existed', async () => {
    const dest = path.join(remote, 'existing');
    await writeFile(dest, 'old contents that are longer', { mode: 0o600 });
    await comm.upload({ content: Buffer.from([0, 1, 2, 255]) }, dest);
    expect(await readFile(dest)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(await modeOf(dest)).toBe(0o644);
  });

  it('copies a local binary file byte for byte', async () => {
    const data = randomBytes(3_000_000);
    const source = path.join(local, 'blob');
    await writeFile(source, data);
    const dest = path.join(remote, 'blob');
    await comm.upload({ path: source }, dest, { mode: 0o640 });
    expect(sha256(await readFile(dest))).toBe(sha256(data));
    expect(await modeOf(dest)).toBe(0o640);
  });

  it('fails with ERR_BAKE_SSH_LOCAL_NOT_FOUND for a missing local file, leaving the remote side alone', async () => {
    const dest = path.join(remote, 'keep');
    await writeFile(dest, 'keep me');
    const error = await comm.upload({ path: path.join(local, 'missing') }, dest).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_BAKE_SSH_LOCAL_NOT_FOUND', message: expect.stringContaining('missing') });
    expect(await readFile(dest, 'utf8')).toBe('keep me');
  });

  it('names the missing remote directory when the parent does not exist', async () => {
    const dest = path.join(remote, 'no', 'such', 'file');
    await expect(comm.upload({ content: 'x' }, dest)).rejects.toMatchObject({
      code: 'ERR_BAKE_SSH_TRANSFER_FAILED',
      message: expect.stringContaining(`remote directory ${path.join(remote, 'no', 'such')} does not exist`),
    });
  });

  it('rejects with the abort reason when aborted mid-transfer', async () => {
    const source = path.join(local, 'big');
    await writeFile(source, randomBytes(64 * 1024 * 1024));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop the upload')), 20);
    await expect(comm.upload({ path: source }, path.join(remote, 'big'), { signal: controller.signal })).rejects.toThrow('stop the upload');
    // The connection survives an aborted transfer.
    expect(await comm.run({ command: 'true' })).toEqual({ kind: 'exited', exitCode: 0 });
  });
});

describe('download', () => {
  it('copies a remote binary file byte for byte, keeping its mode unless one is given', async () => {
    const data = randomBytes(1_500_000);
    const source = path.join(remote, 'tool');
    await writeFile(source, data, { mode: 0o750 });
    await chmod(source, 0o750);
    await comm.download(source, path.join(local, 'tool'));
    expect(sha256(await readFile(path.join(local, 'tool')))).toBe(sha256(data));
    expect(await modeOf(path.join(local, 'tool'))).toBe(0o750);
    await comm.download(source, path.join(local, 'tool2'), { mode: 0o600 });
    expect(await modeOf(path.join(local, 'tool2'))).toBe(0o600);
  });

  it('fails with ERR_BAKE_SSH_REMOTE_NOT_FOUND naming the path, and creates nothing locally', async () => {
    const missing = path.join(remote, 'nope.log');
    const error = await comm.download(missing, path.join(local, 'nope.log')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_BAKE_SSH_REMOTE_NOT_FOUND', message: expect.stringContaining(missing) });
    expect(await readdir(local)).toEqual([]);
  });

  it('keeps an existing local file when the download fails', async () => {
    await writeFile(path.join(local, 'keep'), 'local');
    await expect(comm.download(path.join(remote, 'nope'), path.join(local, 'keep'))).rejects.toMatchObject({ code: 'ERR_BAKE_SSH_REMOTE_NOT_FOUND' });
    expect(await readFile(path.join(local, 'keep'), 'utf8')).toBe('local');
  });

  it('fails with ERR_BAKE_SSH_LOCAL_NOT_FOUND when the local directory is missing', async () => {
    await writeFile(path.join(remote, 'f'), 'x');
    await expect(comm.download(path.join(remote, 'f'), path.join(local, 'no', 'f'))).rejects.toMatchObject({ code: 'ERR_BAKE_SSH_LOCAL_NOT_FOUND' });
  });

  it('refuses a directory and points at downloadDir', async () => {
    await expect(comm.download(remote, path.join(local, 'x'))).rejects.toMatchObject({ hint: expect.stringContaining('downloadDir') });
  });
});

describe('uploadDir (Packer trailing-slash semantics)', () => {
  it('with "src/" copies the contents into the destination, creating it and its parents', async () => {
    const src = path.join(local, 'src');
    await makeTree(src);
    const dest = path.join(remote, 'a', 'b', 'dest');
    await comm.uploadDir(`${src}/`, dest);
    expect(await snapshot(dest)).toEqual(await snapshot(src));
    expect(await readdir(dest)).toContain('top.txt');
  });

  it('with "src" creates dest/src', async () => {
    const src = path.join(local, 'src');
    await makeTree(src);
    await comm.uploadDir(src, remote);
    expect(await readdir(remote)).toEqual(['src']);
    expect(await snapshot(path.join(remote, 'src'))).toEqual(await snapshot(src));
  });

  it('merges into an existing destination without changing its mode', async () => {
    const src = path.join(local, 'src');
    await makeTree(src);
    await writeFile(path.join(remote, 'already-there'), 'x');
    await chmod(remote, 0o711);
    await comm.uploadDir(`${src}/`, remote);
    expect(await modeOf(remote)).toBe(0o711);
    expect(await readdir(remote)).toContain('already-there');
    expect(await readdir(remote)).toContain('nested');
  });

  it('applies an explicit mode to every file, but not to directories', async () => {
    const src = path.join(local, 'src');
    await makeTree(src);
    await comm.uploadDir(src, remote, { mode: 0o600 });
    const snap = await snapshot(path.join(remote, 'src'));
    expect(snap['run.sh']).toMatch(/ 600$/);
    expect(snap['nested/deeper/leaf.bin']).toMatch(/ 600$/);
    expect(snap['nested']).toBe(`dir ${(await modeOf(path.join(src, 'nested'))).toString(8)}`);
  });

  it('fills a read-only source directory and gives it its mode afterwards', async () => {
    const src = path.join(local, 'ro');
    await mkdir(src);
    await writeFile(path.join(src, 'f'), 'x');
    await chmod(src, 0o555);
    await comm.uploadDir(src, remote);
    expect(await modeOf(path.join(remote, 'ro'))).toBe(0o555);
    expect(await readFile(path.join(remote, 'ro', 'f'), 'utf8')).toBe('x');
  });

  it('fails with ERR_BAKE_SSH_LOCAL_NOT_FOUND for a missing local directory', async () => {
    await expect(comm.uploadDir(path.join(local, 'missing/'), remote)).rejects.toMatchObject({ code: 'ERR_BAKE_SSH_LOCAL_NOT_FOUND' });
  });
});

describe('a connection lost mid-transfer', () => {
  it('fails the transfer promptly instead of hanging, and later transfers say the connection is gone', async () => {
    const own = await connectSsh({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: key.privateKey, timeoutMs: 10_000 });
    try {
      let sessionPid = 0;
      await own.run({ command: 'echo $PPID', onStdout: (l) => (sessionPid = Number(l)) });
      const source = path.join(remote, 'big');
      await writeFile(source, randomBytes(64 * 1024 * 1024));
      const download = own.download(source, path.join(local, 'big'));
      setTimeout(() => killQuietly(sessionPid), 20);
      await expect(download).rejects.toMatchObject({ code: 'ERR_BAKE_SSH_TRANSFER_FAILED' });
      expect(await readdir(local)).toEqual([]);
      await expect(own.upload({ content: 'x' }, path.join(remote, 'x'))).rejects.toMatchObject({
        code: 'ERR_BAKE_SSH_TRANSFER_FAILED',
        message: expect.stringContaining('connection was lost'),
      });
    } finally {
      await own.close();
    }
  });
});

describe('downloadDir (Packer trailing-slash semantics)', () => {
  it('with "src/" copies the contents into the destination', async () => {
    const src = path.join(remote, 'src');
    await makeTree(src);
    const dest = path.join(local, 'out', 'deep');
    await comm.downloadDir(`${src}/`, dest);
    expect(await snapshot(dest)).toEqual(await snapshot(src));
  });

  it('with "src" creates dest/src', async () => {
    const src = path.join(remote, 'src');
    await makeTree(src);
    await comm.downloadDir(src, local);
    expect(await readdir(local)).toEqual(['src']);
    expect(await snapshot(path.join(local, 'src'))).toEqual(await snapshot(src));
  });

  it('fails with ERR_BAKE_SSH_REMOTE_NOT_FOUND for a missing remote directory', async () => {
    const missing = path.join(remote, 'missing');
    await expect(comm.downloadDir(missing, local)).rejects.toMatchObject({
      code: 'ERR_BAKE_SSH_REMOTE_NOT_FOUND',
      message: expect.stringContaining(missing),
    });
  });
});
