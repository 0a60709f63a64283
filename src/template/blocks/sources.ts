/**
 * `source "TYPE" "NAME" { ... }`: a builder configuration that builds refer to as
 * `source.TYPE.NAME`. The type's spec comes from the component registry; a type Packer has but
 * bake does not is "not supported yet", anything else gets a did-you-mean.
 */
import { error, lineRef, type Diagnostic } from '../diagnostics.js';
import type { Evaluator } from '../evaluator.js';
import type { Block, Body } from '../hcl/ast.js';
import type { Source } from '../model.js';
import { decodeBody, type DecodeResult } from '../schema/decode.js';
import { KNOWN_ELSEWHERE, type ComponentRegistry, type ComponentSpec } from '../schema/spec.js';
import { didYouMean } from '../suggest.js';
import type { ValueObject } from '../value.js';

export interface SourceDecl {
  type: string;
  name: string;
  ref: string;
  block: Block;
  /** Absent when the type is not supported: builds naming it are skipped, not re-reported. */
  spec?: ComponentSpec;
}

export function declareSources(blocks: readonly Block[], registry: ComponentRegistry): { decls: Map<string, SourceDecl>; diagnostics: Diagnostic[] } {
  const decls = new Map<string, SourceDecl>();
  const diagnostics: Diagnostic[] = [];
  for (const block of blocks) {
    const [type, name] = [block.labels[0]!.value, block.labels[1]!.value];
    const ref = `${type}.${name}`;
    const first = decls.get(ref);
    if (first) {
      diagnostics.push(
        error('duplicate-block', `Duplicate source "${type}" "${name}"`, block.typeRange, {
          detail: `source.${ref} was already declared at ${lineRef(first.block.typeRange, block.typeRange)}.`,
          hint: 'Give each source a different name.',
        }),
      );
      continue;
    }
    const decl: SourceDecl = { type, name, ref, block };
    const spec = registry.sources[type];
    if (spec) decl.spec = spec;
    else diagnostics.push(unsupportedType(block, 'source', type, Object.keys(registry.sources), KNOWN_ELSEWHERE.sources));
    decls.set(ref, decl);
  }
  return { decls, diagnostics };
}

/** A component type the registry lacks: "not supported yet" if Packer has it, else did-you-mean. */
export function unsupportedType(block: Block, kind: string, type: string, supported: string[], knownElsewhere: readonly string[]): Diagnostic {
  const at = block.labels[0]!.range;
  if (knownElsewhere.includes(type)) {
    return error('not-supported-yet', `The ${kind} type "${type}" is not supported yet`, at, {
      detail: `bake supports these ${kind} types today: ${supported.join(', ')}.`,
    });
  }
  const code = kind === 'provisioner' ? 'unknown-provisioner' : 'unknown-block';
  return error(code, `Unknown ${kind} type "${type}"`, at, {
    hint: didYouMean(type, [...supported, ...knownElsewhere]) ?? `Supported ${kind} types: ${supported.join(', ')}.`,
  });
}

/**
 * The body a build actually uses for a source: the source's own attributes, with those set in a
 * build's nested `source` block replacing them. Items keep their ranges, so errors still point at
 * whichever file and line wrote the value.
 */
export function overlayBody(base: Body, override: Body | undefined, skip: ReadonlySet<string>): Body {
  if (!override) return base;
  const overridden = new Set(override.items.map((i) => (i.kind === 'Attribute' ? i.name : `block:${i.type}`)));
  const keep = base.items.filter((i) => !overridden.has(i.kind === 'Attribute' ? i.name : `block:${i.type}`));
  const extra = override.items.filter((i) => !(i.kind === 'Attribute' && skip.has(i.name)));
  return { ...base, items: [...keep, ...extra] };
}

export function decodeSource(decl: SourceDecl, body: Body, ev: Evaluator, roots: ValueObject, buildName: string): DecodeResult {
  const scope = { ...roots, source: { type: decl.type, name: buildName } };
  return decodeBody(body, decl.spec!.body, (e) => ev.eval(e, scope), decl.block);
}

export function toSource(decl: SourceDecl, config: ValueObject): Source {
  return { type: decl.type, name: decl.name, ref: decl.ref, config, range: decl.block.range };
}
