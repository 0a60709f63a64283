/**
 * The shell provisioner's config (already checked against config.ts) as typed settings, with
 * Packer's defaults filled in.
 */
import { parseDuration } from '../../template/schema/types.js';
import type { ValueObject } from '../../template/value.js';
import { DEFAULT_EXECUTE_COMMAND } from './execute-command.js';

export type ScriptSource = { kind: 'inline'; lines: string[] } | { kind: 'files'; paths: string[] };

export interface ShellSettings {
  source: ScriptSource;
  /** `environment_vars` entries, "NAME=value", in the order written. */
  environmentVars: string[];
  env: Record<string, string>;
  executeCommand: string;
  inlineShebang: string;
  expectDisconnect: boolean;
  validExitCodes: number[];
  remoteFolder: string;
  /** Undefined: a fresh random name per run (Packer: script_<random>.sh). */
  remoteFile: string | undefined;
  skipClean: boolean;
  startRetryTimeoutMs: number;
  binary: boolean;
}

export const SHELL_DEFAULTS = {
  inlineShebang: '/bin/sh -e',
  remoteFolder: '/tmp',
  validExitCodes: [0],
  startRetryTimeout: '5m',
} as const;

export function readShellSettings(config: ValueObject): ShellSettings {
  const strings = (key: string) => config[key] as string[] | undefined;
  const str = (key: string) => config[key] as string | undefined;
  const bool = (key: string) => (config[key] as boolean | undefined) ?? false;
  const inline = strings('inline');
  const script = str('script');
  return {
    source: inline !== undefined ? { kind: 'inline', lines: inline } : { kind: 'files', paths: script !== undefined ? [script] : (strings('scripts') ?? []) },
    environmentVars: strings('environment_vars') ?? [],
    env: (config.env as Record<string, string> | undefined) ?? {},
    executeCommand: str('execute_command') ?? DEFAULT_EXECUTE_COMMAND,
    inlineShebang: str('inline_shebang') ?? SHELL_DEFAULTS.inlineShebang,
    expectDisconnect: bool('expect_disconnect'),
    validExitCodes: (config.valid_exit_codes as number[] | undefined) ?? [...SHELL_DEFAULTS.validExitCodes],
    remoteFolder: str('remote_folder') ?? SHELL_DEFAULTS.remoteFolder,
    remoteFile: str('remote_file'),
    skipClean: bool('skip_clean'),
    startRetryTimeoutMs: parseDuration(str('start_retry_timeout') ?? SHELL_DEFAULTS.startRetryTimeout),
    binary: bool('binary'),
  };
}
