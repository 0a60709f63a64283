/**
 * A communicator runs commands on and moves files to and from a machine being provisioned.
 * Provisioners talk only to this interface (Packer's model), so the same shell and file
 * provisioners serve the local qemu builder and the AWS builder.
 */

export interface RemoteCommand {
  /** A complete shell command line, already quoted by the caller. */
  command: string;
  /** Called once per line of output, without the line end. A last partial line is flushed at exit. */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  /** Abort waiting for the command; the remote process is signalled and the channel closed. */
  signal?: AbortSignal;
}

export type CommandResult =
  /** The command ran to completion with this exit status. */
  | { kind: 'exited'; exitCode: number }
  /** The remote process was killed by a signal (e.g. "KILL", "TERM"). */
  | { kind: 'signalled'; signal: string }
  /** The connection dropped before an exit status arrived (reboots: expect_disconnect). */
  | { kind: 'disconnected' };

export interface TransferOptions {
  /** Unix permission bits for uploaded files; default 0644 (0755 keeps executables executable). */
  mode?: number;
  signal?: AbortSignal;
}

export interface Communicator {
  run(cmd: RemoteCommand): Promise<CommandResult>;
  /** Uploads a local file, or in-memory content, to a remote path (parent directory must exist). */
  upload(source: { path: string } | { content: string | Buffer }, remotePath: string, opts?: TransferOptions): Promise<void>;
  /** Uploads a local directory's tree (Packer semantics: `dir/` copies the contents, `dir` the directory itself). */
  uploadDir(localDir: string, remoteDir: string, opts?: TransferOptions): Promise<void>;
  download(remotePath: string, localPath: string, opts?: TransferOptions): Promise<void>;
  downloadDir(remoteDir: string, localDir: string, opts?: TransferOptions): Promise<void>;
  /** Drops the connection and connects again (after an expected reboot), waiting up to timeoutMs. */
  reconnect(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
