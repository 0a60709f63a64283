import { describe, expect, it } from 'vitest';
import { errors, loaded, loadOne, only, show } from '../../_helpers/load.js';

describe('source blocks', () => {
  it('suggests the closest supported type for an unknown source type, or lists the supported ones', () => {
    const d = only(loadOne(`source "qemuu" "x" {\n}\n`), 'unknown-block');
    expect(show(d)).toBe('t.pkr.hcl:1: error unknown-block: Unknown source type "qemuu"');
    expect(d.hint).toBe('Did you mean "qemu"?');
    expect(only(loadOne(`source "zzz" "x" {\n}\n`), 'unknown-block').hint).toBe('Supported source types: qemu.');
  });

  it('says a Packer source type is not supported yet, and does not report its body', () => {
    const r = loadOne(`source "amazon-ebs" "x" {\n  ami_name = 5\n  anything = true\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n`);
    const d = only(r, 'not-supported-yet');
    expect(show(d)).toBe('t.pkr.hcl:1: error not-supported-yet: The source type "amazon-ebs" is not supported yet');
    expect(d.detail).toBe('bake supports these source types today: qemu.');
    expect(errors(r)).toHaveLength(1);
  });

  it('reports a duplicate source at the second block, naming the first', () => {
    const d = only(loadOne(`source "qemu" "x" {\n  parent = "a"\n}\nsource "qemu" "x" {\n  parent = "b"\n}\n`), 'duplicate-block');
    expect(show(d)).toBe('t.pkr.hcl:4: error duplicate-block: Duplicate source "qemu" "x"');
    expect(d.detail).toBe('source.qemu.x was already declared at line 1.');
  });
});

describe('qemu sources', () => {
  it('converts values as HCL would: "2" to 2 for cpus, "true" to true for headless, a number of MB for disk_size', () => {
    const t = loaded(loadOne(`source "qemu" "x" {\n  parent    = "base"\n  cpus      = "2"\n  memory    = "1024"\n  headless  = "true"\n  disk_size = 4096\n}\n`));
    expect(t.sources).toEqual([expect.objectContaining({ type: 'qemu', name: 'x', ref: 'qemu.x', config: { parent: 'base', cpus: 2, memory: 1024, headless: true, disk_size: '4096M' } })]);
  });

  it('decodes a bootstrap block into an object', () => {
    const t = loaded(loadOne(`source "qemu" "os" {\n  bootstrap {\n    suite    = "bookworm"\n    packages = "curl"\n  }\n}\n`));
    expect(t.sources[0]!.config).toEqual({ bootstrap: { suite: 'bookworm', packages: ['curl'] } });
  });

  it('rejects both parent and bootstrap, at parent', () => {
    const r = loadOne(`source "qemu" "x" {\n  bootstrap {\n    suite = "bookworm"\n  }\n  parent = "a"\n}\n`);
    expect(show(only(r, 'invalid-value'))).toBe('t.pkr.hcl:5: error invalid-value: A qemu source sets either "parent" (a layer) or a bootstrap block (an OS base), not both');
  });

  it('rejects neither parent nor bootstrap, at the block header', () => {
    const r = loadOne(`source "qemu" "x" {\n  cpus = 2\n}\n`);
    expect(show(only(r, 'invalid-value'))).toBe(
      't.pkr.hcl:1: error invalid-value: A qemu source needs a "parent" image to layer on, or a bootstrap block to make an OS base from nothing',
    );
  });

  it('explains enum mistakes with a did-you-mean (accelerator = "tgc")', () => {
    const d = only(loadOne(`source "qemu" "x" {\n  parent      = "a"\n  accelerator = "tgc"\n}\n`), 'type-mismatch');
    expect(show(d)).toBe('t.pkr.hcl:3: error type-mismatch: Invalid value for "accelerator"');
    expect(d.detail).toBe('must be one of "auto", "kvm", "tcg", "none". Did you mean "tcg"?');
  });

  it('reports every bad value at once, each at its own line', () => {
    const r = loadOne(`source "qemu" "x" {\n  parent    = "a"\n  cpus      = 2.5\n  memory    = 64\n  disk_size = "big"\n  qemuargs  = [["-m", 1], "-nographic"]\n}\n`);
    expect(errors(r).map((d) => `${d.range!.start.line}: ${d.detail}`)).toEqual([
      '3: a whole number is required, got 2.5',
      '4: must be at least 128',
      '5: a size like "4G" or "2048M" is required',
      '6: element 1: a list is required, got string',
    ]);
  });

  it('requires suite in bootstrap even when it is set to null', () => {
    const r = loadOne(`source "qemu" "a" {\n  bootstrap {\n  }\n}\nsource "qemu" "b" {\n  bootstrap {\n    suite = null\n  }\n}\n`);
    expect(errors(r).map(show)).toEqual([
      't.pkr.hcl:2: error missing-attribute: Missing required argument "suite" in bootstrap',
      't.pkr.hcl:7: error invalid-value: Invalid value for "suite"',
    ]);
  });

  it('binds source.name and source.type inside the source block', () => {
    const t = loaded(loadOne(`source "qemu" "web" {\n  parent     = "base"\n  image_name = "\${source.type}-\${source.name}"\n}\n`));
    expect(t.sources[0]!.config.image_name).toBe('qemu-web');
  });
});
