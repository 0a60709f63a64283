/**
 * A sensitive variable's value never appears in anything `bake validate` or `bake inspect`
 * prints, even when an error is about that very value or quotes it: run through the real CLI,
 * since redaction happens in its output layer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../_helpers/cli.js';
import { STACK_LINE } from './_diagnostics.js';

const cwd = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sensitive');

/** Too short for the validation in app.pkr.hcl. */
const SHORT_PASSWORD = 'hunter2-Xq9';
const GOOD_PASSWORD = 'correct-horse-battery-Q8';
/** db_port's default, which tonumber() rejects, quoting it. */
const PORT_DEFAULT = 'port-Zq7xW';

function expectNoSecret(output: string, ...secrets: string[]): void {
  for (const secret of secrets) expect(output).not.toContain(secret);
  expect(output).not.toMatch(STACK_LINE);
}

describe('sensitive values in the output of the CLI', () => {
  it('are hidden in a failed validation of the value and in an error that quotes a value', async () => {
    const r = await runCli(['validate', '--var', `db_password=${SHORT_PASSWORD}`, 'app.pkr.hcl'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('app.pkr.hcl:7:21: error: Invalid value for variable "db_password"');
    expect(r.stderr).toContain('app.pkr.hcl:20:19: error: Invalid function argument');
    expect(r.stderr).toContain('cannot convert "<sensitive>" to number');
    expectNoSecret(r.stdout + r.stderr, SHORT_PASSWORD, PORT_DEFAULT);
  });

  it('are hidden when inspect fails on them', async () => {
    const r = await runCli(['inspect', '--var', `db_password=${SHORT_PASSWORD}`, 'app.pkr.hcl'], { cwd });
    expect(r.code).toBe(1);
    expectNoSecret(r.stdout + r.stderr, SHORT_PASSWORD, PORT_DEFAULT);
  });

  it.each([[[]], [['--json']]])('are hidden by inspect %j, also inside locals built from them', async (flags) => {
    const r = await runCli(['inspect', ...flags, '--var', `db_password=${GOOD_PASSWORD}`, 'app.pkr.hcl'], { cwd, env: { PKR_VAR_db_port: '54329' } });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('postgres://app:<sensitive>@db.internal/app');
    expectNoSecret(r.stdout, GOOD_PASSWORD, '54329');
  });

  it('are hidden when validate succeeds', async () => {
    const r = await runCli(['validate', '--var', `db_password=${GOOD_PASSWORD}`, 'app.pkr.hcl'], { cwd, env: { PKR_VAR_db_port: '54329' } });
    expect(r).toEqual({ code: 0, stdout: 'app.pkr.hcl: the configuration is valid.\n', stderr: '' });
  });

  // Values that fail to parse are echoed by the error about them (in the message or the source
  // line under the caret): the raw text given for a sensitive variable is redacted too.
  it('are hidden when the value given for them does not parse, from --var or a var file', async () => {
    const r = await runCli(
      ['validate', '--var', 'api_tokens=tok-Hunter2', '--var-file', 'bare-word.pkrvars.hcl', '--var-file', 'unterminated.pkrvars.hcl', 'mistyped.pkr.hcl'],
      { cwd },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: Invalid value for variable "api_tokens" from --var');
    expect(r.stderr).toContain('bare-word.pkrvars.hcl:1:11: error:');
    expect(r.stderr).toContain('unterminated.pkrvars.hcl:1:15: error: Unterminated string');
    expectNoSecret(r.stdout + r.stderr, 'tok-Hunter2', 'Hunter2Port', 'hunter2-Kx4Vb');
  });
});
