/**
 * Recursive directory transfers with Packer's file provisioner semantics: a source ending in "/"
 * copies its contents into the destination; without the slash the directory itself is copied, so
 * `uploadDir("app", "/opt")` creates /opt/app. Missing destination directories are created.
 *
 * Permission bits travel with the files (as Packer's scp does) unless `mode` is given, which then
 * applies to every file but not to directories. A directory's own mode is applied after its
 * contents are written, so a read-only directory (0555) can still be filled.
 * Symlinks are followed; a link back into a directory being copied is an error, not a loop.
 */
import { chmod, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import localPath from 'node:path';
import remotePath from 'node:path/posix';
import type { Client as SshClient } from 'ssh2';
import type { TransferOptions } from './communicator.js';
import type { RemoteFs } from './remote-fs.js';
import { fetchFile, openRemote, remoteNotFound, requireLocal, transferError } from './sftp-transfer.js';
import { SshError, SshErrorCode } from './ssh-errors.js';

/** Where a tree lands under Packer's trailing-slash rule. */
export function treeDestination(source: string, destination: string, pathApi: typeof localPath.posix): string {
  return source.endsWith('/') ? destination : pathApi.join(destination, pathApi.basename(source));
}

export async function uploadTree(client: SshClient, localDir: string, remoteDir: string, opts: TransferOptions = {}): Promise<void> {
  const rootStats = await requireLocal(localDir, 'dir');
  const root = treeDestination(localDir, remoteDir, remotePath);
  const remote = await openRemote(client, opts.signal);
  let current = root;
  try {
    await ensureRemoteParents(remote, root);
    const walk = async (dir: string, target: string, mode: number, ancestors: Set<string>): Promise<void> => {
      current = target;
      const created = await ensureRemoteDir(remote, target);
      for (const name of (await readdir(dir)).sort()) {
        const source = localPath.join(dir, name);
        const dest = remotePath.join(target, name);
        current = dest;
        const stats = await stat(source).catch(() => undefined);
        if (stats === undefined) throw notCopyable(source, 'a dangling symlink');
        if (stats.isDirectory()) {
          const real = await realpath(source);
          if (ancestors.has(real)) throw notCopyable(source, 'a symlink to a directory that contains it');
          await walk(source, dest, stats.mode & 0o777, new Set([...ancestors, real]));
        } else if (stats.isFile()) {
          await remote.putFile(source, dest, opts.mode ?? stats.mode & 0o777);
        } else {
          throw notCopyable(source, 'not a regular file or directory');
        }
      }
      // Only directories this upload created: an existing /opt or /tmp keeps its mode.
      if (created) await remote.chmod(target, mode);
    };
    await walk(localDir, root, rootStats.mode & 0o777, new Set([await realpath(localDir)]));
  } catch (e) {
    throw transferError(e, 'upload', current, opts.signal);
  } finally {
    remote.end();
  }
}

export async function downloadTree(client: SshClient, remoteDir: string, localDir: string, opts: TransferOptions = {}): Promise<void> {
  const remote = await openRemote(client, opts.signal);
  let current = remoteDir;
  try {
    const rootStats = await remote.stat(remoteDir);
    if (rootStats === undefined) throw remoteNotFound(remoteDir);
    if (!rootStats.isDirectory()) {
      throw new SshError(SshErrorCode.transferFailed, `cannot download ${remoteDir} as a directory: it is not one`, { hint: 'Use download for files.' });
    }
    const walk = async (dir: string, target: string, mode: number, ancestors: Set<string>): Promise<void> => {
      // mkdir reports the first directory it created; undefined means the target already existed.
      const created = (await mkdir(target, { recursive: true })) !== undefined;
      const entries = (await remote.readdir(dir)).filter((e) => e.filename !== '.' && e.filename !== '..');
      for (const entry of entries.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))) {
        const source = (current = remotePath.join(dir, entry.filename));
        const dest = localPath.join(target, entry.filename);
        // OpenSSH lists entries with lstat; follow links to what they point at.
        const attrs = entry.attrs.isSymbolicLink() ? await remote.stat(source) : entry.attrs;
        if (attrs === undefined) throw notCopyable(source, 'a dangling symlink');
        if (attrs.isDirectory()) {
          const real = await remote.realpath(source);
          if (ancestors.has(real)) throw notCopyable(source, 'a symlink to a directory that contains it');
          await walk(source, dest, attrs.mode & 0o777, new Set([...ancestors, real]));
        } else if (attrs.isFile()) {
          await fetchFile(remote, source, dest, opts.mode ?? attrs.mode & 0o777, opts.signal);
        } else {
          throw notCopyable(source, 'not a regular file or directory');
        }
      }
      // Only directories this download created: an existing destination keeps its mode.
      if (created) await chmod(target, mode);
    };
    const root = treeDestination(remoteDir, localDir, localPath);
    await walk(remoteDir, root, rootStats.mode & 0o777, new Set([await remote.realpath(remoteDir)]));
  } catch (e) {
    throw transferError(e, 'download', current, opts.signal);
  } finally {
    remote.end();
  }
}

/** `mkdir -p` for the destination's parents; they get 0755, as mkdir -p gives them. */
async function ensureRemoteParents(remote: RemoteFs, dir: string): Promise<void> {
  const normalized = remotePath.normalize(dir);
  const parts = normalized.split('/').filter((p) => p !== '' && p !== '.');
  let prefix = normalized.startsWith('/') ? '/' : '';
  for (const part of parts.slice(0, -1)) {
    prefix = prefix === '' ? part : remotePath.join(prefix, part);
    if (part !== '..') await ensureRemoteDir(remote, prefix, 0o755);
  }
}

/** Creates a remote directory unless it exists; returns whether it created it. */
async function ensureRemoteDir(remote: RemoteFs, dir: string, mode?: number): Promise<boolean> {
  const existing = await remote.stat(dir);
  if (existing?.isDirectory()) return false;
  if (existing) throw new SshError(SshErrorCode.transferFailed, `cannot create directory ${dir} on the machine: a file is in the way`);
  // Owner-writable while it is filled; the final mode comes after (see the file comment).
  await remote.mkdir(dir, 0o700);
  if (mode !== undefined) await remote.chmod(dir, mode);
  return true;
}

function notCopyable(path: string, why: string): SshError {
  return new SshError(SshErrorCode.transferFailed, `cannot copy ${path}: ${why}`, {
    hint: 'Remove it from the tree, or copy the files it stands for instead.',
  });
}
