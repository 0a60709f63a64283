/** `bake inspect FILE [--json]`: what a template declares, after evaluation. */
import { ExitCode } from '../exit-codes.js';
import { toInspectDocument } from '../inspect-document.js';
import type { Engine } from '../engine.js';
import type { IoHost } from '../io.js';
import { loadAndReport } from '../load-and-report.js';
import { renderInspect } from '../render-inspect.js';
import { resolveTemplatePath } from '../resolve-template.js';
import type { TemplateInputs } from '../template-flags.js';

export interface InspectOptions extends TemplateInputs {
  file: string;
  json: boolean;
}

export async function inspect(opts: InspectOptions, host: IoHost, engine: Engine): Promise<ExitCode> {
  const target = await resolveTemplatePath(opts.file, host.cwd);
  const outcome = await loadAndReport(target, opts, host, engine);
  if (outcome.kind === 'invalid') return ExitCode.failure;

  const doc = toInspectDocument(outcome.template, { cwd: host.cwd, redact: (s) => host.redactor.redact(s) });
  host.out.write(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : renderInspect(doc, host.out.style));
  return ExitCode.ok;
}
