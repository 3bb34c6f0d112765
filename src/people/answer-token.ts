// Answer tokens: what an answer link and a Slack button carry. A token names the question, the person asked,
// the answer and when it expires, signed with HMAC-SHA256 under answers.secret; relay accepts it only when
// the signature holds (constant-time compare), it has not expired, and its question still waits for that
// person's answer — so a token answers once, for its own question, before its deadline.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Answer = 'yes' | 'no';

export interface TokenClaims {
  /** Question id. */
  q: string;
  /** The user name asked. */
  u: string;
  a: Answer;
  /** Expiry, epoch ms. */
  e: number;
}

/** Domain separation: a MAC made for anything else relay may sign one day never passes as an answer. */
const CONTEXT = 'relay-answer-v1\n';

export function signToken(secret: string, claims: TokenClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; why: 'malformed' | 'bad signature' };

/** The claims of a token whose signature holds; expiry and use are the caller's to check against its state. */
export function verifyToken(secret: string, token: string): TokenCheck {
  const m = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, why: 'malformed' };
  // The text is compared, not the decoded bytes: a 43-character signature's last character carries two
  // bits decoding ignores, so another text with the same bytes would otherwise pass as the same token.
  const expected = Buffer.from(mac(secret, m[1]!), 'latin1');
  const given = Buffer.from(m[2]!, 'latin1');
  if (!timingSafeEqual(given, expected)) return { ok: false, why: 'bad signature' };
  try {
    const claims = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as TokenClaims;
    if (
      typeof claims.q !== 'string' ||
      typeof claims.u !== 'string' ||
      (claims.a !== 'yes' && claims.a !== 'no') ||
      typeof claims.e !== 'number'
    )
      return { ok: false, why: 'malformed' };
    return { ok: true, claims };
  } catch {
    return { ok: false, why: 'malformed' };
  }
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(CONTEXT).update(payload).digest('base64url');
}
