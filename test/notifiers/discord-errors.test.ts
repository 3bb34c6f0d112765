import { describe, expect, it } from 'vitest';
import { discordError } from '../../notifiers/discord-errors.ts';
import type { HttpAnswer } from '../../notifiers/http.ts';

function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    ok: false,
    status,
    statusText: '',
    headers: { get: (name) => headers[name.toLowerCase()] ?? null },
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  };
}

const FORM_ERRORS = {
  message: 'Invalid Form Body',
  code: 50035,
  errors: {
    content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
    embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } },
  },
};

describe('Discord answers as NotifyErrors', () => {
  const limited = (retryAfter: number, global = false) => ({ message: 'You are being rate limited.', retry_after: retryAfter, global });
  it.each([
    ['retry_after in the body first', answer(429, limited(0.25), { 'x-ratelimit-reset-after': '2', 'retry-after': '3' }), 250, /unnamed/],
    ['then X-RateLimit-Reset-After', answer(429, '', { 'x-ratelimit-reset-after': '1.5', 'x-ratelimit-bucket': 'ab' }), 1500, /bucket ab/],
    ['then Retry-After', answer(429, 'busy', { 'retry-after': '3' }), 3000, /retry after 3000 ms/],
    ['a global limit says so', answer(429, limited(1, true)), 1000, /global/],
  ])('a 429: %s', async (_, res, retryAfterMs, message) => {
    const err = await discordError(res);
    expect(err).toMatchObject({ code: 'RELAY_E_NOTIFY_RATE_LIMIT', retryable: true, retryAfterMs });
    expect(err.message).toMatch(message);
  });

  it('a 429 with no wait anywhere is still retryable, without a made-up delay', async () => {
    const err = await discordError(answer(429, ''));
    expect(err).toMatchObject({ code: 'RELAY_E_NOTIFY_RATE_LIMIT', retryable: true, retryAfterMs: undefined });
    expect(err.message).toBe('Discord rate limit (bucket unnamed)');
  });

  it('a refused form names each field Discord objected to, in one line, and is not retried', async () => {
    const err = await discordError(answer(400, FORM_ERRORS));
    expect(err).toMatchObject({ code: 'RELAY_E_NOTIFY_REJECTED', retryable: false });
    expect(err.message).toBe(
      'Discord answered HTTP 400: Invalid Form Body; ' +
        'content[BASE_TYPE_MAX_LENGTH]: Must be 2000 or fewer in length.; ' +
        'embeds[0].title[BASE_TYPE_MAX_LENGTH]: Must be 256 or fewer in length.',
    );
    expect(err.providerAnswer).toMatch(/^HTTP 400 50035: Invalid Form Body; /);
  });

  it.each([
    [502, '<html>Bad Gateway</html>', 'RELAY_E_NOTIFY_FAILED', true],
    [404, 'not found', 'RELAY_E_NOTIFY_REJECTED', false],
    [500, { message: 'Internal Server Error', code: 0 }, 'RELAY_E_NOTIFY_FAILED', true],
  ])('HTTP %i answered with %j: %s, retryable %s', async (status, body, code, retryable) => {
    const err = await discordError(answer(status, body));
    expect(err).toMatchObject({ code, retryable });
    expect(err.message).toMatch(new RegExp(`^Discord answered HTTP ${status}`));
  });
});
