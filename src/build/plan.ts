/**
 * A target template's layer chain, base first. A qemu source with `parent = "NAME"` is layered on
 * the template named NAME (NAME.pkr.hcl or NAME.hcl beside the child, then in templates/ of the
 * working directory); when there is no such template, on the newest stored image named NAME,
 * which then ends the chain. Loading templates is injected: the CLI loads them with the user's
 * --var/--var-file values (each applied where it is declared) and reports their diagnostics.
 */
import path from 'node:path';
import { BakeError } from '../errors.js';
import type { ImageRecord } from '../registry/images.js';
import type { BuildSource, Template } from '../template/model.js';

export interface Layer {
  /** image_name, or the template's base name. */
  name: string;
  templatePath: string;
  template: Template;
  buildSource: BuildSource;
}

export interface LayerPlan {
  /** Base first; the last one is the target. */
  layers: Layer[];
  /** A stored image the first layer is built on, when its parent is no template. */
  baseImage?: ImageRecord;
}

export interface PlanDeps {
  /** Loads a template; `target` tells whether it is the one named on the command line. Throws when invalid. */
  load(templatePath: string, target: boolean): Promise<Template>;
  /** Whether a file exists. */
  isFile(p: string): boolean;
  resolveImage(name: string): ImageRecord | undefined;
  cwd: string;
}

export const TEMPLATE_SUFFIXES = ['.pkr.hcl', '.hcl'] as const;

export function templateBaseName(templatePath: string): string {
  const base = path.basename(templatePath);
  const suffix = TEMPLATE_SUFFIXES.find((s) => base.endsWith(s));
  return suffix ? base.slice(0, -suffix.length) : base;
}

export function layerName(templatePath: string, source: BuildSource): string {
  const name = source.config.image_name;
  return typeof name === 'string' && name !== '' ? name : templateBaseName(templatePath);
}

/** The qemu build sources a template builds (after -only/-except). */
export function qemuSources(template: Template): BuildSource[] {
  return template.builds.flatMap((b) => b.sources).filter((s) => s.source.type === 'qemu');
}

/** Where a parent template named `name` may live, in lookup order. */
export function parentCandidates(name: string, childTemplate: string, cwd: string): string[] {
  const dirs = [path.dirname(childTemplate), path.join(cwd, 'templates')];
  const out: string[] = [];
  for (const dir of dirs) for (const s of TEMPLATE_SUFFIXES) out.push(path.resolve(dir, `${name}${s}`));
  return [...new Set(out)];
}

export async function planLayers(deps: PlanDeps, targetPath: string, targetSource: BuildSource, target: Template): Promise<LayerPlan> {
  const chain: Layer[] = [{ name: layerName(targetPath, targetSource), templatePath: targetPath, template: target, buildSource: targetSource }];
  const seen = [path.resolve(targetPath)];
  for (;;) {
    const child = chain[0]!;
    const parent = child.buildSource.config.parent;
    if (typeof parent !== 'string') return { layers: chain };
    const file = parentCandidates(parent, child.templatePath, deps.cwd).find((p) => deps.isFile(p));
    if (file === undefined) {
      const image = deps.resolveImage(parent);
      if (image) return { layers: chain, baseImage: image };
      throw new BakeError('ERR_BAKE_PARENT_NOT_FOUND', `${child.name}: parent "${parent}" is neither a template nor a stored image`, {
        hint: `Looked for ${parentCandidates(parent, child.templatePath, deps.cwd).join(', ')} and an image named "${parent}" (bake images).`,
      });
    }
    if (seen.includes(file)) {
      const names = [...chain.map((l) => l.name).reverse(), parent].join(' -> ');
      throw new BakeError('ERR_BAKE_PARENT_CYCLE', `the layer chain has a cycle: ${names}`, {
        hint: 'A template cannot be its own ancestor: change one "parent" so the chain ends at a bootstrap source.',
      });
    }
    seen.push(file);
    const template = await deps.load(file, false);
    const sources = qemuSources(template);
    const source = sources.find((s) => s.config.image_name === parent) ?? sources[0];
    if (!source) {
      throw new BakeError('ERR_BAKE_PARENT_NOT_QEMU', `parent template ${file} has no qemu source to build`, {
        hint: 'A parent of a qemu layer must itself build a qemu source.',
      });
    }
    chain.unshift({ name: layerName(file, source), templatePath: file, template, buildSource: source });
  }
}
