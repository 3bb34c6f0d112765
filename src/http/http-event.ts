// One posted JSON item → a RelayEvent of kind `http`, or why it is not one. Pure: no I/O, no clock.
// Kind `http` (not `json`) on purpose: the sudo correlation reads `json` events shaped like the audit
// plugin's as sudo calls, and a token holder must not be able to forge one; rules tell them apart by
// `kind` and can trust `token`.
// A namespace import lets the bundle keep only the parts of zod relay uses (not its dozens of locales).
import * as z from 'zod';
import { severityLevel, type RelayEvent } from '../event.ts';

/** A name (`err`, `warning`, aliases like `error`) or a number 0 (emerg) … 7 (debug). */
const Severity = z.unknown().transform((v, ctx) => {
  const level =
    typeof v === 'string' ? severityLevel(v) : Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 7 ? (v as number) : undefined;
  if (level === undefined) {
    const shown =
      typeof v === 'string'
        ? JSON.stringify(v.slice(0, 40))
        : typeof v === 'number'
          ? String(v)
          : `of type ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}`;
    ctx.addIssue({ code: 'custom', message: `unknown severity ${shown} (emerg, alert, crit, err, warning, notice, info, debug, or 0-7)` });
    return z.NEVER;
  }
  return level;
});

const Timestamp = z.string().transform((v, ctx) => {
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'timestamp must be RFC 3339 with a zone, e.g. 2026-11-30T14:00:00Z' });
    return z.NEVER;
  }
  return new Date(ms);
});

const Item = z.strictObject({
  message: z.string(),
  host: z.string().optional(),
  app: z.string().optional(),
  severity: Severity.optional(),
  timestamp: Timestamp.optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
});

/** Where and when an item arrived. */
export interface Arrival {
  receivedAt: Date;
  peer: string;
  token: string;
}

export type Mapped = { event: RelayEvent } | { error: string };

export function httpEvent(item: unknown, arrival: Arrival, maxDepth: number): Mapped {
  if (item === null || typeof item !== 'object' || Array.isArray(item))
    return { error: 'an event is a JSON object with at least "message"' };
  const depth = depthOf(item, maxDepth);
  if (depth > maxDepth) return { error: `nested deeper than http.max_depth (${maxDepth})` };
  const parsed = Item.safeParse(item);
  if (!parsed.success) return { error: parsed.error.issues.map(describeIssue).join('; ') };
  const { message, host, app, severity, timestamp, fields } = parsed.data;
  const event: RelayEvent = {
    receivedAt: arrival.receivedAt,
    listener: 'http',
    kind: 'http',
    peer: arrival.peer,
    token: arrival.token,
    message,
    fields: { ...fields },
  };
  if (host !== undefined) event.host = host;
  if (app !== undefined) event.app = app;
  if (severity !== undefined) event.severity = severity;
  if (timestamp !== undefined) event.timestamp = timestamp;
  return { event };
}

/** How deep `value` nests (an object of scalars is 1), counting no further than `limit` + 1; iterative, so any depth is safe. */
export function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > deepest) deepest = d;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return deepest;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')} (an event has message, host, app, severity, timestamp, fields)`;
  if (issue.code === 'invalid_type' && issue.path.length === 1 && issue.path[0] === 'message')
    return 'message is required and must be a string';
  return `${at}${issue.message}`;
}
