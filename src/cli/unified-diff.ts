/** A unified diff of two texts by lines, for `fmt --diff` (the same shape as `diff -u`). */

const CONTEXT = 3;
/** Above this many line pairs the diff is one hunk replacing everything, not a minimal one. */
const MAX_CELLS = 25_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string };

export function unifiedDiff(before: string, after: string, fromName: string, toName: string): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  for (const hunk of hunks(ops)) out.push(...hunk);
  return out.join('\n') + '\n';
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Longest common subsequence by dynamic programming; templates are small. */
function diffLines(a: string[], b: string[]): Op[] {
  // Common head and tail first: formatting changes are usually few and far between.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);

  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }));
  if (midA.length * midB.length > MAX_CELLS) {
    ops.push(...midA.map((line) => ({ kind: '-' as const, line })), ...midB.map((line) => ({ kind: '+' as const, line })));
  } else {
    const n = midA.length;
    const m = midB.length;
    // lcs[i][j]: length of the LCS of midA[i..] and midB[j..], in one flat array.
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] =
          midA[i] === midB[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ kind: ' ', line: midA[i++]! });
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!)) {
        ops.push({ kind: '-', line: midA[i++]! });
      } else {
        ops.push({ kind: '+', line: midB[j++]! });
      }
    }
  }
  ops.push(...a.slice(a.length - tail).map((line) => ({ kind: ' ' as const, line })));
  return ops;
}

function hunks(ops: Op[]): string[][] {
  const changed = ops.flatMap((op, i) => (op.kind === ' ' ? [] : [i]));
  const result: string[][] = [];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - CONTEXT);
    let end = changed[k]! + CONTEXT + 1;
    // Merge changes whose context windows touch.
    while (k + 1 < changed.length && changed[k + 1]! - CONTEXT <= end) end = changed[++k]! + CONTEXT + 1;
    end = Math.min(end, ops.length);
    k++;

    let aStart = 1;
    let bStart = 1;
    for (let i = 0; i < start; i++) {
      if (ops[i]!.kind !== '+') aStart++;
      if (ops[i]!.kind !== '-') bStart++;
    }
    const slice = ops.slice(start, end);
    const aLen = slice.filter((o) => o.kind !== '+').length;
    const bLen = slice.filter((o) => o.kind !== '-').length;
    result.push([
      `@@ -${aLen === 0 ? aStart - 1 : aStart},${aLen} +${bLen === 0 ? bStart - 1 : bStart},${bLen} @@`,
      ...slice.map((o) => o.kind + o.line),
    ]);
  }
  return result;
}
