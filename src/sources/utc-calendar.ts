// UTC dates to instants and back, in plain arithmetic (H. Hinnant's days_from_civil and civil_from_days):
// Date.UTC and Date#toISOString are calls into the engine's C++ that cost, per syslog line, about what
// reading the rest of its header costs. Every RFC 5424 line has a zoned time, and every line whose sender
// keeps microseconds (rsyslog's RFC 5424 default) needs its ISO string.

const ZERO = 0x30;
const DAY_MS = 86_400_000;

/** Date.UTC(year, month, day, h, mi, s, ms) for a real date (month 0-11) in years 100-9999. */
export function utcMillis(year: number, month: number, day: number, h: number, mi: number, s: number, ms: number): number {
  const m = month + 1;
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146_097 + doe - 719_468;
  return days * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

/**
 * `ms` since the epoch to the second, then `micros` (0-999999) as six digits: what
 * `toISOString().slice(0, 20)` followed by the digits and `Z` gives. Years outside 0-9999 (toISOString
 * writes them with six digits and a sign) are left to toISOString.
 */
export function utcIsoMicros(ms: number, micros: number): string {
  const days = Math.floor(ms / DAY_MS);
  const second = Math.floor((ms - days * DAY_MS) / 1000);
  // Days since the epoch to a civil date, in 400-year eras.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (!(y >= 0 && y <= 9999)) return `${new Date(ms).toISOString().slice(0, 20)}${String(micros).padStart(6, '0')}Z`;
  const h = Math.floor(second / 3600);
  const mi = Math.floor(second / 60) % 60;
  const s = second % 60;
  // One flat string: a template would build a chain of ten concatenations to flatten later.
  return String.fromCharCode(
    digit(y, 1000),
    digit(y, 100),
    digit(y, 10),
    digit(y, 1),
    0x2d,
    digit(m, 10),
    digit(m, 1),
    0x2d,
    digit(d, 10),
    digit(d, 1),
    0x54,
    digit(h, 10),
    digit(h, 1),
    0x3a,
    digit(mi, 10),
    digit(mi, 1),
    0x3a,
    digit(s, 10),
    digit(s, 1),
    0x2e,
    digit(micros, 100_000),
    digit(micros, 10_000),
    digit(micros, 1000),
    digit(micros, 100),
    digit(micros, 10),
    digit(micros, 1),
    0x5a,
  );
}

/** The character of `n`'s decimal digit worth `place`. */
function digit(n: number, place: number): number {
  return ZERO + (Math.floor(n / place) % 10);
}
