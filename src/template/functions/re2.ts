/**
 * Go's RE2 regular expressions on top of JavaScript's engine. Packer users copy patterns from
 * Go documentation, so the differences that bite are translated: `(?P<name>)`, a leading `(?i)`,
 * `\A` and `\z`, POSIX classes like `[[:digit:]]`, `\pL`, `\x{263a}`, `\Q...\E`, RE2's leniency
 * about literal `{`, `}` and escaped punctuation, Go's `$name` replacement syntax and its rule
 * that an empty match right after a match does not count.
 * See https://github.com/google/re2/wiki/Syntax.
 */

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
const START_OF_TEXT = '(?<![\\s\\S])';
const END_OF_TEXT = '(?![\\s\\S])';

function hexEscape(ch: string): string {
  const cp = ch.codePointAt(0)!;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

function literal(text: string): string {
  return Array.from(text, (c) => (/[A-Za-z0-9_\s]/.test(c) ? c : hexEscape(c))).join('');
}

/** Compiles an RE2 pattern; throws an Error whose message says what is wrong. */
export function compileRe2(pattern: string): RegExp {
  let flags = 'u';
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'U') throw new Error('the ungreedy flag (?U) is not supported');
      if (!flags.includes(f)) flags += f;
    }
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  let classStart = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new Error('trailing backslash at end of expression');
      i++;
      if (n === 'A' && !inClass) out += START_OF_TEXT;
      else if (n === 'z' && !inClass) out += END_OF_TEXT;
      else if (n === 'Q') {
        const end = src.indexOf('\\E', i + 1);
        const text = end < 0 ? src.slice(i + 1) : src.slice(i + 1, end);
        out += literal(text);
        i = end < 0 ? src.length : end + 1;
      } else if (n === 'p' || n === 'P') {
        let name: string;
        if (src[i + 1] === '{') {
          const end = src.indexOf('}', i + 1);
          if (end < 0) throw new Error('invalid character class range: missing }');
          name = src.slice(i + 2, end);
          i = end;
        } else {
          name = src[i + 1] ?? '';
          i++;
        }
        const negate = (n === 'P') !== name.startsWith('^');
        name = name.replace(/^\^/, '');
        // One- and two-letter names are general categories (\pL, \p{Lu}); others are scripts.
        const prop = /^[A-Z][a-z]?$/.test(name) || name === 'Any' ? name : `Script=${name}`;
        out += `\\${negate ? 'P' : 'p'}{${prop}}`;
      } else if (n === 'x' && src[i + 1] === '{') {
        const end = src.indexOf('}', i + 1);
        if (end < 0) throw new Error('invalid escape sequence: \\x{ without }');
        out += `\\u{${src.slice(i + 2, end)}}`;
        i = end;
      } else if (/[1-9]/.test(n)) {
        throw new Error(`invalid escape sequence: \\${n} (backreferences are not supported)`);
      } else if (n === 'a') {
        out += '\\x07'; // RE2's bell escape; JavaScript has none
      } else if (n === 'C') {
        throw new Error('invalid escape sequence: \\C');
      } else if (/[A-Za-z0-9]/.test(n)) {
        out += `\\${n}`;
      } else if (SYNTAX.has(n) || (inClass && n === '-')) {
        out += `\\${n}`;
      } else {
        out += hexEscape(n);
      }
      classStart = false;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end < 0 ? undefined : src.slice(i + 2, end);
        const set = name === undefined ? undefined : POSIX[name];
        if (set === undefined || !Object.hasOwn(POSIX, name!)) throw new Error(`invalid character class range: [:${name ?? ''}:]`);
        out += set;
        i = end + 1;
      } else if (c === ']' && classStart) {
        out += '\\]';
      } else if (c === ']') {
        inClass = false;
        out += c;
      } else if (c === '[') {
        out += '\\[';
      } else {
        out += c;
      }
      classStart = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      classStart = true;
      out += c;
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      continue;
    }
    if (c === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (c === '(' && src[i + 1] === '?' && /^\(\?[imsU-]+[:)]/.test(src.slice(i))) {
      throw new Error('flags are supported only at the very start of the pattern, as in (?i)abc');
    }
    if (c === '{') {
      const rep = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      if (rep && out !== '' && !/[(|]$/.test(out)) {
        out += rep[0];
        i += rep[0].length - 1;
      } else {
        out += '\\{';
      }
      continue;
    }
    if (c === '}' || c === ']') {
      out += `\\${c}`;
      continue;
    }
    out += c;
  }
  if (inClass) throw new Error('missing closing ]');
  try {
    return new RegExp(out, flags + 'g');
  } catch (e) {
    throw new Error((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

export interface Match {
  index: number;
  end: number;
  groups: Array<string | undefined>;
  named: Record<string, string | undefined>;
  text: string;
}

/**
 * Successive non-overlapping matches as Go's regexp finds them: an empty match directly after
 * the previous match is skipped.
 */
export function allMatches(re: RegExp, s: string, limit = Infinity): Match[] {
  const out: Match[] = [];
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && out.length < limit) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    let accept = true;
    if (end === start) {
      if (start === prevEnd) accept = false;
      const cp = s.codePointAt(start);
      pos = start + (cp !== undefined && cp > 0xffff ? 2 : 1);
    } else {
      pos = end;
    }
    prevEnd = end;
    if (accept) out.push({ index: start, end, text: m[0], groups: m.slice(1), named: { ...(m.groups ?? {}) } });
  }
  return out;
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown names expand to "". */
export function expandReplacement(template: string, m: Match): string {
  return template.replace(/\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare!;
    if (/^\d+$/.test(name)) {
      const n = Number(name);
      return n === 0 ? m.text : (m.groups[n - 1] ?? '');
    }
    return Object.hasOwn(m.named, name) ? (m.named[name] ?? '') : '';
  });
}

export function replaceAll(re: RegExp, s: string, template: string): string {
  let out = '';
  let last = 0;
  for (const m of allMatches(re, s)) {
    out += s.slice(last, m.index) + expandReplacement(template, m);
    last = m.end;
  }
  return out + s.slice(last);
}
