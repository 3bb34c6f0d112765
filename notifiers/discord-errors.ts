// Discord's answer other than 2xx → NotifyError: a rate limit carries Discord's own wait (the body's
// retry_after, then X-RateLimit-Reset-After, then Retry-After), an API error says whether Discord would ever
// accept the request and what it objected to.
import type { RESTError, RESTErrorData, RESTRateLimit } from 'discord-api-types/v10';
import { ErrorCodes, NotifyError } from '../src/errors.ts';
import { isRetryableStatus, parseRetryAfter, type HttpAnswer } from './http.ts';

const ANSWER_LIMIT = 500;

export async function discordError(res: HttpAnswer): Promise<NotifyError> {
  const text = await res.text().catch(() => '');
  const body = parseJson(text);
  if (res.status === 429) return rateLimited(res, body as Partial<RESTRateLimit> | undefined, text);
  const retryable = isRetryableStatus(res.status);
  const code = retryable ? ErrorCodes.NOTIFY_FAILED : ErrorCodes.NOTIFY_REJECTED;
  if (isApiError(body)) {
    const what = describeApiError(body);
    return new NotifyError(code, `Discord answered HTTP ${res.status}: ${what}`, {
      retryable,
      providerAnswer: `HTTP ${res.status} ${body.code}: ${what}`,
    });
  }
  const answer = text ? `: ${text.slice(0, ANSWER_LIMIT)}` : '';
  return new NotifyError(code, `Discord answered HTTP ${res.status}`, { retryable, providerAnswer: `HTTP ${res.status}${answer}` });
}

function rateLimited(res: HttpAnswer, body: Partial<RESTRateLimit> | undefined, text: string): NotifyError {
  const seconds = body?.retry_after ?? Number(res.headers.get('x-ratelimit-reset-after') ?? NaN);
  const retryAfterMs = Number.isFinite(seconds) ? Math.ceil(seconds * 1000) : parseRetryAfter(res.headers.get('retry-after'));
  const global = body?.global || res.headers.get('x-ratelimit-global') === 'true';
  const scope = global ? 'global' : `bucket ${res.headers.get('x-ratelimit-bucket') ?? 'unnamed'}`;
  const wait = retryAfterMs === undefined ? '' : `; retry after ${retryAfterMs} ms`;
  return new NotifyError(ErrorCodes.NOTIFY_RATE_LIMIT, `Discord rate limit (${scope})${wait}`, {
    retryable: true,
    retryAfterMs,
    providerAnswer: text.slice(0, ANSWER_LIMIT) || undefined,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isApiError(body: unknown): body is RESTError {
  const error = body as Partial<RESTError> | null;
  return typeof error === 'object' && error !== null && typeof error.message === 'string' && typeof error.code === 'number';
}

/** The message, then each field Discord objected to (`content[BASE_TYPE_MAX_LENGTH]: Must be 2000 or fewer in length.`). */
function describeApiError(body: RESTError): string {
  const fields = body.errors === undefined ? [] : [...fieldErrors(body.errors, '')];
  return [body.message, ...fields].filter(Boolean).join('; ') || 'unknown error';
}

function* fieldErrors(data: RESTErrorData, key: string): Generator<string> {
  if (typeof data === 'string') return yield data;
  if ('code' in data && 'message' in data && typeof data.message === 'string') {
    return yield `${key ? `${key}[${String(data.code)}]` : String(data.code)}: ${data.message}`;
  }
  for (const [name, value] of Object.entries(data as Record<string, RESTErrorData | RESTErrorData[]>)) {
    const next = name.startsWith('_') ? key : !key ? name : Number.isNaN(Number(name)) ? `${key}.${name}` : `${key}[${name}]`;
    if (Array.isArray(value)) for (const item of value) yield* fieldErrors(item, next);
    else yield* fieldErrors(value, next);
  }
}
