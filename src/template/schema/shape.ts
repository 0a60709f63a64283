/**
 * The structural half of decoding: which attributes and nested blocks a body may hold. Reports
 * unknown names with did-you-mean (and the attribute-versus-block mix-up Packer users hit most),
 * wrong label counts and repeated single blocks. Evaluation is left to the caller.
 */
import { error, type Diagnostic, type Range } from '../diagnostics.js';
import type { Attribute, Block, Body } from '../hcl/ast.js';
import { didYouMean } from '../suggest.js';

export interface ShapeSpec {
  attributes: readonly string[];
  /** Nested block type -> its label names and whether it may repeat. */
  blocks?: Readonly<Record<string, { labels?: readonly string[]; multiple?: boolean }>>;
}

export interface BodyShape {
  attributes: Map<string, Attribute>;
  /** Accepted nested blocks in declared order. */
  blocks: Block[];
  diagnostics: Diagnostic[];
}

/** `source "qemu" "base"`: how a block is named in messages. */
export function blockTitle(block: Block): string {
  return [block.type, ...block.labels.map((l) => `"${l.value}"`)].join(' ');
}

/** The block's header (type and labels), where "missing attribute" errors point. */
export function headerRange(block: Block): Range {
  const last = block.labels.at(-1)?.range ?? block.typeRange;
  return { filename: block.typeRange.filename, start: block.typeRange.start, end: last.end };
}

export function labelsError(block: Block, labels: readonly string[]): Diagnostic {
  const want = labels.length === 0 ? 'no labels' : labels.length === 1 ? `1 label (${labels[0]})` : `${labels.length} labels (${labels.join(', ')})`;
  return error('block-labels', `A ${block.type} block takes ${want}, got ${block.labels.length}`, headerRange(block), {
    hint: `Write ${[block.type, ...labels.map((l) => `"${l.toUpperCase()}"`)].join(' ')} { ... }`,
  });
}

export function checkShape(body: Body, spec: ShapeSpec, owner: Block | undefined, where?: string): BodyShape {
  const diagnostics: Diagnostic[] = [];
  const attributes = new Map<string, Attribute>();
  const blocks: Block[] = [];
  const blockSpecs = spec.blocks ?? {};
  const blockNames = Object.keys(blockSpecs);
  const title = where ?? (owner ? blockTitle(owner) : 'the template');
  const seenSingle = new Map<string, Block>();

  for (const item of body.items) {
    if (item.kind === 'Attribute') {
      if (!spec.attributes.includes(item.name)) {
        const isBlock = blockNames.includes(item.name);
        diagnostics.push(
          error('unknown-attribute', `Unsupported argument "${item.name}" in ${title}`, item.nameRange, {
            detail: isBlock ? undefined : `An argument named "${item.name}" is not expected here.`,
            hint: isBlock
              ? `"${item.name}" is a block, not an argument: write ${item.name} { ... }`
              : didYouMean(item.name, [...spec.attributes, ...blockNames]),
          }),
        );
      } else if (!attributes.has(item.name)) {
        attributes.set(item.name, item); // a repeat was already reported by the parser
      }
      continue;
    }
    const bs = blockSpecs[item.type];
    if (!bs) {
      const isAttr = spec.attributes.includes(item.type);
      diagnostics.push(
        error('unknown-block', `Unsupported block type "${item.type}" in ${title}`, item.typeRange, {
          hint: isAttr
            ? `"${item.type}" is an argument, not a block: write ${item.type} = ...`
            : didYouMean(item.type, [...blockNames, ...spec.attributes]),
        }),
      );
      continue;
    }
    const labels = bs.labels ?? [];
    if (item.labels.length !== labels.length) {
      diagnostics.push(labelsError(item, labels));
      continue;
    }
    if (!bs.multiple) {
      const first = seenSingle.get(item.type);
      if (first) {
        diagnostics.push(
          error('duplicate-block', `Duplicate ${item.type} block in ${title}`, item.typeRange, {
            detail: `Only one ${item.type} block is allowed here; the first is at line ${first.typeRange.start.line}.`,
          }),
        );
        continue;
      }
      seenSingle.set(item.type, item);
    }
    blocks.push(item);
  }
  return { attributes, blocks, diagnostics };
}
