// The people directory's config: who a Unix user is (display name, Slack user ID, email address, other
// handles), which hosts people own, and how relay signs and checks "was this you?" answers. Inline in
// config.yaml (`people:`, `host_owners:`, `answers:`) or, for the first two, in `people_file:` (people-file.ts).
// A namespace import lets the bundle keep only the parts of zod relay uses (not its dozens of locales).
import * as z from 'zod';
import { Duration, Name } from './value-schema.ts';

/** Entries a directory may hold (inline and file together), so a runaway file cannot swell memory. */
export const MAX_PEOPLE = 10_000;
export const MAX_HOST_OWNERS = 10_000;

/** `notify_person: {who: owner}`: the owners of the event's host (host_owners), not a field. */
export const OWNER = 'owner';

/** A Unix user name as sudo and sshd log it. */
export const UserName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\$?$/, 'a Unix user name (letters, digits, _ . -; at most 64)');
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

export const Person = z.strictObject({
  /** Display name; default: the user name. */
  name: z.string().min(1).max(200).optional(),
  /** Slack user ID, for bot DMs. */
  slack: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,30}$/, 'a Slack user ID, e.g. U012ABCDEF (profile → ⋮ → Copy member ID)')
    .optional(),
  email: z.string().max(254).regex(EMAIL, 'an email address, e.g. alice@example.com').optional(),
  /** How escalation texts speak of them: {{person.pronoun}}. */
  pronoun: z.enum(['she', 'he', 'they']).default('they'),
  /** More handles, for notifier URLs with a `{person.NAME}` part (ntfy topic, Telegram chat id, …). */
  handles: z
    .record(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'handle names use letters, digits, _ -'), z.string().min(1).max(200))
    .default({}),
});

const capped = <T extends z.ZodType>(schema: T, max: number, what: string) =>
  schema.refine((v) => Object.keys(v as object).length <= max, `more than ${max} ${what}; relay keeps at most that many`);

export const People = capped(z.record(UserName, Person), MAX_PEOPLE, 'people');

/** Host name or glob (`web*`, `db-?.prod`) → the user name(s) who own it. */
export const HostOwners = capped(
  z.record(z.string().min(1).max(255), z.union([UserName, z.array(UserName).min(1)])),
  MAX_HOST_OWNERS,
  'host entries',
);

export const Answers = z.strictObject({
  /** HMAC-SHA256 key for answer links and button tokens: `${env:…}` or `${file:…}`, 32 characters or more. */
  secret: z.string().min(32, 'the answer secret needs at least 32 characters (e.g. `openssl rand -hex 32`)'),
  /** Where people's browsers reach relay's HTTP endpoint (answer links start with it), e.g. https://relay.example.com. */
  url: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'a base URL, e.g. https://relay.example.com')
    .transform((u) => u.replace(/\/+$/, '')),
  /** Slack app's signing secret: answer buttons in Slack DMs (POST /slack/actions); without it Slack DMs carry links. */
  slack_signing_secret: z.string().min(1).optional(),
  /** Questions waiting for an answer at once, over everyone; past it a new question escalates at once, saying why. */
  max_pending: z.number().int().min(1).default(1000),
  /** Answered and unanswered questions kept for `relay answers`. */
  keep: z.number().int().min(1).default(1000),
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
  on_yes: z
    .strictObject({
      /** After a "yes", the same question to the same person is not asked again for this long. */
      quiet_for: Duration.default(0),
    })
    .prefault({}),
  /** Notifiers told at once on "no", and at timeout on silence. */
  escalate: z.array(Name).min(1, 'ask needs escalate: the notifiers told on "no" or silence'),
  /** The escalation's title on "no". */
  denied: z.string().default('{{person.user}} says "not me": {{question}}'),
  /** The escalation's title on silence. */
  unanswered: z.string().default('nobody answered: {{person.user}} did not answer "{{question}}" within {{duration timeout}}'),
});

export type PersonConfig = z.infer<typeof Person>;
export type AnswersConfig = z.infer<typeof Answers>;
