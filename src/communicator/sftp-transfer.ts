/**
 * Single-file upload and download over SFTP, and the mapping of SFTP's status codes to errors
 * that say which side and which path went wrong.
 */
import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path/posix';
import type { Client as SshClient } from 'ssh2';
import type { TransferOptions } from './communicator.js';
import { RemoteFs, isNoSuchFile, isPermissionDenied } from './remote-fs.js';
import { SshError, SshErrorCode, describeError } from './ssh-errors.js';

export type UploadSource = { path: string } | { content: string | Buffer };

/** The interface's default for uploads: readable, not executable. */
export const DEFAULT_UPLOAD_MODE = 0o644;

export async function uploadFile(client: SshClient, source: UploadSource, remotePath: string, opts: TransferOptions = {}): Promise<void> {
  const mode = opts.mode ?? DEFAULT_UPLOAD_MODE;
  // Check the local side first, so a typo does not truncate the remote file before failing.
  if ('path' in source) await requireLocal(source.path, 'file');
  const remote = await openRemote(client, opts.signal);
  try {
    // Both set the mode explicitly after writing: exact (no umask), and applied to existing files too.
    if ('path' in source) await remote.putFile(source.path, remotePath, mode);
    else await remote.writeFile(remotePath, typeof source.content === 'string' ? Buffer.from(source.content, 'utf8') : source.content, mode);
  } catch (e) {
    throw transferError(e, 'upload', remotePath, opts.signal);
  } finally {
    remote.end();
  }
}

export async function downloadFile(client: SshClient, remotePath: string, localPath: string, opts: TransferOptions = {}): Promise<void> {
  const remote = await openRemote(client, opts.signal);
  try {
    const attrs = await remote.stat(remotePath);
    if (attrs === undefined) throw remoteNotFound(remotePath);
    if (attrs.isDirectory()) {
      throw new SshError(SshErrorCode.transferFailed, `cannot download ${remotePath}: it is a directory`, {
        hint: 'Use downloadDir for directories.',
      });
    }
    await fetchFile(remote, remotePath, localPath, opts.mode ?? attrs.mode & 0o777, opts.signal);
  } catch (e) {
    throw transferError(e, 'download', remotePath, opts.signal);
  } finally {
    remote.end();
  }
}

/**
 * Downloads one file; without an explicit mode the remote file's permission bits are kept, so a
 * downloaded script stays executable. The data lands in a temporary sibling that is renamed into
 * place, so a failed download neither leaves a partial file nor destroys an existing one.
 */
export async function fetchFile(remote: RemoteFs, remotePath: string, localPath: string, mode: number, signal?: AbortSignal): Promise<void> {
  const partial = `${localPath}.${randomBytes(4).toString('hex')}.part`;
  try {
    await remote.getFile(remotePath, partial);
    await chmod(partial, mode);
    await rename(partial, localPath);
  } catch (e) {
    await rm(partial, { force: true }).catch(() => {});
    if (!signal?.aborted && (e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SshError(SshErrorCode.localNotFound, `cannot download to ${localPath}: its local directory does not exist`, {
        hint: 'Create the local directory first.',
        cause: e,
      });
    }
    throw e;
  }
}

export async function openRemote(client: SshClient, signal?: AbortSignal): Promise<RemoteFs> {
  try {
    return await RemoteFs.open(client, signal);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw new SshError(SshErrorCode.transferFailed, `cannot start an SFTP session: ${describeError(e)}`, {
      hint: 'The connection may have dropped, or the guest\'s sshd has no "Subsystem sftp" configured.',
      cause: e,
    });
  }
}

/** Fails unless a local path exists and is of the wanted kind; returns its stats. */
export async function requireLocal(localPath: string, kind: 'file' | 'dir') {
  const stats = await stat(localPath).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') {
      throw new SshError(SshErrorCode.localNotFound, `cannot upload ${localPath}: no such local ${kind === 'dir' ? 'directory' : 'file'}`, {
        hint: 'Paths are relative to the directory bake runs in unless absolute.',
        cause: e,
      });
    }
    throw e;
  });
  if (kind === 'file' && stats.isDirectory()) {
    throw new SshError(SshErrorCode.transferFailed, `cannot upload ${localPath}: it is a directory`, { hint: 'Use uploadDir for directories.' });
  }
  if (kind === 'dir' && !stats.isDirectory()) {
    throw new SshError(SshErrorCode.transferFailed, `cannot upload ${localPath} as a directory: it is not one`, { hint: 'Use upload for files.' });
  }
  return stats;
}

export function remoteNotFound(remotePath: string): SshError {
  return new SshError(SshErrorCode.remoteNotFound, `cannot download ${remotePath}: no such file or directory on the machine`, {
    hint: 'Check the path; relative remote paths start in the SSH user\'s home directory.',
  });
}

/** Turns a failed transfer into an SshError naming the path; an abort keeps its own reason. */
export function transferError(e: unknown, op: 'upload' | 'download', remotePath: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  if (e instanceof SshError) return e;
  if (isNoSuchFile(e)) {
    return op === 'download'
      ? remoteNotFound(remotePath)
      : new SshError(SshErrorCode.transferFailed, `cannot upload to ${remotePath}: the remote directory ${path.dirname(remotePath)} does not exist`, {
          hint: 'Create the directory first (e.g. with a shell provisioner), or upload into one that exists.',
          cause: e,
        });
  }
  if (isPermissionDenied(e)) {
    return new SshError(SshErrorCode.transferFailed, `cannot ${op} ${remotePath}: permission denied on the machine`, {
      hint: 'Upload to a directory the SSH user can write (e.g. /tmp), then move the file with sudo in a shell provisioner.',
      cause: e,
    });
  }
  return new SshError(SshErrorCode.transferFailed, `${op} of ${remotePath} failed: ${describeError(e)}`, { cause: e });
}
