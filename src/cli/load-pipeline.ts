/**
 * The CLI side of loading a deploy pipeline, as load-and-report.ts is for templates: find the
 * file (--pipeline, or the only pipelines/*.hcl), load it with the template engine's parser and
 * expression language, and print its diagnostics (with a count line) on stderr.
 */
import { findPipelineFile } from '../pipeline/find.js';
import { loadPipeline, type LoadPipelineDeps } from '../pipeline/load.js';
import type { Pipeline } from '../pipeline/model.js';
import { nodePipelineDeps } from '../pipeline/node-deps.js';
import type { IoHost } from './io.js';
import { renderDiagnostics, summarizeDiagnostics } from './render-diagnostics.js';
import { resolveTemplatePath } from './resolve-template.js';

/** loadPipeline's dependencies for the CLI: a pipeline's template is found as `bake build` finds one. */
export function cliPipelineDeps(host: Pick<IoHost, 'cwd' | 'env'>): LoadPipelineDeps {
  return nodePipelineDeps({
    cwd: host.cwd,
    env: host.env,
    resolveTemplate: async (name, dir) => (await resolveTemplatePath(name, dir)).absolute,
  });
}

/** Loads one pipeline file and prints its diagnostics; undefined when it has errors. */
export async function loadPipelineAndReport(file: string, display: string, host: IoHost, deps: LoadPipelineDeps = cliPipelineDeps(host)): Promise<Pipeline | undefined> {
  const result = await loadPipeline({ file, cwd: host.cwd }, deps);
  if (result.diagnostics.length > 0) {
    host.err.write(renderDiagnostics(result.diagnostics, { cwd: host.cwd, sources: result.sources, style: host.err.style }));
    host.err.line(summarizeDiagnostics(result.diagnostics, display));
  }
  return result.pipeline;
}

/** The pipeline a deploy command works on: --pipeline FILE, or the project's only one. */
export async function loadPipelineForCli(host: IoHost, explicit?: string): Promise<Pipeline | undefined> {
  const file = await findPipelineFile(host.cwd, explicit);
  return loadPipelineAndReport(file, displayPath(file, host.cwd), host);
}

function displayPath(file: string, cwd: string): string {
  return file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
}
