// The one typed schema of config.yaml. Types are inferred from it; cross-checks that need more than one
// section (unknown notifier names, port clashes, regexes, templates, URLs) live in validate.ts.
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { MatchSchema } from './match-schema.ts';
import { MESSAGE_TYPES } from '../message-type.ts';
import { isCidr } from './cidr.ts';
import { SEVERITIES } from '../event.ts';
import { Answers, HostOwners, People } from '../people/people-config.ts';

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

const Cidr = z.string().refine(isCidr, 'an IP address or CIDR, e.g. 10.0.1.0/24');

/** Source addresses a network listener takes; others are refused at accept (tcp, tls) or dropped (udp). Unset = any. */
const Allow = z.array(Cidr).min(1, 'allow needs at least one address or CIDR (leave it out to take any address)').optional();

export const UdpListener = z.strictObject({
  ...NetworkCommon,
  type: z.literal('udp'),
  allow: Allow,
  /** SO_RCVBUF in bytes (the kernel doubles it); unset = the kernel default. What overflows it the kernel drops, and relay reports. */
  receive_buffer: z.number().int().positive().optional(),
});

/** A sender relay believes for sudo events: any host name from these addresses, or only the names listed. */
export const TrustedSenderSchema = z.union([Cidr, z.strictObject({ address: Cidr, hosts: z.array(z.string().min(1)).min(1) })]);
export type TrustedSender = z.infer<typeof TrustedSenderSchema>;

/** Sudo events forwarded by hosts' syslog-ng (syslog-ng/sudo-forward.conf) on a network listener. */
export const ListenerSudo = z.strictObject({
  /** Only these senders' sudo events are believed; from anyone else they stay ordinary, flagged events. */
  trusted_senders: z.array(TrustedSenderSchema).default([]),
  /** uids, as the host's syslog-ng recorded the writer of the plugin's socket, allowed to report sudo calls. */
  allow_uids: z.array(z.number().int().nonnegative()).default([0]),
});

const StreamCommon = {
  allow: Allow,
  max_connections: z.number().int().positive().default(256),
  /** Open connections one remote address may hold, so one host cannot take every slot. */
  max_connections_per_peer: z.number().int().positive().default(32),
  /** A frame begun and not complete within this closes the connection (a trickling sender cannot hold a slot); on tls it bounds the handshake too. */
  frame_timeout: Duration.default(30_000),
  /** A connection that begins no frame for this long is closed. */
  idle_timeout: Duration.default(300_000),
};

export const TcpListener = z.strictObject({
  ...NetworkCommon,
  type: z.literal('tcp'),
  sudo: ListenerSudo.optional(),
  ...StreamCommon,
});

/** A certificate identity relay believes for sudo events: for the host it names, or for the hosts listed. */
export const TrustedPeerSchema = z.union([z.string().min(1), z.strictObject({ peer: z.string().min(1), hosts: z.array(z.string().min(1)).min(1) })]);
export type TrustedPeer = z.infer<typeof TrustedPeerSchema>;

/** Syslog over TLS (RFC 5425): a TCP listener whose connections are TLS, with client certificates. */
export const TlsListener = z.strictObject({
  ...NetworkCommon,
  type: z.literal('tls'),
  sudo: ListenerSudo.extend({
    /**
     * Verified certificate identities (peer_cert) whose sudo events are believed, besides trusted_senders: a
     * name alone for the host named like the certificate, `{peer, hosts}` for the hosts listed.
     */
    trusted_peers: z.array(TrustedPeerSchema).default([]),
  }).optional(),
  ...StreamCommon,
  /** PEM files, relative to the config file's directory; re-read on reload. */
  cert: z.string().min(1),
  key: z.string().min(1),
  /** The CA (PEM, may hold several) client certificates must chain to; needed unless client_auth is none. */
  ca: z.string().min(1).optional(),
  /** `required`: no connection without a certificate the CA signed; `optional`: a certificate, if sent, must verify; `none`: none asked. */
  client_auth: z.enum(['none', 'optional', 'required']).default('required'),
  /** Client certificate identities (subject CN, DNS or IP SAN) allowed to connect; empty = any the CA signed. */
  allowed_peers: z.array(z.string().min(1)).default([]),
  min_version: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
});

export const UnixListener = z.strictObject({
  name: Name,
  type: z.literal('unix'),
  /** Socket path (relative: to the config file's directory); its directory is created if missing. */
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

export const Listener = z.discriminatedUnion('type', [UdpListener, TcpListener, TlsListener, UnixListener]);

export const MessageTypeSchema = z.enum(MESSAGE_TYPES);

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

/** Who a rule addresses: `who` is an event field holding a user name (fields.user) or `owner` (the host's owners). */
export const NotifyPerson = z.strictObject({
  who: z.string().min(1),
  via: z.array(Name).min(1, 'notify_person needs at least one notifier that reaches one person'),
});

export const Ask = z.strictObject({
  /** What the person is asked (a template, e.g. "Did you run {{fields.command}} on {{host}}?"). */
  question: z.string().min(1),
  /** No answer within this escalates, saying nobody answered; the answer links expire then. */
  timeout: Duration,
  on_yes: z.strictObject({
    /** After a "yes", the same question to the same person is not asked again for this long. */
    quiet_for: Duration.default(0),
  }).prefault({}),
  /** Notifiers told at once on "no", and at timeout on silence. */
  escalate: z.array(Name).min(1, 'ask needs escalate: the notifiers told on "no" or silence'),
  /** The escalation's title on "no". */
  denied: z.string().default('{{person.user}} says "not me": {{question}}'),
  /** The escalation's title on silence. */
  unanswered: z.string().default('nobody answered: {{person.user}} did not answer "{{question}}" within {{duration timeout}}'),
});

export const Rule = z.strictObject({
  name: Name,
  /** What events this rule takes; omitted = every event. */
  match: MatchSchema.default({}),
  /** Empty only with `continue: false`: a rule that takes what it matches away from the rules after it. */
  notify: z.array(Name),
  title: z.string().default('{{app}} on {{host}}'),
  body: z.string().default('{{message}}'),
  /** Message type; default: crit or worse → failure, err/warning/a failed attempt/a frequency rule → warning, else info (src/pipeline/alert-type.ts). */
  type: MessageTypeSchema.optional(),
  /** Stop evaluating further rules once this one matched. */
  continue: z.boolean().default(true),
  /** any: every match alerts; frequency: `threshold.count` matches within `threshold.within` per key; change: `field` changed per key. */
  kind: z.enum(['any', 'frequency', 'change', 'sequence']).default('any'),
  /** What makes two alerts of this rule "the same": frequency/change state, repeat_interval, digest counts. */
  key: z.array(FieldName).optional(),
  threshold: z.strictObject({ count: z.number().int().min(1), within: Duration }).optional(),
  /** For kind change: the field whose value is watched. */
  field: FieldName.optional(),
  /** For kind sequence: at least `count` events matching `match` within `within` before, per key. */
  after: z.strictObject({ match: MatchSchema, count: z.number().int().min(1).default(1), within: Duration }).optional(),
  /** Alertmanager's grouping: one group per value of these fields; defaults send every alert at once. */
  group_by: z.array(FieldName).default([]),
  group_wait: Duration.default(0),
  group_interval: Duration.default(0),
  /** Identical alerts (same key) are sent at most once per interval; repeats are counted into the next one. */
  repeat_interval: Duration.default(0),
  throttle: Throttle.optional(),
  /** Send to the person the event names, through notifiers that reach one person; `notify` gets it when they cannot be reached. */
  notify_person: NotifyPerson.optional(),
  /** Ask that person "was this you?"; "no" or silence escalates (needs notify_person, answers: and http:). */
  ask: Ask.optional(),
  /** `high`: never held behind a rate limit (rule's or notifier's), like alerts at `throttle_bypass` severity. */
  priority: z.enum(['normal', 'high']).default('normal'),
}).refine((rule) => rule.notify.length > 0 || !rule.continue, {
  path: ['notify'],
  message: 'a rule must notify at least one notifier (or set continue: false to take what it matches away from the rules after it)',
});

/** A time-bounded mute; `match` is the rules' language plus `rule: NAME`. */
export const Silence = z.strictObject({
  match: MatchSchema,
  starts: Instant.optional(),
  ends: Instant,
  comment: z.string().optional(),
});

/** POST /notify (Apprise API): where a message goes when it names no tag, and tags that stand for several notifiers. */
export const HttpNotify = z.strictObject({
  /** Notifiers a message without `tag` (and without a config key) goes to; empty = such a message is refused. */
  default: z.array(Name).default([]),
  /** Tag → notifier names. A notifier also answers to its own name; `all` names every notifier. */
  tags: z.record(Name, z.array(Name).min(1, 'a tag names at least one notifier')).default({}),
  /**
   * `urls` in a request (Apprise API's stateless form): refused when false; when true, each URL must be the
   * URL of a configured notifier, which then gets the message. Never an arbitrary destination.
   */
  allow_urls: z.boolean().default(false),
});

/** The HTTP endpoint (/metrics, /healthz, /readyz; /events and /notify when tokens are set); absent = relay serves no HTTP. */
export const Http = z.strictObject({
  address: HostPort,
  /** A notifier failing for longer than this makes /readyz answer 503. */
  ready_failing_after: Duration.default(300_000),
  /**
   * Bearer tokens, NAME → secret (use ${env:…} or ${file:…}); the name shows in logs and metrics, the secret
   * never. /events and /notify are served only when at least one is set. An empty secret disables its token.
   */
  tokens: z.record(Name, z.string().refine((s) => s === '' || s.length >= 16, 'a token secret needs at least 16 characters')).default({}),
  /** `open`: /metrics, /healthz, /readyz answer without a token (probes and scrapers on loopback); `token`: they need one. */
  probes: z.enum(['open', 'token']).default('open'),
  /** Largest request body in bytes; a longer one is refused with 413 while it is read, never buffered whole. */
  max_body: z.number().int().positive().default(1_048_576),
  /** Most events in one /events request (array items or NDJSON lines); more is refused with 413. */
  max_items: z.number().int().positive().default(1000),
  /** Deepest nesting of an event's `fields`; a deeper event is rejected (400) before anything reads it. */
  max_depth: z.number().int().positive().default(32),
  /** A request whose headers and body have not all arrived by then is answered 408 and closed (slow senders). */
  request_timeout: Duration.default(30_000),
  /** Per token: requests refilled at `rate`, up to `burst` at once; past it 429 with Retry-After. */
  rate_limit: Throttle.prefault({ rate: '100/1s' }),
  notify: HttpNotify.prefault({}),
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
  /** Alerts kept in memory while state_dir's disk refuses writes; past it they are counted as lost and said. */
  memory_buffer: z.number().int().min(0).default(10_000),
  /** Messages waiting per notifier past which its backlog is folded, per rule, into one row each (exact counts). */
  max_queue: z.number().int().min(1).default(10_000),
  /** Messages waiting per notifier past which new alerts for it are dropped (counted, logged, said later). */
  max_queue_hard: z.number().int().min(1).default(50_000),
});

/** A notifier: its URL, or the URL with a fallback that gets what it could not deliver. */
export const NotifierEntry = z.union([
  z.string(),
  z.strictObject({
    url: z.string(),
    /** Another notifier: alerts that went dead here, or waited longer than fallback_after, go there once. */
    fallback: Name.optional(),
    fallback_after: Duration.optional(),
    /**
     * Most sends in flight at once (adapted between 1 and this to how the receiver copes); only for webhooks
     * read by a program (json, form, xml): people-facing services send one at a time. Default 50 there.
     */
    concurrency: z.number().int().min(1).max(1000).optional(),
  }),
]);

export const ConfigSchema = z.strictObject({
  listeners: z.array(Listener).default([]),
  notifiers: z.record(Name, NotifierEntry).default({}),
  rules: z.array(Rule).default([]),
  delivery: Delivery.prefault({}),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).prefault({}),
  http: Http.optional(),
  silences: z.array(Silence).default([]),
  /** Rate limits per notifier name, applied after every rule's own limits. */
  throttle: z.record(Name, Throttle).default({}),
  /** Alerts this severe or worse are never held behind a rate limit (they still take a token when there is one). */
  throttle_bypass: z.enum(SEVERITIES).default('crit'),
  correlate: z.strictObject({
    /** A sudo call whose exit is not reported within this time alerts anyway, as "no exit seen". */
    sudo_exit_timeout: Duration.default(600_000),
  }).prefault({}),
  /**
   * Caps on state keyed by what events carry (hosts, users, addresses), so a flood of distinct values cannot
   * grow memory: past a cap, new keys share one overflow entry per rule that counts them and says so.
   */
  limits: z.strictObject({
    /** Per rule: open groups, frequency windows, change baselines, sequence counts, repeat windows, throttle holds. */
    // 5,000: a flood of 500,000 distinct hosts through the shipped rules peaks under 200 MB RSS; 10,000 did not.
    keys_per_rule: z.number().int().min(1).default(5_000),
    /** sudo calls waiting for their exit. */
    pending_sudo_calls: z.number().int().min(1).default(10_000),
  }).prefault({}),
  /** The people directory: Unix user name → {name, slack, email, pronoun, handles}. */
  people: People.default({}),
  /** More of the directory in a YAML (`people:`, `host_owners:`) or CSV file, relative to this file; loaded (and reloaded) with it. */
  people_file: z.string().min(1).optional(),
  /** Host name or glob → owner(s): `who: owner` in notify_person. */
  host_owners: HostOwners.default({}),
  /** Signing and checking "was this you?" answers (needed by rules with ask). */
  answers: Answers.optional(),
  /** Where relay keeps state that must survive a restart: run-time silences (relay.db), the outbox (outbox.db). Relative: to the config file's directory. */
  state_dir: z.string().min(1).default('./var'),
});

export type Config = z.infer<typeof ConfigSchema>;
export type HttpConfig = z.infer<typeof Http>;
export type ListenerConfig = z.infer<typeof Listener>;
export type UdpListenerConfig = z.infer<typeof UdpListener>;
export type TcpListenerConfig = z.infer<typeof TcpListener>;
export type TlsListenerConfig = z.infer<typeof TlsListener>;
export type UnixListenerConfig = z.infer<typeof UnixListener>;
export type RuleConfig = z.infer<typeof Rule>;
export type DeliveryConfig = z.infer<typeof Delivery>;
export type NotifierEntryConfig = z.infer<typeof NotifierEntry>;
export type ThrottleConfig = z.infer<typeof Throttle>;
export type SilenceConfig = z.infer<typeof Silence>;
export type LimitsConfig = Config['limits'];
export type NotifyPersonConfig = z.infer<typeof NotifyPerson>;
export type AskConfig = z.infer<typeof Ask>;
