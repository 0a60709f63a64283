import { describe, expect, it } from 'vitest';
import { references } from '../../../src/template/eval/references.js';
import { parse } from './_eval.js';

function refs(text: string): string[] {
  return references(parse(text)).map((r) => [r.root, ...r.path].join('.'));
}

describe('references', () => {
  it('lists root traversals with their static steps', () => {
    expect(refs('"${var.region}-${local.name}"')).toEqual(['var.region', 'local.name']);
    expect(refs('data.amazon-ami.ubuntu.id')).toEqual(['data.amazon-ami.ubuntu.id']);
  });

  it('gives the first step as name and a range from the root to the last static step', () => {
    const text = 'upper(local.tags["env"])';
    const [r] = references(parse(text));
    expect(r).toMatchObject({ root: 'local', name: 'tags', path: ['tags', 'env'] });
    expect(text.slice(r!.range.start.offset, r!.range.end.offset)).toBe('local.tags["env"]');
  });

  it('stops at a dynamic index and reports the references inside it', () => {
    expect(refs('var.m[var.k].x')).toEqual(['var.m', 'var.k']);
  });

  it('excludes for iterators but not the collection', () => {
    expect(refs('[for k, v in var.tags : "${k}=${v}" if v != local.skip]')).toEqual(['var.tags', 'local.skip']);
    expect(refs('{for s in local.list : s => var.x}')).toEqual(['local.list', 'var.x']);
  });

  it('treats an iterator named like a root as the iterator inside the for only', () => {
    expect(refs('[for local in local.list : local.x]')).toEqual(['local.list']);
  });

  it('excludes template for iterators', () => {
    expect(refs('"%{for p in var.pkgs}${p}${local.sep}%{endfor}"')).toEqual(['var.pkgs', 'local.sep']);
  });

  it('excludes splat items', () => {
    expect(refs('var.servers[*].name')).toEqual(['var.servers']);
  });

  it('does not count bare object keys as references', () => {
    expect(refs('{ region = var.region, (local.k) = 1 }')).toEqual(['var.region', 'local.k']);
  });

  it('finds references in every kind of expression', () => {
    expect(refs('var.a ? -var.b : [var.c, max(var.d...)] == {x = var.e}')).toEqual(['var.a', 'var.b', 'var.c', 'var.d', 'var.e']);
  });

  it('reports a bare root without a name', () => {
    expect(references(parse('var'))).toMatchObject([{ root: 'var', path: [] }]);
    expect(references(parse('var'))[0]!.name).toBeUndefined();
  });
});
