/**
 * cty counts and slices strings by grapheme cluster (what a reader sees as one character), not
 * by UTF-16 unit: length("👍🏽") is 1 and substr("é", 0, 1) keeps the combining accent.
 */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemes(s: string): string[] {
  return Array.from(segmenter.segment(s), (seg) => seg.segment);
}
