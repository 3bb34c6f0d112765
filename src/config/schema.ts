// The one typed schema of config.yaml. Types are inferred from it; cross-checks that need more than one
// section (unknown notifier names, port clashes, regexes, templates, URLs) live in src/plan/. Its larger
// blocks have files of their own: listener-schema.ts, http-schema.ts, people-schema.ts,
// built from the values in value-schema.ts.
// A namespace import lets the bundle keep only the parts of zod relay uses (not its dozens of locales).
import * as z from 'zod';
import { MatchSchema } from './match-schema.ts';
import { MESSAGE_TYPES } from '../message-type.ts';
import { SEVERITIES } from '../event.ts';
import { Answers, Ask, HostOwners, NotifyPerson, People } from './people-schema.ts';
import { Http } from './http-schema.ts';
import { Listener } from './listener-schema.ts';
import { Duration, Instant, Name, Throttle } from './value-schema.ts';

export type {
  ListenerConfig,
  TcpListenerConfig,
  TlsListenerConfig,
  UdpListenerConfig,
  UnixListenerConfig,
  TrustedPeer,
  TrustedSender,
} from './listener-schema.ts';
export type { HttpConfig } from './http-schema.ts';

const MessageTypeSchema = z.enum(MESSAGE_TYPES);

/** A field name as rules use it: `host`, `app`, `fields.user`, `sd.origin.ip`. Checked by the plan (src/plan/check-config.ts). */
const FieldName = z.string().min(1);

export const Rule = z
  .strictObject({
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
  })
  .refine((rule) => rule.notify.length > 0 || !rule.continue, {
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
  /**
   * How soon outbox commits reach the disk: they survive relay being killed at once, a power loss once
   * synced, at most this long after. 0: every commit is synced before the alert is sent (a disk sync on
   * each alert's path).
   */
  sync_interval: Duration.default(500),
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
  correlate: z
    .strictObject({
      /** A sudo call whose exit is not reported within this time alerts anyway, as "no exit seen". */
      sudo_exit_timeout: Duration.default(600_000),
      /**
       * How long sudo's own syslog line about a call waits for the sudo plugin's report of the same call (a host
       * forwarding both), so the call alerts once; a line whose report does not come goes on by itself.
       */
      sudo_line_wait: Duration.default(10_000),
    })
    .prefault({}),
  /**
   * Caps on state keyed by what events carry (hosts, users, addresses), so a flood of distinct values cannot
   * grow memory: past a cap, new keys share one overflow entry per rule that counts them and says so.
   */
  limits: z
    .strictObject({
      /** Per rule: open groups, frequency windows, change baselines, sequence counts, repeat windows, throttle holds. */
      // The highest default under which the flood of distinct hosts in test/commands/run-flood.test.ts stays below its RSS bar.
      keys_per_rule: z.number().int().min(1).default(5_000),
      /** sudo calls waiting for their exit; also sudo syslog lines waiting for, and plugin reports kept for, their twin. */
      pending_sudo_calls: z.number().int().min(1).default(10_000),
    })
    .prefault({}),
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
export type RuleConfig = z.infer<typeof Rule>;
export type DeliveryConfig = z.infer<typeof Delivery>;
export type NotifierEntryConfig = z.infer<typeof NotifierEntry>;
export type ThrottleConfig = z.infer<typeof Throttle>;
export type SilenceConfig = z.infer<typeof Silence>;
