/** `bake --help` and `bake COMMAND --help`, generated from the command specs. */
import type { FlagSpec } from './argv.js';
import { helpFlag, usageLine, type CommandSpec } from './command-spec.js';
import { ExitCode } from './exit-codes.js';

const WIDTH = 80;

const commonExitCodes: readonly (readonly [number, string])[] = [
  [ExitCode.ok, 'success'],
  [ExitCode.failure, 'invalid template, or another error (the message says which)'],
  [ExitCode.usage, 'bad command line: unknown command or flag, missing argument'],
];

const dashNote =
  'Flags also take Packer\'s single dash (-var, -var-file=FILE, -only=a,b), and values may follow ' +
  'after "=" or a space. List flags may be repeated. "--" ends the flags.';

export function renderMainHelp(specs: readonly CommandSpec[]): string {
  const allExitCodes = [...commonExitCodes, ...specs.flatMap((s) => (s.extraExitCodes ?? []).map(([c, m]) => [c, `${s.name}: ${m}`] as const))];
  return [
    'bake: bake VM images from Packer-style HCL2 templates, then deploy them blue/green.',
    '',
    'Usage: bake COMMAND [flags] [arguments]',
    '',
    'Commands:',
    ...table(specs.map((s) => [s.name, s.summary])),
    '',
    'Global flags:',
    ...table([
      ['-h, --help', 'Show help; after a command, that command\'s help'],
      ['-v, --version', 'Print the version'],
    ]),
    '',
    ...wrap(dashNote, WIDTH),
    '',
    'Exit codes:',
    ...table(allExitCodes.map(([c, m]) => [String(c), m])),
    '',
    'Environment:',
    ...table([
      ['NO_COLOR', 'Set to turn colour off (there is none anyway off a terminal)'],
      ['CI', 'When true, plain output: no colour'],
      ['BAKE_DEBUG', 'Set to 1 to show the stack trace of an internal error'],
      ['BAKE_HOME', 'Image store, locks and VM run-time files (default .bake in the working directory)'],
    ]),
    '',
    'Run "bake COMMAND --help" for the arguments and flags of a command.',
    '',
  ].join('\n');
}

export function renderCommandHelp(spec: CommandSpec): string {
  const flags: readonly FlagSpec[] = [...spec.flags, helpFlag];
  const lines = [`Usage: ${usageLine(spec)}`, '', ...wrap(spec.description, WIDTH)];
  if (spec.args.length > 0) {
    lines.push('', 'Arguments:', ...table(spec.args.map((a) => [a.variadic ? `${a.name}...` : a.name, a.description])));
  }
  lines.push('', 'Flags:', ...table(flags.map((f) => [flagLabel(f), flagDescription(f)])));
  lines.push('', ...wrap(dashNote, WIDTH));
  if (spec.examples && spec.examples.length > 0) {
    lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  }
  const codes = [...commonExitCodes, ...(spec.extraExitCodes ?? [])];
  lines.push('', 'Exit codes:', ...table(codes.map(([c, m]) => [String(c), m])), '');
  return lines.join('\n');
}

function flagLabel(f: FlagSpec): string {
  const spellings = [...(f.aliases ?? []), f.name].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
  const label = spellings.join(', ');
  return f.kind === 'boolean' ? label : `${label} ${f.valueName}`;
}

function flagDescription(f: FlagSpec): string {
  const notes: string[] = [];
  if (f.kind === 'list') notes.push(f.commaSeparated ? 'comma-separated; repeatable' : 'repeatable');
  if (f.kind === 'string' && f.choices) notes.push(`one of: ${f.choices.join(', ')}`);
  if (f.kind === 'boolean' && f.default === true) notes.push(`default true; --${f.name}=false to turn off`);
  return notes.length > 0 ? `${f.description} (${notes.join('; ')})` : f.description;
}

/** Two columns, the second wrapped and aligned. */
function table(rows: readonly (readonly [string, string])[]): string[] {
  const left = Math.min(Math.max(...rows.map(([l]) => l.length)), 28);
  const out: string[] = [];
  for (const [label, text] of rows) {
    const indent = ' '.repeat(2 + left + 2);
    const wrapped = wrap(text, WIDTH - indent.length);
    if (label.length > left) {
      out.push(`  ${label}`);
      out.push(...wrapped.map((l) => indent + l));
    } else {
      out.push(`  ${label.padEnd(left)}  ${wrapped[0] ?? ''}`);
      out.push(...wrapped.slice(1).map((l) => indent + l));
    }
  }
  return out;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    out.push(line);
  }
  return out;
}
