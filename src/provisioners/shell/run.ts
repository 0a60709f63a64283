/**
 * The `shell` provisioner, with Packer's remote shell semantics: each script (the `inline` lines
 * as one script, or each `script`/`scripts` file) is uploaded to remote_folder/remote_file with
 * mode 0755, run with execute_command, and removed afterwards unless skip_clean is set. The first
 * script that fails stops the provisioner.
 *
 * A connection that drops during a script is success only with expect_disconnect (a reboot);
 * bake then reconnects, waiting up to start_retry_timeout, before going on. A script killed by a
 * signal counts as that disconnect too when expect_disconnect is set: during a shutdown the
 * session may be killed before sshd goes, and which comes first is up to the guest's init.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path/posix';
import type { CommandResult } from '../../communicator/communicator.js';
import { LastLines } from '../last-lines.js';
import { blockName, failed, outcomeFromError, ProvisionerErrorCode } from '../provision-failure.js';
import type { FailedOutcome, Provisioner, ProvisionerRun, ProvisionOutcome } from '../provisioner.js';
import { planExecuteCommand, scriptEnvironment, shellQuote } from './execute-command.js';
import { loadScripts } from './scripts.js';
import { readShellSettings } from './settings.js';

/** Scripts are executables: the default execute_command chmods them anyway, custom ones may not. */
const SCRIPT_MODE = 0o755;

/**
 * Packer's "disconnected" pseudo exit status (packersdk.CmdDisconnect). Templates written for
 * Packer accept a reboot with `valid_exit_codes = [0, 2300218]` instead of expect_disconnect.
 */
export const PACKER_DISCONNECT_STATUS = 2300218;

export interface ShellRunnerDeps {
  /** The remote file name when remote_file is unset. Default: script_<8 random hex>.sh. */
  randomFileName?: () => string;
}

export function createShellRunner(deps: ShellRunnerDeps = {}): Provisioner {
  // A hard-to-guess name: /tmp is shared with every user of the machine.
  const randomFileName = deps.randomFileName ?? (() => `script_${randomBytes(4).toString('hex')}.sh`);
  return { run: (p) => runShell(p, randomFileName) };
}

export const shellRunner: Provisioner = createShellRunner();

async function runShell(p: ProvisionerRun, randomFileName: () => string): Promise<ProvisionOutcome> {
  const started = p.clock.now();
  const block = blockName('shell', p.range);
  const s = readShellSettings(p.config);
  const remotePath = path.join(s.remoteFolder, s.remoteFile ?? randomFileName());
  const plan = planExecuteCommand(s.executeCommand, scriptEnvironment(p.build, s.environmentVars, s.env), remotePath);
  if (plan.kind === 'invalid') {
    return failed(ProvisionerErrorCode.shellBadConfig, `${block}: ${plan.message}`, { command: s.executeCommand, hint: plan.hint });
  }
  const display = plan.display;

  let current = 'read the scripts';
  let lines = new LastLines();
  const exec = async (command: string): Promise<CommandResult> => {
    lines = new LastLines();
    return p.comm.run({
      command,
      signal: p.signal,
      onStdout: (line) => {
        lines.push(line);
        p.output.onLine('stdout', line);
      },
      onStderr: (line) => {
        lines.push(line);
        p.output.onLine('stderr', line);
      },
    });
  };
  const expectsDisconnect = s.expectDisconnect || s.validExitCodes.includes(PACKER_DISCONNECT_STATUS);
  const reconnect = async (after: string): Promise<FailedOutcome | undefined> => {
    p.log(`The connection dropped during ${after}, as expect_disconnect allows; waiting for the machine to accept SSH again`);
    current = `reconnect (start_retry_timeout ${Math.round(s.startRetryTimeoutMs / 1000)}s)`;
    try {
      await p.comm.reconnect(s.startRetryTimeoutMs, p.signal);
      return undefined;
    } catch (e) {
      if (p.signal.aborted) throw e;
      return failed(ProvisionerErrorCode.shellReconnectFailed, `${block}: the machine did not accept SSH again after ${after}: ${errorMessage(e)}`, {
        command: current,
        hint: 'Raise start_retry_timeout if the machine takes longer to come back, and check on its console that it boots.',
      });
    }
  };

  try {
    const loaded = await loadScripts(s.source, { inlineShebang: s.inlineShebang, binary: s.binary, workDir: p.workDir, fs: p.fs });
    if (loaded.kind === 'missing') {
      return failed(ProvisionerErrorCode.shellScriptNotFound, `${block}: script "${loaded.path}" not found (looked for ${loaded.resolved})`, {
        command: `read ${loaded.resolved}`,
        hint: 'Relative script paths resolve against the directory bake runs in, as in Packer; write "${path.root}/..." for a file beside the template.',
      });
    }
    for (const script of loaded.scripts) {
      p.log(`Provisioning with shell script: ${script.label}`);
      current = `upload ${script.label} to ${remotePath}`;
      await p.comm.upload({ content: script.content }, remotePath, { mode: SCRIPT_MODE, signal: p.signal });

      current = display;
      const result = await exec(plan.command);
      const problem = await judge(result, script.label);
      if (problem) return problem;

      if (!s.skipClean) {
        current = `rm -f ${shellQuote(remotePath)}`;
        let removed = await exec(current);
        // A script that starts a reboot and exits 0 loses the connection only now.
        if (removed.kind === 'disconnected' && expectsDisconnect) {
          const lost = await reconnect(`the removal of ${remotePath}`);
          if (lost) return lost;
          removed = await exec(current);
        }
        if (removed.kind !== 'exited' || removed.exitCode !== 0) {
          return failed(ProvisionerErrorCode.shellCleanupFailed, `${block}: could not remove the uploaded script ${remotePath}: ${describeResult(removed)}`, {
            command: current,
            lastLines: lines.lines,
            ...(removed.kind === 'exited' ? { exitCode: removed.exitCode } : {}),
            hint: 'Make remote_folder a directory the SSH user can write, or set skip_clean = true to leave the script in place.',
          });
        }
      }
    }
    return { kind: 'ok', durationMs: p.clock.now() - started };
  } catch (e) {
    return outcomeFromError(e, { block, command: current, lastLines: lines.lines, signal: p.signal });
  }

  async function judge(result: CommandResult, label: string): Promise<FailedOutcome | undefined> {
    const details = { command: display, lastLines: lines.lines };
    if (result.kind === 'exited') {
      if (s.validExitCodes.includes(result.exitCode)) return undefined;
      return failed(ProvisionerErrorCode.shellExitCode, `${block}: ${label} exited with status ${result.exitCode}`, {
        ...details,
        exitCode: result.exitCode,
        hint: `Fix the command that failed (see the last lines of output). If status ${result.exitCode} means success, add it to valid_exit_codes (now [${s.validExitCodes.join(', ')}]).`,
      });
    }
    if (expectsDisconnect) return reconnect(label);
    if (result.kind === 'signalled') {
      return failed(ProvisionerErrorCode.shellSignalled, `${block}: ${label} was killed by signal ${result.signal}`, {
        ...details,
        hint: 'Something on the machine killed the script (the OOM killer, a timeout, a shutdown). If the script reboots the machine, set expect_disconnect = true.',
      });
    }
    return failed(ProvisionerErrorCode.shellDisconnected, `${block}: the connection dropped while ${label} ran`, {
      ...details,
      hint: 'If the script reboots the machine or restarts sshd, set expect_disconnect = true: bake then reconnects and goes on.',
    });
  }
}

function describeResult(r: CommandResult): string {
  if (r.kind === 'exited') return `rm exited with status ${r.exitCode}`;
  if (r.kind === 'signalled') return `rm was killed by signal ${r.signal}`;
  return 'the connection dropped';
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
