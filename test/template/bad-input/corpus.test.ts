/**
 * The malformed-template corpus (corpus/): realistic templates with one or a few defects each,
 * loaded through the engine as the CLI wires it, then through the real CLI.
 *
 * For every case: exactly the listed errors (code and start position), each with a key phrase of
 * its summary and, for typos, the did-you-mean; then the same through `bake validate`, which must
 * exit 1 (0 for the valid ones), print each error's FILE:LINE:COLUMN and never a stack trace. For
 * every corpus file, whatever its case: ranges inside the file, and the same diagnostics at the
 * same positions when its line ends are CRLF.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/template/diagnostics.js';
import { runCli, testdir } from '../../_helpers/cli.js';
import { STACK_LINE, loadAsCli, rangeProblems, where, type LoadInputs } from './_diagnostics.js';
import { awaitingFix, cases, type Case, type Expected } from './corpus-cases.js';

const corpusDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

function corpusTargets(): string[] {
  return readdirSync(corpusDir).filter((n) => statSync(path.join(corpusDir, n)).isDirectory() || !n.endsWith('.pkrvars.hcl'));
}

/** The main file of a case: errors written as LINE:COLUMN are in it. */
function mainFile(target: string): string {
  return target.endsWith('.hcl') ? target : '';
}

function expectedWhere(c: Case, e: Expected): string {
  const parts = e.at.split(':');
  return parts.length === 3 ? `${e.code} ${e.at}` : `${e.code} ${mainFile(c.target)}:${e.at}`;
}

function errorsOf(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags.filter((d) => d.severity === 'error');
}

/** `--var a=b --var-file f` as the CLI takes them. */
function cliFlags(inputs: LoadInputs = {}): string[] {
  return [...(inputs.vars ?? []).flatMap((v) => ['--var', v]), ...(inputs.varFiles ?? []).flatMap((f) => ['--var-file', f])];
}

/** Every way the corpus is loaded: each case, and each file awaiting a fix with no inputs. */
const runs: Array<{ target: string; name: string; inputs?: LoadInputs }> = [
  ...cases,
  ...Object.entries(awaitingFix).map(([target, why]) => ({ target, name: `awaiting a fix: ${why}` })),
];

describe('the malformed-template corpus', () => {
  it('has a case, or a reason to wait for a fix, for every file', () => {
    const covered = new Set(runs.map((r) => r.target));
    expect(corpusTargets().filter((t) => !covered.has(t))).toEqual([]);
    expect([...covered].filter((t) => !corpusTargets().includes(t))).toEqual([]);
  });

  describe.each(cases)('$target: $name', (c) => {
    it('reports exactly the expected errors, located, with their phrases and hints', async () => {
      const r = await loadAsCli(c.target, corpusDir, c.inputs);
      const errors = errorsOf(r.diagnostics);
      expect(errors.map(where)).toEqual(c.errors.map((e) => expectedWhere(c, e)));
      c.errors.forEach((e, i) => {
        const d = errors[i]!;
        expect(d.summary).toContain(e.says);
        if (e.hint !== undefined) expect(d.hint).toContain(e.hint);
        if (e.detail !== undefined) expect(d.detail).toContain(e.detail);
      });
      expect(r.template === undefined).toBe(c.errors.length > 0);
    });
  });

  describe.each(runs)('$target: $name', ({ target, inputs }) => {
    it('points every diagnostic into the file it names, and locates every error', async () => {
      const r = await loadAsCli(target, corpusDir, inputs);
      expect(rangeProblems(r.diagnostics, r.sources)).toEqual([]);
      expect(errorsOf(r.diagnostics).filter((d) => !d.range).map(where)).toEqual([]);
    });

    it('reports the same diagnostics at the same positions with CRLF line ends', async () => {
      const files = statSync(path.join(corpusDir, target)).isDirectory()
        ? readdirSync(path.join(corpusDir, target)).map((n) => path.join(target, n))
        : [target, ...(inputs?.varFiles ?? [])];
      const dir = testdir();
      for (const f of files) {
        // Read and written as latin1, every other byte stays as it is.
        const text = readFileSync(path.join(corpusDir, f), 'latin1').replace(/\r?\n/g, '\r\n');
        mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        writeFileSync(path.join(dir, f), text, 'latin1');
      }
      const lf = await loadAsCli(target, corpusDir, inputs);
      const crlf = await loadAsCli(target, dir, inputs);
      expect(crlf.diagnostics.map(where)).toEqual(lf.diagnostics.map(where));
      expect(rangeProblems(crlf.diagnostics, crlf.sources)).toEqual([]);
    });
  });

  // Child processes: run side by side.
  describe.concurrent('through bake validate', () => {
    it.for(cases)('$target: $name: exit code, each error at its location, no stack trace', async (c, { expect }) => {
      const r = await runCli(['validate', ...cliFlags(c.inputs), c.target], { cwd: corpusDir });
      expect(r.code).toBe(c.errors.length > 0 ? 1 : 0);
      expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
      for (const e of c.errors) {
        const [file, line, column] = e.at.split(':').length === 3 ? e.at.split(':') : [mainFile(c.target), ...e.at.split(':')];
        const shown = c.target.endsWith('.hcl') ? file : `${c.target}/${file}`;
        expect(r.stderr).toContain(`${shown}:${line}:${column}: error: `);
      }
      if (c.errors.length > 0) expect(r.stderr).toMatch(new RegExp(`^${c.errors.length} errors?( and \\d+ warnings?)? in `, 'm'));
    });

    it.for(Object.keys(awaitingFix))('%s (awaiting a fix): no stack trace', async (target, { expect }) => {
      const r = await runCli(['validate', target], { cwd: corpusDir });
      expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
      expect([0, 1]).toContain(r.code);
    });
  });
});
