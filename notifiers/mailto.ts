// mailto:// and mailtos:// — email through nodemailer over SMTP. mailto is plain SMTP (port 25);
// mailtos is STARTTLS (587) or, with mode=ssl, TLS from the first byte (465). A known provider's domain
// (gmail.com, outlook.com, …) picks its server, port, TLS mode and login form (mail-providers.ts), as in Apprise.
// HTML mail escapes log text.
// A message for one person (notify_person) is addressed to that person's directory address alone.
import { mailError } from './mailto-errors.ts';
import { mailProvider, smtpServer, type MailServerChoice } from './mail-providers.ts';
import { dialSmtp } from './smtp-dial.ts';
import { escapeHtml } from './text-escape.ts';
import type { Message, NotifierModule } from './types.ts';
import {
  boolParam,
  choiceParam,
  enc,
  hostPort,
  intParam,
  invalid,
  MASK,
  password,
  port,
  requireHost,
  segments,
  textParam,
  username,
  query,
} from './url-fields.ts';

interface MailConfig extends MailServerChoice {
  password?: string;
  from: string;
  name?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  reply?: string;
  format: 'text' | 'html';
  /** Check the server's certificate (Apprise's verify=). */
  verify: boolean;
}

const ADDRESS = /^[^\s@<>,]+@[^\s@<>,]+$/;
const TIMEOUT_MS = 10_000;

export const mailtoNotifier: NotifierModule<MailConfig> = {
  service: 'Email (SMTP)',
  schemes: ['mailto', 'mailtos'],
  forms: ['mailto://user:password@domain[:port][/to@example.com]', 'mailtos://user:password@domain[:port][/to1/to2][?mode=starttls|ssl]'],
  options: [
    'to=',
    'cc=',
    'bcc=',
    'from=',
    'name=',
    'reply=',
    'smtp=HOST',
    'port=N',
    'mode=starttls|ssl (mailtos)',
    'format=text|html',
    'verify=yes|no',
  ],
  limits: { title: 998, body: 100_000, unit: 'utf16' },
  reachesPeople: (_c, person) => person.email !== undefined && ADDRESS.test(person.email),
  parse(url) {
    const secure = url.protocol === 'mailtos:';
    if (!secure && url.searchParams.has('mode')) invalid('mode= needs mailtos:// (mailto:// is plain SMTP)');
    const mode = url.searchParams.get('mode') ? choiceParam(url, 'mode', ['starttls', 'ssl'] as const, 'starttls') : undefined;
    const domain = requireHost(url, 'a domain (mailto://user:password@domain)');
    const user = username(url);
    const from =
      textParam(url, 'from') ??
      (user ? (user.includes('@') ? user : `${user}@${domain}`) : invalid('mailto:// needs a user or from= to send as'));
    const to = [...segments(url), ...list(url, 'to')];
    const smtp = textParam(url, 'smtp');
    const provider = smtp === undefined ? mailProvider(domain) : undefined;
    if (provider?.needsFrom && !textParam(url, 'from')) invalid(`${provider.name} sends only as an address it verified: give from=`);
    const config: MailConfig = {
      // `?smtp=HOST&port=N` as Apprise writes it: the port belongs to the SMTP server, not to the domain.
      secure,
      ...(mode ? { mode } : {}),
      user,
      password: password(url),
      domain,
      port: port(url) ?? intParam(url, 'port', 1, 65_535),
      smtp,
      from,
      name: textParam(url, 'name'),
      to: to.length ? to : [bare(from)],
      cc: list(url, 'cc'),
      bcc: list(url, 'bcc'),
      reply: textParam(url, 'reply'),
      format: choiceParam(url, 'format', ['text', 'html'] as const, 'text'),
      verify: boolParam(url, 'verify', true),
    };
    for (const a of [bare(config.from), ...config.to, ...config.cc, ...config.bcc, ...(config.reply ? [config.reply] : [])]) {
      if (!ADDRESS.test(a)) invalid(`${JSON.stringify(a)} is not an email address`);
    }
    return config;
  },
  toUrl(c, { mask }) {
    const auth = c.user ? `${enc(c.user)}${c.password ? ':' + (mask ? MASK : enc(c.password)) : ''}@` : '';
    const path = c.to.map((a) => `/${enc(a)}`).join('');
    const derived = c.user ? (c.user.includes('@') ? c.user : `${c.user}@${c.domain}`) : undefined;
    return `${c.secure ? 'mailtos' : 'mailto'}://${auth}${hostPort(c.domain, c.port)}${path}${query({
      mode: c.mode,
      from: c.from === derived ? undefined : c.from,
      name: c.name,
      smtp: c.smtp,
      reply: c.reply,
      cc: c.cc.join(',') || undefined,
      bcc: c.bcc.join(',') || undefined,
      format: c.format === 'text' ? undefined : c.format,
      verify: c.verify ? undefined : false,
    })}`;
  },
  async send(c, m, ctx) {
    const { default: nodemailer } = await import('nodemailer');
    const server = smtpServer(c);
    const transport = nodemailer.createTransport({
      host: server.host,
      port: server.port,
      secure: server.mode === 'ssl',
      requireTLS: server.mode === 'starttls',
      // Plain mailto:// means plain: no opportunistic STARTTLS that could fail on a bad certificate.
      ignoreTLS: server.mode === 'insecure',
      getSocket: (_opts, done) => done(null, { connection: dialSmtp(server.host, server.port) }),
      auth: server.user ? { user: server.user, pass: c.password ?? '' } : undefined,
      tls: { rejectUnauthorized: c.verify },
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
    // nodemailer takes no AbortSignal; closing the transport ends the session and fails the send.
    const abort = () => transport.close();
    ctx.signal?.addEventListener('abort', abort, { once: true });
    try {
      ctx.signal?.throwIfAborted();
      await transport.sendMail({
        from: c.name ? { name: c.name, address: bare(c.from) } : c.from,
        // A message for one person goes to that person only: no configured to, cc or bcc sees it (or its answer links).
        ...(m.recipient ? { to: [m.recipient.email!] } : { to: c.to, cc: c.cc, bcc: c.bcc }),
        replyTo: c.reply,
        subject: m.title,
        text: m.body,
        html: c.format === 'html' ? html(m) : undefined,
      });
    } catch (e) {
      throw mailError(e, ctx.signal);
    } finally {
      ctx.signal?.removeEventListener('abort', abort);
      transport.close();
    }
  },
};

function html(m: Message): string {
  return `<html><body><h3>${escapeHtml(m.title)}</h3><p>${escapeHtml(m.body).replace(/\r?\n/g, '<br>\n')}</p></body></html>`;
}

function list(url: URL, name: string): string[] {
  return (url.searchParams.get(name) ?? '').split(/[\s,;]+/).filter(Boolean);
}

/** The address inside `Name <addr>`, or the string itself. */
function bare(from: string): string {
  return /<([^>]+)>\s*$/.exec(from)?.[1] ?? from;
}
