// Syslog timestamps read strictly: RFC 3339 (RFC 5424, the ISO legacy header) and the BSD `Mmm dd
// hh:mm:ss` of RFC 3164. A value that cannot be a real time (`Nov 31 25:61:61`, `2026-02-30T…`) is not
// replaced silently: the caller gets an error to flag on the event. Fractions are kept to the microsecond
// in `precise` (a Date holds milliseconds).

export interface SyslogTime {
  timestamp?: Date;
  /** ISO 8601 in UTC with microseconds, when the sender gave more than milliseconds. */
  precise?: string;
  /** Why the timestamp was not used, said in the event's `fields.parse_error`. */
  error?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;
const DAY_MS = 86_400_000;

export function rfc3339Time(text: string): SyslogTime {
  const m = RFC3339.exec(text);
  if (!m) return { error: `timestamp ${JSON.stringify(text)} is not RFC 3339` };
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as (string | undefined)[];
  const bad = impossible(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) || (zone !== undefined && zone.length > 1 && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(-2)) > 59));
  if (bad) return { error: `timestamp ${JSON.stringify(text)} is not a real time` };
  const utc = zone === undefined ? undefined : utcMillis(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac, zone);
  if (utc !== undefined) return withFraction(new Date(utc), frac);
  // Without an offset (legacy senders) the time is the host's local time, as JavaScript reads it.
  const offset = zone === undefined ? '' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone.toUpperCase();
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac ? `.${frac.slice(0, 3)}` : ''}${offset}`);
  return withFraction(new Date(ms), frac);
}

/**
 * The instant of a time with a zone (`Z`, `+01:00`, `-0530`), computed rather than parsed from a rebuilt
 * string (the common case, every RFC 5424 line); undefined for years before 100, which Date.UTC would read
 * as 19xx and Date.parse reads as written.
 */
function utcMillis(year: number, month: number, day: number, h: number, mi: number, s: number, frac: string | undefined, zone: string): number | undefined {
  if (year < 100) return undefined;
  const offsetMin = zone.length > 1 ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) : 0;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  return Date.UTC(year, month, day, h, mi, s, ms) - offsetMin * 60_000;
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
 * Local time. Without a year in the header, the year is the one that puts the time nearest before the
 * receipt: a December line read on January 1st is last year's.
 */
export function bsdTime(text: string, { month, day, year: given, h, mi, s, frac }: BsdParts, receivedAt: Date): SyslogTime {
  const mo = MONTHS.indexOf(month);
  let year = given ?? receivedAt.getFullYear();
  if (given === undefined && new Date(year, mo, day, h, mi, s).getTime() - receivedAt.getTime() > DAY_MS) year--;
  if (mo < 0 || impossible(year, mo, day, h, mi, s)) return { error: `timestamp ${JSON.stringify(text)} is not a real time` };
  return withFraction(new Date(year, mo, day, h, mi, s, frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0), frac);
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

function withFraction(timestamp: Date, frac: string | undefined): SyslogTime {
  if (!frac || frac.length <= 3) return { timestamp };
  return { timestamp, precise: `${timestamp.toISOString().slice(0, 20)}${frac.slice(0, 6).padEnd(6, '0')}Z` };
}
