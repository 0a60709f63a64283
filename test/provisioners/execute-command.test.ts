import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planExecuteCommand, scriptEnvironment, shellQuote } from '../../src/provisioners/shell/execute-command.js';

const sh = promisify(execFile);

describe('shellQuote', () => {
  it("writes Packer's quoting: one single-quoted word, with ' as '\"'\"'", () => {
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellQuote('')).toBe("''");
  });

  it('round-trips arbitrary text through a real shell, byte for byte', async () => {
    const values = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')), { numRuns: 300, seed: 7 });
    values.push(`it's $(whoami) \`id\` "q"`, "'''", '\\', '\n\n', '$', '${x:-y}', '!$', '~', '*');
    const vars = values.map((v, i) => `V${i}=${shellQuote(v)}`).join(' ');
    const printer = values.map((_, i) => `"$V${i}"`).join(' ');
    // One shell for all samples; NUL separators keep every byte comparable.
    const { stdout } = await sh('/bin/sh', ['-c', `${vars}; printf '%s\\0' ${printer}`], { encoding: 'buffer', maxBuffer: 1 << 24 });
    const seen = stdout.toString('utf8').split('\0').slice(0, -1);
    expect(seen).toEqual(values);
  });
});

describe('planExecuteCommand', () => {
  const vars = scriptEnvironment({ name: 'b', type: 'qemu' }, [], { A: 'x y' });

  it('fills {{.Vars}} and {{.Path}} and shows values as <sensitive> for display', () => {
    expect(planExecuteCommand('{{.Vars}} {{ .Path }}', [['A', 'x y']], '/tmp/s.sh')).toEqual({
      kind: 'ok',
      command: "A='x y' /tmp/s.sh",
      display: 'A=<sensitive> /tmp/s.sh',
    });
  });

  it('keeps text that is not a placeholder as written', () => {
    const plan = planExecuteCommand("echo '{' && sudo -E sh -c '{{.Vars}} {{.Path}}' # }}", vars, '/tmp/s.sh');
    expect(plan.kind).toBe('ok');
  });

  it.each(['{{.EnvVarFile}}', '{{ user `x` }}', '{{.path}}'])('rejects %s', (p) => {
    expect(planExecuteCommand(`${p} {{.Path}}`, vars, '/tmp/s.sh').kind).toBe('invalid');
  });

  it.each(['/tmp/a b.sh', "/tmp/it's.sh", '/tmp/$x.sh', '~/s.sh', '-rf', '/tmp/a;b'])('rejects the unsafe remote path %s', (p) => {
    expect(planExecuteCommand('{{.Path}}', vars, p).kind).toBe('invalid');
  });

  it('rejects a value with a NUL byte, which would cut the command line short', () => {
    expect(planExecuteCommand('{{.Vars}}', [['A', 'a\0b']], '/tmp/s.sh').kind).toBe('invalid');
  });
});
