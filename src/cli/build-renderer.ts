/**
 * How `bake build` shows progress: plain lines in Packer's style (`==> webapp: provision`, guest
 * output indented and prefixed with the layer name), then a summary per layer. With --json the
 * progress goes to stderr and stdout holds only the result document.
 */
import type { BuildEvents } from '../builders/local/build-context.js';
import type { LayerResult } from '../build/run-chain.js';
import type { Writer } from './io.js';

export function plainBuildEvents(w: Writer): BuildEvents {
  return {
    step: (layer, step, state) => {
      if (state === 'start') w.line(`==> ${layer}: ${step}`);
      else if (state !== 'ok') w.line(`==> ${layer}: ${step} ${state}`);
    },
    log: (layer, message) => w.line(`==> ${layer}: ${message}`),
    output: (layer, line) => w.line(`    ${layer}: ${line}`),
  };
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function summaryLine(r: LayerResult): string {
  switch (r.kind) {
    case 'cached':
      return `${r.layer.name}: cached (${r.image.id})`;
    case 'built':
      return `${r.layer.name}: built ${r.image.id} in ${seconds(r.durationMs)}`;
    case 'failed':
      return `${r.layer.name}: failed at step "${r.step}" after ${seconds(r.durationMs)}`;
    case 'cancelled':
      return `${r.layer.name}: cancelled at step "${r.step}" after ${seconds(r.durationMs)}`;
    case 'skipped':
      return `${r.layer.name}: not built (a layer below it did not build)`;
  }
}

export function resultJson(r: LayerResult): Record<string, unknown> {
  const base = { name: r.layer.name, template: r.layer.templatePath, result: r.kind };
  switch (r.kind) {
    case 'cached':
      return { ...base, id: r.image.id, hash: r.image.hash, parent: r.image.parent ?? null };
    case 'built':
      return { ...base, id: r.image.id, hash: r.image.hash, parent: r.image.parent ?? null, durationMs: r.durationMs };
    case 'failed':
      return { ...base, step: r.step, error: r.error instanceof Error ? r.error.message : String(r.error), durationMs: r.durationMs, ...(r.leftRunning ? { ssh: r.leftRunning.sshCommand } : {}) };
    case 'cancelled':
      return { ...base, step: r.step, durationMs: r.durationMs };
    case 'skipped':
      return base;
  }
}
