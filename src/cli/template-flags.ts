/**
 * The flags every template-reading command shares (validate, inspect, later build): variables and
 * the -only/-except source filters, spelled as in Packer.
 */
import type { FlagValues, ListFlag } from './argv.js';
import { UsageError } from './errors.js';

export const templateFlags = [
  {
    name: 'var',
    kind: 'list',
    valueName: 'NAME=VALUE',
    description: 'Set a variable; overrides defaults, the environment (PKR_VAR_NAME) and var files',
  },
  {
    name: 'var-file',
    kind: 'list',
    valueName: 'FILE',
    description: 'Read variables from FILE (NAME = value lines, *.pkrvars.hcl); later files win',
  },
  {
    name: 'only',
    kind: 'list',
    valueName: 'SOURCES',
    commaSeparated: true,
    description: 'Only these build sources, by TYPE.NAME, e.g. qemu.base',
  },
  {
    name: 'except',
    kind: 'list',
    valueName: 'SOURCES',
    commaSeparated: true,
    description: 'Every build source but these',
  },
] as const satisfies readonly ListFlag[];

export interface TemplateInputs {
  vars: Array<{ name: string; value: string }>;
  varFiles: string[];
  only?: string[];
  except?: string[];
}

export function templateInputs(flags: FlagValues<typeof templateFlags>): TemplateInputs {
  const inputs: TemplateInputs = { vars: flags.var.map(parseVarFlag), varFiles: flags['var-file'] };
  if (flags.only.length > 0) inputs.only = flags.only;
  if (flags.except.length > 0) inputs.except = flags.except;
  if (inputs.only && inputs.except) {
    throw new UsageError('ERR_BAKE_FLAG_CONFLICT', 'flags --only and --except cannot be used together', {
      hint: 'Keep one of them: --only lists the sources to keep, --except the ones to drop.',
    });
  }
  return inputs;
}

/** `NAME=VALUE`, split at the first `=` so values may contain `=`. */
export function parseVarFlag(raw: string): { name: string; value: string } {
  const eq = raw.indexOf('=');
  const name = eq < 0 ? '' : raw.slice(0, eq).trim();
  if (name === '') {
    // The text itself is not echoed: a mistyped `--var password:hunter2` must not print the secret.
    const what = eq < 0 ? 'has no "="' : 'has an empty NAME';
    throw new UsageError('ERR_BAKE_FLAG_VALUE', `--var expects NAME=VALUE, but one --var ${what}`, {
      hint: 'Write --var NAME=VALUE, e.g. --var app_version=7.0.109 (quote the whole thing in the shell if it has spaces).',
    });
  }
  return { name, value: raw.slice(eq + 1) };
}
