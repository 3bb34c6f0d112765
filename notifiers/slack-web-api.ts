// Bot-token delivery through @slack/web-api. The client is told to reject rate-limited calls and never
// retry, so Slack's Retry-After reaches the outbox as a NotifyError instead of a hidden wait.
import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import { ErrorCodes, NotifyError } from '../src/errors.ts';
import { describeError } from '../src/describe-error.ts';
import { endpoint } from './endpoints.ts';
import { isRetryableStatus } from './http.ts';
import { directPayload, slackPayload } from './slack-payload.ts';
import type { SlackLook } from './slack-payload.ts';
import type { Message, SendContext } from './types.ts';

/** Platform errors that say "Slack had trouble", not "your request is wrong". */
const TRANSIENT = new Set(['ratelimited', 'fatal_error', 'internal_error', 'service_unavailable', 'request_timeout']);

export async function postWithBotToken(token: string, look: SlackLook, m: Message, ctx: SendContext): Promise<void> {
  const client = webClient(token, ctx);
  if (m.recipient) return postDirect(client, token, look, m);
  if (look.channels.length === 0) {
    throw new NotifyError(
      ErrorCodes.NOTIFY_REJECTED,
      'this Slack bot URL has no channel (slack://xoxb-TOKEN/#channel): it only reaches people',
      { retryable: false },
    );
  }
  for (const channel of look.channels) {
    try {
      await client.chat.postMessage({ ...slackPayload(look, m), channel } as Parameters<typeof client.chat.postMessage>[0]);
    } catch (e) {
      throw slackError(e, channel);
    }
  }
}

/**
 * The DM channel of each person a bot has written to, so each DM costs one call, not two (conversations.open
 * before every message). Keyed by API, token and Slack user; bounded, the least recently used going first.
 */
const dmChannels = new Map<string, string>();
const DM_CHANNELS_MAX = 10_000;
/** What Slack answers when a remembered DM channel no longer takes messages: open it again. */
const STALE_CHANNEL = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

/** One person: the DM with their Slack user ID (opened once, then remembered), with answer buttons when it asks. */
async function postDirect(client: WebClient, token: string, look: SlackLook, m: Message): Promise<void> {
  const user = m.recipient!.slack!;
  const key = `${endpoint('slack')}\u0000${token}\u0000${user}`;
  const remembered = dmChannels.get(key);
  const post = (channel: string) =>
    client.chat.postMessage({ ...directPayload(look, m), channel } as Parameters<typeof client.chat.postMessage>[0]);
  if (remembered !== undefined) {
    try {
      await post(remembered);
      dmChannels.delete(key);
      dmChannels.set(key, remembered);
      return;
    } catch (e) {
      if (!(e instanceof WebAPIPlatformError && STALE_CHANNEL.has(e.data.error))) throw slackError(e, user);
      dmChannels.delete(key);
    }
  }
  let channel: string;
  try {
    const opened = await client.conversations.open({ users: user });
    channel = opened.channel!.id!;
  } catch (e) {
    throw slackError(e, user);
  }
  try {
    await post(channel);
  } catch (e) {
    throw slackError(e, user);
  }
  dmChannels.set(key, channel);
  if (dmChannels.size > DM_CHANNELS_MAX) dmChannels.delete(dmChannels.keys().next().value!);
}

function webClient(token: string, ctx: SendContext): WebClient {
  return new WebClient(token, {
    slackApiUrl: `${endpoint('slack')}/`,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    logLevel: LogLevel.ERROR,
    fetch: (url, init) =>
      fetch(url, {
        ...init,
        signal: ctx.signal && init?.signal ? AbortSignal.any([ctx.signal, init.signal]) : (ctx.signal ?? init?.signal),
      }),
  });
}

function slackError(e: unknown, channel: string): NotifyError {
  if (e instanceof WebAPIRateLimitedError) {
    return new NotifyError(ErrorCodes.NOTIFY_RATE_LIMIT, `Slack rate limit; retry after ${e.retryAfter} s`, {
      retryable: true,
      retryAfterMs: e.retryAfter * 1000,
      cause: e,
    });
  }
  if (e instanceof WebAPIPlatformError) {
    const retryable = TRANSIENT.has(e.data.error);
    return new NotifyError(
      retryable ? ErrorCodes.NOTIFY_FAILED : ErrorCodes.NOTIFY_REJECTED,
      `Slack refused the message to ${channel}: ${e.data.error}`,
      {
        retryable,
        providerAnswer: e.data.error,
        cause: e,
      },
    );
  }
  if (e instanceof WebAPIHTTPError) {
    return new NotifyError(ErrorCodes.NOTIFY_FAILED, `Slack answered HTTP ${e.statusCode}`, {
      retryable: isRetryableStatus(e.statusCode),
      cause: e,
    });
  }
  return new NotifyError(ErrorCodes.NOTIFY_FAILED, `request to Slack failed: ${describeError(e)}`, { retryable: true, cause: e });
}
