/** `bake build`, `images`, `rmi`, `gc` through the real CLI, without VMs: what fails before any VM starts, and the store commands. */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, testdir } from '../_helpers/cli.js';

const layer = (name: string, parent: string, extra = '') =>
  `source "qemu" "${name}" {\n  parent = "${parent}"\n}\nbuild {\n  sources = ["source.qemu.${name}"]\n${extra}}\n`;

function storeImage(home: string, id: string, name: string, parent?: string): void {
  const dir = path.join(home, 'images', id);
  mkdirSync(dir, { recursive: true });
  const record = { id, name, ...(parent ? { parent } : {}), hash: `hash-${id}`, template: 't.hcl', variables: {}, createdAt: '2026-11-22T00:00:00.000Z', size: 1, virtualSize: 2, files: { disk: 'disk.qcow2', kernel: 'vmlinuz', initrd: 'initrd.img', log: 'build.log' }, builder: 'qemu' };
  writeFileSync(path.join(dir, 'image.json'), JSON.stringify(record));
}

describe('bake build', () => {
  it('names a missing provisioner script before any VM starts', async () => {
    const dir = testdir({
      'app.hcl': layer('app', 'golden', '  provisioner "shell" {\n    script = "scripts/missing.sh"\n  }\n'),
    });
    storeImage(path.join(dir, '.bake'), 'img-aaa', 'golden');
    const r = await runCli(['build', 'app.hcl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('app: provisioner "shell" at');
    expect(r.stderr).toContain('reads scripts/missing.sh, which does not exist');
    expect(r.stderr).toContain('[ERR_BAKE_FILE_NOT_FOUND]');
    expect(existsSync(path.join(dir, '.bake', 'run'))).toBe(false); // no VM was launched
  });

  it('reports a cycle between parent templates', async () => {
    const dir = testdir({ 'a.hcl': layer('a', 'b'), 'b.hcl': layer('b', 'a') });
    const r = await runCli(['build', 'a.hcl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the layer chain has a cycle: a -> b -> a');
  });

  it('names a parent that is neither a template nor an image', async () => {
    const dir = testdir({ 'app.hcl': layer('app', 'nowhere') });
    const r = await runCli(['build', 'app.hcl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('parent "nowhere" is neither a template nor a stored image');
  });

  it('rejects an unknown -on-error policy as a usage error', async () => {
    const r = await runCli(['build', '-on-error=explode', 'x.hcl'], { cwd: testdir() });
    expect(r.code).toBe(2);
  });

  it('is listed in help with the store commands', async () => {
    const r = await runCli(['--help'], { cwd: testdir() });
    for (const c of ['build', 'images', 'rmi', 'gc']) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\s`, 'm'));
  });
});

describe('bake images, rmi, gc', () => {
  it('lists images with their parent, and refuses to remove a parent', async () => {
    const dir = testdir();
    const home = path.join(dir, 'store');
    storeImage(home, 'img-base', 'base');
    storeImage(home, 'img-app', 'app', 'img-base');
    const env = { BAKE_HOME: home };
    const list = JSON.parse((await runCli(['images', '--json'], { cwd: dir, env })).stdout) as Array<{ id: string; parent: string | null }>;
    expect(list.map((i) => [i.id, i.parent]).sort()).toEqual([['img-app', 'img-base'], ['img-base', null]]);

    const refused = await runCli(['rmi', 'base'], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is the parent of img-app (app)');
    expect((await runCli(['rmi', 'img-app'], { cwd: dir, env })).stdout).toContain('removed img-app (app)');
    expect((await runCli(['rmi', 'base'], { cwd: dir, env })).code).toBe(0);
  });

  it('gc removes a staging directory whose build is gone, and says so', async () => {
    const dir = testdir();
    const staging = path.join(dir, '.bake', 'images', '.staging-dead');
    mkdirSync(staging, { recursive: true });
    writeFileSync(path.join(staging, 'owner.json'), JSON.stringify({ pid: 999999999, processStart: '1' }));
    const r = await runCli(['gc'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('removed abandoned staging directory');
    expect(readdirSync(path.join(dir, '.bake', 'images'))).toEqual([]);
    expect((await runCli(['gc'], { cwd: dir })).stdout).toContain('nothing to clean up');
  });
});
