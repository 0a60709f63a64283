/**
 * `bake fmt [--check] [--diff] [--write=false] [--recursive] PATH...`, after `packer fmt`:
 * rewrites files in the canonical layout and prints the name of each file it changed.
 * With --check nothing is written and the exit code is 3 when a file needs formatting, as
 * `packer fmt -check` (and `terraform fmt -check`) do.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hasErrors } from '../../template/diagnostics.js';
import { ExitCode } from '../exit-codes.js';
import type { Engine } from '../engine.js';
import type { IoHost } from '../io.js';
import { renderDiagnostics, summarizeDiagnostics } from '../render-diagnostics.js';
import { displayPath, resolveTemplatePath } from '../resolve-template.js';
import { unifiedDiff } from '../unified-diff.js';

export interface FmtOptions {
  paths: string[];
  check: boolean;
  diff: boolean;
  write: boolean;
  recursive: boolean;
}

export async function fmt(opts: FmtOptions, host: IoHost, engine: Engine): Promise<ExitCode> {
  const files = await collectFiles(opts, host.cwd);
  let invalid = false;
  let unformatted = false;
  for (const file of files) {
    const display = displayPath(file, host.cwd);
    const text = await readFile(file, 'utf8');
    const { output, diagnostics } = engine.format(text, file);
    if (diagnostics.length > 0) {
      host.err.write(renderDiagnostics(diagnostics, { cwd: host.cwd, sources: new Map([[file, text]]), style: host.err.style }));
      host.err.line(summarizeDiagnostics(diagnostics, display));
    }
    if (hasErrors(diagnostics)) {
      invalid = true;
      continue;
    }
    if (output === text) continue;
    unformatted = true;
    host.out.line(display);
    // git's a/ b/ prefixes, joined without doubling the slash of an absolute path.
    const side = (prefix: string) => `${prefix}${display.startsWith('/') ? '' : '/'}${display}`;
    if (opts.diff) host.out.write(unifiedDiff(text, output, side('a'), side('b')));
    if (opts.write && !opts.check) await writeFile(file, output);
  }
  if (invalid) return ExitCode.failure;
  return opts.check && unformatted ? ExitCode.unformatted : ExitCode.ok;
}

/** The files named, and the *.hcl files of the directories named (recursively with --recursive). */
async function collectFiles(opts: FmtOptions, cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const arg of opts.paths) {
    const target = await resolveTemplatePath(arg, cwd);
    if (target.kind === 'file') files.push(target.absolute);
    else files.push(...(await hclFilesIn(target.absolute, opts.recursive)));
  }
  return [...new Set(files)];
}

async function hclFilesIn(dir: string, recursive: boolean): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name.endsWith('.hcl')) found.push(full);
    else if (recursive && entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
      found.push(...(await hclFilesIn(full, true)));
    }
  }
  return found;
}
