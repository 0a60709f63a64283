import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/command-table.js';
import { BakeError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import type { Command } from '../../src/cli/command-table.js';
import { memoryHost } from '../_helpers/memory-host.js';

async function bake(argv: string[], env: Record<string, string> = {}, table?: readonly Command[]) {
  const io = memoryHost({ env });
  const code = await main(argv, io.host, table);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('help', () => {
  it('bake --help lists every command with its summary, and the exit codes', async () => {
    const { code, stdout } = await bake(['--help']);
    expect(code).toBe(0);
    for (const c of commands) expect(stdout).toMatch(new RegExp(`^  ${c.spec.name} +${escape(c.spec.summary)}`, 'm'));
    expect(stdout).toMatch(/^Exit codes:\n  0 +success\n  1 +.*\n  2 +.*\n  3 +fmt: .*\n  130 +build: .*\n  143 +build: /m);
  });

  it.each(commands.map((c) => c.spec.name))('bake %s --help lists every flag and argument of the command', async (name) => {
    const spec = commands.find((c) => c.spec.name === name)!.spec;
    const { code, stdout } = await bake([name, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: bake ${name}`);
    for (const flag of spec.flags) expect(stdout).toContain(`--${flag.name}`);
    for (const arg of spec.args) expect(stdout).toContain(arg.name);
    expect(stdout).toContain('-h, --help');
    expect(stdout).toMatch(/Exit codes:\n  0 +success/);
    expect((await bake(['help', name])).stdout).toBe(stdout);
  });

  it('documents the Packer spellings and fmt --check exit code 3', async () => {
    const { stdout } = await bake(['fmt', '-h']);
    expect(stdout).toContain('single dash');
    expect(stdout).toMatch(/^  3  some files need formatting/m);
  });

  it('shows help even when other flags are wrong', async () => {
    const { code, stdout } = await bake(['validate', '--bogus', '-help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: bake validate');
  });

  it('prints the overview on stderr and exits 2 when no command is given', async () => {
    const { code, stdout, stderr } = await bake([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: bake COMMAND');
  });
});

describe('usage errors', () => {
  it('rejects an unknown command with a did-you-mean, exit 2', async () => {
    const { code, stderr } = await bake(['inspcet', 'x.hcl']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: unknown command "inspcet" [ERR_BAKE_UNKNOWN_COMMAND]\n' +
        'hint: Did you mean "inspect"? Commands: validate, inspect, fmt, build, images, rmi, gc, promote, rollback, status, down, version, help. Run "bake --help" for more.\n',
    );
  });

  it('rejects an unknown command flag with a did-you-mean, exit 2', async () => {
    const { code, stderr } = await bake(['inspect', '--jsno', 'x.hcl']);
    expect(code).toBe(2);
    expect(stderr).toContain('error: unknown flag --jsno for "bake inspect"');
    expect(stderr).toContain('hint: Did you mean "--json"?');
  });

  it('suggests --version for a misspelt global flag', async () => {
    const { code, stderr } = await bake(['--verison']);
    expect(code).toBe(2);
    expect(stderr).toContain('Did you mean "--version"?');
  });

  it('names a missing argument', async () => {
    const { code, stderr } = await bake(['inspect']);
    expect(code).toBe(2);
    expect(stderr).toContain('bake inspect: missing FILE');
    expect(stderr).toContain('hint: Usage: bake inspect [flags] FILE');
  });

  it('rejects extra arguments', async () => {
    expect((await bake(['inspect', 'a.hcl', 'b.hcl'])).stderr).toContain('unexpected argument "b.hcl"');
  });

  it('rejects --var without "=" without echoing what was typed (it may be a secret)', async () => {
    const { code, stderr } = await bake(['validate', '-var', 'hunter2', 'x.hcl']);
    expect(code).toBe(2);
    expect(stderr).toContain('--var expects NAME=VALUE');
    expect(stderr).not.toContain('hunter2');
  });

  it('rejects --only together with --except', async () => {
    const { code, stderr } = await bake(['validate', '-only=qemu.a', '-except=qemu.b', 'x.hcl']);
    expect(code).toBe(2);
    expect(stderr).toContain('ERR_BAKE_FLAG_CONFLICT');
  });
});

describe('errors', () => {
  const throwing = (e: unknown): Command[] => [
    { spec: { name: 'boom', summary: 's', description: 'd', args: [], flags: [] }, run: async () => Promise.reject(e) },
  ];

  it('prints a user error as error + hint, with no stack even under BAKE_DEBUG', async () => {
    const err = new BakeError('ERR_BAKE_TEST', 'the thing is wrong', { hint: 'fix the thing' });
    const { code, stderr } = await bake(['boom'], { BAKE_DEBUG: '1' }, throwing(err));
    expect(code).toBe(1);
    expect(stderr).toBe('error: the thing is wrong [ERR_BAKE_TEST]\nhint: fix the thing\n');
  });

  it('prints an unknown error briefly, with a hint to rerun with BAKE_DEBUG=1', async () => {
    const { code, stderr } = await bake(['boom'], {}, throwing(new TypeError('x is undefined')));
    expect(code).toBe(1);
    expect(stderr).toBe(
      'error: internal error: x is undefined\nhint: this is a bug in bake; rerun with BAKE_DEBUG=1 to see where it happened, and report it.\n',
    );
  });

  it('prints the stack of an unknown error with BAKE_DEBUG=1', async () => {
    const { stderr } = await bake(['boom'], { BAKE_DEBUG: '1' }, throwing(new TypeError('x is undefined')));
    expect(stderr).toContain('TypeError: x is undefined\n    at ');
  });

  it('prints the stack of a toolkit error only with BAKE_DEBUG=1', async () => {
    const err = new BakeError('ERR_BAKE_TOOLKIT', 'qemu exited', { source: 'toolkit' });
    expect((await bake(['boom'], {}, throwing(err))).stderr).not.toContain('    at ');
    expect((await bake(['boom'], { BAKE_DEBUG: '1' }, throwing(err))).stderr).toContain('    at ');
  });
});

describe('version', () => {
  it('prints the package version', async () => {
    const { code, stdout } = await bake(['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^bake \d+\.\d+\.\d+ \(node v\d+/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
