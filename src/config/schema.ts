// The one typed schema of config.yaml. Types are inferred from it; cross-checks that need more than one
// section (unknown notifier names, port clashes, regexes, templates, URLs) live in validate.ts.
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { MatchSchema } from './match-schema.ts';

export const Duration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(v)} (e.g. 500ms, 30s, 5m, 2h)` });
      return z.NEVER;
    }
    return ms;
  });

const Name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, _ . -');
const HostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'address must be host:port, e.g. 127.0.0.1:5514');

const NetworkCommon = {
  name: Name,
  address: HostPort,
  /** Largest accepted message in bytes; longer frames are rejected and counted. */
  max_message_size: z.number().int().positive().default(65_536),
};

export const UdpListener = z.strictObject({
  ...NetworkCommon,
  type: z.literal('udp'),
  /** SO_RCVBUF in bytes (the kernel doubles it); unset = the kernel default. What overflows it the kernel drops, and relay reports. */
  receive_buffer: z.number().int().positive().optional(),
});

export const TcpListener = z.strictObject({
  ...NetworkCommon,
  type: z.literal('tcp'),
  max_connections: z.number().int().positive().default(256),
  /** Open connections one remote address may hold, so one host cannot take every slot. */
  max_connections_per_peer: z.number().int().positive().default(32),
  /** A frame begun and not complete within this closes the connection (a trickling sender cannot hold a slot). */
  frame_timeout: Duration.default(30_000),
  /** A connection that begins no frame for this long is closed. */
  idle_timeout: Duration.default(300_000),
});

export const UnixListener = z.strictObject({
  name: Name,
  type: z.literal('unix'),
  /** Socket path; its directory is created if missing. */
  address: z.string().min(1),
  /** Socket file mode, octal string. */
  mode: z.string().regex(/^0?[0-7]{3}$/, 'mode is octal, e.g. "0660"').default('0660'),
  /** `json`: any JSON object per line; `sudo`: relay's sudo audit plugin events (validated, deduplicated). */
  format: z.enum(['json', 'sudo']).default('json'),
  /** sudo format: the plugin's spool file (events it could not send), collected at start and every spool_interval. */
  spool: z.string().min(1).optional(),
  spool_interval: Duration.default(60_000),
  /** Peer uids allowed to send (SO_PEERCRED, checked per connection); empty list = anyone who can open the socket. */
  allow_uids: z.array(z.number().int().nonnegative()).default([0]),
  max_message_size: z.number().int().positive().default(65_536),
  max_connections: z.number().int().positive().default(256),
  /** Open connections one peer uid may hold (needs allow_uids, which names the uid); unset = no cap. */
  max_connections_per_peer: z.number().int().positive().optional(),
  frame_timeout: Duration.default(30_000),
  idle_timeout: Duration.default(300_000),
});

export const Listener = z.discriminatedUnion('type', [UdpListener, TcpListener, UnixListener]);

export const MessageTypeSchema = z.enum(['info', 'success', 'warning', 'failure']);

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

/** A field name as rules use it: `host`, `app`, `fields.user`, `sd.origin.ip`. Checked in validate.ts. */
const FieldName = z.string().min(1);

/** A point in time: an ISO 8601 timestamp with a zone (YAML may hand it over as a Date). */
export const Instant = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const ms = v instanceof Date ? v.getTime() : /\d{4}-\d\d-\d\d/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${JSON.stringify(v)} (e.g. 2025-06-01T06:00:00Z)` });
    return z.NEVER;
  }
  return ms;
});

export const Rule = z.strictObject({
  name: Name,
  /** What events this rule takes; omitted = every event. */
  match: MatchSchema.default({}),
  notify: z.array(Name).min(1, 'a rule must notify at least one notifier'),
  title: z.string().default('{{app}} on {{host}}'),
  body: z.string().default('{{message}}'),
  /** Message type; default is derived from the event's severity. */
  type: MessageTypeSchema.optional(),
  /** Stop evaluating further rules once this one matched. */
  continue: z.boolean().default(true),
  /** any: every match alerts; frequency: `threshold.count` matches within `threshold.within` per key; change: `field` changed per key. */
  kind: z.enum(['any', 'frequency', 'change']).default('any'),
  /** What makes two alerts of this rule "the same": frequency/change state, repeat_interval, digest counts. */
  key: z.array(FieldName).optional(),
  threshold: z.strictObject({ count: z.number().int().min(1), within: Duration }).optional(),
  /** For kind change: the field whose value is watched. */
  field: FieldName.optional(),
  /** Alertmanager's grouping: one group per value of these fields; defaults send every alert at once. */
  group_by: z.array(FieldName).default([]),
  group_wait: Duration.default(0),
  group_interval: Duration.default(0),
  /** Identical alerts (same key) are sent at most once per interval; repeats are counted into the next one. */
  repeat_interval: Duration.default(0),
  throttle: Throttle.optional(),
});

/** A time-bounded mute; `match` is the rules' language plus `rule: NAME`. */
export const Silence = z.strictObject({
  match: MatchSchema,
  starts: Instant.optional(),
  ends: Instant,
  comment: z.string().optional(),
});

export const Delivery = z.strictObject({
  /**
   * Optional cap on tries per alert and notifier for failures a retry can help. Unset (the default): keep
   * trying until `max_age`, so an hour-long outage or rate limit delays alerts instead of losing them.
   */
  attempts: z.number().int().min(1).optional(),
  backoff: Duration.default(1000),
  max_backoff: Duration.default(60_000),
  timeout: Duration.default(10_000),
  /** An alert still undelivered this long after it entered the outbox is moved to dead, with an error log. */
  max_age: Duration.default(86_400_000),
  /** More alerts than this waiting on a failing notifier are sent as one digest message when it recovers. */
  fold_after: z.number().int().min(1).default(5),
  /** How long shutdown waits for alerts in hand; the rest stay in the outbox for the next start. */
  shutdown_grace: Duration.default(5000),
});

export const ConfigSchema = z.strictObject({
  listeners: z.array(Listener).default([]),
  notifiers: z.record(Name, z.string()).default({}),
  rules: z.array(Rule).default([]),
  delivery: Delivery.prefault({}),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).prefault({}),
  silences: z.array(Silence).default([]),
  /** Rate limits per notifier name, applied after every rule's own limits. */
  throttle: z.record(Name, Throttle).default({}),
  correlate: z.strictObject({
    /** A sudo call whose exit is not reported within this time alerts anyway, as "no exit seen". */
    sudo_exit_timeout: Duration.default(600_000),
  }).prefault({}),
  /** Where relay keeps state that must survive a restart: run-time silences (relay.db), the outbox (outbox.db). */
  state_dir: z.string().min(1).default('./var'),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ListenerConfig = z.infer<typeof Listener>;
export type UdpListenerConfig = z.infer<typeof UdpListener>;
export type TcpListenerConfig = z.infer<typeof TcpListener>;
export type UnixListenerConfig = z.infer<typeof UnixListener>;
export type RuleConfig = z.infer<typeof Rule>;
export type DeliveryConfig = z.infer<typeof Delivery>;
export type ThrottleConfig = z.infer<typeof Throttle>;
export type SilenceConfig = z.infer<typeof Silence>;
