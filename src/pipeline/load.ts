/**
 * Loads a deploy pipeline (pipelines/NAME.hcl) the way src/template/load.ts loads a template:
 * read, parse, top-level structure, then the pipeline block decoded against its schema with the
 * engine's evaluator, then the rules that span blocks and the template it names. Every stage adds
 * diagnostics and keeps going, so one run reports every error in the file; nothing throws.
 */
import path from 'node:path';
import { isBakeError } from '../errors.js';
import { error, hasErrors, sortDiagnostics, type Diagnostic, type Range } from '../template/diagnostics.js';
import { SourceEncodingError } from '../template/encoding.js';
import { Evaluator, type ExpressionLanguage } from '../template/evaluator.js';
import type { TemplateFs } from '../template/files.js';
import type { Block, File } from '../template/hcl/ast.js';
import { decodeBody } from '../template/schema/decode.js';
import { checkShape } from '../template/schema/shape.js';
import { suggest } from '../template/suggest.js';
import { isObject } from '../template/value.js';
import { PIPELINES_DIR } from './find.js';
import type { Pipeline } from './model.js';
import { checkEnvironments, checkName } from './rules.js';
import { PIPELINE_BODY } from './schema.js';
import { toPipeline } from './to-pipeline.js';

export interface LoadPipelineOptions {
  /** The pipeline file; a relative path is taken from cwd. */
  file: string;
  cwd: string;
}

export interface LoadPipelineDeps {
  fs: Pick<TemplateFs, 'readFile'>;
  parse(text: string, filename: string): { file: File; diagnostics: Diagnostic[] };
  /** The expression language, as for templates (a pipeline has no variables, but may call functions). */
  language: ExpressionLanguage;
  /**
   * The absolute path of the template `name` in the project folder `dir`, found as a build's
   * template argument is (the CLI passes resolveTemplatePath). Throws when there is none: a
   * BakeError's message and hint become the diagnostic's.
   */
  resolveTemplate(name: string, dir: string): Promise<string>;
}

export interface LoadPipelineResult {
  /** Present only when there are no errors. */
  pipeline?: Pipeline;
  diagnostics: Diagnostic[];
  /** filename -> text, for rendering diagnostics with their source lines. */
  sources: Map<string, string>;
}

const TOP_LEVEL = { attributes: [], blocks: { pipeline: { labels: ['name'] } } } as const;

export async function loadPipeline(opts: LoadPipelineOptions, deps: LoadPipelineDeps): Promise<LoadPipelineResult> {
  const file = path.resolve(opts.cwd, opts.file);
  const sources = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const finish = (pipeline?: Pipeline): LoadPipelineResult => {
    const sorted = sortDiagnostics(diagnostics);
    return pipeline && !hasErrors(sorted) ? { pipeline, diagnostics: sorted, sources } : { diagnostics: sorted, sources };
  };

  const text = readSource(file, deps.fs, sources, diagnostics);
  if (text === undefined) return finish();
  const parsed = deps.parse(text, file);
  diagnostics.push(...parsed.diagnostics);

  const top = checkShape(parsed.file.body, TOP_LEVEL, undefined, 'a pipeline file');
  diagnostics.push(...top.diagnostics);
  const block = top.blocks[0];
  if (block === undefined) {
    // A misspelt `pipline` block already has its did-you-mean; "no pipeline block" would repeat it.
    const misspelt = top.diagnostics.some((d) => d.code === 'unknown-block' && d.hint !== undefined);
    const labelled = parsed.file.body.items.some((i) => i.kind === 'Block' && i.type === 'pipeline');
    if (!misspelt && !labelled) {
      diagnostics.push(
        error('missing-attribute', 'A pipeline file needs a pipeline block', startOf(file), {
          hint: 'Write pipeline "NAME" { template = "APP.hcl" ... } with an environment block for each stage.',
        }),
      );
    }
    return finish();
  }
  diagnostics.push(...checkName('pipeline', block.labels[0]!));

  const ev = new Evaluator(deps.language);
  ev.parseFailedAt(parsed.diagnostics.flatMap((d) => (d.severity === 'error' && d.range ? [d.range] : [])));
  const decoded = decodeBody(block.body, PIPELINE_BODY, (e) => ev.eval(e, {}), block);
  diagnostics.push(...decoded.diagnostics);
  // The blocks decodeBody accepted (right type and label count), in its order.
  const environments = block.body.items.filter((i): i is Block => i.kind === 'Block' && i.type === 'environment' && i.labels.length === 1);
  const configs = Array.isArray(decoded.config.environment) ? decoded.config.environment.filter(isObject) : [];
  // An environment block already reported (misspelt, wrong labels, written as an argument) would
  // otherwise also get "needs at least one environment block", which sends the reader elsewhere.
  if (environments.length > 0 || !meansEnvironment(block)) diagnostics.push(...checkEnvironments(block, environments, configs));

  const template = await findTemplate(block, decoded.config.template, projectDir(file), deps, diagnostics);
  if (template === undefined || hasErrors(diagnostics)) return finish();
  return finish(toPipeline({ block, config: decoded.config, environments, file, template }));
}

/** Whether the pipeline block has an item that is, or is a typo of, an environment block. */
function meansEnvironment(pipeline: Block): boolean {
  const names = Object.keys(PIPELINE_BODY.blocks ?? {}).concat(Object.keys(PIPELINE_BODY.attributes));
  return pipeline.body.items.some((i) => {
    const name = i.kind === 'Block' ? i.type : i.name;
    return name === 'environment' || suggest(name, names) === 'environment';
  });
}

/**
 * The folder a pipeline's paths are relative to: the one holding pipelines/ (the project), or
 * the file's own folder when it is elsewhere.
 */
export function projectDir(file: string): string {
  const dir = path.dirname(file);
  return path.basename(dir) === PIPELINES_DIR ? path.dirname(dir) : dir;
}

async function findTemplate(block: Block, name: unknown, dir: string, deps: LoadPipelineDeps, diagnostics: Diagnostic[]): Promise<string | undefined> {
  if (typeof name !== 'string') return undefined; // missing or invalid: already reported
  try {
    return await deps.resolveTemplate(name, dir);
  } catch (e) {
    const attr = block.body.items.find((i) => i.kind === 'Attribute' && i.name === 'template');
    const message = e instanceof Error ? e.message : String(e);
    const from = dir === path.dirname(block.range.filename) ? "the pipeline file's folder" : `the folder that holds ${PIPELINES_DIR}/`;
    diagnostics.push(
      error('file-not-found', `Template "${name}" not found`, attr?.kind === 'Attribute' ? attr.expr.range : block.typeRange, {
        detail: `It is looked for as bake build looks for a template, from ${from}: ${message}.`,
        ...(isBakeError(e) && e.hint !== undefined ? { hint: e.hint } : {}),
      }),
    );
    return undefined;
  }
}

function readSource(file: string, fs: LoadPipelineDeps['fs'], sources: Map<string, string>, diagnostics: Diagnostic[]): string | undefined {
  try {
    const text = fs.readFile(file);
    sources.set(file, text);
    return text;
  } catch (e) {
    if (e instanceof SourceEncodingError) {
      sources.set(file, e.lossyText);
      const at = { line: e.line, column: e.column, offset: e.offset };
      diagnostics.push(
        error('invalid-character', 'The file is not valid UTF-8', { filename: file, start: at, end: { ...at, column: at.column + 1, offset: at.offset + 1 } }, {
          detail: `Byte 0x${e.byte.toString(16).toUpperCase().padStart(2, '0')} cannot appear here in UTF-8. Pipeline files are read as UTF-8.`,
        }),
      );
      return undefined;
    }
    diagnostics.push(error('file-read', `Cannot read "${file}"`, undefined, { detail: (e as Error).message }));
    return undefined;
  }
}

function startOf(filename: string): Range {
  const at = { line: 1, column: 1, offset: 0 };
  return { filename, start: at, end: at };
}

/**
 * Whether `bake validate` should check a file as a pipeline rather than a template: its top level
 * has a pipeline block, or it sits in a pipelines/ folder (so a misspelt `pipline` block gets a
 * did-you-mean for pipeline, not a template's complaint).
 */
export function isPipelineFile(file: string, deps: Pick<LoadPipelineDeps, 'fs' | 'parse'>): boolean {
  if (path.basename(path.dirname(file)) === PIPELINES_DIR) return true;
  let text: string;
  try {
    text = deps.fs.readFile(file);
  } catch {
    return false; // the template loader reports it
  }
  return deps.parse(text, file).file.body.items.some((i) => i.kind === 'Block' && i.type === 'pipeline');
}
