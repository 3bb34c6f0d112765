// HTTP delivery shared by webhook-style notifiers: node:http(s) with kept-alive connections and a timeout,
// and the mapping of a provider's answer to success or a NotifyError (retryable or not, with the
// provider's Retry-After). Not fetch: its web streams made each request several times slower and the peak
// RSS of a burst much higher than node:http's (README → Benchmarks).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
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

/** What a provider answered: the part of fetch's Response the notifiers read. */
export interface HttpAnswer {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

const ANSWER_LIMIT = 500;
/** A provider's answer is a short JSON document; one larger than this is not read whole into memory. */
const BODY_LIMIT = 1024 * 1024;
// One connection per provider kept open between alerts: no TCP (and TLS) handshake on the alert path.
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };
/** Most targets kept parsed; a notifier sends to the same URL every time (a person's URL differs per person). */
const TARGETS_KEPT = 256;
const targets = new Map<string, ReturnType<typeof urlToHttpOptions>>();

/** `url` as node:http's request options, parsed once per URL: parsing it was a sizeable share of an idle alert's time. */
function target(url: string): ReturnType<typeof urlToHttpOptions> {
  let parsed = targets.get(url);
  if (!parsed) {
    if (targets.size >= TARGETS_KEPT) targets.clear();
    targets.set(url, (parsed = urlToHttpOptions(new URL(url))));
  }
  return parsed;
}

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

/** One request and the provider's answer, whatever its status; only a request that got no answer throws. */
export async function httpExchange(req: HttpRequest): Promise<HttpAnswer> {
  const timeoutMs = req.timeoutMs ?? 10_000;
  try {
    return await exchange(req, timeoutMs);
  } catch (cause) {
    const timedOut = cause instanceof TimedOut;
    throw new NotifyError(
      timedOut ? ErrorCodes.NOTIFY_TIMEOUT : ErrorCodes.NOTIFY_FAILED,
      timedOut ? `no answer within ${timeoutMs} ms` : `request failed: ${describeError(cause)}`,
      { retryable: true, cause },
    );
  }
}

/** One request whose answer must be a 2xx: any other becomes a NotifyError saying whether a retry can help. */
export async function httpSend(req: HttpRequest): Promise<HttpAnswer> {
  const res = await httpExchange(req);
  if (res.ok) return res;
  const text = (await res.text().catch(() => '')).slice(0, ANSWER_LIMIT);
  const answer = `HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}${text ? ': ' + text : ''}`;
  const retryAfterMs = bodyHint(text, req.retryHint) ?? parseRetryAfter(res.headers.get('retry-after'));
  const retryable = res.status === 429 || isRetryableStatus(res.status);
  // The wait goes into the message, so the failure line and the log say when the next try comes.
  const wait = retryable && retryAfterMs !== undefined ? `; retry after ${retryAfterMs} ms` : '';
  if (res.status === 429) {
    throw new NotifyError(ErrorCodes.NOTIFY_RATE_LIMIT, `rate limited (${answer})${wait}`, {
      retryable: true,
      retryAfterMs,
      providerAnswer: answer,
    });
  }
  if (res.status === 413) {
    // Smaller parts can go where this one could not: the registry splits it and sends again. Retryable, so
    // a part that cannot be split further waits and is tried again rather than being buried.
    throw new NotifyError(ErrorCodes.NOTIFY_TOO_LARGE, `message too large for the provider (${answer})`, {
      retryable: true,
      providerAnswer: answer,
    });
  }
  throw new NotifyError(retryable ? ErrorCodes.NOTIFY_FAILED : ErrorCodes.NOTIFY_REJECTED, `provider answered ${answer}${wait}`, {
    retryable,
    retryAfterMs,
    providerAnswer: answer,
  });
}

class TimedOut extends Error {}

/** One request and its whole answer, within `timeoutMs` from start to the answer's last byte. */
function exchange(req: HttpRequest, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const url = target(req.url);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return reject(new Error(`unsupported protocol ${url.protocol}`));
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    const request = (secure ? httpsRequest : httpRequest)({
      ...url,
      method: req.method,
      headers,
      agent: agents[url.protocol as 'http:' | 'https:'],
    });
    const fail = (err: Error) => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new TimedOut()), timeoutMs);
    const onAbort = () => fail(req.signal!.reason instanceof Error ? req.signal!.reason : new Error('aborted'));
    // Listening before anything can destroy the request: its "socket hang up" must never go uncaught.
    request.on('error', fail);
    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > BODY_LIMIT) fail(new Error(`answer longer than ${BODY_LIMIT} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        resolve(answerOf(res, Buffer.concat(chunks).toString('utf8')));
      });
    });
    request.end(req.body);
  });
}

function answerOf(res: IncomingMessage, body: string): HttpAnswer {
  const status = res.statusCode ?? 0;
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    headers: {
      get: (name) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    text: async () => body,
    json: async () => JSON.parse(body) as unknown,
  };
}

/** POST a JSON payload: what most webhook-style providers take. */
export function postJson(
  url: string,
  payload: unknown,
  opts: { signal?: AbortSignal; headers?: Record<string, string>; method?: string; retryHint?: HttpRequest['retryHint'] } = {},
): Promise<HttpAnswer> {
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
