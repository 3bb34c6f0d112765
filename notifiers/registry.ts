// The explicit list of notifier modules, and URL → Notifier resolution. A scheme claimed twice is a
// start-up error, never a silent override. The registry, not each module, applies `overflow=`.
import { ErrorCodes, NotifyError, RelayError } from '../src/errors.ts';
import { redact } from '../src/redactor.ts';
import type { Limits, Message, Notifier, NotifierModule, Recipient, SendContext } from './types.ts';
import { fillPersonUrl, isPersonUrl, restoreParts, SAMPLE_PERSON } from './person-url.ts';
import { withAnswerLinks } from './answer-text.ts';
import { applyOverflow, OVERFLOW_MODES, splitSmaller, type Overflow } from './overflow.ts';
import { withoutControlChars } from './control-chars.ts';
import { choiceParam, intParam } from './url-fields.ts';
import { maskInvalidUrl } from './mask-invalid-url.ts';
import { consoleNotifier } from './console.ts';
import { jsonNotifier } from './json.ts';
import { formNotifier } from './form.ts';
import { xmlNotifier } from './xml.ts';
import { discordNotifier } from './discord.ts';
import { slackNotifier } from './slack.ts';
import { mailtoNotifier } from './mailto.ts';
import { ntfyNotifier } from './ntfy.ts';
import { gotifyNotifier } from './gotify.ts';
import { telegramNotifier } from './telegram.ts';
import { workflowsNotifier } from './workflows.ts';
import { pagerdutyNotifier } from './pagerduty.ts';
import { opsgenieNotifier } from './opsgenie.ts';
import { mattermostNotifier } from './mattermost.ts';
import { rocketChatNotifier } from './rocket-chat.ts';
import { googleChatNotifier } from './google-chat.ts';
import { matrixNotifier } from './matrix.ts';
import { pushoverNotifier } from './pushover.ts';

export const MODULES: readonly NotifierModule<any>[] = [
  consoleNotifier,
  jsonNotifier,
  formNotifier,
  xmlNotifier,
  discordNotifier,
  slackNotifier,
  mailtoNotifier,
  ntfyNotifier,
  gotifyNotifier,
  telegramNotifier,
  workflowsNotifier,
  pagerdutyNotifier,
  opsgenieNotifier,
  mattermostNotifier,
  rocketChatNotifier,
  googleChatNotifier,
  matrixNotifier,
  pushoverNotifier,
];

export function buildSchemeTable(modules: readonly NotifierModule<any>[]): Map<string, NotifierModule<any>> {
  const table = new Map<string, NotifierModule<any>>();
  for (const m of modules) {
    for (const s of m.schemes) {
      const prior = table.get(s);
      if (prior && s !== 'https') {
        throw new RelayError(ErrorCodes.NOTIFIER_DUPLICATE, `scheme ${s}:// is claimed by both ${prior.service} and ${m.service}`);
      }
      if (!prior) table.set(s, m);
    }
  }
  return table;
}

const SCHEMES = buildSchemeTable(MODULES);

/** Sends in flight at once to a webhook read by a program, unless `concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 50;
export const MAX_CONCURRENCY = 1000;

export interface ParsedNotifierUrl {
  module: NotifierModule<any>;
  config: unknown;
  overflow: Overflow;
  /** `concurrency=N` from the URL, if given. */
  concurrency?: number;
}

/** Find the module for a URL string and parse it; throws RelayError (URL_INVALID / URL_SCHEME). */
export function parseNotifierUrl(raw: string): ParsedNotifierUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (!scheme) throw new RelayError(ErrorCodes.URL_INVALID, `not a URL: ${JSON.stringify(maskInvalidUrl(raw))}`);
  const native = scheme === 'https' || scheme === 'http';
  const claimed = native ? undefined : SCHEMES.get(scheme);
  if (!native && !claimed) {
    throw new RelayError(ErrorCodes.URL_SCHEME, `unknown notifier scheme ${scheme}:// (see \`relay notifiers\`)`);
  }
  // Apprise URLs use a literal `#` for channels and teams (`slack://…/#ops`); none of them has a fragment,
  // and a `+` in their query is literal (`+Header=`, `to=a+tag@x`), not the form-encoding of a space.
  let text = raw.replace(/#/g, '%23').replace(/\?.*$/s, (q) => q.replace(/\+/g, '%2B'));
  if (claimed?.normalize) text = claimed.normalize(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RelayError(ErrorCodes.URL_INVALID, `not a valid ${scheme}:// URL: ${JSON.stringify(maskInvalidUrl(raw))}`);
  }
  const module = claimed ?? MODULES.find((m) => m.accepts?.(url));
  if (!module) {
    throw new RelayError(ErrorCodes.URL_SCHEME, `${url.host} is not a webhook URL relay knows (see \`relay notifiers\`)`);
  }
  const overflow = choiceParam(url, 'overflow', OVERFLOW_MODES, 'truncate');
  const concurrency = intParam(url, 'concurrency', 1, MAX_CONCURRENCY);
  return { module, config: module.parse(url), overflow, ...(concurrency === undefined ? {} : { concurrency }) };
}

/** Set in a `notifiers:` object entry; wins over the same option in the URL. */
export interface NotifierOptions {
  concurrency?: number;
}

export function createNotifier(name: string, raw: string, opts: NotifierOptions = {}): Notifier {
  if (isPersonUrl(raw)) return createPersonNotifier(name, raw);
  const { module, config, overflow, concurrency } = parseNotifierUrl(raw);
  const masked = module.toUrl(config, { mask: true });
  const options = [
    ...(overflow === 'truncate' ? [] : [`overflow=${overflow}`]),
    ...(concurrency === undefined ? [] : [`concurrency=${concurrency}`]),
  ];
  return {
    name,
    service: module.service,
    maskedUrl: redact(options.length === 0 ? masked : `${masked}${masked.includes('?') ? '&' : '?'}${options.join('&')}`),
    foldsBacklog: !module.eachMessageMatters,
    // A people-facing service sends one at a time: its backlog folds into a digest, which needs the lane to itself.
    concurrency: module.eachMessageMatters ? (opts.concurrency ?? concurrency ?? DEFAULT_CONCURRENCY) : 1,
    ...(module.pace ? { pace: module.pace } : {}),
    reaches: (person) => module.reachesPeople?.(config, person) ?? false,
    send: async (message, ctx = {}) => {
      // A message for one person never goes to a channel: only a module that can reach that person sends it.
      if (message.recipient && !module.reachesPeople?.(config, message.recipient)) throw cannotReach(name, message.recipient);
      const drawn = module.drawsAnswers ? message : withAnswerLinks(message);
      return sendParts(module, config, applyOverflow(withoutControlChars(drawn), module.limits, overflow), ctx);
    },
  };
}

/** A URL with `{person.NAME}` parts (person-url.ts): it sends only messages for one person, to that person. */
function createPersonNotifier(name: string, raw: string): Notifier {
  const sample = parseNotifierUrl(fillPersonUrl(raw, SAMPLE_PERSON)!);
  const masked = restoreParts(sample.module.toUrl(sample.config, { mask: true }), raw);
  return {
    name,
    service: sample.module.service,
    maskedUrl: redact(masked),
    foldsBacklog: false,
    concurrency: 1,
    ...(sample.module.pace ? { pace: sample.module.pace } : {}),
    reaches: (person) => fillPersonUrl(raw, person) !== undefined,
    send: async (message, ctx = {}) => {
      const url = message.recipient && fillPersonUrl(raw, message.recipient);
      if (!message.recipient || !url) throw cannotReach(name, message.recipient);
      const { module, config, overflow } = parseNotifierUrl(url);
      const drawn = module.drawsAnswers ? message : withAnswerLinks(message);
      return sendParts(
        module,
        config,
        applyOverflow(withoutControlChars({ ...drawn, recipient: undefined }), module.limits, overflow),
        ctx,
      );
    },
  };
}

function cannotReach(name: string, person: Recipient | undefined): NotifyError {
  return new NotifyError(
    ErrorCodes.NOTIFY_REJECTED,
    person
      ? `notifier ${name} cannot reach ${person.user} (it posts to a channel, or the directory has no handle for it); not sent`
      : `notifier ${name} reaches one person at a time (its URL has a {person.…} part); a message for no one is not sent`,
    { retryable: false },
  );
}

async function sendParts(module: NotifierModule<any>, config: unknown, parts: Message[], ctx: SendContext): Promise<void> {
  for (const [i, part] of parts.entries()) {
    try {
      await sendFitted(module, config, part, ctx);
    } catch (e) {
      if (parts.length === 1 || !(e instanceof NotifyError)) throw e;
      // Say how far a split message got, so a sysadmin knows the earlier parts did arrive.
      throw new NotifyError(e.code, `part ${i + 1} of ${parts.length}: ${e.message}`, {
        retryable: e.retryable,
        retryAfterMs: e.retryAfterMs,
        providerAnswer: e.providerAnswer,
        cause: e,
      });
    }
  }
}

/**
 * One part; a provider that answers 413 (its limit is lower than documented, or a proxy's is) gets it again
 * in halves, and those in halves, until it takes them or the text cannot be split further.
 */
async function sendFitted(module: NotifierModule<any>, config: unknown, part: Message, ctx: SendContext): Promise<void> {
  await ctx.pace?.(ctx.signal);
  try {
    await module.send(config, part, ctx);
  } catch (e) {
    if (!(e instanceof NotifyError) || e.code !== ErrorCodes.NOTIFY_TOO_LARGE) throw e;
    const halves = splitSmaller(part, module.limits);
    if (halves.length < 2) throw e;
    for (const half of halves) await sendFitted(module, config, half, ctx);
  }
}

export interface SchemeInfo {
  service: string;
  schemes: readonly string[];
  forms: readonly string[];
  options: readonly string[];
  limits: Limits;
}

/** What `relay notifiers` prints: one entry per module, straight from its declaration. */
export function listSchemes(): SchemeInfo[] {
  return MODULES.map(({ service, schemes, forms, options, limits }) => ({ service, schemes, forms, options, limits }));
}
