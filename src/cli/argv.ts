/**
 * The argument parser. Flags are declared per command as data (see command-table.ts) so that
 * parsing and `--help` come from the same spec.
 *
 * Accepted spellings, for every flag: `--flag` and Packer's single-dash `-flag`; a value as
 * `--flag=value` or `--flag value`; booleans as `--force` or `--force=false`. List flags repeat
 * (`--var a=1 --var b=2`) and may also split on commas (`-only=qemu.a,qemu.b`). Flags and
 * positionals may be mixed; `--` ends the flags. There is no bundling of single-letter flags,
 * since `-var` must mean the flag var, not -v -a -r.
 */
import { didYouMean } from '../template/suggest.js';
import { UsageError } from './errors.js';

interface FlagCommon<N extends string> {
  /** The long name without dashes, e.g. `var-file`. */
  readonly name: N;
  readonly description: string;
  /** Other spellings without dashes, e.g. `h` for `help`. */
  readonly aliases?: readonly string[];
}

export interface BooleanFlag<N extends string = string> extends FlagCommon<N> {
  readonly kind: 'boolean';
  readonly default?: boolean;
}

export interface StringFlag<N extends string = string> extends FlagCommon<N> {
  readonly kind: 'string';
  /** Placeholder for help, e.g. `FILE`. */
  readonly valueName: string;
  /** Allowed values; anything else is a usage error. */
  readonly choices?: readonly string[];
}

export interface ListFlag<N extends string = string> extends FlagCommon<N> {
  readonly kind: 'list';
  readonly valueName: string;
  /** Split each occurrence on commas (`-only=a,b`), dropping empty items. */
  readonly commaSeparated?: boolean;
}

export type FlagSpec = BooleanFlag | StringFlag | ListFlag;

type ValueOf<F> = F extends { kind: 'boolean' } ? boolean : F extends { kind: 'string' } ? string | undefined : string[];

/** `{ 'var-file': string[]; check: boolean; ... }` for a tuple of flag specs. */
export type FlagValues<Fs extends readonly FlagSpec[]> = {
  -readonly [F in Fs[number] as F['name']]: ValueOf<F>;
};

export interface Parsed<Fs extends readonly FlagSpec[]> {
  flags: FlagValues<Fs>;
  positionals: string[];
}

/** For messages: `bake validate`. */
export interface ParseContext {
  command: string;
}

export function parseArgv<const Fs extends readonly FlagSpec[]>(
  argv: readonly string[],
  specs: Fs,
  ctx: ParseContext,
): Parsed<Fs> {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) {
    byName.set(spec.name, spec);
    for (const alias of spec.aliases ?? []) byName.set(alias, spec);
  }

  const values: Record<string, boolean | string | string[] | undefined> = {};
  for (const spec of specs) {
    values[spec.name] = spec.kind === 'boolean' ? (spec.default ?? false) : spec.kind === 'list' ? [] : undefined;
  }

  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const flag = splitFlag(token);
    if (!flag) {
      positionals.push(token);
      continue;
    }
    const spec = byName.get(flag.name);
    if (!spec) throw unknownFlag(flag, specs, ctx);

    if (spec.kind === 'boolean') {
      values[spec.name] = flag.value === undefined ? true : parseBoolean(flag, ctx);
      continue;
    }

    let value = flag.value;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (splitFlag(next) !== undefined && next !== '-')) {
        throw new UsageError('ERR_BAKE_FLAG_VALUE', `flag ${flag.spelling} needs a value (${spec.valueName})`, {
          hint: `Write ${flag.dashes}${spec.name}=${spec.valueName}, or see "${ctx.command} --help".`,
        });
      }
      value = next;
      i++;
    }

    if (spec.kind === 'string') {
      if (spec.choices && !spec.choices.includes(value)) {
        const suggestion = didYouMean(value, spec.choices);
        throw new UsageError('ERR_BAKE_FLAG_VALUE', `invalid value "${value}" for flag ${flag.spelling}`, {
          hint: `${suggestion ? `${suggestion} ` : ''}Expected one of: ${spec.choices.join(', ')}.`,
        });
      }
      values[spec.name] = value;
    } else {
      const list = values[spec.name] as string[];
      if (spec.commaSeparated) list.push(...value.split(',').map((s) => s.trim()).filter((s) => s !== ''));
      else list.push(value);
    }
  }

  return { flags: values as FlagValues<Fs>, positionals };
}

/** True when argv asks for help anywhere before `--` (so `bake validate --bogus -h` still helps). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const token of argv) {
    if (token === '--') return false;
    const flag = splitFlag(token);
    if (flag && (flag.name === 'help' || flag.name === 'h')) return true;
  }
  return false;
}

interface RawFlag {
  /** As typed, e.g. `-var-file` (without `=value`). */
  spelling: string;
  dashes: '-' | '--';
  name: string;
  value: string | undefined;
}

/** Undefined for a positional: plain words, `-` (stdin by convention) and negative numbers. */
function splitFlag(token: string): RawFlag | undefined {
  if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) return undefined;
  const dashes = token.startsWith('--') ? '--' : '-';
  const body = token.slice(dashes.length);
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  if (name === '') return undefined;
  return { spelling: `${dashes}${name}`, dashes, name, value: eq < 0 ? undefined : body.slice(eq + 1) };
}

function parseBoolean(flag: RawFlag, ctx: ParseContext): boolean {
  switch (flag.value!.toLowerCase()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      throw new UsageError('ERR_BAKE_FLAG_VALUE', `flag ${flag.spelling} takes true or false, got "${flag.value}"`, {
        hint: `Write ${flag.spelling} or ${flag.spelling}=false; see "${ctx.command} --help".`,
      });
  }
}

function unknownFlag(flag: RawFlag, specs: readonly FlagSpec[], ctx: ParseContext): UsageError {
  // Suggest in the spelling the user chose: Packer users type -only, others --only.
  const names = specs.flatMap((s) => [s.name, ...(s.aliases ?? [])]).map((n) => `${flag.dashes}${n}`);
  const suggestion = didYouMean(flag.spelling, names);
  const help = `Run "${ctx.command} --help" to see every flag.`;
  return new UsageError('ERR_BAKE_UNKNOWN_FLAG', `unknown flag ${flag.spelling} for "${ctx.command}"`, {
    hint: suggestion ? `${suggestion} ${help}` : help,
  });
}
