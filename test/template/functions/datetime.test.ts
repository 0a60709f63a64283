import { describe, expect, it } from 'vitest';
import { call, callError } from './_context.js';

describe('timestamp', () => {
  it('formats the injected clock as RFC 3339 in UTC, without fractional seconds', () => {
    expect(call('timestamp')).toBe('2024-03-05T07:08:09Z');
  });
});

describe('formatdate', () => {
  const t = '2018-01-02T23:12:01Z';

  it('formats the documented examples', () => {
    expect(call('formatdate', 'DD MMM YYYY hh:mm ZZZ', t)).toBe('02 Jan 2018 23:12 UTC');
    expect(call('formatdate', 'EEEE, DD-MMM-YY hh:mm:ss ZZZ', t)).toBe('Tuesday, 02-Jan-18 23:12:01 UTC');
    expect(call('formatdate', 'EEE, DD MMM YYYY hh:mm:ss ZZZ', '2018-01-02T23:12:01-08:00')).toBe('Tue, 02 Jan 2018 23:12:01 -0800');
    expect(call('formatdate', 'MMM DD, YYYY', t)).toBe('Jan 02, 2018');
    expect(call('formatdate', 'HH:mmaa', t)).toBe('11:12pm');
  });

  it("keeps the timestamp's own offset rather than converting to UTC", () => {
    expect(call('formatdate', 'YYYY-MM-DD hh:mm Z ZZZZ ZZZZZ', '2020-12-31T23:30:00+05:30')).toBe('2020-12-31 23:30 +05:30 +0530 +05:30');
    expect(call('formatdate', 'Z ZZZZ ZZZZZ', t)).toBe('Z +0000 +00:00');
  });

  it('has unpadded variants and a 12-hour clock with 12 for midnight', () => {
    expect(call('formatdate', 'D/M/YY h:m:s H AA', '2009-03-04T00:05:06Z')).toBe('4/3/09 0:5:6 12 AM');
    expect(call('formatdate', 'MMMM', '2009-09-04T00:05:06Z')).toBe('September');
  });

  it('copies quoted text literally, with \'\' for a quote', () => {
    expect(call('formatdate', "h'h'mm", '2018-01-02T23:12:01-08:00')).toBe('23h12');
    expect(call('formatdate', "hh 'o''clock'", t)).toBe("23 o'clock");
    expect(call('formatdate', "''", t)).toBe("'");
  });

  it('rejects unknown verbs and bad lengths on the format argument', () => {
    expect(callError('formatdate', 'YYY', t)).toBe('Invalid value for "format" parameter: invalid date format verb "YYY": year must be "YY" or "YYYY".');
    expect(callError('formatdate', 'Q', t)).toMatch(/^Invalid value for "format" parameter: invalid date format verb "Q"/);
    expect(callError('formatdate', "'oops", t)).toMatch(/unterminated literal/);
  });

  it('rejects timestamps that are not RFC 3339 on the time argument', () => {
    expect(callError('formatdate', 'YYYY', '2018-01-02')).toMatch(/^Invalid value for "time" parameter: not a valid RFC3339 timestamp/);
    expect(callError('formatdate', 'YYYY', '2018-02-30T00:00:00Z')).toMatch(/not a valid date and time/);
  });
});

describe('timeadd', () => {
  it('adds Go durations, keeping the offset', () => {
    expect(call('timeadd', '2017-11-22T00:00:00Z', '10m')).toBe('2017-11-22T00:10:00Z');
    expect(call('timeadd', '2017-11-22T00:00:00Z', '-1h30m')).toBe('2017-11-21T22:30:00Z');
    expect(call('timeadd', '2017-11-22T23:00:00+02:00', '1.5h')).toBe('2017-11-23T00:30:00+02:00');
  });

  it('carries fractional seconds before dropping them from the output', () => {
    expect(call('timeadd', '2017-11-22T00:00:00.6Z', '500ms')).toBe('2017-11-22T00:00:01Z');
  });

  it('rejects an invalid duration', () => {
    expect(callError('timeadd', '2017-11-22T00:00:00Z', '10 minutes')).toBe('Invalid value for "duration" parameter: time: invalid duration "10 minutes".');
  });
});
