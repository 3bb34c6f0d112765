// HTTP delivery shared by webhook-style notifiers: Node's fetch with a timeout, and the mapping of a
// provider's answer to success or a NotifyError (retryable or not, with the provider's Retry-After).
import { ErrorCodes, NotifyError } from '../src/errors.ts';
import { describeError } from '../src/describe-error.ts';

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Reads a provider's own "wait this long" (ms) from its JSON error body, e.g. Telegram's retry_after. */
  retryHint?: (answer: any) => number | undefined;
}

const ANSWER_LIMIT = 500;

/** Parse `Retry-After` (delta-seconds or HTTP-date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Statuses where sending the same request again later can succeed. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export async function httpSend(req: HttpRequest): Promise<Response> {
  const timeout = AbortSignal.timeout(req.timeoutMs ?? 10_000);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
  } catch (cause) {
    const timedOut = timeout.aborted;
    throw new NotifyError(
      timedOut ? ErrorCodes.NOTIFY_TIMEOUT : ErrorCodes.NOTIFY_FAILED,
      timedOut ? `no answer within ${req.timeoutMs ?? 10_000} ms` : `request failed: ${describeError(cause)}`,
      { retryable: true, cause },
    );
  }
  if (res.ok) return res;
  const text = (await res.text().catch(() => '')).slice(0, ANSWER_LIMIT);
  const answer = `HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}${text ? ': ' + text : ''}`;
  const retryAfterMs = bodyHint(text, req.retryHint) ?? parseRetryAfter(res.headers.get('retry-after'));
  if (res.status === 429) {
    throw new NotifyError(ErrorCodes.NOTIFY_RATE_LIMIT, `rate limited (${answer})`, {
      retryable: true, retryAfterMs, providerAnswer: answer,
    });
  }
  throw new NotifyError(
    isRetryableStatus(res.status) ? ErrorCodes.NOTIFY_FAILED : ErrorCodes.NOTIFY_REJECTED,
    `provider answered ${answer}`,
    { retryable: isRetryableStatus(res.status), retryAfterMs, providerAnswer: answer },
  );
}

/** POST a JSON payload: what most webhook-style providers take. */
export function postJson(url: string, payload: unknown, opts: { signal?: AbortSignal; headers?: Record<string, string>; method?: string; retryHint?: HttpRequest['retryHint'] } = {}): Promise<Response> {
  return httpSend({
    url,
    method: opts.method ?? 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'relay', ...opts.headers },
    body: JSON.stringify(payload),
    signal: opts.signal,
    retryHint: opts.retryHint,
  });
}

function bodyHint(text: string, hint: HttpRequest['retryHint']): number | undefined {
  if (!hint) return undefined;
  try {
    const ms = hint(JSON.parse(text));
    return ms === undefined || !Number.isFinite(ms) ? undefined : Math.ceil(ms);
  } catch {
    return undefined;
  }
}
