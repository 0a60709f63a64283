/**
 * Which block is missing its closing brace. When a `}` is missing, the braces that follow close
 * the wrong blocks and the block reported "still open at the end of the file" is usually not
 * the one the author forgot to close. Indentation tells the real story: the forgotten block is
 * the one whose body continues with an item back at the block's own indentation.
 *
 * The parser may also have closed the blocks early, at a line that opens a top-level block
 * (`stop`); those the indentation does not explain are blamed on that line instead of the end of
 * the file.
 */
import type { Block, BodyItem } from './ast.js';
import type { Cursor } from './cursor.js';
import type { Token } from './token.js';

/**
 * `root` is a top-level block that reached the end of the file, or `stop` (the first token of a
 * line opening a top-level block), without its closing brace; `unclosed` holds all such blocks.
 */
export function reportUnclosedBlocks(c: Cursor, root: Block, unclosed: ReadonlySet<Block>, stop?: Token): void {
  const chain: Block[] = [];
  for (let b: Block | undefined = root; b !== undefined; ) {
    chain.push(b);
    const last: BodyItem | undefined = b.body.items[b.body.items.length - 1];
    b = last?.kind === 'Block' && unclosed.has(last) ? last : undefined;
  }
  const suspects = findSuspects(root).slice(0, chain.length);
  for (const { block, item } of suspects) {
    const what = item.kind === 'Block' ? `Block ${blockName(item)}` : `Argument "${item.name}"`;
    c.error('unclosed-brace', `Missing closing brace for block "${block.type}"`, block.openBraceRange, {
      detail: `${what} on line ${startOf(item).line} starts at the indentation of this block, so the "}" that closes ${blockName(block)} is probably missing just before it.`,
      hint: `Add "}" at the end of ${blockName(block)}.`,
    });
  }
  // Fewer suspects than missing braces: the rest are at the stop or the end of the file,
  // innermost first.
  const reported = new Set(suspects.map((s) => s.block));
  for (const block of chain.reverse().slice(0, chain.length - suspects.length)) {
    if (reported.has(block)) continue;
    const detail =
      stop === undefined
        ? `Block ${blockName(block)}, which starts on line ${block.typeRange.start.line}, is still open at the end of the file.`
        : `Block ${stop.raw} on line ${stop.range.start.line} starts a new top-level block, so the "}" that closes ${blockName(block)} is probably missing before it.`;
    c.error('unclosed-brace', `Missing closing brace for block "${block.type}"`, block.openBraceRange, {
      detail,
      hint: `Add "}" at the end of ${blockName(block)}.`,
    });
  }
}

/**
 * Blocks that have some items indented deeper than themselves and then an
 * item back at (or left of) their own column. Requiring the deeper items first keeps files
 * written without any indentation from looking suspicious everywhere.
 */
function findSuspects(root: Block): { block: Block; item: BodyItem }[] {
  const out: { block: Block; item: BodyItem }[] = [];
  const stack: Block[] = [root];
  while (stack.length > 0) {
    const block = stack.pop()!;
    const column = block.typeRange.start.column;
    const line = block.openBraceRange.start.line;
    let indented = false;
    for (const item of block.body.items) {
      const start = startOf(item);
      if (start.line <= line) continue;
      if (start.column > column) indented = true;
      else if (indented) {
        out.push({ block, item });
        break;
      }
    }
    const nested = block.body.items.filter((i): i is Block => i.kind === 'Block');
    for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
  }
  // The first place where indentation steps back out is where the first brace is missing.
  return out.sort((a, b) => startOf(a.item).offset - startOf(b.item).offset);
}

function startOf(item: BodyItem) {
  return item.kind === 'Block' ? item.typeRange.start : item.nameRange.start;
}

/** `source "qemu" "base"`, as written. */
function blockName(b: Block): string {
  return [b.type, ...b.labels.map((l) => (l.quoted ? JSON.stringify(l.value) : l.value))].join(' ');
}
