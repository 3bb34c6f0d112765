// Names the underlying cause of a failure in one line a sysadmin can act on. Node's fetch, @slack/web-api
// and nodemailer wrap the real reason (`fetch failed` → `connect ECONNREFUSED 127.0.0.1:8080`) in `cause`;
// test-url, the dispatcher's logs and the outbox's last_error all print what this returns. The text passes
// the redactor: a secret host or token in a socket error is masked.
import { redact } from './redactor.ts';

interface Failure {
  message?: unknown;
  name?: unknown;
  code?: unknown;
  /** nodemailer's: the system's code (ECONNREFUSED) under its own (ESOCKET). */
  originalCode?: unknown;
  cause?: unknown;
  errors?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
}

/** Wrappers that say only that something below failed. */
const GENERIC = new Set(['fetch failed', 'terminated']);

export function describeError(e: unknown): string {
  const chain: unknown[] = [];
  for (let layer: unknown = e; layer !== undefined && layer !== null && chain.length < 8; layer = (layer as Failure).cause) {
    chain.push(layer);
  }
  // From the innermost cause outwards: an outer layer that already says it is kept instead, one that adds
  // context is put in front, a generic one is dropped.
  let text = '';
  let innerMessage = '';
  for (const layer of chain.reverse()) {
    const own = describeLayer(layer);
    if (text === '' || own.includes(text) || (innerMessage !== '' && own.includes(innerMessage))) text = own;
    else if (!GENERIC.has(own)) text = `${own}: ${text}`;
    innerMessage = typeof (layer as Failure)?.message === 'string' ? ((layer as Failure).message as string).trim() : '';
  }
  return redact(text);
}

function describeLayer(layer: unknown): string {
  if (typeof layer !== 'object' || layer === null) return String(layer);
  const f = layer as Failure;
  // Happy eyeballs tries every address of a name; each refusal is its own error.
  if (Array.isArray(f.errors) && f.errors.length > 0) return [...new Set(f.errors.map(describeLayer))].join('; ');
  const message = typeof f.message === 'string' ? f.message.trim() : String(layer);
  // relay's own codes (RELAY_E_…) are for programs; the message already says it to people.
  const own = typeof f.originalCode === 'string' ? f.originalCode : f.code;
  const code = typeof own === 'string' && !own.startsWith('RELAY_E_') ? own : undefined;
  if (f.name === 'TimeoutError') return 'timed out';
  if (!code) return message;
  const peer = typeof f.address === 'string' ? ` ${f.address}${typeof f.port === 'number' ? `:${f.port}` : ''}` : '';
  const host = typeof f.hostname === 'string' ? ` ${f.hostname}` : '';
  // node:http's words for a connection closed before the answer, and for a TLS failure (EPROTO + OpenSSL's text).
  if (code === 'ECONNRESET' && message === 'socket hang up') return `the server closed the connection without answering (ECONNRESET)`;
  if (code === 'EPROTO' && /SSL routines/.test(message)) return `TLS: ${opensslReason(message)} (EPROTO)`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by${peer} (ECONNREFUSED: nothing listens there)`;
    case 'ENOTFOUND':
      return `DNS: no such host${host} (ENOTFOUND)`;
    case 'EAI_AGAIN':
      return `DNS: lookup of${host} failed for now (EAI_AGAIN)`;
    case 'ECONNRESET':
      return `connection reset by${peer || ' the server'} (ECONNRESET)`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connecting${peer} timed out (${code})`;
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `the server did not answer in time (${code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to${peer || ' the host'} (${code})`;
    case 'UND_ERR_SOCKET':
      return `the server closed the connection: ${message} (UND_ERR_SOCKET)`;
  }
  if (/CERT|SSL|TLS/.test(code)) return `TLS: ${opensslReason(message)} (${code})`;
  return message.includes(code) ? message : `${message} (${code})`;
}

/** OpenSSL's messages end in `:reason:file.c:line:`; the reason is the part a person can read. */
function opensslReason(message: string): string {
  const m = /:([^:]+):[^:]*\.c:\d+:?\s*$/.exec(message);
  return m ? m[1]! : message;
}
