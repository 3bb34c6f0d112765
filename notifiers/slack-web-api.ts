// Bot-token delivery through @slack/web-api. The client is told to reject rate-limited calls and never
// retry, so Slack's Retry-After reaches the outbox as a NotifyError instead of a hidden wait.
import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import { ErrorCodes, NotifyError } from '../src/errors.ts';
import { describeError } from '../src/describe-error.ts';
import { endpoint } from './endpoints.ts';
import { isRetryableStatus } from './http.ts';
import { slackPayload } from './slack-payload.ts';
import type { SlackLook } from './slack.ts';
import type { Message, SendContext } from './types.ts';

/** Platform errors that say "Slack had trouble", not "your request is wrong". */
const TRANSIENT = new Set(['ratelimited', 'fatal_error', 'internal_error', 'service_unavailable', 'request_timeout']);

export async function postWithBotToken(token: string, look: SlackLook, m: Message, ctx: SendContext): Promise<void> {
  const client = new WebClient(token, {
    slackApiUrl: `${endpoint('slack')}/`,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    logLevel: LogLevel.ERROR,
    fetch: (url, init) => fetch(url, { ...init, signal: ctx.signal && init?.signal ? AbortSignal.any([ctx.signal, init.signal]) : (ctx.signal ?? init?.signal) }),
  });
  for (const channel of look.channels) {
    try {
      await client.chat.postMessage({ ...slackPayload(look, m), channel } as Parameters<typeof client.chat.postMessage>[0]);
    } catch (e) {
      throw slackError(e, channel);
    }
  }
}

function slackError(e: unknown, channel: string): NotifyError {
  if (e instanceof WebAPIRateLimitedError) {
    return new NotifyError(ErrorCodes.NOTIFY_RATE_LIMIT, `Slack rate limit; retry after ${e.retryAfter} s`, {
      retryable: true, retryAfterMs: e.retryAfter * 1000, cause: e,
    });
  }
  if (e instanceof WebAPIPlatformError) {
    const retryable = TRANSIENT.has(e.data.error);
    return new NotifyError(retryable ? ErrorCodes.NOTIFY_FAILED : ErrorCodes.NOTIFY_REJECTED, `Slack refused the message to ${channel}: ${e.data.error}`, {
      retryable, providerAnswer: e.data.error, cause: e,
    });
  }
  if (e instanceof WebAPIHTTPError) {
    return new NotifyError(ErrorCodes.NOTIFY_FAILED, `Slack answered HTTP ${e.statusCode}`, { retryable: isRetryableStatus(e.statusCode), cause: e });
  }
  return new NotifyError(ErrorCodes.NOTIFY_FAILED, `request to Slack failed: ${describeError(e)}`, { retryable: true, cause: e });
}
