// discord.js's errors → NotifyError: a rate limit carries Discord's retry_after (body, then
// X-RateLimit-Reset-After, then Retry-After), an API error says whether Discord would ever accept it.
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { ErrorCodes, NotifyError } from '../src/errors.ts';
import { isRetryableStatus, parseRetryAfter } from './http.ts';
import { describeError } from '../src/describe-error.ts';

export interface RateLimitAnswer {
  body: { retry_after?: number; global?: boolean; message?: string } | undefined;
  headers: Headers;
}

export function discordError(e: unknown, answer: RateLimitAnswer | undefined, signal: AbortSignal | undefined): NotifyError {
  if (e instanceof RateLimitError) {
    const seconds = answer?.body?.retry_after ?? Number(answer?.headers.get('x-ratelimit-reset-after') ?? NaN);
    const retryAfterMs = Number.isFinite(seconds) ? Math.ceil(seconds * 1000) : parseRetryAfter(answer?.headers.get('retry-after') ?? null) ?? e.retryAfter;
    const scope = e.global || answer?.body?.global ? 'global' : `bucket ${e.route}`;
    return new NotifyError(ErrorCodes.NOTIFY_RATE_LIMIT, `Discord rate limit (${scope}); retry after ${retryAfterMs} ms`, {
      retryable: true, retryAfterMs, providerAnswer: answer?.body ? JSON.stringify(answer.body) : undefined, cause: e,
    });
  }
  if (e instanceof DiscordAPIError) {
    const retryable = isRetryableStatus(e.status);
    return new NotifyError(retryable ? ErrorCodes.NOTIFY_FAILED : ErrorCodes.NOTIFY_REJECTED, `Discord answered HTTP ${e.status}: ${e.message}`, {
      retryable, providerAnswer: `HTTP ${e.status} ${e.code}: ${e.message}`, cause: e,
    });
  }
  if (e instanceof HTTPError) {
    return new NotifyError(ErrorCodes.NOTIFY_FAILED, `Discord answered HTTP ${e.status}`, { retryable: isRetryableStatus(e.status), cause: e });
  }
  const aborted = e instanceof Error && e.name === 'AbortError';
  return new NotifyError(aborted && !signal?.aborted ? ErrorCodes.NOTIFY_TIMEOUT : ErrorCodes.NOTIFY_FAILED,
    aborted ? (signal?.aborted ? 'send to Discord aborted' : 'Discord did not answer in time') : `request to Discord failed: ${describeError(e)}`,
    { retryable: true, cause: e });
}
