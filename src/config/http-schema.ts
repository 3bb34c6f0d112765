// The `http:` block: the address of relay's HTTP endpoint, its tokens and limits, and where POST /notify
// sends what names no notifier.
// A namespace import lets the bundle keep only the parts of zod relay uses (not its dozens of locales).
import * as z from 'zod';
import { Duration, HostPort, Name, Throttle } from './value-schema.ts';

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
  /**
   * No longer read: /readyz does not depend on notifiers (a failing one is shown there and in /metrics).
   * Still accepted, so a config that sets it loads.
   */
  ready_failing_after: Duration.optional(),
  /**
   * Bearer tokens, NAME → secret (use ${env:…} or ${file:…}); the name shows in logs and metrics, the secret
   * never. /events and /notify are served only when at least one is set. An empty secret disables its token.
   */
  tokens: z
    .record(
      Name,
      z.string().refine((s) => s === '' || s.length >= 16, 'a token secret needs at least 16 characters'),
    )
    .default({}),
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

export type HttpConfig = z.infer<typeof Http>;
