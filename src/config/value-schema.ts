// The small values config is built from: durations, names, host:port addresses, CIDRs, rates, token buckets
// and timestamps, shared by the listener, http, people and top-level schemas.
// A namespace import lets the bundle keep only the parts of zod relay uses (not its dozens of locales).
import * as z from 'zod';
import { isCidr } from './cidr.ts';
import { parseDuration } from './duration.ts';

export const Duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(v)} (e.g. 500ms, 30s, 5m, 2h)` });
    return z.NEVER;
  }
  return ms;
});

export const Name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, _ . -');
export const HostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'address must be host:port, e.g. 127.0.0.1:5514');

export const Cidr = z.string().refine(isCidr, 'an IP address or CIDR, e.g. 10.0.1.0/24');

/** "10/1m", "1/30s", "100/h": how many messages per how long. */
export const Rate = z.string().transform((v, ctx) => {
  const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(v);
  const count = m ? Number(m[1]) : 0;
  const per = m ? parseDuration(/^[a-z]+$/.test(m[2]!) ? `1${m[2]}` : m[2]!) : undefined;
  if (!m || count < 1 || !per) {
    ctx.addIssue({ code: 'custom', message: `not a rate: ${JSON.stringify(v)} (e.g. 10/1m, 1/30s, 100/h)` });
    return z.NEVER;
  }
  return { count, per };
});

/** A token bucket: `rate` refills it, `burst` (default: the rate's count) is its size. */
export const Throttle = z.strictObject({ rate: Rate, burst: z.number().int().positive().optional() });

/** A point in time: an ISO 8601 timestamp with a zone (YAML may hand it over as a Date). */
export const Instant = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const ms = v instanceof Date ? v.getTime() : /\d{4}-\d\d-\d\d/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${JSON.stringify(v)} (e.g. 2025-06-01T06:00:00Z)` });
    return z.NEVER;
  }
  return ms;
});
