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

export const UdpListener = z.strictObject({ ...NetworkCommon, type: z.literal('udp') });

export const TcpListener = z.strictObject({
  ...NetworkCommon,
  type: z.literal('tcp'),
  max_connections: z.number().int().positive().default(256),
  idle_timeout: Duration.default(300_000),
});

export const UnixListener = z.strictObject({
  name: Name,
  type: z.literal('unix'),
  /** Socket path; its directory is created if missing. */
  address: z.string().min(1),
  /** Socket file mode, octal string. */
  mode: z.string().regex(/^0?[0-7]{3}$/, 'mode is octal, e.g. "0660"').default('0660'),
  /** Peer uids allowed to send (checked per connection); empty list = anyone who can open the socket. */
  allow_uids: z.array(z.number().int().nonnegative()).default([0]),
  max_message_size: z.number().int().positive().default(65_536),
  max_connections: z.number().int().positive().default(256),
  idle_timeout: Duration.default(300_000),
});

export const Listener = z.discriminatedUnion('type', [UdpListener, TcpListener, UnixListener]);

export const MessageTypeSchema = z.enum(['info', 'success', 'warning', 'failure']);

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
});

export const Delivery = z.strictObject({
  /** Attempts per alert and notifier before it is given up (the durable outbox keeps it later). */
  attempts: z.number().int().min(1).default(5),
  backoff: Duration.default(1000),
  max_backoff: Duration.default(60_000),
  timeout: Duration.default(10_000),
  /** How long shutdown waits for alerts in hand. */
  shutdown_grace: Duration.default(5000),
});

export const ConfigSchema = z.strictObject({
  listeners: z.array(Listener).default([]),
  notifiers: z.record(Name, z.string()).default({}),
  rules: z.array(Rule).default([]),
  delivery: Delivery.default({} as never),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).default({} as never),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ListenerConfig = z.infer<typeof Listener>;
export type UdpListenerConfig = z.infer<typeof UdpListener>;
export type TcpListenerConfig = z.infer<typeof TcpListener>;
export type UnixListenerConfig = z.infer<typeof UnixListener>;
export type RuleConfig = z.infer<typeof Rule>;
export type DeliveryConfig = z.infer<typeof Delivery>;
