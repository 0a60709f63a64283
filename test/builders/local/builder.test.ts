import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LayerContext } from '../../../src/builders/local/build-context.js';
import { buildLayer, type LayerBuildRequest } from '../../../src/builders/local/builder.js';
import { lockStep, stageStep } from '../../../src/builders/local/steps/lock-and-stage.js';
import type { Step } from '../../../src/build/steps.js';
import { ImageStore } from '../../../src/registry/images.js';
import { systemClock } from '../../../src/runtime/clock.js';
import type { Vm } from '../../../src/builders/local/vm.js';
import type { BuildSource } from '../../../src/template/model.js';

let home: string;
afterEach(() => rmSync(home, { recursive: true, force: true }));

function setup() {
  home = mkdtempSync(path.join(tmpdir(), 'bake-builder-'));
  const store = new ImageStore(home);
  const lines: string[] = [];
  const deps = {
    runner: {} as never,
    clock: systemClock,
    store,
    home,
    dieWithParent: true,
    events: { step: (l: string, s: string, st: string) => lines.push(`${l} ${s} ${st}`), log: () => {}, output: () => {} },
  };
  const req = (onError: LayerBuildRequest['onError'] = 'cleanup'): LayerBuildRequest => ({
    name: 'app',
    templatePath: 'app.hcl',
    buildSource: { config: {}, provisioners: [], name: 'app', source: { type: 'qemu' } } as unknown as BuildSource,
    hash: 'h',
    variables: {},
    workDir: home,
    onError,
    signal: new AbortController().signal,
  });
  return { store, deps, req, lines };
}

const fakeVm: Step<LayerContext> = {
  name: 'launch',
  async run(ctx) {
    ctx.key = { privateKey: 'PRIVATE', publicKey: 'ssh-ed25519 AAAA x', fingerprint: 'SHA256:x' };
    ctx.vm = { name: 'bake-x', sshPort: 2222 } as Vm;
  },
};
const boom: Step<LayerContext> = {
  name: 'provision',
  async run() {
    throw new Error('script failed');
  },
};

describe('buildLayer', () => {
  it('discards the staging directory and releases the lock when a step fails', async () => {
    const { store, deps, req, lines } = setup();
    const r = await buildLayer(deps, req(), [lockStep, stageStep, fakeVm, boom]);
    expect(r).toMatchObject({ kind: 'failed', step: 'provision' });
    expect(lines).toContain('app provision failed');
    expect(store.abandonedStaging()).toEqual([]);
    expect(readdirSync(path.join(home, 'images'))).toEqual([]);
    // The lock is free again: the next build of the same image gets past it.
    expect(await buildLayer(deps, req(), [lockStep, boom])).toMatchObject({ kind: 'failed', step: 'provision' });
  });

  it('refuses a second build of the same image while the first holds the lock', async () => {
    const { deps, req } = setup();
    let second: unknown;
    const nested: Step<LayerContext> = {
      name: 'nested',
      async run() {
        second = await buildLayer(deps, req(), [lockStep]);
      },
    };
    await buildLayer(deps, req(), [lockStep, nested]);
    expect(second).toMatchObject({ kind: 'failed', step: 'lock' });
    expect(String((second as { error: Error }).error.message)).toMatch(/^app is already being built by pid \d+/);
  });

  it('on -on-error=abort leaves the VM and writes its key with mode 0600 for the printed ssh command', async () => {
    const { deps, req } = setup();
    const r = await buildLayer(deps, req('abort'), [lockStep, stageStep, fakeVm, boom]);
    if (r.kind !== 'failed' || !r.leftRunning) throw new Error(`expected a failure left running, got ${JSON.stringify(r)}`);
    expect(readFileSync(r.leftRunning.keyFile, 'utf8')).toBe('PRIVATE');
    expect(statSync(r.leftRunning.keyFile).mode & 0o777).toBe(0o600);
    expect(r.leftRunning.sshCommand).toBe(`ssh -i ${r.leftRunning.keyFile} -p 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1`);
  });
});

