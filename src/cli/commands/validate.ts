/**
 * `bake validate FILE...`: load each template and report every problem, with its location. A
 * deploy pipeline file (pipelines/*.hcl, a top-level pipeline block) is checked as a pipeline,
 * with the same diagnostics.
 */
import { PIPELINES_DIR } from '../../pipeline/find.js';
import { isPipelineFile, type LoadPipelineDeps } from '../../pipeline/load.js';
import { ExitCode } from '../exit-codes.js';
import type { Engine } from '../engine.js';
import type { IoHost } from '../io.js';
import { loadAndReport } from '../load-and-report.js';
import { cliPipelineDeps, loadPipelineAndReport } from '../load-pipeline.js';
import { resolveTemplatePath, TEMPLATES_DIR } from '../resolve-template.js';
import type { TemplateInputs } from '../template-flags.js';

export interface ValidateOptions extends TemplateInputs {
  files: string[];
}

export async function validate(
  opts: ValidateOptions,
  host: IoHost,
  engine: Engine,
  pipelines: LoadPipelineDeps = cliPipelineDeps(host),
): Promise<ExitCode> {
  // Resolve every argument first, so a typo in the last one fails before any work.
  const targets = await Promise.all(opts.files.map((f) => resolveTemplatePath(f, host.cwd, [TEMPLATES_DIR, PIPELINES_DIR])));
  let code: ExitCode = ExitCode.ok;
  for (const target of targets) {
    const valid =
      target.kind === 'file' && isPipelineFile(target.absolute, pipelines)
        ? (await loadPipelineAndReport(target.absolute, target.display, host, pipelines)) !== undefined
        : (await loadAndReport(target, opts, host, engine)).kind === 'loaded';
    if (valid) host.out.line(`${target.display}: the configuration is valid.`);
    else code = ExitCode.failure;
  }
  return code;
}
