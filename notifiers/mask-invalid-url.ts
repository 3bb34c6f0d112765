// Prints a notifier URL that did not parse so the user can see what is wrong with it: the scheme, host, path
// and query stay visible, only what holds a secret is masked — a password, a query value named like a
// credential, a word that looks like a token, and every `${env:}`/`${file:}` value (the redactor).
import { MASK, redact } from '../src/redactor.ts';

/** Long words mixing letters and digits: webhook tokens, API keys, bot tokens. Host names have dots, so they stay. */
const TOKEN = /[A-Za-z0-9_\-+=~]{12,}/g;
const SECRET_PARAM = /([?&][^=&#]*(?:pass|secret|token|key|auth|sig)[^=&#]*=)[^&#]*/gi;

export function maskInvalidUrl(raw: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(raw);
  const masked = m ? `${m[1]}${maskAuthority(m[2]!)}${maskTokens(m[3]!).replace(SECRET_PARAM, `$1${MASK}`)}` : maskTokens(raw);
  return redact(masked);
}

/** `user:password@host:port`: the password is always a secret, the user and host only when they look like tokens. */
function maskAuthority(authority: string): string {
  const at = authority.lastIndexOf('@');
  if (at < 0) return maskTokens(authority);
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  return `${maskTokens(user)}${colon < 0 ? '' : `:${MASK}`}@${maskTokens(authority.slice(at + 1))}`;
}

function maskTokens(text: string): string {
  return text.replace(TOKEN, (word) => (/[A-Za-z]/.test(word) && /\d/.test(word) ? MASK : word));
}
