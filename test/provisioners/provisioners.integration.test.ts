/**
 * The shell and file provisioners against a real OpenSSH server (test/_helpers/sshd.ts) through
 * the real SSH communicator: what a script sees, what lands on disk, what a failure reports.
 * sshd runs on this machine as the current user, so "remote" paths are local temp directories.
 */
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/communicator/keys.js';
import { connectSsh, type SshCommunicator } from '../../src/communicator/ssh.js';
import { nodeLocalFs } from '../../src/provisioners/local-fs.js';
import type { OutputStream } from '../../src/provisioners/provisioner.js';
import { runProvisioners } from '../../src/provisioners/run-provisioners.js';
import { createShellRunner } from '../../src/provisioners/shell/run.js';
import { fileRunner } from '../../src/provisioners/file/run.js';
import { systemClock } from '../../src/runtime/clock.js';
import type { Provisioner as ProvisionerBlock } from '../../src/template/model.js';
import type { ValueObject } from '../../src/template/value.js';
import { createSshd, type TestSshd } from '../_helpers/sshd.js';
import { block, failedOf } from './_harness.js';

const key = generateKeyPair('bake-test-provisioners');
let sshd: TestSshd;
let comm: SshCommunicator;
let work: string;
let remote: string;
let output: Array<[OutputStream, string]>;
const shell = createShellRunner({ randomFileName: () => 'script_it.sh' });

beforeAll(async () => {
  sshd = await createSshd({ authorizedKeys: [key.publicKey] });
});
afterAll(async () => {
  await sshd?.dispose();
});
beforeEach(async () => {
  comm = await connectSsh({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: key.privateKey, timeoutMs: 10_000 });
  work = await mkdtemp(path.join(tmpdir(), 'bake-prov-work-'));
  remote = await mkdtemp(path.join(tmpdir(), 'bake-prov-remote-'));
  output = [];
});
afterEach(async () => {
  await comm?.close();
  await rm(work, { recursive: true, force: true });
  await rm(remote, { recursive: true, force: true });
});

function provision(blocks: ProvisionerBlock[]) {
  return runProvisioners({
    provisioners: blocks,
    comm,
    output: { onLine: (stream, line) => void output.push([stream, line]) },
    workDir: work,
    fs: nodeLocalFs,
    clock: systemClock,
    log: () => {},
    build: { name: 'it', type: 'qemu' },
    registry: { shell, file: fileRunner },
  });
}

const shellBlock = (config: ValueObject, line = 1) => block('shell', { remote_folder: remote, ...config }, line);

describe('provisioners over real SSH', () => {
  it('runs inline commands, streaming stdout and stderr, and removes the script afterwards', async () => {
    const result = await provision([shellBlock({ inline: ['echo hello', 'echo oops >&2', `echo "$PACKER_BUILD_NAME/$BAKE_BUILDER_TYPE" > ${remote}/names`] })]);
    expect(result.kind).toBe('ok');
    expect(output).toEqual([
      ['stdout', 'hello'],
      ['stderr', 'oops'],
    ]);
    expect(await readFile(path.join(remote, 'names'), 'utf8')).toBe('it/qemu\n');
    await expect(stat(path.join(remote, 'script_it.sh'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it(`delivers an environment value with quotes, $(...) and backticks exactly as written`, async () => {
    const tricky = `it's $(whoami) \`id\` "q"`;
    await writeFile(path.join(work, 'env.sh'), '#!/bin/sh\nset -eu\nprintf \'%s\' "$TRICKY" > "$OUT"\nprintf \'%s\' "$FROM_MAP" > "$OUT.map"\r\n');
    const result = await provision([
      shellBlock({ script: 'env.sh', environment_vars: [`TRICKY=${tricky}`, `OUT=${remote}/seen`], env: { FROM_MAP: `a'b"c$d\`e\\f` } }),
      block('file', { direction: 'download', source: `${remote}/seen`, destination: 'downloaded/' }, 2),
    ]);
    expect(result.kind).toBe('ok');
    expect(await readFile(path.join(work, 'downloaded', 'seen'), 'utf8')).toBe(tricky);
    expect(await readFile(path.join(remote, 'seen.map'), 'utf8')).toBe(`a'b"c$d\`e\\f`);
  });

  it('uploads a directory and downloads it back unchanged', async () => {
    const src = path.join(work, 'site');
    await mkdir(path.join(src, 'bin'), { recursive: true });
    await writeFile(path.join(src, 'index.html'), '<h1>hi</h1>\n');
    await writeFile(path.join(src, 'bin', 'start'), '#!/bin/sh\necho start\n');
    await chmod(path.join(src, 'bin', 'start'), 0o755);
    const result = await provision([
      block('file', { source: 'site', destination: `${remote}/www` }, 1),
      shellBlock({ inline: [`${remote}/www/site/bin/start`] }, 2),
      block('file', { direction: 'download', source: `${remote}/www/site/`, destination: 'back' }, 3),
    ]);
    expect(result.kind).toBe('ok');
    expect(output).toContainEqual(['stdout', 'start']);
    expect(await readFile(path.join(work, 'back', 'index.html'), 'utf8')).toBe('<h1>hi</h1>\n');
    expect(await readFile(path.join(work, 'back', 'bin', 'start'), 'utf8')).toBe('#!/bin/sh\necho start\n');
    expect((await stat(path.join(work, 'back', 'bin', 'start'))).mode & 0o777).toBe(0o755);
    expect((await readdir(path.join(work, 'back'))).sort()).toEqual(['bin', 'index.html']);
  });

  it('reports a failing script with its exit code and last lines, and runs nothing after it', async () => {
    await writeFile(path.join(work, 'fail.sh'), '#!/bin/sh\nfor i in $(seq 1 25); do echo "step $i"; done\necho "E: no such package" >&2\nexit 42\n');
    const result = await provision([shellBlock({ script: 'fail.sh' }, 7), shellBlock({ inline: [`touch ${remote}/after`] }, 8)]);
    expect(result.kind).toBe('failed');
    if (result.kind !== 'failed') return;
    expect(result.failure.outcome).toMatchObject({
      code: 'ERR_BAKE_SHELL_EXIT_CODE',
      exitCode: 42,
      message: 'provisioner "shell" at build.pkr.hcl:7: fail.sh exited with status 42',
    });
    expect(result.failure.outcome.lastLines).toEqual([...Array.from({ length: 19 }, (_, i) => `step ${i + 7}`), 'E: no such package']);
    await expect(stat(path.join(remote, 'after'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('runs a custom execute_command with {{ .Vars }} and {{ .Path }}', async () => {
    const result = await provision([
      shellBlock({ inline: ['echo "$GREETING from $0"'], env: { GREETING: 'hello world' }, execute_command: 'env {{ .Vars }} sh {{ .Path }}' }),
    ]);
    expect(result.kind).toBe('ok');
    expect(output).toEqual([['stdout', `hello world from ${remote}/script_it.sh`]]);
  });

  it('survives a dropped connection with expect_disconnect, reconnecting before the next provisioner', async () => {
    const marker = path.join(remote, 'after-reboot');
    const blocks = [
      shellBlock({ inline: ['echo going down', 'sleep 30'], expect_disconnect: true, start_retry_timeout: '20s' }, 1),
      shellBlock({ inline: [`touch ${marker}`] }, 2),
    ];
    const running = provision(blocks);
    // "Reboot" once the script is running: sshd and all its sessions die, then sshd comes back.
    const deadline = Date.now() + 10_000;
    while (!output.some(([, l]) => l === 'going down')) {
      if (Date.now() > deadline) throw new Error(`the script never started: ${JSON.stringify(output)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await sshd.restart();
    const result = await running;
    expect(result.kind).toBe('ok');
    expect((await stat(marker)).isFile()).toBe(true);
  });
});
