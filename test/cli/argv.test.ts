import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArgv, wantsHelp, type FlagSpec } from '../../src/cli/argv.js';
import { UsageError } from '../../src/cli/errors.js';

const flags = [
  { name: 'var', kind: 'list', valueName: 'NAME=VALUE', description: 'a variable' },
  { name: 'var-file', kind: 'list', valueName: 'FILE', description: 'a var file' },
  { name: 'only', kind: 'list', valueName: 'SOURCES', commaSeparated: true, description: 'only' },
  { name: 'force', kind: 'boolean', description: 'force' },
  { name: 'debug', kind: 'boolean', description: 'debug' },
  { name: 'write', kind: 'boolean', default: true, description: 'write' },
  { name: 'on-error', kind: 'string', valueName: 'ACTION', choices: ['cleanup', 'abort', 'ask'], description: 'on error' },
  { name: 'help', kind: 'boolean', aliases: ['h'], description: 'help' },
] as const satisfies readonly FlagSpec[];

const ctx = { command: 'bake build' };
const parse = (...argv: string[]) => parseArgv(argv, flags, ctx);

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgv', () => {
  it('accepts Packer single-dash long flags the same as double-dash ones', () => {
    const single = parse('-var', 'a=1', '-var-file', 'x.pkrvars.hcl', '-force', '-on-error=abort', '-debug', 't.hcl');
    const double = parse('--var', 'a=1', '--var-file', 'x.pkrvars.hcl', '--force', '--on-error=abort', '--debug', 't.hcl');
    expect(single).toEqual(double);
    expect(single.flags).toMatchObject({ var: ['a=1'], 'var-file': ['x.pkrvars.hcl'], force: true, debug: true, 'on-error': 'abort' });
    expect(single.positionals).toEqual(['t.hcl']);
  });

  it('takes a value after "=" or as the next argument', () => {
    expect(parse('--on-error=ask').flags['on-error']).toBe('ask');
    expect(parse('--on-error', 'ask').flags['on-error']).toBe('ask');
    expect(parse('-on-error', 'ask').flags['on-error']).toBe('ask');
  });

  it('keeps "=" inside a value', () => {
    expect(parse('--var=a=b=c').flags.var).toEqual(['a=b=c']);
    expect(parse('-var', 'url=http://x/?q=1').flags.var).toEqual(['url=http://x/?q=1']);
  });

  it('collects repeated list flags in order', () => {
    expect(parse('--var', 'a=1', '-var=b=2', '--var', 'c=3').flags.var).toEqual(['a=1', 'b=2', 'c=3']);
    expect(parse('--var-file', 'one', '--var-file=two').flags['var-file']).toEqual(['one', 'two']);
  });

  it('splits comma-separated list flags and drops empty items', () => {
    expect(parse('-only=qemu.a,qemu.b', '--only', 'qemu.c,').flags.only).toEqual(['qemu.a', 'qemu.b', 'qemu.c']);
  });

  it('defaults booleans, lists and strings', () => {
    const { flags: f } = parse();
    expect(f).toEqual({ var: [], 'var-file': [], only: [], force: false, debug: false, write: true, 'on-error': undefined, help: false });
  });

  it('reads explicit boolean values, as in -write=false', () => {
    expect(parse('-write=false').flags.write).toBe(false);
    expect(parse('--force=true').flags.force).toBe(true);
    expect(parse('--force=0').flags.force).toBe(false);
    const e = usageError(() => parse('--force=maybe'));
    expect(e.code).toBe('ERR_BAKE_FLAG_VALUE');
  });

  it('does not take the next argument as the value of a boolean', () => {
    expect(parse('--force', 't.hcl')).toMatchObject({ flags: { force: true }, positionals: ['t.hcl'] });
  });

  it('mixes flags and positionals in any order', () => {
    expect(parse('a.hcl', '--force', 'b.hcl', '-var', 'x=1', 'c.hcl').positionals).toEqual(['a.hcl', 'b.hcl', 'c.hcl']);
  });

  it('treats everything after -- as positionals', () => {
    const r = parse('--force', '--', '--debug', '-var', 'x');
    expect(r.flags.debug).toBe(false);
    expect(r.positionals).toEqual(['--debug', '-var', 'x']);
  });

  it('treats "-" and negative numbers as positionals', () => {
    expect(parse('-', '-5').positionals).toEqual(['-', '-5']);
  });

  it('resolves aliases', () => {
    expect(parse('-h').flags.help).toBe(true);
  });

  it('rejects an unknown flag with a did-you-mean in the spelling used', () => {
    const double = usageError(() => parse('--forse'));
    expect(double.code).toBe('ERR_BAKE_UNKNOWN_FLAG');
    expect(double.message).toBe('unknown flag --forse for "bake build"');
    expect(double.hint).toContain('Did you mean "--force"?');
    expect(double.exitCode).toBe(2);

    const single = usageError(() => parse('-var-fiel=x'));
    expect(single.message).toContain('-var-fiel');
    expect(single.hint).toContain('Did you mean "-var-file"?');
  });

  it('points to --help when nothing is close to an unknown flag', () => {
    const e = usageError(() => parse('--completely-different'));
    expect(e.hint).toBe('Run "bake build --help" to see every flag.');
  });

  it('rejects a missing value, and a flag where the value should be', () => {
    expect(usageError(() => parse('--var')).message).toBe('flag --var needs a value (NAME=VALUE)');
    expect(usageError(() => parse('-var-file', '--force')).code).toBe('ERR_BAKE_FLAG_VALUE');
  });

  it('rejects a value outside the choices, suggesting the closest', () => {
    const e = usageError(() => parse('-on-error=abrot'));
    expect(e.message).toBe('invalid value "abrot" for flag -on-error');
    expect(e.hint).toContain('Did you mean "abort"?');
    expect(e.hint).toContain('cleanup, abort, ask');
  });

  it('round-trips any list of values given with repeated --var', () => {
    const value = fc.string().filter((s) => !s.startsWith('-') || s === '-' || /^-\d/.test(s));
    fc.assert(
      fc.property(fc.array(value), (values) => {
        const argv = values.flatMap((v) => ['--var', v]);
        expect(parse(...argv).flags.var).toEqual(values);
        expect(parse(...values.map((v) => `-var=${v}`)).flags.var).toEqual(values);
      }),
    );
  });
});

describe('wantsHelp', () => {
  it('finds -h, -help and --help anywhere before --', () => {
    expect(wantsHelp(['x.hcl', '--bogus', '-h'])).toBe(true);
    expect(wantsHelp(['-help'])).toBe(true);
    expect(wantsHelp(['--help=true'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
    expect(wantsHelp(['helpful.hcl'])).toBe(false);
  });
});
