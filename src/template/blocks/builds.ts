/**
 * `build { sources = [...]; source "source.T.N" { overrides }; provisioner "T" {...}; ... }`.
 * Each build source gets its own evaluated copy of the provisioners (only/except applied,
 * `source.name` bound), in the order they are written, whatever their types.
 */
import { z } from 'zod';
import { error, type Diagnostic, type Range } from '../diagnostics.js';
import type { Evaluator } from '../evaluator.js';
import type { Block, Expr } from '../hcl/ast.js';
import type { Build, BuildSource, PostProcessor, Provisioner } from '../model.js';
import { decodeBody } from '../schema/decode.js';
import { checkShape } from '../schema/shape.js';
import { KNOWN_ELSEWHERE, type BodySpec, type ComponentRegistry, type ComponentSpec } from '../schema/spec.js';
import { bool, duration, int, str, stringList } from '../schema/types.js';
import { didYouMean } from '../suggest.js';
import type { ValueObject } from '../value.js';
import { decodeSource, overlayBody, toSource, unsupportedType, type SourceDecl } from './sources.js';

const BUILD_SHAPE = {
  attributes: ['name', 'description', 'sources'],
  blocks: {
    source: { labels: ['reference'], multiple: true },
    provisioner: { labels: ['type'], multiple: true },
    'post-processor': { labels: ['type'], multiple: true },
    'post-processors': { multiple: true },
    'error-cleanup-provisioner': { labels: ['type'] },
  },
} as const;

/** Attributes every provisioner accepts, whatever its type (Packer's common provisioner config). */
const PROVISIONER_COMMON = {
  name: str().optional(),
  only: stringList().optional(),
  except: stringList().optional(),
  pause_before: duration().optional(),
  max_retries: int().pipe(z.number().min(0)).optional(),
  timeout: duration().optional(),
};

const POST_PROCESSOR_COMMON = {
  name: str().optional(),
  only: stringList().optional(),
  except: stringList().optional(),
  keep_input_artifact: bool().optional(),
};

function withCommon(spec: ComponentSpec, common: BodySpec['attributes']): BodySpec {
  return { ...spec.body, attributes: { ...spec.body.attributes, ...common } };
}

interface ComponentDecl {
  block: Block;
  spec?: BodySpec;
}

export interface DecodedBuilds {
  builds: Build[];
  /**
   * Build sources written in a build but left out of it because of an error already reported
   * (a source type bake lacks, an unknown source), named as -only/-except would name them, so
   * the filter does not report them a second time as matching nothing.
   */
  unavailable: string[];
  /** Refs (`TYPE.NAME`) of the sources some build uses. */
  used: Set<string>;
  diagnostics: Diagnostic[];
}

export function decodeBuilds(
  blocks: readonly Block[],
  sourceDecls: Map<string, SourceDecl>,
  registry: ComponentRegistry,
  ev: Evaluator,
  roots: ValueObject,
): DecodedBuilds {
  const diagnostics: Diagnostic[] = [];
  const builds: Build[] = [];
  const unavailable: string[] = [];
  for (const block of blocks) {
    const b = decodeBuild(block, sourceDecls, registry, ev, roots, diagnostics, unavailable);
    if (b) builds.push(b);
  }
  const used = new Set(builds.flatMap((b) => b.sources.map((s) => s.ref)));
  return { builds, unavailable, used, diagnostics };
}

function stringAttr(block: Block, name: string, shape: ReturnType<typeof checkShape>, ev: Evaluator, roots: ValueObject, diagnostics: Diagnostic[]): string | undefined {
  const a = shape.attributes.get(name);
  if (!a) return undefined;
  const r = ev.eval(a.expr, roots);
  diagnostics.push(...r.diagnostics);
  if (typeof r.value === 'string') return r.value;
  if (r.diagnostics.length === 0 && !r.skipped) {
    diagnostics.push(error('type-mismatch', `Invalid value for "${name}" in build`, a.expr.range, { detail: 'a string is required' }));
  }
  return undefined;
}

function decodeBuild(
  block: Block,
  sourceDecls: Map<string, SourceDecl>,
  registry: ComponentRegistry,
  ev: Evaluator,
  roots: ValueObject,
  diagnostics: Diagnostic[],
  unavailable: string[],
): Build | undefined {
  const shape = checkShape(block.body, BUILD_SHAPE, block, 'build');
  diagnostics.push(...shape.diagnostics);
  const build: Build = { sources: [], provisioners: [], postProcessors: [], range: block.range };
  const name = stringAttr(block, 'name', shape, ev, roots, diagnostics);
  if (name !== undefined) build.name = name;
  const description = stringAttr(block, 'description', shape, ev, roots, diagnostics);
  if (description !== undefined) build.description = description;

  // Sources: the `sources` list, then nested `source` blocks (which may override settings).
  const uses: Array<{ decl: SourceDecl; override?: Block; range: Range }> = [];
  const leftOut = (name: string) => unavailable.push(...(build.name ? [name, `${build.name}.${name}`] : [name]));
  const use = (text: string, range: Range, override?: Block) => {
    const decl = resolveRef(text, range, sourceDecls, diagnostics);
    if (!decl) leftOut(text.replace(/^source\./, ''));
    else if (!decl.spec) leftOut(decl.ref); // unsupported type: already reported at the source
    else uses.push(override ? { decl, override, range } : { decl, range });
  };
  // Whether the build names any source at all, or the list could not be evaluated (reported).
  let namesSources = shape.blocks.some((b) => b.type === 'source');
  const sourcesAttr = shape.attributes.get('sources');
  if (sourcesAttr) {
    const refs = sourceRefs(sourcesAttr.expr, ev, roots, diagnostics);
    if (refs.unreadable || refs.refs.length > 0) namesSources = true;
    for (const { text, range } of refs.refs) use(text, range);
  }
  const provisionerBlocks: Block[] = [];
  const postBlocks: Block[] = [];
  let errorCleanup: Block | undefined;
  for (const nested of shape.blocks) {
    if (nested.type === 'source') {
      use(nested.labels[0]!.value, nested.labels[0]!.range, nested);
    } else if (nested.type === 'provisioner') {
      provisionerBlocks.push(nested);
    } else if (nested.type === 'post-processor') {
      postBlocks.push(nested);
    } else if (nested.type === 'post-processors') {
      const inner = checkShape(nested.body, { attributes: [], blocks: { 'post-processor': { labels: ['type'], multiple: true } } }, nested, 'post-processors');
      diagnostics.push(...inner.diagnostics);
      postBlocks.push(...inner.blocks);
    } else {
      errorCleanup = nested;
    }
  }
  if (!namesSources) {
    diagnostics.push(
      error('missing-attribute', 'A build needs at least one source', sourcesAttr?.expr.range ?? block.typeRange, { hint: 'Add sources = ["source.TYPE.NAME"] to the build.' }),
    );
  }

  const provisioners = provisionerBlocks.map((b) => componentDecl(b, 'provisioner', registry.provisioners, KNOWN_ELSEWHERE.provisioners, PROVISIONER_COMMON, diagnostics));
  const posts = postBlocks.map((b) => componentDecl(b, 'post-processor', registry.postProcessors, KNOWN_ELSEWHERE.postProcessors, POST_PROCESSOR_COMMON, diagnostics));

  const localNames = new Set<string>();
  for (const use of uses) {
    let localName = use.decl.name;
    if (use.override) {
      const n = use.override.body.items.find((i) => i.kind === 'Attribute' && i.name === 'name');
      if (n && n.kind === 'Attribute') {
        const r = ev.eval(n.expr, roots);
        diagnostics.push(...r.diagnostics);
        if (typeof r.value === 'string') localName = r.value;
      }
    }
    const key = `${use.decl.type}.${localName}`;
    if (localNames.has(key)) {
      diagnostics.push(error('duplicate-block', `Source ${key} is used twice in this build`, use.range, { hint: 'Give the second use a different name = "..." in a nested source block.' }));
      continue;
    }
    localNames.add(key);
    const body = overlayBody(use.decl.block.body, use.override?.body, new Set(['name']));
    const decoded = decodeSource(use.decl, body, ev, roots, localName);
    diagnostics.push(...decoded.diagnostics);
    const scope = { ...roots, source: { type: use.decl.type, name: localName } };
    // As in Packer, a source used under another name is known by that name only.
    const matches = (list: string[]) => list.some((p) => p === key || p === `source.${key}`);
    const applies = (c: { only?: string[]; except?: string[] }) => (!c.only || matches(c.only)) && (!c.except || !matches(c.except));
    build.sources.push({
      ref: use.decl.ref,
      name: localName,
      source: toSource(use.decl, decoded.config),
      config: decoded.config,
      provisioners: provisioners.flatMap((p) => decodeComponent(p, ev, scope, diagnostics) ?? []).filter(applies),
      postProcessors: posts.flatMap((p) => decodeComponent(p, ev, scope, diagnostics) ?? []).filter(applies),
      range: use.range,
    });
  }

  // The declared lists, for display: each component evaluated with the first source it applies to.
  const first = build.sources[0];
  const displayScope = { ...roots, source: first ? { type: first.source.type, name: first.name } : { type: '', name: '' } };
  const display = (d: ComponentDecl) => {
    for (const bs of build.sources) {
      const found = [...bs.provisioners, ...bs.postProcessors].find((c) => c.range === d.block.range);
      if (found) return found;
    }
    return decodeComponent(d, ev, displayScope, diagnostics);
  };
  const shown = [...provisioners, ...posts].flatMap((decl) => {
    const component = display(decl);
    return component ? [{ decl, component }] : [];
  });
  build.provisioners = shown.filter((s) => provisioners.includes(s.decl)).map((s) => s.component);
  build.postProcessors = shown.filter((s) => posts.includes(s.decl)).map((s) => s.component);
  if (errorCleanup) {
    const d = componentDecl(errorCleanup, 'provisioner', registry.provisioners, KNOWN_ELSEWHERE.provisioners, PROVISIONER_COMMON, diagnostics);
    const p = decodeComponent(d, ev, displayScope, diagnostics);
    if (p) build.errorCleanupProvisioner = p;
  }
  checkOnlyExcept(shown, build.sources, diagnostics);
  return build;
}

/**
 * The elements of `sources = [...]`, each with its own range when written as a tuple;
 * `unreadable` when some element could not be evaluated (already reported, or skipped because a
 * variable it uses failed).
 */
function sourceRefs(expr: Expr, ev: Evaluator, roots: ValueObject, diagnostics: Diagnostic[]): { refs: Array<{ text: string; range: Range }>; unreadable: boolean } {
  const items = expr.kind === 'Tuple' ? expr.items : [expr];
  const out: Array<{ text: string; range: Range }> = [];
  let unreadable = false;
  for (const item of items) {
    const traversal = traversalText(item);
    if (traversal !== undefined) {
      out.push({ text: traversal, range: item.range });
      continue;
    }
    const r = ev.eval(item, roots);
    diagnostics.push(...r.diagnostics);
    if (r.diagnostics.length > 0 || r.skipped) {
      unreadable = true;
      continue;
    }
    const values = expr.kind === 'Tuple' ? [r.value] : Array.isArray(r.value) ? r.value : [r.value];
    for (const v of values) {
      if (typeof v === 'string') out.push({ text: v, range: item.range });
      else {
        unreadable = true;
        diagnostics.push(error('type-mismatch', 'Invalid source reference', item.range, { detail: `A string like "source.qemu.base" is required, got ${JSON.stringify(v)}.` }));
      }
    }
  }
  return { refs: out, unreadable };
}

/** `source.qemu.base` written without quotes, as a traversal. */
function traversalText(expr: Expr): string | undefined {
  if (expr.kind === 'Variable') return expr.name === 'source' ? expr.name : undefined;
  if (expr.kind === 'GetAttr') {
    const inner = traversalText(expr.object);
    return inner === undefined ? undefined : `${inner}.${expr.name}`;
  }
  return undefined;
}

function resolveRef(text: string, range: Range, decls: Map<string, SourceDecl>, diagnostics: Diagnostic[]): SourceDecl | undefined {
  const m = /^source\.([^.]+)\.([^.]+)$/.exec(text);
  const known = [...decls.keys()].map((k) => `source.${k}`);
  if (!m) {
    diagnostics.push(
      error('invalid-reference', `Invalid source reference "${text}"`, range, {
        detail: 'A source is referred to as "source.TYPE.NAME".',
        hint: decls.has(text) ? `Write "source.${text}".` : didYouMean(text, known),
      }),
    );
    return undefined;
  }
  const decl = decls.get(`${m[1]}.${m[2]}`);
  if (!decl) {
    diagnostics.push(
      error('unknown-source', `Unknown source "${text}"`, range, {
        detail: known.length ? `Declared sources: ${known.join(', ')}.` : 'The template declares no sources.',
        hint: didYouMean(text, known),
      }),
    );
  }
  return decl;
}

function componentDecl(
  block: Block,
  kind: string,
  registry: Record<string, ComponentSpec>,
  knownElsewhere: readonly string[],
  common: BodySpec['attributes'],
  diagnostics: Diagnostic[],
): ComponentDecl {
  const type = block.labels[0]!.value;
  const spec = registry[type];
  if (!spec) {
    diagnostics.push(unsupportedType(block, kind, type, Object.keys(registry), knownElsewhere));
    return { block };
  }
  return { block, spec: withCommon(spec, common) };
}

function decodeComponent(d: ComponentDecl, ev: Evaluator, scope: ValueObject, diagnostics: Diagnostic[]): Provisioner | undefined {
  if (!d.spec) return undefined;
  const r = decodeBody(d.block.body, d.spec, (e) => ev.eval(e, scope), d.block);
  diagnostics.push(...r.diagnostics);
  const { name, only, except, ...config } = r.config;
  const p: Provisioner = { type: d.block.labels[0]!.value, config, range: d.block.range };
  if (typeof name === 'string') p.name = name;
  if (Array.isArray(only)) p.only = only as string[];
  if (Array.isArray(except)) p.except = except as string[];
  return p;
}

/**
 * only/except must name sources of this build (`TYPE.NAME` with the build-local name, optionally
 * prefixed `source.`), and, as in Packer, a component sets one of them, not both. Errors point at
 * the only/except argument.
 */
function checkOnlyExcept(components: Array<{ decl: ComponentDecl; component: Provisioner | PostProcessor }>, sources: BuildSource[], diagnostics: Diagnostic[]): void {
  const names = [...new Set(sources.map((s) => `${s.source.type}.${s.name}`))];
  for (const { decl, component } of components) {
    const attr = (name: string) => {
      const a = decl.block.body.items.find((i) => i.kind === 'Attribute' && i.name === name);
      return a?.kind === 'Attribute' ? a : undefined;
    };
    if (component.only && component.except) {
      diagnostics.push(
        error('invalid-value', 'Only one of "only" or "except" may be set', attr('except')?.nameRange ?? component.range, {
          hint: '"only" lists the sources this runs for; "except" the ones it skips.',
        }),
      );
    }
    if (sources.length === 0) continue;
    for (const key of ['only', 'except'] as const) {
      for (const n of component[key] ?? []) {
        const bare = n.startsWith('source.') ? n.slice('source.'.length) : n;
        if (names.includes(bare)) continue;
        diagnostics.push(
          error('unknown-source', `"${n}" names no source of this build`, attr(key)?.expr.range ?? component.range, {
            detail: `only and except take sources of the build: ${names.join(', ')}.`,
            hint: didYouMean(bare, names),
          }),
        );
      }
    }
  }
}
