/**
 * timestamp(), formatdate() and timeadd(). formatdate() takes Terraform's format spec (YYYY, MM,
 * DD, hh, mm, ss, EEE, ZZZ, ... with 'quoted' literal text); see
 * https://developer.hashicorp.com/packer/docs/templates/hcl_templates/functions/datetime/formatdate.
 * The clock is the injected ctx.now(), so a build records one consistent time in tests.
 */
import { STRING } from '../eval/types.js';
import { FunctionError, type FunctionDef } from './function.js';
import { formatRfc3339, fromDate, offsetText, parseDuration, parseTimestamp, wallClock, type Timestamp } from './timestamps.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function timestampArg(text: string, argIndex: number): Timestamp {
  const t = parseTimestamp(text);
  if (typeof t === 'string') throw new FunctionError(t, argIndex);
  return t;
}

type Token = { verb: string } | { text: string };

function tokenize(spec: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < spec.length) {
    const c = spec[i]!;
    if (c === "'") {
      if (spec[i + 1] === "'") {
        out.push({ text: "'" });
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= spec.length) throw new FunctionError(`unterminated literal '${text}: literal text must end with a single quote`, 0);
        if (spec[j] === "'" && spec[j + 1] === "'") {
          text += "'";
          j += 2;
        } else if (spec[j] === "'") {
          break;
        } else {
          text += spec[j++];
        }
      }
      out.push({ text });
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (spec[j] === c) j++;
      out.push({ verb: spec.slice(i, j) });
      i = j;
    } else {
      let j = i;
      while (j < spec.length && spec[j] !== "'" && !/[A-Za-z]/.test(spec[j]!)) j++;
      out.push({ text: spec.slice(i, j) });
      i = j;
    }
  }
  return out;
}

const VERBS: Record<string, { lengths: number[]; what: string }> = {
  Y: { lengths: [2, 4], what: 'year must be "YY" or "YYYY"' },
  M: { lengths: [1, 2, 3, 4], what: 'month must be "M", "MM", "MMM" or "MMMM"' },
  D: { lengths: [1, 2], what: 'day of month must be "D" or "DD"' },
  E: { lengths: [3, 4], what: 'day of week must be "EEE" or "EEEE"' },
  h: { lengths: [1, 2], what: '24-hour must be "h" or "hh"' },
  H: { lengths: [1, 2], what: '12-hour must be "H" or "HH"' },
  A: { lengths: [2], what: 'AM/PM must be "AA"' },
  a: { lengths: [2], what: 'am/pm must be "aa"' },
  m: { lengths: [1, 2], what: 'minute must be "m" or "mm"' },
  s: { lengths: [1, 2], what: 'second must be "s" or "ss"' },
  Z: { lengths: [1, 3, 4, 5], what: 'time zone must be "Z", "ZZZ", "ZZZZ" or "ZZZZZ"' },
};

export function formatDate(spec: string, t: Timestamp): string {
  const w = wallClock(t);
  let out = '';
  for (const tok of tokenize(spec)) {
    if ('text' in tok) {
      out += tok.text;
      continue;
    }
    const letter = tok.verb[0]!;
    const n = tok.verb.length;
    const rule = Object.hasOwn(VERBS, letter) ? VERBS[letter] : undefined;
    if (!rule) throw new FunctionError(`invalid date format verb ${JSON.stringify(tok.verb)}: unrecognized; put literal text in single quotes, like 'at'`, 0);
    if (!rule.lengths.includes(n)) throw new FunctionError(`invalid date format verb ${JSON.stringify(tok.verb)}: ${rule.what}`, 0);
    const hour12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
    switch (letter) {
      case 'Y':
        out += n === 2 ? pad(w.year % 100) : pad(w.year, 4);
        break;
      case 'M':
        out += n === 1 ? String(w.month) : n === 2 ? pad(w.month) : n === 3 ? MONTHS[w.month - 1]!.slice(0, 3) : MONTHS[w.month - 1]!;
        break;
      case 'D':
        out += n === 1 ? String(w.day) : pad(w.day);
        break;
      case 'E':
        out += n === 3 ? DAYS[w.weekday]!.slice(0, 3) : DAYS[w.weekday]!;
        break;
      case 'h':
        out += n === 1 ? String(w.hour) : pad(w.hour);
        break;
      case 'H':
        out += n === 1 ? String(hour12) : pad(hour12);
        break;
      case 'A':
        out += w.hour < 12 ? 'AM' : 'PM';
        break;
      case 'a':
        out += w.hour < 12 ? 'am' : 'pm';
        break;
      case 'm':
        out += n === 1 ? String(w.minute) : pad(w.minute);
        break;
      case 's':
        out += n === 1 ? String(w.second) : pad(w.second);
        break;
      case 'Z':
        // ZZZ is Go's "MST": the zone name, which a parsed offset does not have, so Go prints it as -0700.
        if (n === 1) out += offsetText(t, true, true);
        else if (n === 3) out += t.utc ? 'UTC' : offsetText(t, false, false);
        else out += offsetText(t, n === 5, false);
        break;
    }
  }
  return out;
}

export const datetimeFunctions: Record<string, FunctionDef> = {
  timestamp: {
    params: [],
    description: 'The current date and time in UTC, RFC 3339 format (2006-01-02T15:04:05Z).',
    impl: (_args, ctx) => formatRfc3339(fromDate(ctx.now())),
  },
  formatdate: {
    params: [
      { name: 'format', type: STRING },
      { name: 'time', type: STRING },
    ],
    description: 'Formats an RFC 3339 timestamp, e.g. formatdate("YYYY-MM-DD hh:mm", timestamp()).',
    impl: ([spec, time]) => formatDate(spec as string, timestampArg(time as string, 1)),
  },
  timeadd: {
    params: [
      { name: 'timestamp', type: STRING },
      { name: 'duration', type: STRING },
    ],
    description: 'Adds a duration such as "1h30m" or "-10m" to an RFC 3339 timestamp.',
    impl: ([time, duration]) => {
      const t = timestampArg(time as string, 0);
      const d = parseDuration(duration as string);
      if (d === undefined) throw new FunctionError(`time: invalid duration ${JSON.stringify(duration)}`, 1);
      return formatRfc3339({ ...t, epochNanos: t.epochNanos + d });
    },
  },
};
