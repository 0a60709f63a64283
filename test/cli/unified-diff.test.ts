import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/cli/unified-diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'a/x', 'b/x')).toBe('');
  });

  it('shows a change with three lines of context', () => {
    const before = 'l1\nl2\nl3\nl4\nold\nl6\nl7\nl8\nl9\n';
    const after = 'l1\nl2\nl3\nl4\nnew\nl6\nl7\nl8\nl9\n';
    expect(unifiedDiff(before, after, 'a/t.hcl', 'b/t.hcl')).toBe(
      ['--- a/t.hcl', '+++ b/t.hcl', '@@ -2,7 +2,7 @@', ' l2', ' l3', ' l4', '-old', '+new', ' l6', ' l7', ' l8', ''].join('\n'),
    );
  });

  it('splits distant changes into hunks and merges close ones', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `l${i + 1}`);
    const changed = lines.map((l) => (l === 'l2' || l === 'l5' || l === 'l25' ? `${l}!` : l));
    const diff = unifiedDiff(lines.join('\n') + '\n', changed.join('\n') + '\n', 'a', 'b');
    expect(diff.match(/^@@.*@@$/gm)).toEqual(['@@ -1,8 +1,8 @@', '@@ -22,7 +22,7 @@']);
  });

  it('handles pure insertions and deletions', () => {
    expect(unifiedDiff('', 'x\n', 'a', 'b')).toBe('--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n');
    expect(unifiedDiff('x\ny\n', 'y\n', 'a', 'b')).toBe('--- a\n+++ b\n@@ -1,2 +1,1 @@\n-x\n y\n');
  });
});
