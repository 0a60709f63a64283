/**
 * Builds a planned chain base first. Each layer's cache key covers its parent's image id, so once
 * a layer is rebuilt every layer above it gets a new key and is rebuilt too; a layer whose key
 * matches a young enough image is "cached". The first layer that fails or is cancelled stops the
 * chain. Every outcome is returned as data.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LayerBuildOutcome, LayerBuildRequest } from '../builders/local/builder.js';
import { BakeError } from '../errors.js';
import type { ImageRecord } from '../registry/images.js';
import { cacheKey, referencedFiles, type HashFs } from './cache-key.js';
import { decideCache } from './cache-decision.js';
import { variablesForKey, variablesForRecord } from './layer-variables.js';
import type { Layer, LayerPlan } from './plan.js';
import type { OnError } from './steps.js';

export type LayerResult =
  | { kind: 'cached'; layer: Layer; image: ImageRecord }
  | ({ layer: Layer; hash: string } & LayerBuildOutcome)
  | { kind: 'skipped'; layer: Layer };

export interface ChainOptions {
  force: boolean;
  noCache: boolean;
  onError: OnError;
  signal: AbortSignal;
  cwd: string;
}

export interface ChainDeps {
  byHash(hash: string): ImageRecord | undefined;
  salt: string;
  hashFs: HashFs;
  now(): number;
  buildLayer(req: LayerBuildRequest): Promise<LayerBuildOutcome>;
  onCached?(layer: Layer, image: ImageRecord): void;
  onBuilding?(layer: Layer, reason: string): void;
}

/** Every script and upload the chain's provisioners read must exist before any VM starts. */
export function checkReferencedFiles(plan: LayerPlan, cwd: string): void {
  const missing: string[] = [];
  for (const layer of plan.layers) {
    for (const p of layer.buildSource.provisioners) {
      for (const f of referencedFiles(p)) {
        if (!existsSync(path.resolve(cwd, f))) missing.push(`${layer.name}: provisioner "${p.type}" at ${p.range.filename}:${p.range.start.line} reads ${f}, which does not exist`);
      }
    }
  }
  if (missing.length > 0) {
    throw new BakeError('ERR_BAKE_FILE_NOT_FOUND', `${missing.length === 1 ? 'a file' : `${missing.length} files`} the provisioners need ${missing.length === 1 ? 'is' : 'are'} missing:\n  ${missing.join('\n  ')}`, {
      hint: 'Relative paths resolve against the working directory; use ${path.root} to make them relative to the template.',
    });
  }
}

export async function runChain(deps: ChainDeps, plan: LayerPlan, opts: ChainOptions): Promise<LayerResult[]> {
  checkReferencedFiles(plan, opts.cwd);
  const results: LayerResult[] = [];
  let parent = plan.baseImage;
  let stopped = false;
  for (const [i, layer] of plan.layers.entries()) {
    if (stopped) {
      results.push({ kind: 'skipped', layer });
      continue;
    }
    const isTarget = i === plan.layers.length - 1;
    const variables = layer.template.variables;
    const hash = cacheKey(
      { ...(parent ? { parentId: parent.id } : {}), source: layer.buildSource, variables: variablesForKey(variables, deps.salt) },
      deps.hashFs,
    );
    const maxAge = layer.buildSource.config.max_age;
    const decision = decideCache({
      byHash: deps.byHash,
      hash,
      now: deps.now(),
      rebuild: opts.noCache || (opts.force && isTarget),
      ...(typeof maxAge === 'string' ? { maxAge } : {}),
    });
    if (decision.kind === 'cached') {
      deps.onCached?.(layer, decision.image);
      results.push({ kind: 'cached', layer, image: decision.image });
      parent = decision.image;
      continue;
    }
    deps.onBuilding?.(layer, decision.reason);
    const outcome = await deps.buildLayer({
      name: layer.name,
      templatePath: layer.templatePath,
      buildSource: layer.buildSource,
      ...(parent ? { parent } : {}),
      hash,
      variables: variablesForRecord(variables),
      workDir: opts.cwd,
      onError: opts.onError,
      signal: opts.signal,
    });
    results.push({ ...outcome, layer, hash });
    if (outcome.kind === 'built') parent = outcome.image;
    else stopped = true;
  }
  return results;
}
