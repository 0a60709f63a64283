/**
 * A stand-in for the template engine, for testing commands without parsing HCL.
 * Behaviour: load() returns the LoadResult the test gave (or builds one from the options it was
 * called with) and records every call; format() returns the text unchanged unless the test gave
 * a formatter.
 */
import type { Engine, FormatResult, LoadOptions, LoadResult } from '../../src/cli/engine.js';

export interface FakeEngine extends Engine {
  loads: LoadOptions[];
}

export function fakeEngine(behaviour: {
  load?: LoadResult | ((opts: LoadOptions) => LoadResult);
  format?: (text: string, filename: string) => FormatResult;
} = {}): FakeEngine {
  const loads: LoadOptions[] = [];
  return {
    loads,
    async load(opts) {
      loads.push(opts);
      const l = behaviour.load;
      if (l === undefined) return { diagnostics: [], sources: new Map(), sensitive: [] };
      return typeof l === 'function' ? l(opts) : l;
    },
    format: behaviour.format ?? ((text) => ({ output: text, diagnostics: [] })),
  };
}
