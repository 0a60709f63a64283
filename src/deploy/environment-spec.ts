import { BakeError } from '../errors.js';
import type { EnvironmentSpec, Pipeline } from '../pipeline/model.js';
import { suggest } from '../template/suggest.js';

/** The pipeline's environment of that name, or an error naming the ones there are. */
export function environmentSpec(pipeline: Pipeline, env: string): EnvironmentSpec {
  const spec = pipeline.environments.find((e) => e.name === env);
  if (spec) return spec;
  const names = pipeline.environments.map((e) => e.name);
  const close = suggest(env, names);
  throw new BakeError('ERR_BAKE_UNKNOWN_ENVIRONMENT', `Pipeline ${pipeline.name} has no environment "${env}"${close ? `; did you mean "${close}"?` : ''}`, {
    hint: `Its environments, in promotion order: ${names.join(', ')}.`,
  });
}
