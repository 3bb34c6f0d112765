// The contract every notifier module meets: declare schemes and limits, parse a URL into typed config,
// rebuild the URL (masked for printing), and send one message or throw a NotifyError.
import type { MessageType } from '../src/message-type.ts';

/**
 * How a message that lists alerts (a rate limit's release, a backlog digest) starts each one's line: a
 * notifier splits such a message between its entries instead of cutting it, so none of them is dropped.
 */
export const LIST_ENTRY = '• ';

export interface Message {
  title: string;
  body: string;
  type: MessageType;
  /** Syslog severity of what caused the alert (0 emerg … 7 debug), for colours and priorities. */
  severity?: number;
  /** Set on a message for one person (a rule's notify_person): only a module that can reach people sends it. */
  recipient?: Recipient;
  /** "Was this you?" answer links for the recipient; the registry prints them for modules that do not draw buttons. */
  answers?: AnswerLinks;
}

/** One person from the people directory, with the handles notifiers reach them by. */
export interface Recipient {
  /** Unix user name: the directory's key. */
  user: string;
  /** Display name. */
  name: string;
  /** Slack user ID (U…), for bot DMs. */
  slack?: string;
  email?: string;
  /** More handles by name, for notifier URLs with a `{person.NAME}` part. */
  handles: Readonly<Record<string, string>>;
}

/** A signed, single-use answer per choice: a link to relay's confirmation page, and the token Slack buttons carry. */
export interface AnswerLinks {
  yes: { url: string; token: string };
  no: { url: string; token: string };
  /** Draw Slack buttons (relay can verify Slack's requests: answers.slack_signing_secret is set). */
  buttons: boolean;
}

export interface SendContext {
  /** Aborts the send (shutdown, timeout). */
  signal?: AbortSignal;
  /** Resolves when the provider's limits let the next request go (the registry awaits it before each part). */
  pace?: (signal?: AbortSignal) => Promise<void>;
  /** A module that reads the provider's rate-limit headers reports them here after each request. */
  rateLimit?: (state: RateLimitState) => void;
}

/** A provider's published request limit: at most `requests` per `perMs`, bursts included. */
export interface Pace {
  readonly requests: number;
  readonly perMs: number;
}

/** What a provider says about its rate-limit bucket after a request (Discord's X-RateLimit-* headers). */
export interface RateLimitState {
  remaining: number;
  /** ms until the bucket is full again. */
  resetAfterMs: number;
}

/**
 * How a provider counts length: UTF-16 code units (JavaScript, Java, Telegram), Unicode code points
 * (Pushover's "4-byte UTF-8 characters", Go's runes) or UTF-8 bytes (ntfy, Matrix). An emoji is 2, 1 and 4.
 */
export type LengthUnit = 'utf16' | 'codepoints' | 'bytes';

/** What one message may hold; the registry cuts or splits longer text before `send` sees it. */
export interface Limits {
  /** Longest title, in `unit`. */
  readonly title: number;
  /** Longest body, in `unit`. */
  readonly body: number;
  /** The unit the provider counts `title` and `body` in. */
  readonly unit: LengthUnit;
  /** The service has no title field: the module prints the title inside the body, so both share `body`. */
  readonly titleInBody?: boolean;
  /** How the module escapes log text, so limits count what the provider receives, not what relay holds. */
  readonly escape?: (text: string) => string;
  /**
   * The provider also caps the whole request in UTF-8 bytes (Matrix's 65,536-byte event, ntfy's JSON
   * publish): `size` is what the module would send for a message, fields and markup included.
   */
  readonly request?: { readonly bytes: number; readonly size: (message: Message) => number };
}

export interface NotifierModule<C = unknown> {
  /** Service name shown by `relay notifiers`, e.g. "JSON webhook". */
  readonly service: string;
  /** URL schemes this module handles, e.g. ["json", "jsons"]. Native vendor URLs use `https`. */
  readonly schemes: readonly string[];
  /** URL forms for `relay notifiers` and error messages. */
  readonly forms: readonly string[];
  /** Query options the module reads, for `relay notifiers` and the README. */
  readonly options: readonly string[];
  readonly limits: Limits;
  /**
   * The receiver is a program that needs every alert as its own message (generic webhooks): a backlog is
   * never folded into one digest for it. People-facing services leave this unset.
   */
  readonly eachMessageMatters?: true;
  /** The provider's published limit per URL; delivery paces requests to it instead of waiting for a 429. */
  readonly pace?: Pace;
  /** The module sends a message with `recipient` to that person only (a DM, the person's address as the only recipient). */
  readonly reachesPeople?: (config: C, person: Recipient) => boolean;
  /** The module draws `answers` itself (buttons); for others the registry appends the links to the body. */
  readonly drawsAnswers?: true;
  /** For `https://` vendor URLs: does this module take this one? */
  readonly accepts?: (url: URL) => boolean;
  /** Rewrites a raw URL that the WHATWG parser would reject (e.g. Telegram's `id:secret` bot token). */
  readonly normalize?: (raw: string) => string;
  /** Parse and validate; throws RelayError(URL_INVALID) naming the wrong part. */
  parse(url: URL): C;
  /** Rebuild the URL; with `mask`, secrets print as `****`. */
  toUrl(config: C, opts: { mask: boolean }): string;
  /** Deliver one message (already within `limits`) or throw a NotifyError that says whether a retry can help. */
  send(config: C, message: Message, ctx: SendContext): Promise<void>;
}

/** A URL bound to its module: what the rest of relay holds. */
export interface Notifier {
  readonly name: string;
  readonly service: string;
  /** The URL with secrets masked, safe to log. */
  readonly maskedUrl: string;
  /** A backlog that piled up while it failed may go out as one digest (false for webhooks read by programs). */
  readonly foldsBacklog: boolean;
  /** Most sends in flight at once (`concurrency`; always 1 for people-facing services, which fold a backlog). */
  readonly concurrency: number;
  /** The provider's published limit, if it has one. */
  readonly pace?: Pace;
  /** Can this notifier deliver a message to this one person? (false for channels and webhooks) */
  reaches?(person: Recipient): boolean;
  send(message: Message, ctx?: SendContext): Promise<void>;
}
