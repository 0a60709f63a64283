import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createShellRunner, shellRunner } from '../../src/provisioners/shell/run.js';
import { failedOf, harness, WORK_DIR } from './_harness.js';

const sh = promisify(execFile);
/** The default execute_command, not the cleanup's rm. */
const EXEC = /^chmod \+x /;
const fixedName = createShellRunner({ randomFileName: () => 'script_test.sh' });

describe('shell provisioner: scripts and uploads', () => {
  it('writes inline lines to one script under the default shebang and uploads it executable', async () => {
    const h = harness();
    const outcome = await h.run(fixedName, { inline: ['apt-get update', 'apt-get install -y nginx'], skip_clean: true });
    expect(outcome.kind).toBe('ok');
    expect(h.comm.remote.get('/tmp/script_test.sh')).toEqual({
      content: Buffer.from('#!/bin/sh -e\napt-get update\napt-get install -y nginx\n'),
      mode: 0o755,
    });
  });

  it('uses inline_shebang when given', async () => {
    const h = harness();
    await h.run(fixedName, { inline: ['echo hi'], inline_shebang: '/bin/bash -eux', skip_clean: true });
    expect(h.comm.remote.get('/tmp/script_test.sh')!.content.toString()).toBe('#!/bin/bash -eux\necho hi\n');
  });

  it('names the remote script script_<random>.sh under /tmp by default, fresh for each run', async () => {
    const h = harness();
    await h.run(shellRunner, { inline: ['true'] });
    await h.run(shellRunner, { inline: ['true'] });
    const paths = h.comm.calls.flatMap((c) => (c.op === 'upload' ? [c.remotePath] : []));
    expect(paths).toHaveLength(2);
    for (const p of paths) expect(p).toMatch(/^\/tmp\/script_[0-9a-f]{8}\.sh$/);
    expect(paths[0]).not.toBe(paths[1]);
  });

  it('uploads to remote_folder/remote_file', async () => {
    const h = harness();
    await h.run(shellRunner, { inline: ['true'], remote_folder: '/var/tmp/', remote_file: 'setup.sh' });
    expect(h.comm.calls[0]).toMatchObject({ op: 'upload', remotePath: '/var/tmp/setup.sh' });
    expect(h.comm.commands[0]).toContain('/var/tmp/setup.sh');
  });

  it('reads script files relative to the working directory and runs them in order', async () => {
    const h = harness({ [`${WORK_DIR}/scripts/a.sh`]: 'echo a\n', [`${WORK_DIR}/scripts/b.sh`]: 'echo b\n' });
    h.comm.on(EXEC, () => ({ stdout: [`ran ${h.comm.remote.get('/tmp/script_test.sh')?.content.toString().trim()}`] }));
    const outcome = await h.run(fixedName, { scripts: ['scripts/a.sh', 'scripts/b.sh'] });
    expect(outcome.kind).toBe('ok');
    expect(h.output.filter(([, l]) => l.startsWith('ran'))).toEqual([
      ['stdout', 'ran echo a'],
      ['stdout', 'ran echo b'],
    ]);
    expect(h.logs).toEqual(['Provisioning with shell script: scripts/a.sh', 'Provisioning with shell script: scripts/b.sh']);
  });

  it('runs `script` like a one-element `scripts`', async () => {
    const h = harness({ '/abs/setup.sh': '#!/bin/sh\necho hi\n' });
    await h.run(fixedName, { script: '/abs/setup.sh', skip_clean: true });
    expect(h.comm.remote.get('/tmp/script_test.sh')!.content.toString()).toBe('#!/bin/sh\necho hi\n');
  });

  it('fails before touching the machine when a script is missing, naming the path and the block', async () => {
    const h = harness({ [`${WORK_DIR}/a.sh`]: 'echo a' });
    const outcome = failedOf(await h.run(fixedName, { scripts: ['a.sh', 'missing.sh'] }, { line: 42 }));
    expect(outcome.code).toBe('ERR_BAKE_SHELL_SCRIPT_NOT_FOUND');
    expect(outcome.message).toBe(`provisioner "shell" at build.pkr.hcl:42: script "missing.sh" not found (looked for ${WORK_DIR}/missing.sh)`);
    expect(outcome.hint).toContain('path.root');
    expect(h.comm.calls).toEqual([]);
  });

  it('converts CRLF line ends to LF in scripts and inline lines', async () => {
    const h = harness({ '/s/win.sh': 'echo one\r\necho two\r\nprintf "a\\rb"\r\n' });
    await h.run(fixedName, { script: '/s/win.sh', skip_clean: true });
    expect(h.comm.remote.get('/tmp/script_test.sh')!.content.toString()).toBe('echo one\necho two\nprintf "a\\rb"\n');
    await h.run(fixedName, { inline: ['echo x\r'], skip_clean: true });
    expect(h.comm.remote.get('/tmp/script_test.sh')!.content.toString()).toBe('#!/bin/sh -e\necho x\n');
  });

  it('uploads scripts byte for byte when binary is set', async () => {
    const bytes = Buffer.from([0x65, 0x0d, 0x0a, 0x00, 0xff, 0x0d, 0x0a]);
    const h = harness({ '/s/blob.bin': bytes });
    await h.run(fixedName, { script: '/s/blob.bin', binary: true, skip_clean: true });
    expect(h.comm.remote.get('/tmp/script_test.sh')!.content).toEqual(bytes);
  });

  it('removes the uploaded script after it ran, and keeps it with skip_clean', async () => {
    const h = harness();
    await h.run(fixedName, { inline: ['true'] });
    expect(h.comm.commands.at(-1)).toBe("rm -f '/tmp/script_test.sh'");
    expect(h.comm.remote.has('/tmp/script_test.sh')).toBe(false);

    const kept = harness();
    await kept.run(fixedName, { inline: ['true'], skip_clean: true });
    expect(kept.comm.commands.some((c) => c.startsWith('rm '))).toBe(false);
    expect(kept.comm.remote.has('/tmp/script_test.sh')).toBe(true);
  });

  it('fails when the uploaded script cannot be removed', async () => {
    const h = harness();
    h.comm.on(/^rm -f/, { exitCode: 1, stderr: ['rm: cannot remove: Permission denied'] });
    const outcome = failedOf(await h.run(fixedName, { inline: ['true'] }));
    expect(outcome).toMatchObject({ code: 'ERR_BAKE_SHELL_CLEANUP_FAILED', command: "rm -f '/tmp/script_test.sh'", exitCode: 1, lastLines: ['rm: cannot remove: Permission denied'] });
  });
});

describe('shell provisioner: execute_command and environment', () => {
  it("runs Packer's default execute_command with the build variables, sorted by name", async () => {
    const h = harness();
    await h.run(fixedName, { inline: ['true'] });
    expect(h.comm.commands[0]).toBe(
      "chmod +x /tmp/script_test.sh; BAKE_BUILDER_TYPE='qemu' BAKE_BUILD_NAME='ubuntu' PACKER_BUILDER_TYPE='qemu' PACKER_BUILD_NAME='ubuntu' /tmp/script_test.sh",
    );
  });

  it.each([
    ['sudo {{.Vars}} bash {{.Path}}'],
    ['sudo {{ .Vars }} bash {{ .Path }}'],
    ['sudo {{  .Vars}} bash {{.Path  }}'],
  ])('fills both placeholder spellings: %s', async (template) => {
    const h = harness();
    await h.run(fixedName, { inline: ['true'], execute_command: template, environment_vars: ['A=1'] });
    expect(h.comm.commands[0]).toBe(
      "sudo A='1' BAKE_BUILDER_TYPE='qemu' BAKE_BUILD_NAME='ubuntu' PACKER_BUILDER_TYPE='qemu' PACKER_BUILD_NAME='ubuntu' bash /tmp/script_test.sh",
    );
  });

  it('does not expand placeholders that arrive inside a value', async () => {
    const h = harness();
    await h.run(fixedName, { inline: ['true'], execute_command: '{{.Vars}} {{.Path}}', env: { A: '{{.Path}}' } });
    expect(h.comm.commands[0]).toMatch(/^A='\{\{\.Path\}\}' /);
  });

  it('refuses execute_command placeholders it does not provide, without running anything', async () => {
    const h = harness();
    const outcome = failedOf(await h.run(fixedName, { inline: ['true'], execute_command: '. {{.EnvVarFile}} && {{.Path}}' }));
    expect(outcome.code).toBe('ERR_BAKE_SHELL_BAD_CONFIG');
    expect(outcome.message).toContain('{{.EnvVarFile}}');
    expect(outcome.hint).toContain('{{.Vars}} and {{.Path}}');
    expect(h.comm.calls).toEqual([]);
  });

  it('lets env override environment_vars, and both override the built-in names', async () => {
    const h = harness();
    await h.run(fixedName, {
      inline: ['true'],
      execute_command: '{{.Vars}}',
      environment_vars: ['X=from-list', 'PACKER_BUILD_NAME=mine', 'EQ=a=b'],
      env: { X: 'from-map' },
    });
    expect(h.comm.commands[0]).toBe(
      "BAKE_BUILDER_TYPE='qemu' BAKE_BUILD_NAME='ubuntu' EQ='a=b' PACKER_BUILDER_TYPE='qemu' PACKER_BUILD_NAME='mine' X='from-map'",
    );
  });

  it('single-quotes values, writing an embedded quote as \'"\'"\'', async () => {
    const h = harness();
    await h.run(fixedName, { inline: ['true'], execute_command: '{{.Vars}}', env: { Q: "it's" } });
    expect(h.comm.commands[0]).toContain(`Q='it'"'"'s'`);
  });

  it('delivers values with spaces, quotes, $(...) and backticks literally to a real shell', async () => {
    const tricky = {
      SPACES: 'a  b\tc',
      SINGLE: "it's",
      DOUBLE: 'say "hi"',
      SUBST: '$(touch /tmp/bake-pwned) `touch /tmp/bake-pwned` $HOME ${HOME}',
      MIXED: `it's $(whoami) \`id\` "q" \\ ; | & > < * ? ~ ! # %`,
      NEWLINE: 'line1\nline2',
      EMPTY: '',
    };
    const h = harness();
    const names = Object.keys(tricky);
    // Print each variable NUL-terminated so every byte can be compared.
    const printer = `printf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`;
    await h.run(fixedName, { inline: ['true'], execute_command: `{{.Vars}} sh -c '${printer.replaceAll("'", `'"'"'`)}'`, env: tricky });
    const command = h.comm.commands[0]!;
    const { stdout } = await sh('/bin/sh', ['-c', command]);
    expect(stdout.split('\0').slice(0, -1)).toEqual(Object.values(tricky));
  });

  it('shows environment values as <sensitive> in a failure, since the quoted form escapes redaction', async () => {
    const h = harness();
    h.comm.on(EXEC, { exitCode: 2 });
    const outcome = failedOf(await h.run(fixedName, { inline: ['false'], env: { TOKEN: "s3cr'et" } }));
    expect(outcome.command).toBe(
      'chmod +x /tmp/script_test.sh; BAKE_BUILDER_TYPE=<sensitive> BAKE_BUILD_NAME=<sensitive> PACKER_BUILDER_TYPE=<sensitive> PACKER_BUILD_NAME=<sensitive> TOKEN=<sensitive> /tmp/script_test.sh',
    );
    expect(JSON.stringify(outcome)).not.toContain('s3cr');
  });

  it('refuses an env name that would be spliced into the command as code', async () => {
    const h = harness();
    const outcome = failedOf(await h.run(fixedName, { inline: ['true'], env: { 'X=1; rm -rf /; Y': 'v' } }));
    expect(outcome.code).toBe('ERR_BAKE_SHELL_BAD_CONFIG');
    expect(h.comm.calls).toEqual([]);
  });

  it('refuses a remote path the shell would interpret, since {{.Path}} is not quoted', async () => {
    const h = harness();
    const outcome = failedOf(await h.run(fixedName, { inline: ['true'], remote_folder: '/tmp/$(reboot)' }));
    expect(outcome.code).toBe('ERR_BAKE_SHELL_BAD_CONFIG');
    expect(outcome.message).toContain('/tmp/$(reboot)/script_test.sh');
    expect(h.comm.calls).toEqual([]);
  });
});

describe('shell provisioner: exit codes and disconnects', () => {
  it('reports a non-zero exit with the command, the status and the last 20 lines of output', async () => {
    const h = harness();
    const out = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    h.comm.on(EXEC, { stdout: out, stderr: ['E: Unable to locate package nginxx'], exitCode: 100 });
    const outcome = failedOf(await h.run(fixedName, { inline: ['apt-get install -y nginxx'] }, { line: 7 }));
    expect(outcome.code).toBe('ERR_BAKE_SHELL_EXIT_CODE');
    expect(outcome.exitCode).toBe(100);
    expect(outcome.message).toBe('provisioner "shell" at build.pkr.hcl:7: inline script exited with status 100');
    expect(outcome.command).toMatch(/^chmod \+x \/tmp\/script_test\.sh; .* \/tmp\/script_test\.sh$/);
    expect(outcome.lastLines).toEqual([...out.slice(-19), 'E: Unable to locate package nginxx']);
    expect(outcome.hint).toContain('valid_exit_codes');
    // Output also streamed as it came.
    expect(h.output).toHaveLength(31);
    expect(h.output.at(-1)).toEqual(['stderr', 'E: Unable to locate package nginxx']);
  });

  it('accepts the statuses listed in valid_exit_codes', async () => {
    const h = harness();
    h.comm.on(EXEC, { exitCode: 3 });
    expect((await h.run(fixedName, { inline: ['x'], valid_exit_codes: [0, 3] })).kind).toBe('ok');
    expect((await h.run(fixedName, { inline: ['x'], valid_exit_codes: [3] })).kind).toBe('ok');
    const zero = harness();
    expect(failedOf(await zero.run(fixedName, { inline: ['x'], valid_exit_codes: [3] })).exitCode).toBe(0);
  });

  it('stops at the first failing script', async () => {
    const h = harness({ '/s/1.sh': 'one', '/s/2.sh': 'two', '/s/3.sh': 'three' });
    let n = 0;
    h.comm.on(EXEC, () => ({ exitCode: ++n === 2 ? 1 : 0 }));
    const outcome = failedOf(await h.run(fixedName, { scripts: ['/s/1.sh', '/s/2.sh', '/s/3.sh'] }));
    expect(outcome.message).toContain('/s/2.sh exited with status 1');
    expect(h.comm.calls.filter((c) => c.op === 'upload')).toHaveLength(2);
  });

  it('fails on a script killed by a signal', async () => {
    const h = harness();
    h.comm.on(EXEC, { signal: 'KILL' });
    const outcome = failedOf(await h.run(fixedName, { inline: ['x'] }));
    expect(outcome.code).toBe('ERR_BAKE_SHELL_SIGNALLED');
    expect(outcome.message).toContain('killed by signal KILL');
  });

  it('fails on a dropped connection unless expect_disconnect is set, and says so', async () => {
    const h = harness();
    h.comm.on(EXEC, { disconnect: true });
    const outcome = failedOf(await h.run(fixedName, { inline: ['reboot'] }));
    expect(outcome.code).toBe('ERR_BAKE_SHELL_DISCONNECTED');
    expect(outcome.hint).toContain('expect_disconnect = true');
    expect(h.comm.calls.some((c) => c.op === 'reconnect')).toBe(false);
  });

  it('with expect_disconnect, reconnects (start_retry_timeout, default 5m) and goes on with cleanup and the next script', async () => {
    const h = harness({ '/s/reboot.sh': 'reboot', '/s/after.sh': 'echo after' });
    h.comm.on(EXEC, { disconnect: true }, { times: 1 });
    const outcome = await h.run(fixedName, { scripts: ['/s/reboot.sh', '/s/after.sh'], expect_disconnect: true });
    expect(outcome.kind).toBe('ok');
    expect(h.comm.calls.map((c) => c.op)).toEqual(['upload', 'run', 'reconnect', 'run', 'upload', 'run', 'run']);
    expect(h.comm.calls[2]).toMatchObject({ op: 'reconnect', timeoutMs: 300_000 });
    expect(h.comm.commands[1]).toBe("rm -f '/tmp/script_test.sh'");
  });

  it('reconnects within start_retry_timeout when given', async () => {
    const h = harness();
    h.comm.on(EXEC, { disconnect: true });
    await h.run(fixedName, { inline: ['reboot'], expect_disconnect: true, start_retry_timeout: '90s' });
    expect(h.comm.calls.find((c) => c.op === 'reconnect')).toMatchObject({ timeoutMs: 90_000 });
  });

  it('treats a script killed by a signal as the expected disconnect', async () => {
    const h = harness();
    h.comm.on(EXEC, { signal: 'TERM' });
    expect((await h.run(fixedName, { inline: ['reboot'], expect_disconnect: true })).kind).toBe('ok');
    expect(h.comm.calls.some((c) => c.op === 'reconnect')).toBe(true);
  });

  it("accepts Packer's valid_exit_codes = [0, 2300218] as expecting the disconnect", async () => {
    const h = harness();
    h.comm.on(EXEC, { disconnect: true });
    expect((await h.run(fixedName, { inline: ['reboot'], valid_exit_codes: [0, 2300218] })).kind).toBe('ok');
  });

  it('reconnects when a rebooting script exits 0 and the cleanup finds the connection gone', async () => {
    const h = harness();
    h.comm.on(EXEC, { exitCode: 0 });
    h.comm.on(/^rm -f/, { disconnect: true }, { times: 1 });
    expect((await h.run(fixedName, { inline: ['shutdown -r now &'], expect_disconnect: true })).kind).toBe('ok');
    expect(h.comm.calls.map((c) => c.op)).toEqual(['upload', 'run', 'run', 'reconnect', 'run']);
  });

  it('fails when the machine does not come back', async () => {
    const h = harness();
    h.comm.on(EXEC, { disconnect: true });
    h.comm.failReconnects = 1;
    const outcome = failedOf(await h.run(fixedName, { inline: ['reboot'], expect_disconnect: true, start_retry_timeout: '1m' }));
    expect(outcome.code).toBe('ERR_BAKE_SHELL_RECONNECT_FAILED');
    expect(outcome.message).toContain('did not accept SSH again');
    expect(outcome.hint).toContain('start_retry_timeout');
  });

  it('turns a failed upload into a failed outcome naming what it was doing', async () => {
    const h = harness();
    h.comm.disconnect();
    const outcome = failedOf(await h.run(fixedName, { inline: ['true'] }));
    expect(outcome.code).toBe('ERR_BAKE_SSH_TRANSFER_FAILED');
    expect(outcome.command).toBe('upload inline script to /tmp/script_test.sh');
  });

  it('stops when its signal aborts, reporting the command that was running', async () => {
    const h = harness();
    const abort = new AbortController();
    h.comm.on(EXEC, { stdout: ['working'], hang: true });
    const running = h.run(fixedName, { inline: ['sleep 1000'] }, { signal: abort.signal });
    await new Promise((r) => setImmediate(r));
    abort.abort(new Error('stop'));
    const outcome = failedOf(await running);
    expect(outcome.code).toBe('ERR_BAKE_PROVISIONER_CANCELLED');
    expect(outcome.command).toContain('/tmp/script_test.sh');
    expect(outcome.lastLines).toEqual(['working']);
  });
});
