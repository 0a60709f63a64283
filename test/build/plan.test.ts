import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLayers, qemuSources, type PlanDeps } from '../../src/build/plan.js';
import type { ImageRecord } from '../../src/registry/images.js';
import type { Template } from '../../src/template/model.js';
import { loaded, loadInline } from '../_helpers/load.js';

const base = `source "qemu" "os" {\n  image_name = "os-base"\n  bootstrap {\n    suite = "bookworm"\n  }\n}\nbuild {\n  sources = ["source.qemu.os"]\n}\n`;
const layer = (name: string, parent: string) => `source "qemu" "${name}" {\n  parent = "${parent}"\n}\nbuild {\n  sources = ["source.qemu.${name}"]\n}\n`;

/** Templates by absolute path, loaded with the real template engine. */
function deps(files: Record<string, string>, images: ImageRecord[] = []): PlanDeps & { loads: string[] } {
  const loads: string[] = [];
  return {
    cwd: '/w',
    loads,
    isFile: (p) => Object.hasOwn(files, p),
    resolveImage: (name) => images.find((i) => i.name === name),
    async load(p) {
      loads.push(p);
      return loaded(loadInline({ [path.basename(p)]: files[p]! }));
    },
  };
}

async function plan(files: Record<string, string>, target: string, images: ImageRecord[] = []) {
  const d = deps(files, images);
  const t: Template = await d.load(target, true);
  return { plan: await planLayers(d, target, qemuSources(t)[0]!, t), loads: d.loads };
}

describe('planLayers', () => {
  it('orders the chain base first, finding parents beside the child and then in templates/', async () => {
    const { plan: p } = await plan(
      { '/w/templates/os-base.hcl': base, '/w/apps/mid.pkr.hcl': layer('mid', 'os-base'), '/w/apps/app.hcl': layer('app', 'mid') },
      '/w/apps/app.hcl',
    );
    expect(p.layers.map((l) => [l.name, l.templatePath])).toEqual([
      ['os-base', '/w/templates/os-base.hcl'],
      ['mid', '/w/apps/mid.pkr.hcl'],
      ['app', '/w/apps/app.hcl'],
    ]);
    expect(p.baseImage).toBeUndefined();
  });

  it('layers on the newest stored image when no template has the parent name', async () => {
    const image = { id: 'img-1', name: 'golden' } as ImageRecord;
    const { plan: p } = await plan({ '/w/app.hcl': layer('app', 'golden') }, '/w/app.hcl', [image]);
    expect(p.layers.map((l) => l.name)).toEqual(['app']);
    expect(p.baseImage).toBe(image);
  });

  it('names the parent when it is neither a template nor an image', async () => {
    await expect(plan({ '/w/app.hcl': layer('app', 'nope') }, '/w/app.hcl')).rejects.toMatchObject({ code: 'ERR_BAKE_PARENT_NOT_FOUND' });
  });

  it('reports a cycle between templates instead of looping', async () => {
    await expect(plan({ '/w/a.hcl': layer('a', 'b'), '/w/b.hcl': layer('b', 'a') }, '/w/a.hcl')).rejects.toMatchObject({
      code: 'ERR_BAKE_PARENT_CYCLE',
      message: 'the layer chain has a cycle: a -> b -> a',
    });
  });
});
