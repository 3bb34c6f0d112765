// Bearer tokens on the HTTP endpoint. A route that declares `config: { auth: 'token' }` answers 401 unless
// the request carries one of `http.tokens`' secrets — `Authorization: Bearer SECRET`, or Basic with the
// secret as password (what an `apprise://user:SECRET@host/KEY` URL sends) — and 429 with Retry-After once
// that token has used up its rate. Routes without the declaration (probes, routes that verify their callers
// another way) are left alone. The token's NAME goes on the request for logs, metrics and events; secrets
// are compared in constant time and never logged.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { ThrottleConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { TokenBucket } from '../pipeline/token-bucket.ts';
import { WarnLimiter } from '../sources/warn-limiter.ts';
import { ErrorCodes } from '../errors.ts';
import { httpError } from './http-error.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `token`: the request must carry one of http.tokens (see token-auth.ts). */
    auth?: 'token';
  }
  interface FastifyRequest {
    /** The name of the token the request carried, once checked. */
    tokenName?: string;
  }
}

interface Token {
  name: string;
  digest: Buffer;
  bucket: TokenBucket;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export function tokenAuth(tokens: Readonly<Record<string, string>>, rate: ThrottleConfig, clock: Clock, log: Logger) {
  const now = () => clock.now();
  // Digests have one length whatever the secret's, so every comparison takes the same time.
  const known: Token[] = Object.entries(tokens)
    .filter(([, secret]) => secret !== '')
    .map(([name, secret]) => ({
      name,
      digest: sha256(secret),
      bucket: new TokenBucket(rate.burst ?? rate.rate.count, rate.rate.count, rate.rate.per, now()),
    }));
  const refused = new WarnLimiter(log, 60_000, now);
  const limited = new WarnLimiter(log, 60_000, now);

  const find = (presented: string): Token | undefined => {
    const digest = sha256(presented);
    let found: Token | undefined;
    // Every token is compared, found or not: how long this takes says nothing about which one matched.
    for (const t of known) if (timingSafeEqual(t.digest, digest) && !found) found = t;
    return found;
  };

  return (server: FastifyInstance): void => {
    server.decorateRequest('tokenName', undefined);
    server.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.routeOptions.config.auth !== 'token') return;
      const presented = secretOf(request.headers.authorization);
      const token = presented === undefined ? undefined : find(presented);
      if (!token) {
        refused.warn(
          { ip: request.ip, url: request.url, why: presented === undefined ? 'no token' : 'unknown token' },
          'http request refused: no valid token',
        );
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="relay"')
          .send(
            httpError(
              401,
              ErrorCodes.HTTP_AUTH,
              presented === undefined ? 'this route needs Authorization: Bearer <token>' : 'the token is not one of http.tokens',
            ),
          );
      }
      request.tokenName = token.name;
      if (!token.bucket.take(now())) {
        const seconds = Math.max(1, Math.ceil(token.bucket.waitFor(now()) / 1000));
        limited.warn({ token: token.name, retryAfter: seconds }, 'http requests over http.rate_limit refused with 429');
        return reply
          .code(429)
          .header('retry-after', String(seconds))
          .send(httpError(429, ErrorCodes.HTTP_RATE_LIMIT, `token ${token.name} is over http.rate_limit; retry in ${seconds}s`));
      }
    });
  };
}

/** The secret in an Authorization header: Bearer's token, or Basic's password. */
function secretOf(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^\s*(bearer|basic)\s+(\S+)\s*$/i.exec(header);
  if (!m) return undefined;
  if (m[1]!.toLowerCase() === 'bearer') return m[2];
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}
