/**
 * Where a heredoc without its closing marker line ends, for recovery.
 *
 * Read literally, such a heredoc takes in the rest of the file, and then every bracket and
 * block around it is reported as unclosed, with advice ("add }") that is wrong: the braces are
 * there, inside the runaway heredoc. So the lexer asks here, before it reads the heredoc's text,
 * whether a line holding just the marker exists at all, and if not, where the text should stop.
 * It stops at the first of:
 *
 * 1. a line holding just an identifier close to the marker (`EOF` for `EOT`, by the
 *    did-you-mean distance): the closing line, misspelled. Such a line does not count when it
 *    closes a heredoc opened inside the text itself (a shell `cat <<EOF ... EOF`).
 * 2. the line break before a line that closes the structure around the heredoc: a line of only
 *    closing brackets (`    ]`, `  }`) or one opening a top-level block (`build {`), indented no
 *    deeper than the line with the `<<`, and from which the rest of the file closes exactly as
 *    many brackets as were open at the `<<`. That last condition keeps a `}` in the heredoc's
 *    own text (JSON, an nginx server block, a shell function) from ending it.
 * 3. the end of the file.
 *
 * Everything after the cut is lexed as code again, so the brackets and blocks around the heredoc
 * close where the author wrote them and the heredoc is the only error. The first match wins, so
 * the text is read once: the cost is linear however many heredocs are unterminated.
 */
import { suggest } from '../suggest.js';
import { isIdentContinue, isIdentStart } from './chars.js';
import { TOP_LEVEL_BLOCK_LINE } from './top-level-blocks.js';

export interface HeredocCut {
  /** Offset where the heredoc's text stops: a line break, the start of the text, or the end of the file. */
  at: number;
  kind: 'misspelled' | 'closing' | 'eof';
  /** Start offset of the misspelled marker's line, or of the line that closes the structure. */
  lineStart?: number;
  /** The misspelled marker, as written. */
  found?: string;
}

const LONE_IDENT = /^[ \t]*([\p{ID_Start}_][\p{ID_Continue}-]*)[ \t]*\r?$/u;
const CLOSING_LINE = /^[ \t]*[}\])][}\]) \t,]*(?:(?:#|\/\/).*)?\r?$/;
/** A heredoc opened inside the text: shell `<<EOF`, `<<-'EOF'`, `<< "EOF"`. */
const NESTED_OPENER = /<<-?[ \t]*(["']?)([\p{ID_Start}_][\p{ID_Continue}-]*)\1/gu;
/** Longer identifiers are never taken for a misspelled marker (and never cost an edit distance). */
const MAX_MARKER = 64;

export class HeredocEnds {
  /** Lines holding a lone identifier, by identifier: their start offsets, ascending. */
  private readonly lone = new Map<string, number[]>();
  /** Lines starting before this offset are in `lone`. */
  private indexed = 0;
  private nets: { starts: number[]; suffix: Int32Array } | undefined;

  constructor(private readonly text: string) {}

  /**
   * Whether a line at or after `from` holds just `marker` (with spaces around it): the line the
   * lexer would end the heredoc at. The index grows only as far as the questions need.
   */
  hasMarkerLine(marker: string, from: number): boolean {
    const seen = this.lone.get(marker);
    if (seen !== undefined && seen[seen.length - 1]! >= from) return true;
    const text = this.text;
    while (this.indexed < text.length) {
      const s = this.indexed;
      const nl = text.indexOf('\n', s);
      const e = nl === -1 ? text.length : nl;
      this.indexed = nl === -1 ? text.length : nl + 1;
      const ident = loneIdent(text, s, e, nl !== -1);
      if (ident === undefined) continue;
      const list = this.lone.get(ident);
      if (list === undefined) this.lone.set(ident, [s]);
      else list.push(s);
      if (ident === marker && s >= from) return true;
    }
    return false;
  }

  /**
   * Where the text of a heredoc that has no closing line ends (see the rules above).
   * `contentStart` is where its text starts, `indent` the indentation of the line with the `<<`,
   * `open` how many brackets were open there.
   */
  cut(contentStart: number, marker: string, indent: number, open: number): HeredocCut {
    const text = this.text;
    const { starts, suffix } = this.lineNets();
    let line = lineOf(starts, contentStart);
    const nested = new Set<string>();
    for (let s = contentStart; s < text.length; line++) {
      const nl = text.indexOf('\n', s);
      const e = nl === -1 ? text.length : nl;
      const body = text.slice(s, e);
      const lone = LONE_IDENT.exec(body)?.[1];
      if (lone !== undefined) {
        if (!nested.delete(lone) && misspelt(lone, marker)) {
          return { at: text[e - 1] === '\r' && nl !== -1 ? e - 1 : e, kind: 'misspelled', lineStart: s, found: lone };
        }
      } else {
        const ws = leadingBlanks(body);
        if (ws <= indent && (CLOSING_LINE.test(body) || TOP_LEVEL_BLOCK_LINE.test(body.slice(ws))) && suffix[line] === open) {
          return { at: s === contentStart ? s : text[s - 2] === '\r' ? s - 2 : s - 1, kind: 'closing', lineStart: s };
        }
        if (body.includes('<<')) for (const m of body.matchAll(NESTED_OPENER)) nested.add(m[2]!);
      }
      if (nl === -1) break;
      s = nl + 1;
    }
    return { at: text.length, kind: 'eof' };
  }

  /** For each line, how many more brackets the rest of the file closes than it opens. */
  private lineNets(): { starts: number[]; suffix: Int32Array } {
    if (this.nets !== undefined) return this.nets;
    const text = this.text;
    const starts: number[] = [];
    const nets: number[] = [];
    for (let s = 0; ; ) {
      const nl = text.indexOf('\n', s);
      const e = nl === -1 ? text.length : nl;
      starts.push(s);
      nets.push(bracketNet(text, s, e));
      if (nl === -1) break;
      s = nl + 1;
    }
    const suffix = new Int32Array(nets.length + 1);
    for (let i = nets.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + nets[i]!;
    this.nets = { starts, suffix };
    return this.nets;
  }
}

/**
 * What to tell about a heredoc without its closing line that ended at `at`: why it ended there,
 * and for a misspelled marker, which line to change. `lineOf` gives an offset's line number.
 */
export function heredocAdvice(marker: string, cut: HeredocCut | undefined, at: number, lineOf: (offset: number) => number): { detail: string; hint: string } {
  const none = `No line after it holds just ${marker}, which would close this heredoc`;
  if (cut?.kind === 'misspelled' && cut.at === at) {
    const line = lineOf(cut.lineStart!);
    return {
      detail: `${none}; line ${line} holds ${cut.found}, so the heredoc is read up to there.`,
      hint: `Change ${cut.found} on line ${line} to ${marker}: a heredoc ends only at a line holding exactly its marker.`,
    };
  }
  if (cut?.kind === 'closing' && cut.at === at) {
    return {
      detail: `${none}; it is taken to end before line ${lineOf(cut.lineStart!)}, which closes the brackets or block around it.`,
      hint: `Add a line with just ${marker} (it may be indented) where the heredoc text ends.`,
    };
  }
  return {
    detail: `The file ends before a line containing only ${marker}, which would close this heredoc.`,
    hint: `Add a line with just ${marker} (it may be indented) after the heredoc text.`,
  };
}

/** The identifier a line [s, e) holds with nothing else but spaces, as the lexer matches a marker. */
function loneIdent(text: string, s: number, e: number, lineBreak: boolean): string | undefined {
  let p = s;
  while (p < e && (text[p] === ' ' || text[p] === '\t')) p++;
  const first = text.codePointAt(p);
  if (p >= e || first === undefined || !isIdentStart(first)) return undefined;
  const start = p;
  p += first > 0xffff ? 2 : 1;
  while (p < e) {
    const cp = text.codePointAt(p)!;
    if (!isIdentContinue(cp)) break;
    p += cp > 0xffff ? 2 : 1;
  }
  const end = p;
  while (p < e && (text[p] === ' ' || text[p] === '\t')) p++;
  if (p === e - 1 && text[p] === '\r' && lineBreak) p++;
  return p === e ? text.slice(start, end) : undefined;
}

function misspelt(ident: string, marker: string): boolean {
  if (ident.length > MAX_MARKER || marker.length > MAX_MARKER) return false;
  return suggest(ident, [marker]) !== undefined;
}

/**
 * Closing minus opening brackets on the line [s, e), outside strings and comments. A rough
 * count (it knows nothing of heredocs or strings over several lines), which is all recovery needs.
 */
function bracketNet(text: string, s: number, e: number): number {
  let net = 0;
  for (let p = s; p < e; p++) {
    switch (text.charCodeAt(p)) {
      case 0x22: // "
        for (p++; p < e && text.charCodeAt(p) !== 0x22; p++) if (text.charCodeAt(p) === 0x5c) p++;
        break;
      case 0x23: // #
        return net;
      case 0x2f: // /
        if (text.charCodeAt(p + 1) === 0x2f) return net;
        if (text.charCodeAt(p + 1) === 0x2a) {
          // Within the line only: a search to the end of the file on every line would be quadratic.
          let close = p + 2;
          while (close < e - 1 && !(text.charCodeAt(close) === 0x2a && text.charCodeAt(close + 1) === 0x2f)) close++;
          if (close >= e - 1) return net;
          p = close + 1;
        }
        break;
      case 0x7b: // {
      case 0x5b: // [
      case 0x28: // (
        net--;
        break;
      case 0x7d: // }
      case 0x5d: // ]
      case 0x29: // )
        net++;
        break;
    }
  }
  return net;
}

function leadingBlanks(s: string): number {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

/** Index of the line starting at or holding offset `at`. */
function lineOf(starts: number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
