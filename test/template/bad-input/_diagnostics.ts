/**
 * Checks shared by the bad-input and fuzz tests: loading through the engine exactly as the CLI
 * wires it, naming a diagnostic by where it points, and the promises every diagnostic keeps
 * whatever the input (its range lies inside the text it points into).
 */
import path from 'node:path';
import { realEngine, type LoadResult } from '../../../src/cli/engine.js';
import type { Diagnostic } from '../../../src/template/diagnostics.js';

export interface LoadInputs {
  /** `--var NAME=VALUE` flags as typed. */
  vars?: string[];
  varFiles?: string[];
  env?: Record<string, string>;
}

/** Loads `target` (a file or directory, relative to `cwd`) with realEngine(), as `bake validate` does. */
export function loadAsCli(target: string, cwd: string, inputs: LoadInputs = {}): Promise<LoadResult> {
  return realEngine().load({
    path: path.resolve(cwd, target),
    cwd,
    env: inputs.env ?? {},
    vars: (inputs.vars ?? []).map((flag) => ({ name: flag.slice(0, flag.indexOf('=')), value: flag.slice(flag.indexOf('=') + 1) })),
    varFiles: inputs.varFiles ?? [],
  });
}

/** `code FILE:LINE:COLUMN` with the file's base name, or `code (no location)`. */
export function where(d: Diagnostic): string {
  if (!d.range) return `${d.code} (no location)`;
  return `${d.code} ${path.basename(d.range.filename)}:${d.range.start.line}:${d.range.start.column}`;
}

/**
 * What is wrong with the ranges of `diags`, one line each; empty when every range points into
 * the text it names: a known file, start no later than end, lines from 1 to the file's line count
 * (plus one, for a position just after a final line break), columns from 1 to the line's length
 * plus one. Columns count code points, as the line index does.
 */
export function rangeProblems(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const d of diags) {
    const r = d.range;
    if (!r) continue;
    const text = sources.get(r.filename);
    if (text === undefined) {
      problems.push(`${where(d)}: points into a file that was not read`);
      continue;
    }
    const lines = text.split('\n');
    for (const [name, pos] of [['start', r.start], ['end', r.end]] as const) {
      const line = lines[pos.line - 1];
      const width = line === undefined ? 0 : [...line].length;
      if (!Number.isInteger(pos.line) || pos.line < 1 || pos.line > lines.length + 1) {
        problems.push(`${where(d)}: ${name} line ${pos.line} is outside the file's ${lines.length} lines`);
      } else if (!Number.isInteger(pos.column) || pos.column < 1 || pos.column > width + 1) {
        problems.push(`${where(d)}: ${name} column ${pos.column} is outside line ${pos.line} (${width} characters)`);
      }
      if (pos.offset < 0 || pos.offset > text.length) problems.push(`${where(d)}: ${name} offset ${pos.offset} is outside the text`);
    }
    if (r.end.offset < r.start.offset) problems.push(`${where(d)}: ends (offset ${r.end.offset}) before it starts (${r.start.offset})`);
  }
  return problems;
}

/** A line of a JavaScript stack trace, as an uncaught error would print it. */
export const STACK_LINE = /^\s{4}at /m;
