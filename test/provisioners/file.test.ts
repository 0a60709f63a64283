import { describe, expect, it } from 'vitest';
import { fileRunner } from '../../src/provisioners/file/run.js';
import { failedOf, harness, WORK_DIR } from './_harness.js';

const text = (b: { content: Buffer } | undefined) => b?.content.toString();

describe('file provisioner: uploads', () => {
  it('uploads a file to the destination path, keeping its permission bits', async () => {
    const h = harness();
    h.local.writeFile(`${WORK_DIR}/files/run.sh`, 'echo', 0o750);
    expect((await h.run(fileRunner, { source: 'files/run.sh', destination: '/usr/local/bin/run' })).kind).toBe('ok');
    expect(h.comm.remote.get('/usr/local/bin/run')).toEqual({ content: Buffer.from('echo'), mode: 0o750 });
    expect(h.logs).toEqual(['Uploading files/run.sh => /usr/local/bin/run']);
  });

  it('puts a file inside the destination, under its own name, when the destination ends with "/"', async () => {
    const h = harness({ [`${WORK_DIR}/app.conf`]: 'x=1' });
    await h.run(fileRunner, { source: 'app.conf', destination: '/etc/app/' });
    expect(text(h.comm.remote.get('/etc/app/app.conf'))).toBe('x=1');
  });

  it('uploads a directory itself without a trailing slash, and its contents with one', async () => {
    const tree = { [`${WORK_DIR}/site/index.html`]: 'hi', [`${WORK_DIR}/site/css/a.css`]: 'a{}' };
    const itself = harness(tree);
    await itself.run(fileRunner, { source: 'site', destination: '/var/www' });
    expect([...itself.comm.remote.keys()].sort()).toEqual(['/var/www/site/css/a.css', '/var/www/site/index.html']);
    expect(itself.comm.calls[0]).toMatchObject({ op: 'uploadDir', localDir: `${WORK_DIR}/site`, remoteDir: '/var/www' });

    const contents = harness(tree);
    await contents.run(fileRunner, { source: 'site/', destination: '/var/www' });
    expect([...contents.comm.remote.keys()].sort()).toEqual(['/var/www/css/a.css', '/var/www/index.html']);
    expect(contents.comm.calls[0]).toMatchObject({ op: 'uploadDir', localDir: `${WORK_DIR}/site/` });
  });

  it('uploads several sources into a destination directory', async () => {
    const h = harness({ '/abs/a.txt': 'a', [`${WORK_DIR}/b.txt`]: 'b', [`${WORK_DIR}/d/c.txt`]: 'c' });
    await h.run(fileRunner, { sources: ['/abs/a.txt', 'b.txt', 'd'], destination: '/srv/' });
    expect([...h.comm.remote.keys()].sort()).toEqual(['/srv/a.txt', '/srv/b.txt', '/srv/d/c.txt']);
  });

  it('refuses several sources without a directory destination, before transferring anything', async () => {
    const h = harness({ '/a': 'a', '/b': 'b' });
    const outcome = failedOf(await h.run(fileRunner, { sources: ['/a', '/b'], destination: '/srv' }));
    expect(outcome.code).toBe('ERR_BAKE_FILE_BAD_DESTINATION');
    expect(outcome.hint).toContain('"/srv/"');
    expect(h.comm.calls).toEqual([]);
  });

  it('fails on a missing source naming the path, where it looked and the block, before transferring anything', async () => {
    const h = harness({ [`${WORK_DIR}/a.txt`]: 'a' });
    const outcome = failedOf(await h.run(fileRunner, { sources: ['a.txt', 'gone.txt'], destination: '/srv/' }, { line: 31 }));
    expect(outcome.code).toBe('ERR_BAKE_FILE_SOURCE_NOT_FOUND');
    expect(outcome.message).toBe(`provisioner "file" at build.pkr.hcl:31: source "gone.txt" not found (looked for ${WORK_DIR}/gone.txt)`);
    expect(h.comm.calls).toEqual([]);
  });

  it('fails the same way for a generated source that was never made (generated only relaxes validation)', async () => {
    const h = harness();
    const outcome = failedOf(await h.run(fileRunner, { source: 'out/build.tar', destination: '/tmp/build.tar', generated: true }));
    expect(outcome.code).toBe('ERR_BAKE_FILE_SOURCE_NOT_FOUND');
  });

  it('uploads a generated source that exists by run time', async () => {
    const h = harness({ [`${WORK_DIR}/out/build.tar`]: 'tar' });
    expect((await h.run(fileRunner, { source: 'out/build.tar', destination: '/tmp/build.tar', generated: true })).kind).toBe('ok');
  });

  it('writes content to the destination file', async () => {
    const h = harness();
    await h.run(fileRunner, { content: 'hello\nworld\n', destination: '/etc/motd' });
    expect(h.comm.remote.get('/etc/motd')).toEqual({ content: Buffer.from('hello\nworld\n'), mode: 0o644 });
  });

  it('refuses content with a directory destination', async () => {
    const h = harness();
    const outcome = failedOf(await h.run(fileRunner, { content: 'x', destination: '/etc/' }));
    expect(outcome.code).toBe('ERR_BAKE_FILE_BAD_DESTINATION');
    expect(h.comm.calls).toEqual([]);
  });

  it('reports a failed transfer with the communicator code and what it was doing', async () => {
    const h = harness({ '/a.txt': 'a' });
    h.comm.disconnect();
    const outcome = failedOf(await h.run(fileRunner, { source: '/a.txt', destination: '/srv/a.txt' }));
    expect(outcome).toMatchObject({ code: 'ERR_BAKE_SSH_TRANSFER_FAILED', command: 'upload /a.txt to /srv/a.txt' });
  });
});

describe('file provisioner: downloads', () => {
  function machine() {
    const h = harness();
    h.comm.remote.set('/var/log/app.log', { content: Buffer.from('log'), mode: 0o640 });
    h.comm.remote.set('/etc/app/a.conf', { content: Buffer.from('a'), mode: 0o644 });
    h.comm.remote.set('/etc/app/sub/b.conf', { content: Buffer.from('b'), mode: 0o644 });
    return h;
  }

  it('downloads a remote file to a local path relative to the working directory, creating its directory', async () => {
    const h = machine();
    expect((await h.run(fileRunner, { direction: 'download', source: '/var/log/app.log', destination: 'logs/app.log' })).kind).toBe('ok');
    expect(text(h.local.files.get(`${WORK_DIR}/logs/app.log`))).toBe('log');
    expect(h.logs).toEqual([`Downloading /var/log/app.log => ${WORK_DIR}/logs/app.log`]);
  });

  it('downloads a file into a destination ending with "/" under its own name', async () => {
    const h = machine();
    await h.run(fileRunner, { direction: 'download', source: '/var/log/app.log', destination: 'logs/' });
    expect(text(h.local.files.get(`${WORK_DIR}/logs/app.log`))).toBe('log');
  });

  it('downloads a directory given with a trailing slash, its contents into the destination', async () => {
    const h = machine();
    await h.run(fileRunner, { direction: 'download', source: '/etc/app/', destination: 'conf' });
    expect([...h.local.filesUnder(`${WORK_DIR}/conf`).keys()].sort()).toEqual(['a.conf', 'sub/b.conf']);
  });

  it('says to add the trailing slash when a directory is downloaded as a file', async () => {
    const h = machine();
    const outcome = failedOf(await h.run(fileRunner, { direction: 'download', source: '/etc/app', destination: 'conf' }));
    expect(outcome.code).toBe('ERR_BAKE_SSH_TRANSFER_FAILED');
    expect(outcome.hint).toContain('end "source" with "/"');
  });

  it('reports a missing remote file with the communicator code', async () => {
    const h = machine();
    const outcome = failedOf(await h.run(fileRunner, { direction: 'download', source: '/nope', destination: 'x' }));
    expect(outcome.code).toBe('ERR_BAKE_SSH_REMOTE_NOT_FOUND');
    expect(outcome.command).toBe('download /nope');
  });

  it('refuses wildcard sources rather than looking for a file named "*"', async () => {
    const h = machine();
    const outcome = failedOf(await h.run(fileRunner, { direction: 'download', source: '/var/log/*.log', destination: 'logs/' }));
    expect(outcome.code).toBe('ERR_BAKE_FILE_BAD_DESTINATION');
    expect(h.comm.calls).toEqual([]);
  });

  it('downloads several sources into a directory', async () => {
    const h = machine();
    await h.run(fileRunner, { direction: 'download', sources: ['/var/log/app.log', '/etc/app/a.conf'], destination: '/out/' });
    expect([...h.local.filesUnder('/out').keys()].sort()).toEqual(['a.conf', 'app.log']);
  });
});
