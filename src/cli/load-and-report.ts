/**
 * The CLI side of loading a template: find it, load it, register its secrets with the redactor,
 * and print its diagnostics (with a count line) on stderr.
 */
import { hasErrors } from '../template/diagnostics.js';
import type { Template } from '../template/model.js';
import type { Engine } from './engine.js';
import type { IoHost } from './io.js';
import { renderDiagnostics, summarizeDiagnostics } from './render-diagnostics.js';
import type { ResolvedTemplate } from './resolve-template.js';
import type { TemplateInputs } from './template-flags.js';

export type LoadOutcome = { kind: 'loaded'; template: Template } | { kind: 'invalid' };

export async function loadAndReport(
  target: ResolvedTemplate,
  inputs: TemplateInputs,
  host: IoHost,
  engine: Engine,
): Promise<LoadOutcome> {
  const result = await engine.load({
    path: target.absolute,
    cwd: host.cwd,
    env: { ...host.env },
    vars: inputs.vars,
    varFiles: inputs.varFiles,
    ...(inputs.only ? { only: inputs.only } : {}),
    ...(inputs.except ? { except: inputs.except } : {}),
  });
  // Before anything is printed: diagnostics may quote a sensitive value.
  host.redactor.add(result.sensitive);

  if (result.diagnostics.length > 0) {
    host.err.write(renderDiagnostics(result.diagnostics, { cwd: host.cwd, sources: result.sources, style: host.err.style }));
    host.err.line(summarizeDiagnostics(result.diagnostics, target.display));
  }
  if (!result.template || hasErrors(result.diagnostics)) return { kind: 'invalid' };
  return { kind: 'loaded', template: result.template };
}
