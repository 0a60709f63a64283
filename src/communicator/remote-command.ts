/**
 * Runs one command on an open ssh2 session and reports how it ended.
 *
 * The outcome comes from the channel's close, not from its exit message: output can still arrive
 * after "exit-status", and all of it must reach the callbacks first. A channel that closes with no
 * exit status or signal means the connection went away underneath the command (a reboot, a killed
 * sshd), which is `disconnected`. When the peer vanishes without closing TCP (a VM powering off),
 * only ssh2's keepalives notice; they then close the socket and every open channel with it, so
 * `run` cannot hang on a dead machine for longer than the keepalive budget.
 */
import type { Channel, Client as SshClient } from 'ssh2';
import type { CommandResult, RemoteCommand } from './communicator.js';
import { LineSplitter } from './line-splitter.js';
import { SshError, SshErrorCode, describeError } from './ssh-errors.js';

/**
 * Sent on abort. OpenSSH (7.9+) delivers it to the command's process group, but only when the
 * session runs under privilege separation, which sshd turns off for root logins; it then logs and
 * ignores the request. Closing the channel is what always happens: the command loses its stdout
 * and stderr and dies of SIGPIPE at its next write, or runs on until it ends (builds are torn down
 * after an abort anyway).
 */
const ABORT_SIGNAL = 'TERM';

export function runCommand(client: SshClient, cmd: RemoteCommand, isConnected: () => boolean): Promise<CommandResult> {
  const { signal } = cmd;
  return new Promise<CommandResult>((resolve, reject) => {
    let settled = false;
    let channel: Channel | undefined;
    const finish = (outcome: { result: CommandResult } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if ('result' in outcome) resolve(outcome.result);
      else reject(outcome.error);
    };
    // Abort and a throwing callback both stop the command the same way: ask the remote process
    // group to terminate, then close the channel so we stop waiting whether or not it complies.
    const stop = (error: unknown) => {
      if (channel) {
        try {
          channel.signal(ABORT_SIGNAL);
          channel.close();
        } catch {
          // The channel or the connection is already gone: nothing left to stop.
        }
      }
      finish({ error });
    };
    const onAbort = () => stop(signal!.reason);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const guard = (callback: ((line: string) => void) | undefined) => (line: string) => {
      if (settled || !callback) return;
      try {
        callback(line);
      } catch (e) {
        stop(e);
      }
    };
    const stdout = new LineSplitter(guard(cmd.onStdout));
    const stderr = new LineSplitter(guard(cmd.onStderr));

    try {
      client.exec(cmd.command, (err, stream) => {
        if (err) {
          // ssh2 fails pending channel opens with "No response from server" when the socket closes.
          if (!isConnected()) return finish({ result: { kind: 'disconnected' } });
          return finish({
            error: new SshError(SshErrorCode.execFailed, `sshd refused to start a command: ${describeError(err)}`, {
              hint: 'The guest may have reached its sshd MaxSessions limit; run fewer commands at once.',
              cause: err,
            }),
          });
        }
        channel = stream;
        if (settled) {
          // Aborted while the channel was opening: the command may already be starting.
          stop(undefined);
          return;
        }
        let exit: CommandResult | undefined;
        stream.on('exit', (code: number | null, signalName?: string) => {
          if (typeof code === 'number') exit = { kind: 'exited', exitCode: code };
          // ssh2 reports "SIGTERM"; the interface speaks OpenSSH's bare names ("TERM").
          else if (signalName) exit = { kind: 'signalled', signal: signalName.replace(/^SIG/, '') };
        });
        stream.on('data', (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        stream.on('close', () => {
          stdout.end();
          stderr.end();
          finish({ result: exit ?? { kind: 'disconnected' } });
        });
        // Channel errors are followed by close, which settles; an unheard 'error' would throw.
        stream.on('error', () => {});
      });
    } catch {
      // ssh2 throws "Not connected" synchronously once the socket is gone.
      finish({ result: { kind: 'disconnected' } });
    }
  });
}
