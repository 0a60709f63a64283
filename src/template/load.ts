/**
 * Loads a template: files, parse, top-level structure, then evaluation in dependency order
 * (variables, data, locals, sources, builds). Every stage adds diagnostics and keeps going, so one
 * run reports every error in every file; failed variables and locals are contained (see
 * Evaluator) so they do not cascade.
 */
import { error, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { SourceEncodingError } from './encoding.js';
import { Evaluator, type ExpressionLanguage } from './evaluator.js';
import type { Block, File } from './hcl/ast.js';
import { REDACTED, type Template } from './model.js';
import { checkShape } from './schema/shape.js';
import type { ComponentRegistry } from './schema/spec.js';
import { evaluateData } from './blocks/data.js';
import { evaluateLocals } from './blocks/locals.js';
import { checkPackerBlocks } from './blocks/packer.js';
import { decodeBuilds } from './blocks/builds.js';
import { declareSources, decodeSource, toSource } from './blocks/sources.js';
import { sensitiveInputs } from './blocks/sensitive-inputs.js';
import { resolveVariables, type CliVar } from './blocks/variable-values.js';
import { declareVariables } from './blocks/variables.js';
import { applyBuildFilter } from './filter.js';
import { templateFiles, type TemplateFs } from './files.js';
import type { Value, ValueObject } from './value.js';

export interface LoadOptions {
  path: string;
  cwd: string;
  env: Record<string, string | undefined>;
  vars: CliVar[];
  varFiles: string[];
  only?: string[];
  except?: string[];
}

export interface LoadDeps {
  components: ComponentRegistry;
  fs: TemplateFs;
  /** The expression language, bound to a function context rooted at the working directory. */
  language: ExpressionLanguage;
  parse(text: string, filename: string): { file: File; diagnostics: Diagnostic[] };
  path: { join(a: string, b: string): string; dirname(p: string): string };
}

export interface LoadResult {
  template?: Template;
  diagnostics: Diagnostic[];
  /** filename -> text, for rendering diagnostics with their source lines. */
  sources: Map<string, string>;
  /** Values to redact from all output: those of sensitive variables and locals. */
  sensitive: string[];
}

const TOP_LEVEL = {
  attributes: [],
  blocks: {
    variable: { labels: ['name'], multiple: true },
    variables: { multiple: true },
    locals: { multiple: true },
    local: { labels: ['name'], multiple: true },
    source: { labels: ['type', 'name'], multiple: true },
    data: { labels: ['type', 'name'], multiple: true },
    build: { multiple: true },
    packer: { multiple: true },
  },
} as const;

export function loadTemplate(opts: LoadOptions, deps: LoadDeps): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const found = templateFiles(opts.path, deps.fs, deps.path.join, deps.path.dirname);
  diagnostics.push(...found.diagnostics);

  const parseAll = (names: string[]): File[] =>
    names.flatMap((name) => {
      let text: string;
      try {
        text = deps.fs.readFile(name);
      } catch (e) {
        if (e instanceof SourceEncodingError) {
          sources.set(name, e.lossyText);
          const at = { line: e.line, column: e.column, offset: 0 };
          diagnostics.push(
            error('invalid-character', 'The file is not valid UTF-8', { filename: name, start: at, end: { ...at, column: at.column + 1 } }, {
              detail: `Byte 0x${e.byte.toString(16).toUpperCase().padStart(2, '0')} cannot appear here in UTF-8. Templates are read as UTF-8.`,
              hint: 'If the file is Latin-1, convert it with iconv -f latin1 -t utf-8.',
            }),
          );
          return [];
        }
        diagnostics.push(error('file-read', `Cannot read "${name}"`, undefined, { detail: (e as Error).message }));
        return [];
      }
      sources.set(name, text);
      const parsed = deps.parse(text, name);
      diagnostics.push(...parsed.diagnostics);
      return [parsed.file];
    });

  const files = parseAll(found.files);
  const autoVarFiles = parseAll(found.autoVarFiles);
  const varFiles = parseAll(opts.varFiles);
  const finish = (template?: Template, sensitive: string[] = []): LoadResult => {
    const result: LoadResult = { diagnostics: dedupe(diagnostics), sources, sensitive };
    if (template && !hasErrors(result.diagnostics)) result.template = template;
    return result;
  };
  if (files.length === 0) return finish();

  const byType = new Map<string, Block[]>();
  for (const file of files) {
    const shape = checkShape(file.body, TOP_LEVEL, undefined, 'the template');
    for (const item of file.body.items) {
      if (item.kind !== 'Attribute') continue;
      diagnostics.push(error('unknown-attribute', `Unexpected argument "${item.name}" at the top level`, item.nameRange, { hint: 'Top-level values belong in a locals block: locals { ... }' }));
    }
    diagnostics.push(...shape.diagnostics.filter((d) => d.code !== 'unknown-attribute'));
    for (const b of shape.blocks) byType.set(b.type, [...(byType.get(b.type) ?? []), b]);
  }
  const blocks = (...types: string[]) => types.flatMap((t) => byType.get(t) ?? []).sort(byPosition);

  const ev = new Evaluator(deps.language);
  ev.parseFailedAt(diagnostics.flatMap((d) => (d.severity === 'error' && d.range ? [d.range] : [])));
  const declared = declareVariables(blocks('variable', 'variables'), ev);
  diagnostics.push(...declared.diagnostics);
  const rawSensitive = sensitiveInputs(new Set([...declared.decls.values()].filter((d) => d.sensitive).map((d) => d.name)), {
    cliVars: opts.vars,
    env: opts.env,
    varFileTexts: [...found.autoVarFiles, ...opts.varFiles].map((f) => sources.get(f) ?? ''),
  });
  const vars = resolveVariables({ decls: declared.decls, env: opts.env, autoVarFiles, varFiles, cliVars: opts.vars }, ev);
  diagnostics.push(...vars.diagnostics);

  const roots: ValueObject = { var: vars.values, path: { root: found.root, cwd: opts.cwd } };
  const packer = checkPackerBlocks(blocks('packer'), ev);
  diagnostics.push(...packer.diagnostics);
  const data = evaluateData(blocks('data'), deps.components, ev, roots);
  diagnostics.push(...data.diagnostics);
  roots.data = data.values;
  const locals = evaluateLocals(blocks('locals', 'local'), ev, roots);
  diagnostics.push(...locals.diagnostics);
  roots.local = locals.values;

  const declaredSources = declareSources(blocks('source'), deps.components);
  diagnostics.push(...declaredSources.diagnostics);
  const builds = decodeBuilds(blocks('build'), declaredSources.decls, deps.components, ev, roots);
  diagnostics.push(...builds.diagnostics);
  const templateSources = [...declaredSources.decls.values()].flatMap((decl) => {
    if (!decl.spec) return [];
    const r = decodeSource(decl, decl.block.body, ev, roots, decl.name);
    // As in Packer, a source block may be partial when builds complete it (`source
    // "source.qemu.x" { parent = ... }`): a used source is checked as each build uses it, above.
    if (!builds.used.has(decl.ref)) diagnostics.push(...r.diagnostics);
    return [toSource(decl, r.config)];
  });
  const filtered = applyBuildFilter(builds.builds, { only: opts.only, except: opts.except }, builds.unavailable);
  diagnostics.push(...filtered.diagnostics);

  const sensitive = [
    ...rawSensitive,
    ...vars.variables.filter((v) => v.sensitive).flatMap((v) => leafStrings(v.value)),
    ...[...locals.sensitiveNames].flatMap((n) => leafStrings(locals.values[n] ?? null)),
  ];
  return finish(
    {
      files: found.files,
      root: found.root,
      variables: vars.variables,
      locals: Object.fromEntries(Object.entries(locals.values).map(([k, v]) => [k, locals.sensitiveNames.has(k) ? REDACTED : v])),
      sources: templateSources,
      data: data.data,
      builds: filtered.builds,
      requirements: packer.requirements,
    },
    sensitive,
  );
}

function byPosition(a: Block, b: Block): number {
  const fa = a.range.filename;
  const fb = b.range.filename;
  return fa === fb ? a.range.start.offset - b.range.start.offset : fa < fb ? -1 : 1;
}

/** Every string inside a value (numbers too, as text), for redaction. */
function leafStrings(v: Value): string[] {
  // A bool cannot be a secret worth hiding, and redacting "true" would garble all output.
  if (v === null || typeof v === 'boolean') return [];
  if (Array.isArray(v)) return v.flatMap(leafStrings);
  if (typeof v === 'object') return Object.values(v).flatMap(leafStrings);
  const s = String(v);
  return s.length > 0 ? [s] : [];
}

/** The same diagnostic can arise once per build source that shares a block; report it once. */
function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diags) {
    const key = `${d.code}|${d.summary}|${d.range?.filename}|${d.range?.start.offset}|${d.detail ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return sortDiagnostics(out);
}
