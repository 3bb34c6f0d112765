// Apprise's built-in mail providers: a provider's domain in a mailto(s):// URL sends through that provider's
// submission server, port, TLS mode and login form. Each case really sends: the SMTP dialer resolves the
// provider's server name to a loopback capture (STARTTLS for 587, TLS from the first byte for 465) and
// records the name and port relay asked for.
import { connect, type LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_PROVIDERS } from '../../notifiers/mail-providers.ts';
import { createNotifier, parseNotifierUrl } from '../../notifiers/registry.ts';
import { useSmtpDial } from '../../notifiers/smtp-dial.ts';
import { startSmtp, type FakeSmtp } from './servers/smtp.ts';

interface Case {
  url: string;
  host: string;
  port: number;
  mode: 'starttls' | 'ssl';
  login: string;
}

// Written out, not derived from the table: what Apprise's templates say each domain means.
const CASES: Case[] = [
  { url: 'mailtos://alice:pw@gmail.com', host: 'smtp.gmail.com', port: 587, mode: 'starttls', login: 'alice@gmail.com' },
  { url: 'mailto://alice:pw@gmail.com', host: 'smtp.gmail.com', port: 587, mode: 'starttls', login: 'alice@gmail.com' },
  { url: 'mailtos://alice:pw@yandex.ru', host: 'smtp.yandex.ru', port: 465, mode: 'ssl', login: 'alice' },
  { url: 'mailtos://alice%40yandex.com:pw@yandex.com', host: 'smtp.yandex.ru', port: 465, mode: 'ssl', login: 'alice' },
  { url: 'mailtos://alice:pw@hotmail.com', host: 'smtp-mail.outlook.com', port: 587, mode: 'starttls', login: 'alice@hotmail.com' },
  { url: 'mailtos://alice:pw@live.com.au', host: 'smtp-mail.outlook.com', port: 587, mode: 'starttls', login: 'alice@live.com.au' },
  { url: 'mailtos://alice:pw@outlook.com', host: 'smtp.outlook.com', port: 587, mode: 'starttls', login: 'alice@outlook.com' },
  {
    url: 'mailtos://alice%40contoso.com:pw@office365.com?from=alice@contoso.com',
    host: 'smtp.office365.com',
    port: 587,
    mode: 'starttls',
    login: 'alice@contoso.com',
  },
  { url: 'mailtos://alice:pw@yahoo.com', host: 'smtp.mail.yahoo.com', port: 465, mode: 'ssl', login: 'alice@yahoo.com' },
  { url: 'mailtos://alice:pw@yahoo.ca', host: 'smtp.mail.yahoo.com', port: 465, mode: 'ssl', login: 'alice@yahoo.ca' },
  { url: 'mailtos://alice:pw@gmx.de', host: 'mail.gmx.com', port: 587, mode: 'starttls', login: 'alice@gmx.de' },
  { url: 'mailtos://alice:pw@fastmail.com', host: 'smtp.fastmail.com', port: 465, mode: 'ssl', login: 'alice@fastmail.com' },
  { url: 'mailtos://alice:pw@sent.com', host: 'smtp.fastmail.com', port: 465, mode: 'ssl', login: 'alice@sent.com' },
  { url: 'mailtos://alice:pw@zoho.com', host: 'smtp.zoho.com', port: 587, mode: 'starttls', login: 'alice@zoho.com' },
  { url: 'mailtos://alice:pw@zohomail.com', host: 'smtp.zoho.com', port: 587, mode: 'starttls', login: 'alice@zohomail.com' },
  {
    url: 'mailtos://apikey:pw@sendgrid.com?from=alerts@example.com',
    host: 'smtp.sendgrid.net',
    port: 465,
    mode: 'ssl',
    login: 'apikey',
  },
  { url: 'mailtos://alice:pw@163.com', host: 'smtp.163.com', port: 465, mode: 'ssl', login: 'alice@163.com' },
  { url: 'mailtos://alice:pw@qq.com', host: 'smtp.qq.com', port: 587, mode: 'starttls', login: 'alice@qq.com' },
  { url: 'mailtos://alice:pw@foxmail.com', host: 'smtp.qq.com', port: 587, mode: 'starttls', login: 'alice@foxmail.com' },
  { url: 'mailtos://alice:pw@comcast.net', host: 'smtp.comcast.net', port: 465, mode: 'ssl', login: 'alice@comcast.net' },
  // What the URL says wins over the table: ?mode= (with its port), a port, ?smtp= (the table is off).
  { url: 'mailtos://alice:pw@gmail.com?mode=ssl', host: 'smtp.gmail.com', port: 465, mode: 'ssl', login: 'alice@gmail.com' },
  { url: 'mailtos://alice:pw@gmail.com:465?mode=ssl', host: 'smtp.gmail.com', port: 465, mode: 'ssl', login: 'alice@gmail.com' },
  { url: 'mailtos://alice:pw@yahoo.com?mode=starttls', host: 'smtp.mail.yahoo.com', port: 587, mode: 'starttls', login: 'alice@yahoo.com' },
  { url: 'mailtos://alice:pw@gmail.com?smtp=mx.example.net', host: 'mx.example.net', port: 587, mode: 'starttls', login: 'alice' },
];

/** Every provider server name (and the hosts the override cases name) is at 127.0.0.1 for these tests. */
const loopback: LookupFunction = (_host, opts, done) => {
  if (opts.all) done(null, [{ address: '127.0.0.1', family: 4 }]);
  else done(null, '127.0.0.1', 4);
};

describe('mailto(s):// to a provider in the table', () => {
  let starttls: FakeSmtp;
  let tls: FakeSmtp;
  const dialled: string[] = [];
  let restore: () => void;
  beforeAll(async () => {
    [starttls, tls] = await Promise.all([startSmtp({ pass: 'pw' }), startSmtp({ pass: 'pw' }, { implicitTls: true })]);
    restore = useSmtpDial((host, port) => {
      dialled.push(`${host}:${port}`);
      return connect({ host, port: port === 465 ? tls.port : starttls.port, lookup: loopback });
    });
  });
  afterAll(async () => {
    restore();
    await Promise.all([starttls.close(), tls.close()]);
  });

  it.each(CASES)('$url → $host:$port ($mode), login $login', async ({ url, host, port, mode, login }) => {
    const capture = mode === 'ssl' ? tls : starttls;
    const before = capture.mails.length;
    // The capture's certificate is for 127.0.0.1, not the provider's name; checking it is mailto.test.ts's job.
    await createNotifier('m', `${url}${url.includes('?') ? '&' : '?'}verify=no`).send({ title: 't', body: 'b', type: 'info' });
    expect(dialled.at(-1)).toBe(`${host}:${port}`);
    expect(capture.mails.length).toBe(before + 1);
    expect(capture.mails.at(-1)).toMatchObject({ secure: true, servername: host, user: login });
  });

  it('mailtos://alice:pw@gmail.com sends as alice@gmail.com to alice@gmail.com', async () => {
    await createNotifier('m', 'mailtos://alice:pw@gmail.com?verify=no').send({ title: 'sudo on web1', body: 'bob ran id', type: 'info' });
    expect(starttls.mails.at(-1)).toMatchObject({ from: 'alice@gmail.com', to: ['alice@gmail.com'] });
    expect(starttls.mails.at(-1)!.raw).toContain('Subject: sudo on web1');
  });

  it('covers every provider in the table', () => {
    const domains = CASES.map((c) => parseNotifierUrl(c.url).config as { domain: string; smtp?: string })
      .filter((c) => c.smtp === undefined)
      .map((c) => c.domain);
    expect(MAIL_PROVIDERS.filter((p) => !domains.some((d) => p.domains.test(d))).map((p) => p.name)).toEqual([]);
  });

  it.each(['mailtos://apikey:KEY@sendgrid.com', 'mailtos://alice:pw@office365.com'])('%s without from= is refused', (url) => {
    expect(() => parseNotifierUrl(url)).toThrow(/sends only as an address it verified: give from=/);
  });
});
