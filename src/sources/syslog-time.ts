// Syslog timestamps read strictly: RFC 3339 (RFC 5424, the ISO legacy header) and the BSD `Mmm dd
// hh:mm:ss` of RFC 3164. A value that cannot be a real time (`Nov 31 25:61:61`, `2026-02-30T…`) is not
// replaced silently: the caller gets an error to flag on the event. Fractions are kept to the microsecond
// in `precise` (a Date holds milliseconds). Every line has a timestamp, so it is read from the line's
// characters in place (no regex, no substrings), and its instant and `precise` string are worked out in
// utc-calendar.ts rather than by Date.UTC and toISOString.
import { SpanMemo } from './span-memo.ts';
import { utcIsoMicros, utcMillis } from './utc-calendar.ts';

export interface SyslogTime {
  timestamp?: Date;
  /** ISO 8601 in UTC with microseconds, when the sender gave more than milliseconds. */
  precise?: string;
  /** Why the timestamp was not used, said in the event's `fields.parse_error`. */
  error?: string;
}

/** A NILVALUE time: shared, so a clockless sender costs no object. */
export const NO_TIME: SyslogTime = Object.freeze({});

/**
 * The last RFC 3339 time read with an offset, and what it read as (span-memo.ts): lines of one second share
 * its text, its instant and its Date, which nothing changes. A time without an offset is not kept: it is
 * the host's local time, which a change of TZ changes.
 */
const ZONED = new SpanMemo<SyslogTime>();

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;
const ZERO = 0x30;

export function rfc3339Time(text: string): SyslogTime {
  return rfc3339Span(text, 0, text.length);
}

/**
 * The RFC 3339 time written in `text` from `start` to `end`, as
 * `/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i` reads it.
 */
export function rfc3339Span(text: string, start: number, end: number): SyslogTime {
  const seen = ZONED.lookup(text, start, end);
  if (seen !== undefined) return seen;
  const y = digits(text, start, 4);
  const mo = digits(text, start + 5, 2);
  const d = digits(text, start + 8, 2);
  const h = digits(text, start + 11, 2);
  const mi = digits(text, start + 14, 2);
  const s = digits(text, start + 17, 2);
  const t = text.charCodeAt(start + 10) | 0x20;
  let shape = end - start >= 19 && y >= 0 && mo >= 0 && d >= 0 && h >= 0 && mi >= 0 && s >= 0 && t === 0x74;
  shape &&=
    text.charCodeAt(start + 4) === 0x2d &&
    text.charCodeAt(start + 7) === 0x2d &&
    text.charCodeAt(start + 13) === 0x3a &&
    text.charCodeAt(start + 16) === 0x3a;
  let i = start + 19;
  // The fraction: 1 to 9 digits after a dot.
  let fracStart = i;
  if (shape && i < end && text.charCodeAt(i) === 0x2e) {
    fracStart = ++i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    shape = i > fracStart && i - fracStart <= 9;
  }
  const fracLen = shape && fracStart > start + 19 ? i - fracStart : 0;
  // The zone: none, Z, or ±hh[:]mm, and nothing after it.
  let zone = 0; // 0 none, 1 Z, 2 an offset
  let offsetMin = 0;
  let zh = 0;
  let zm = 0;
  if (shape && i < end) {
    const c = text.charCodeAt(i);
    if ((c | 0x20) === 0x7a) {
      zone = 1;
      shape = i + 1 === end;
    } else if (c === 0x2b || c === 0x2d) {
      zone = 2;
      zh = digits(text, i + 1, 2);
      const colon = text.charCodeAt(i + 3) === 0x3a ? 1 : 0;
      zm = digits(text, i + 3 + colon, 2);
      shape = zh >= 0 && zm >= 0 && i + 5 + colon === end;
      offsetMin = (c === 0x2d ? -1 : 1) * (zh * 60 + zm);
    } else {
      shape = false;
    }
  }
  if (!shape) return { error: `timestamp ${JSON.stringify(text.slice(start, end))} is not RFC 3339` };
  if (impossible(y, mo - 1, d, h, mi, s) || zh > 23 || zm > 59)
    return { error: `timestamp ${JSON.stringify(text.slice(start, end))} is not a real time` };
  const ms = fracLen === 0 ? 0 : millis(text, fracStart, fracLen);
  // Date.UTC reads years 0-99 as 19xx; those, and times without an offset (the host's local time, as
  // JavaScript reads it), go through Date.parse as written.
  if (zone === 0 || y < 100)
    return withFraction(new Date(localOrEarly(text, start, fracStart, fracLen, zone, i, end)), text, fracStart, fracLen);
  return ZONED.store(
    text,
    start,
    end,
    withFraction(new Date(utcMillis(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000), text, fracStart, fracLen),
  );
}

/** The instant of a time without an offset, or with a year before 100, as Date.parse reads it rebuilt. */
function localOrEarly(text: string, start: number, fracStart: number, fracLen: number, zone: number, zoneAt: number, end: number): number {
  const z = text.slice(zoneAt, end);
  const offset = zone === 0 ? '' : z.length === 5 ? `${z.slice(0, 3)}:${z.slice(3)}` : z.toUpperCase();
  const date = `${text.slice(start, start + 10)}T${text.slice(start + 11, start + 19)}`;
  return Date.parse(`${date}${fracLen > 0 ? `.${text.slice(fracStart, fracStart + Math.min(3, fracLen))}` : ''}${offset}`);
}

/** A BSD header's parts: `month` as written (`Nov`), the rest as numbers, `frac` the digits after the dot. */
export interface BsdParts {
  month: string;
  day: number;
  /** Only some senders write it (Cisco). */
  year: number | undefined;
  h: number;
  mi: number;
  s: number;
  frac: string | undefined;
}

/**
 * Local time; `text` is the header as written, for the error. Without a year in the header, the year is the one that puts the time nearest before the
 * receipt: a December line read on January 1st is last year's.
 */
export function bsdTime(text: string, { month, day, year: given, h, mi, s, frac }: BsdParts, receivedAt: Date): SyslogTime {
  const mo = MONTHS.indexOf(month);
  let year = given ?? receivedAt.getFullYear();
  if (given === undefined && new Date(year, mo, day, h, mi, s).getTime() - receivedAt.getTime() > DAY_MS) year--;
  if (mo < 0 || impossible(year, mo, day, h, mi, s)) return { error: `timestamp ${JSON.stringify(text.trim())} is not a real time` };
  const fracLen = frac === undefined ? 0 : frac.length;
  return withFraction(new Date(year, mo, day, h, mi, s, fracLen === 0 ? 0 : millis(frac!, 0, fracLen)), frac ?? '', 0, fracLen);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function impossible(year: number, month: number, day: number, h: number, mi: number, s: number): boolean {
  if (month < 0 || month > 11) return true;
  // As Date.UTC counts: years 0-99 are 1900-1999.
  const y = year < 100 ? year + 1900 : year;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = month === 1 && leap ? 29 : MONTH_DAYS[month]!;
  return day < 1 || day > days || h > 23 || mi > 59 || s > 59;
}

/** `precise` only when the sender wrote more than milliseconds: its first six fraction digits, zero-padded. */
function withFraction(timestamp: Date, text: string, fracStart: number, fracLen: number): SyslogTime {
  if (fracLen <= 3) return { timestamp };
  const micros =
    millis(text, fracStart, fracLen) * 1000 +
    digitAt(text, fracStart + 3, fracLen > 3) * 100 +
    digitAt(text, fracStart + 4, fracLen > 4) * 10 +
    digitAt(text, fracStart + 5, fracLen > 5);
  return { timestamp, precise: utcIsoMicros(timestamp.getTime(), micros) };
}

/** The first three fraction digits as milliseconds (`5` → 500, `12` → 120). */
function millis(text: string, fracStart: number, fracLen: number): number {
  return digitAt(text, fracStart, true) * 100 + digitAt(text, fracStart + 1, fracLen > 1) * 10 + digitAt(text, fracStart + 2, fracLen > 2);
}

function digitAt(text: string, at: number, present: boolean): number {
  return present ? text.charCodeAt(at) - ZERO : 0;
}

/** The number written by `n` ASCII digits at `at`, or -1 when one of them is not a digit. */
function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - ZERO);
  }
  return v;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
