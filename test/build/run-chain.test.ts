import { describe, expect, it } from 'vitest';
import type { LayerBuildOutcome, LayerBuildRequest } from '../../src/builders/local/builder.js';
import type { HashFs } from '../../src/build/cache-key.js';
import { runChain, type ChainDeps } from '../../src/build/run-chain.js';
import { planLayers, qemuSources, type LayerPlan } from '../../src/build/plan.js';
import type { ImageRecord } from '../../src/registry/images.js';
import { loaded, loadInline } from '../_helpers/load.js';

const noFiles: HashFs = { kind: () => undefined, readFile: () => Buffer.alloc(0), readDir: () => [], mode: () => 0, resolve: (p) => p };

const templates: Record<string, string> = {
  '/w/base.hcl': `source "qemu" "base" {\n  bootstrap {\n    suite = "bookworm"\n  }\n}\nbuild {\n  sources = ["source.qemu.base"]\n  provisioner "shell" {\n    inline = ["true"]\n  }\n}\n`,
  '/w/app.hcl': `variable "v" {\n  default = "1"\n}\nsource "qemu" "app" {\n  parent = "base"\n}\nbuild {\n  sources = ["source.qemu.app"]\n  provisioner "shell" {\n    inline = ["echo \${var.v}"]\n  }\n}\n`,
};

async function plan(vars: Array<{ name: string; value: string }> = []): Promise<LayerPlan> {
  const load = (p: string, target: boolean) => loaded(loadInline({ [p.slice(3)]: templates[p]! }, target ? { vars } : {}));
  const app = await load('/w/app.hcl', true);
  return planLayers({ cwd: '/w', isFile: (p) => p in templates, resolveImage: () => undefined, load: async (p) => load(p, false) }, '/w/app.hcl', qemuSources(app)[0]!, app);
}

/** A store in memory and a builder that records what it was asked to build. */
function fakes(fail?: string) {
  const store: ImageRecord[] = [];
  const built: string[] = [];
  let n = 0;
  const deps: ChainDeps = {
    byHash: (h) => store.find((i) => i.hash === h),
    salt: 'salt',
    hashFs: noFiles,
    now: () => Date.parse('2026-11-22T00:00:00Z'),
    async buildLayer(req: LayerBuildRequest): Promise<LayerBuildOutcome> {
      built.push(req.name);
      if (req.name === fail) return { kind: 'failed', step: 'provision', error: new Error('boom'), durationMs: 1, cleanupErrors: [] };
      const image = { id: `img-${++n}`, name: req.name, hash: req.hash, createdAt: '2026-11-21T00:00:00Z', ...(req.parent ? { parent: req.parent.id } : {}) } as ImageRecord;
      store.push(image);
      return { kind: 'built', image, durationMs: 1 };
    },
  };
  return { deps, built, store };
}

const opts = { force: false, noCache: false, onError: 'cleanup' as const, signal: new AbortController().signal, cwd: '/w' };

describe('runChain', () => {
  it('builds base first, layers the child on the new parent, and reuses both next time', async () => {
    const f = fakes();
    const first = await runChain(f.deps, await plan(), opts);
    expect(first.map((r) => [r.layer.name, r.kind])).toEqual([['base', 'built'], ['app', 'built']]);
    expect(f.store[1]!.parent).toBe(f.store[0]!.id);
    const again = await runChain(f.deps, await plan(), opts);
    expect(again.map((r) => r.kind)).toEqual(['cached', 'cached']);
  });

  it('rebuilds only the app layer when only its variable changed', async () => {
    const f = fakes();
    await runChain(f.deps, await plan(), opts);
    f.built.length = 0;
    const r = await runChain(f.deps, await plan([{ name: 'v', value: '2' }]), opts);
    expect(r.map((x) => x.kind)).toEqual(['cached', 'built']);
    expect(f.built).toEqual(['app']);
  });

  it('rebuilds the target with --force and the whole chain with --no-cache', async () => {
    const f = fakes();
    await runChain(f.deps, await plan(), opts);
    f.built.length = 0;
    await runChain(f.deps, await plan(), { ...opts, force: true });
    expect(f.built).toEqual(['app']);
    f.built.length = 0;
    await runChain(f.deps, await plan(), { ...opts, noCache: true });
    expect(f.built).toEqual(['base', 'app']);
  });

  it('stops at the first failed layer and skips the layers above it', async () => {
    const f = fakes('base');
    const r = await runChain(f.deps, await plan(), opts);
    expect(r.map((x) => [x.layer.name, x.kind])).toEqual([['base', 'failed'], ['app', 'skipped']]);
  });
});
