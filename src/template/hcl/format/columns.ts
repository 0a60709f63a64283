/**
 * Columns as alignment counts them: one per grapheme cluster, as hclwrite does, so `"🇬🇧"` is
 * three columns wide and a name in any script lines up by what the reader sees.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The column after writing `text` starting at column `col`; text with a line break restarts at its last line. */
export function columnAfter(col: number, text: string): number {
  const nl = text.lastIndexOf('\n');
  return nl === -1 ? col + width(text) : width(text.slice(nl + 1));
}

function width(text: string): number {
  if (/^[\x00-\x7f]*$/.test(text)) return text.length;
  let n = 0;
  for (const _ of graphemes.segment(text)) n++;
  return n;
}
