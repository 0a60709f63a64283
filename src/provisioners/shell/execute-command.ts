/**
 * Builds the command line that runs an uploaded script: Packer's `execute_command` with its
 * `{{.Vars}}` and `{{.Path}}` placeholders (HCL2 templates write `{{ .Vars }}`; both spellings
 * work).
 *
 * Environment values reach the command as single-quoted shell words (`NAME='value'`, with an
 * embedded `'` written `'"'"'`), exactly Packer's format. Inside single quotes a POSIX shell treats
 * every character literally, so `$(...)`, backticks, `"`, `\` and newlines arrive as written.
 * Why assignments on the command line rather than an uploaded env file (Packer's
 * use_env_var_file):
 * - `{{.Vars}}` must stay assignment words for the idioms templates already use:
 *   `sudo {{.Vars}} {{.Path}}`, `env {{.Vars}} ...`, `echo pw | {{.Vars}} sudo -E -S sh {{.Path}}`.
 *   A `. envfile &&` prefix breaks all three.
 * - An env file holds the values on the machine's disk; a skipped or failed cleanup (skip_clean,
 *   a reboot, a timeout) would bake secrets into the image. Values on a command line live only
 *   as long as the command.
 * The cost: values are visible in the guest's process list while the script runs, and the quoted
 * form is no longer the literal value the CLI's Redactor looks for, so what bake prints
 * (`display`) shows `NAME=<sensitive>` instead of any value.
 *
 * Names are checked (`env` map keys are not, by the schema) and `{{.Path}}` must be made of
 * shell-safe characters, since both are spliced into the command unquoted, as in Packer (users
 * quote `{{.Path}}` themselves in idioms such as `sh -c '{{.Vars}} {{.Path}}'`).
 */
import { REDACTED } from '../../template/model.js';

export const DEFAULT_EXECUTE_COMMAND = 'chmod +x {{.Path}}; {{.Vars}} {{.Path}}';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** No spaces, quotes, globs, `~`, `$` or separators: a word the shell passes on unchanged. */
const SAFE_PATH = /^[A-Za-z0-9_./+@%:,=][A-Za-z0-9_./+@%:,=-]*$/;
const PLACEHOLDER = /\{\{(.*?)\}\}/g;

/** One word that a POSIX shell reads back as exactly `value`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

export type EnvVar = [name: string, value: string];

export type CommandPlan =
  | { kind: 'ok'; command: string; display: string }
  | { kind: 'invalid'; message: string; hint: string };

export function planExecuteCommand(template: string, vars: readonly EnvVar[], remotePath: string): CommandPlan {
  for (const [name, value] of vars) {
    if (!ENV_NAME.test(name)) {
      return {
        kind: 'invalid',
        message: `environment variable name ${JSON.stringify(name)} is not a valid shell name`,
        hint: 'Names are letters, digits and underscores, not starting with a digit.',
      };
    }
    // sshd hands the command line to the shell as a C string: a NUL would silently cut it short.
    if (value.includes('\0')) {
      return { kind: 'invalid', message: `the value of environment variable ${name} contains a NUL byte`, hint: 'Shell variables cannot hold NUL bytes; encode the value (e.g. base64encode()).' };
    }
  }
  if (!SAFE_PATH.test(remotePath)) {
    return {
      kind: 'invalid',
      message: `the remote script path ${JSON.stringify(remotePath)} contains characters a shell would interpret`,
      hint: 'Use remote_folder and remote_file made of letters, digits and . _ - / (no spaces, quotes, $ or ~).',
    };
  }
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((p) => placeholderName(p) === undefined);
  if (unknown.length > 0) {
    return {
      kind: 'invalid',
      message: `execute_command uses ${unknown.join(', ')}, which bake does not provide`,
      hint: 'execute_command supports {{.Vars}} and {{.Path}} (also written {{ .Vars }}); put other values in with HCL interpolation, ${...}.',
    };
  }
  const render = (varsText: string) =>
    template.replace(PLACEHOLDER, (p) => (placeholderName(p) === 'Vars' ? varsText : remotePath));
  return {
    kind: 'ok',
    command: render(vars.map(([name, value]) => `${name}=${shellQuote(value)}`).join(' ')),
    display: render(vars.map(([name]) => `${name}=${REDACTED}`).join(' ')),
  };
}

function placeholderName(placeholder: string): 'Vars' | 'Path' | undefined {
  const inner = placeholder.slice(2, -2).trim();
  return inner === '.Vars' ? 'Vars' : inner === '.Path' ? 'Path' : undefined;
}

/**
 * The variables a script sees, sorted by name as Packer sorts them. Packer's PACKER_BUILD_NAME and
 * PACKER_BUILDER_TYPE keep existing scripts working; BAKE_* are the same values under bake's
 * name. `env` wins over `environment_vars`, and both over the built-in names (Packer's order).
 */
export function scriptEnvironment(build: { name: string; type: string }, environmentVars: readonly string[], env: Record<string, string>): EnvVar[] {
  const vars = new Map<string, string>([
    ['PACKER_BUILD_NAME', build.name],
    ['PACKER_BUILDER_TYPE', build.type],
    ['BAKE_BUILD_NAME', build.name],
    ['BAKE_BUILDER_TYPE', build.type],
  ]);
  for (const entry of environmentVars) {
    const eq = entry.indexOf('=');
    vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  for (const [name, value] of Object.entries(env)) vars.set(name, value);
  return [...vars].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
