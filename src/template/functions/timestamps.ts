/**
 * RFC 3339 timestamps and Go durations, the two textual time formats of the template language.
 * A timestamp keeps its own UTC offset: formatdate() and timeadd() work in the wall-clock time
 * as written, like Go's time.Parse, not in the machine's local zone.
 */

export interface Timestamp {
  /** Nanoseconds since the epoch. */
  epochNanos: bigint;
  /** Offset from UTC in minutes; `utc` is true when written as `Z`. */
  offsetMinutes: number;
  utc: boolean;
}

/** The wall-clock fields of a timestamp in its own offset. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const NS_PER_SEC = 1_000_000_000n;

/** Parses `2006-01-02T15:04:05Z07:00`; returns an error message on failure. */
export function parseTimestamp(text: string): Timestamp | string {
  const m = RFC3339.exec(text);
  if (!m) return `not a valid RFC3339 timestamp: expected a value like "2006-01-02T15:04:05Z" or "2006-01-02T15:04:05+02:00", got ${JSON.stringify(text)}`;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (month < 1 || month > 12 || check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59) {
    return `not a valid RFC3339 timestamp: ${JSON.stringify(text)} is not a valid date and time`;
  }
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  check.setUTCFullYear(year);
  const utc = /z/i.test(m[8]!);
  let offsetMinutes = 0;
  if (!utc) {
    const sign = m[8]!.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(m[8]!.slice(1, 3)) * 60 + Number(m[8]!.slice(4, 6)));
  }
  const fraction = m[7] ? BigInt(m[7].slice(1, 10).padEnd(9, '0')) : 0n;
  const epochSeconds = BigInt(check.getTime() / 1000) - BigInt(offsetMinutes * 60);
  return { epochNanos: epochSeconds * NS_PER_SEC + fraction, offsetMinutes, utc };
}

export function fromDate(d: Date): Timestamp {
  return { epochNanos: BigInt(d.getTime()) * 1_000_000n, offsetMinutes: 0, utc: true };
}

export function wallClock(t: Timestamp): WallClock {
  let seconds = t.epochNanos / NS_PER_SEC;
  if (t.epochNanos < 0n && t.epochNanos % NS_PER_SEC !== 0n) seconds -= 1n;
  const d = new Date(Number(seconds + BigInt(t.offsetMinutes * 60)) * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `+02:00`, or `Z` for UTC when `zulu`. */
export function offsetText(t: Timestamp, colon: boolean, zulu: boolean): string {
  if (zulu && t.offsetMinutes === 0) return 'Z';
  const abs = Math.abs(t.offsetMinutes);
  return `${t.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
}

/** Go's time.RFC3339 layout: whole seconds, `Z` for a zero offset. */
export function formatRfc3339(t: Timestamp): string {
  const w = wallClock(t);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${offsetText(t, true, true)}`;
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: NS_PER_SEC,
  m: 60n * NS_PER_SEC,
  h: 3600n * NS_PER_SEC,
};

/** Go's time.ParseDuration ("1h30m", "-1.5h", "300ms"); returns nanoseconds or undefined. */
export function parseDuration(text: string): bigint | undefined {
  const m = /^([+-]?)(.*)$/.exec(text)!;
  const body = m[2]!;
  if (body === '0') return 0n;
  if (body === '') return undefined;
  const part = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0n;
  let i = 0;
  while (i < body.length) {
    part.lastIndex = i;
    const p = part.exec(body);
    if (!p || (p[1] === '' && (p[2] ?? '') === '')) return undefined;
    const unit = UNITS[p[3]!]!;
    const frac = p[2] ?? '';
    total += BigInt(p[1] || '0') * unit + (frac === '' ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length));
    i = part.lastIndex;
  }
  return m[1] === '-' ? -total : total;
}
