/**
 * `bake build` on a terminal: a listr2 task per layer, its title the layer and its current step,
 * the last lines of guest output under it. Off a terminal (or with CI=true) the plain line
 * renderer (build-renderer.ts) is used instead. listr2 writes to the real stream, so every string
 * goes through the redactor first.
 */
import { Listr, ProcessOutput, type ListrTask } from 'listr2';
import type { BuildEvents } from '../builders/local/build-context.js';
import type { LayerResult } from '../build/run-chain.js';
import { summaryLine } from './build-renderer.js';

/** The part of listr2's task wrapper this view drives. */
interface Wrapper {
  title: string | any[] | undefined;
  output: string | undefined;
  skip(message?: string): void;
}

interface Handle {
  wrapper?: Wrapper;
  title: string;
  output?: string;
  settle?: (r: { kind: 'ok' } | { kind: 'skip'; why: string } | { kind: 'fail'; error: Error }) => void;
  settled: Promise<{ kind: 'ok' } | { kind: 'skip'; why: string } | { kind: 'fail'; error: Error }>;
}

export interface LayerView {
  events: BuildEvents;
  /** The layer's final state; call once per layer, in order. */
  done(result: LayerResult): void;
  /** Resolves when listr2 has drawn the last frame. */
  finished: Promise<void>;
}

export function listrBuildView(layers: readonly string[], stream: NodeJS.WriteStream, redact: (s: string) => string): LayerView {
  const handles = new Map<string, Handle>();
  for (const name of layers) {
    const h: Handle = { title: name, settled: Promise.resolve({ kind: 'ok' }) };
    h.settled = new Promise((resolve) => (h.settle = resolve));
    handles.set(name, h);
  }
  const show = (layer: string, title?: string, output?: string) => {
    const h = handles.get(layer);
    if (!h) return;
    if (title !== undefined) h.title = redact(title);
    if (output !== undefined) h.output = redact(output);
    if (h.wrapper) {
      h.wrapper.title = h.title;
      if (output !== undefined) h.wrapper.output = h.output!;
    }
  };
  const tasks: ListrTask[] = layers.map((name) => ({
    title: name,
    task: async (_ctx, wrapper: Wrapper) => {
      const h = handles.get(name)!;
      h.wrapper = wrapper;
      wrapper.title = h.title;
      if (h.output !== undefined) wrapper.output = h.output;
      const r = await h.settled;
      if (r.kind === 'skip') wrapper.skip(r.why);
      if (r.kind === 'fail') throw r.error;
    },
    rendererOptions: { outputBar: 5 },
  }));
  const listr = new Listr(tasks, { concurrent: false, exitOnError: false, rendererOptions: { processOutput: new ProcessOutput(stream, stream) } as never });
  const finished = listr.run().then(
    () => undefined,
    () => undefined,
  );
  return {
    events: {
      step: (layer, step, state) => show(layer, state === 'start' ? `${layer}: ${step}` : undefined),
      log: (layer, message) => show(layer, undefined, message),
      output: (layer, line) => show(layer, undefined, line),
    },
    done(result) {
      const h = handles.get(result.layer.name);
      if (!h) return;
      show(result.layer.name, summaryLine(result));
      if (result.kind === 'cached' || result.kind === 'built') h.settle!({ kind: 'ok' });
      else if (result.kind === 'skipped') h.settle!({ kind: 'skip', why: redact(summaryLine(result)) });
      else h.settle!({ kind: 'fail', error: new Error(redact(summaryLine(result))) });
    },
    finished,
  };
}
