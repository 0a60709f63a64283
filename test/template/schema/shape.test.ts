import { describe, expect, it } from 'vitest';
import { checkShape } from '../../../src/template/schema/shape.js';
import { parseHcl } from '../../../src/template/hcl/parser.js';
import type { Block } from '../../../src/template/hcl/ast.js';
import { show } from '../../_helpers/load.js';

function shapeOf(text: string) {
  const { file } = parseHcl(text, 't.hcl');
  const block = file.body.items[0] as Block;
  return checkShape(block.body, { attributes: ['image', 'tags'], blocks: { disk: { labels: ['name'], multiple: true }, network: {} } }, block);
}

describe('checkShape', () => {
  it('keeps accepted attributes and blocks in declared order', () => {
    const s = shapeOf(`vm "a" {\n  disk "b" {\n  }\n  image = "x"\n  network {\n  }\n  disk "c" {\n  }\n}\n`);
    expect(s.diagnostics).toEqual([]);
    expect([...s.attributes.keys()]).toEqual(['image']);
    expect(s.blocks.map((b) => [b.type, b.labels.map((l) => l.value)])).toEqual([
      ['disk', ['b']],
      ['network', []],
      ['disk', ['c']],
    ]);
  });

  it('tells a block written as an argument, and an argument written as a block', () => {
    const s = shapeOf(`vm "a" {\n  network = {}\n  tags {\n  }\n}\n`);
    expect(s.diagnostics.map((d) => d.hint)).toEqual(['"network" is a block, not an argument: write network { ... }', '"tags" is an argument, not a block: write tags = ...']);
  });

  it('suggests names for unknown arguments and blocks', () => {
    const s = shapeOf(`vm "a" {\n  imag = "x"\n  disks "d" {\n  }\n}\n`);
    expect(s.diagnostics.map((d) => [show(d), d.hint])).toEqual([
      ['t.hcl:2: error unknown-attribute: Unsupported argument "imag" in vm "a"', 'Did you mean "image"?'],
      ['t.hcl:3: error unknown-block: Unsupported block type "disks" in vm "a"', 'Did you mean "disk"?'],
    ]);
  });

  it('checks label counts and rejects a repeated single block, naming the first', () => {
    const s = shapeOf(`vm "a" {\n  disk {\n  }\n  network {\n  }\n  network {\n  }\n}\n`);
    expect(s.diagnostics.map((d) => `${show(d)} | ${d.detail ?? d.hint}`)).toEqual([
      't.hcl:2: error block-labels: A disk block takes 1 label (name), got 0 | Write disk "NAME" { ... }',
      't.hcl:6: error duplicate-block: Duplicate network block in vm "a" | Only one network block is allowed here; the first is at line 4.',
    ]);
  });
});
