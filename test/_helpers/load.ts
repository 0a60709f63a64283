/**
 * Loads a template in-process from files held in memory: the real parser, expression language,
 * components and loader, wired as realEngine() wires them, but with an in-memory TemplateFs and a
 * pinned FunctionContext, so tests need no temporary directories.
 *
 * Paths are relative and POSIX-style. With one template file (and no *.auto.pkrvars.hcl) the
 * template is that file; otherwise it is the directory ".", as `bake validate .` would load it.
 * Pass `path` to choose.
 */
import path from 'node:path/posix';
import { builtinComponents } from '../../src/components.js';
import type { Diagnostic, DiagnosticCode } from '../../src/template/diagnostics.js';
import type { TemplateFs } from '../../src/template/files.js';
import { hclExpressionLanguage } from '../../src/template/eval/language.js';
import type { FunctionContext } from '../../src/template/functions/function.js';
import { parseHcl, parseTemplate } from '../../src/template/hcl/parser.js';
import { loadTemplate, type LoadOptions, type LoadResult } from '../../src/template/load.js';

export type LoadInlineOptions = Partial<LoadOptions>;

export function memoryFs(files: Record<string, string>): TemplateFs {
  const norm = (p: string) => path.normalize(p);
  const dirs = new Set<string>(['.']);
  for (const name of Object.keys(files)) {
    for (let d = path.dirname(norm(name)); d !== '.' && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
  }
  return {
    readFile(p) {
      const text = files[norm(p)];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return text;
    },
    kind: (p) => (Object.hasOwn(files, norm(p)) ? 'file' : dirs.has(norm(p)) ? 'dir' : undefined),
    readDir(p) {
      const dir = norm(p);
      const entries = new Set<string>();
      for (const name of [...Object.keys(files), ...dirs]) {
        const n = norm(name);
        if (n !== dir && path.dirname(n) === dir) entries.add(path.basename(n));
      }
      return [...entries];
    },
  };
}

function memoryContext(files: Record<string, string>): FunctionContext {
  return {
    baseDir: '.',
    fs: {
      readFile(p) {
        const text = files[path.normalize(p)];
        if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
        return text;
      },
      exists: (p) => Object.hasOwn(files, path.normalize(p)),
    },
    now: () => new Date('2024-03-05T07:08:09.123Z'),
    uuid: () => '0b1c7a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21',
    homeDir: '/home/builder',
    parseTemplate,
  };
}

function defaultPath(files: Record<string, string>): string {
  const names = Object.keys(files);
  const templates = names.filter((n) => !n.endsWith('.pkrvars.hcl') && !n.endsWith('.pkrvars.json'));
  const autoVars = names.some((n) => n.endsWith('.auto.pkrvars.hcl'));
  return templates.length === 1 && !autoVars ? templates[0]! : '.';
}

export function loadInline(files: Record<string, string>, opts: LoadInlineOptions = {}): LoadResult {
  const env = opts.env ?? {};
  const options: LoadOptions = {
    path: opts.path ?? defaultPath(files),
    cwd: opts.cwd ?? '.',
    env,
    vars: opts.vars ?? [],
    varFiles: opts.varFiles ?? [],
  };
  if (opts.only) options.only = opts.only;
  if (opts.except) options.except = opts.except;
  return loadTemplate(options, {
    components: builtinComponents,
    fs: memoryFs(files),
    path: { join: path.join, dirname: path.dirname },
    language: hclExpressionLanguage({ context: memoryContext(files), env }),
    parse: parseHcl,
  });
}

/** `--var NAME=VALUE` flags, in order, as the CLI passes them. */
export function cliVars(...flags: string[]): LoadOptions['vars'] {
  return flags.map((f) => ({ name: f.slice(0, f.indexOf('=')), value: f.slice(f.indexOf('=') + 1) }));
}

/** Loads a single file named `t.pkr.hcl`. */
export function loadOne(text: string, opts: LoadInlineOptions = {}): LoadResult {
  return loadInline({ 't.pkr.hcl': text }, opts);
}

/** The template of a load that must succeed; throws with the diagnostics otherwise. */
export function loaded(result: LoadResult) {
  if (!result.template) throw new Error(`template did not load:\n${result.diagnostics.map(show).join('\n')}`);
  return result.template;
}

export function errors(result: LoadResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'error');
}

export function warnings(result: LoadResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'warning');
}

export function withCode(result: LoadResult, code: DiagnosticCode): Diagnostic[] {
  return result.diagnostics.filter((d) => d.code === code);
}

/** The single diagnostic with `code`; throws when there are none or several. */
export function only(result: LoadResult, code: DiagnosticCode): Diagnostic {
  const found = withCode(result, code);
  if (found.length !== 1) throw new Error(`expected one "${code}" diagnostic, got ${found.length}:\n${result.diagnostics.map(show).join('\n')}`);
  return found[0]!;
}

/** `file:line: severity code: summary`, for failure messages and compact assertions. */
export function show(d: Diagnostic): string {
  const at = d.range ? `${d.range.filename}:${d.range.start.line}: ` : '';
  return `${at}${d.severity} ${d.code}: ${d.summary}`;
}

/** `file:line` of a diagnostic. */
export function at(d: Diagnostic): string {
  return d.range ? `${d.range.filename}:${d.range.start.line}` : '(no location)';
}
