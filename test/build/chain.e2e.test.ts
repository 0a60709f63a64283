/**
 * `bake build` end to end with real qemu and mmdebstrap: the real CLI builds a two-layer chain
 * (a tiny Debian base made from nothing, and a layer on it whose shell provisioner writes a
 * variable's value), reuses it from the cache, rebuilds only the layer when only its variable
 * changes, and the layer image boots with the file in it. Nothing may be left running or staged.
 *
 * Needs what test/builders/local/local-vm.integration.test.ts needs (root, qemu, mmdebstrap, a
 * Debian mirror); skipped otherwise, and with BAKE_SKIP_VM_TESTS=1. Slow: the base takes 1-2
 * minutes to bootstrap and each boot 15-60 s under TCG. BAKE_TEST_BAKE_HOME=DIR keeps the store
 * (and so the base layer) between runs, as BAKE_TEST_BASE_IMAGE does for the integration test;
 * the layer is always rebuilt because each run's greeting differs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeProcessRunner } from '../../src/builders/local/process.js';
import { launchVm, type Vm } from '../../src/builders/local/vm.js';
import { generateKeyPair } from '../../src/communicator/keys.js';
import { connectSsh } from '../../src/communicator/ssh.js';
import { systemClock } from '../../src/runtime/clock.js';
import { runCli } from '../_helpers/cli.js';

const TOOLS = ['qemu-system-x86_64', 'qemu-img', 'mmdebstrap', 'mkfs.ext4', 'pgrep'];
const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const skipReason =
  process.env.BAKE_SKIP_VM_TESTS === '1' ? 'BAKE_SKIP_VM_TESTS=1' : process.getuid?.() !== 0 ? 'not root' : missing.length > 0 ? `missing ${missing.join(', ')}` : undefined;
if (skipReason) console.warn(`bake build e2e tests skipped: ${skipReason}`);

const MINUTE = 60_000;
const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');

interface ImageRow {
  id: string;
  name: string;
  parent: string | null;
  size: number;
}

describe.skipIf(skipReason !== undefined)('bake build with real qemu', () => {
  let work: string;
  let home: string;
  const timings: Record<string, string> = {};
  const greeting = `hello-${process.pid}-${Date.now()}`;
  const bake = async (args: string[], label: string) => {
    const started = Date.now();
    const r = await runCli(args, { cwd: work, env: { BAKE_HOME: home, CI: 'true' } });
    timings[label] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (r.code !== 0) throw new Error(`bake ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const images = async () => JSON.parse((await bake(['images', '--json'], 'images')).stdout) as ImageRow[];
  const layerResults = (stdout: string) =>
    (JSON.parse(stdout) as { layers: Array<{ name: string; result: string; id: string }> }).layers.map((l) => [l.name, l.result]);

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'bake-e2e-'));
    home = process.env.BAKE_TEST_BAKE_HOME ? path.resolve(process.env.BAKE_TEST_BAKE_HOME) : path.join(work, '.bake');
    for (const f of readdirSync(FIXTURES)) copyFileSync(path.join(FIXTURES, f), path.join(work, f));
  });

  afterAll(() => {
    console.info(`bake build e2e timings:\n${Object.entries(timings).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds the base and then the layer, linked as parent and child', async () => {
    const r = await bake(['build', '--json', '-var', `greeting=${greeting}`, 'tiny-layer.pkr.hcl'], 'first build');
    expect(layerResults(r.stdout).map(([name]) => name)).toEqual(['tiny-base', 'tiny-layer']);
    expect(layerResults(r.stdout)[1]).toEqual(['tiny-layer', 'built']);
    expect(r.stderr).toContain('==> tiny-layer: provision');
    expect(r.stderr).toContain('    tiny-layer: base-ready'); // guest output, prefixed with the layer
    const list = await images();
    const layer = list.find((i) => i.name === 'tiny-layer')!;
    const base = list.find((i) => i.name === 'tiny-base')!;
    expect(layer.parent).toBe(base.id);
    expect(base.parent).toBeNull();
    // The layer wrote and deleted 64 MB: trimmed, it holds only its file, kernel and initrd
    // (about 30 MiB); untrimmed it would hold the 64 MB as well.
    expect(layer.size).toBeLessThan(64 * 1024 * 1024);
    expect(existsSync(path.join(work, 'bake-manifest.json'))).toBe(true);
  }, 20 * MINUTE);

  it('reuses both layers when nothing changed', async () => {
    const r = await bake(['build', '--json', '-var', `greeting=${greeting}`, 'tiny-layer.pkr.hcl'], 'second build (cached)');
    expect(layerResults(r.stdout)).toEqual([
      ['tiny-base', 'cached'],
      ['tiny-layer', 'cached'],
    ]);
  }, 2 * MINUTE);

  let changed = '';
  it('rebuilds only the layer when only its variable changed', async () => {
    const r = await bake(['build', '--json', '-var', `greeting=${greeting}-2`, 'tiny-layer.pkr.hcl'], 'third build (layer only)');
    expect(layerResults(r.stdout)).toEqual([
      ['tiny-base', 'cached'],
      ['tiny-layer', 'built'],
    ]);
    changed = (JSON.parse(r.stdout) as { layers: Array<{ id: string }> }).layers[1]!.id;
  }, 10 * MINUTE);

  it('boots the layer image with the file its provisioner wrote', async () => {
    const runner = createNodeProcessRunner({ clock: systemClock });
    const dir = path.join(home, 'images', changed);
    const key = generateKeyPair('bake-e2e');
    let vm: Vm | undefined;
    try {
      vm = await launchVm(
        { runner, clock: systemClock },
        {
          name: `bake-e2e-${process.pid}`,
          // An overlay of its own, so booting does not change the stored image.
          disk: await overlay(runner, dir, work),
          kernel: path.join(dir, 'vmlinuz'),
          initrd: path.join(dir, 'initrd.img'),
          accelerator: 'tcg',
          sshPublicKey: key.publicKey,
          runDir: path.join(work, 'run'),
          stateDir: path.join(work, 'run', 'vms'),
        },
      );
      expect((await vm.waitForSsh(5 * MINUTE)).kind).toBe('ready');
      const comm = await connectSsh({ host: '127.0.0.1', port: vm.sshPort, username: 'root', privateKey: key.privateKey, timeoutMs: 2 * MINUTE });
      try {
        const lines: string[] = [];
        const result = await comm.run({ command: 'cat /etc/greeting', onStdout: (l) => lines.push(l) });
        expect(result).toMatchObject({ kind: 'exited', exitCode: 0 });
        expect(lines).toEqual([`${greeting}-2`]);
      } finally {
        await comm.close();
      }
    } finally {
      await vm?.kill();
    }
  }, 10 * MINUTE);

  it('leaves no qemu running and no staging directory behind', () => {
    expect(spawnSync('pgrep', ['-f', `${home}/`]).status).toBe(1);
    expect(readdirSync(path.join(home, 'images')).filter((n) => n.startsWith('.staging-'))).toEqual([]);
  });
});

async function overlay(runner: ReturnType<typeof createNodeProcessRunner>, imageDir: string, work: string): Promise<string> {
  const { createOverlay } = await import('../../src/builders/local/qemu-img.js');
  const child = path.join(work, 'boot-check.qcow2');
  await createOverlay(runner, { parent: path.join(imageDir, 'disk.qcow2'), child, backingPath: 'absolute' });
  return child;
}
