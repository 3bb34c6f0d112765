import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import { startSmtp, type FakeSmtp } from './servers/smtp.ts';
import { urlTable } from './url-table.ts';

urlTable(
  'Email (SMTP)',
  [
    {
      url: 'mailto://alerts:pw1@example.com',
      config: { secure: false, from: 'alerts@example.com', to: ['alerts@example.com'], domain: 'example.com' },
      secrets: ['pw1'],
    },
    {
      url: 'mailtos://alerts:pw1@example.com/ops@example.com/dev@example.com?cc=a@x.org,b@x.org&bcc=c@x.org&from=Relay%20<relay@example.com>&reply=r@x.org',
      config: {
        secure: true,
        to: ['ops@example.com', 'dev@example.com'],
        cc: ['a@x.org', 'b@x.org'],
        bcc: ['c@x.org'],
        from: 'Relay <relay@example.com>',
        reply: 'r@x.org',
      },
      secrets: ['pw1'],
    },
    {
      url: 'mailtos://me:pw@example.com:2465?mode=ssl&smtp=smtp.example.net&to=ops+pager@example.com&format=html&name=Relay',
      config: { mode: 'ssl', port: 2465, smtp: 'smtp.example.net', to: ['ops+pager@example.com'], format: 'html', name: 'Relay' },
      secrets: ['pw'],
    },
    { url: 'mailto://example.com?from=relay@example.com&verify=no', config: { from: 'relay@example.com', verify: false } },
    {
      url: 'mailto://me:pw@example.com?smtp=smtp.example.net&port=2525',
      config: { domain: 'example.com', smtp: 'smtp.example.net', port: 2525 },
      secrets: ['pw'],
    },
  ],
  [
    ['mailto://me:pw@example.com?smtp=smtp.example.net&port=99999', /port=99999/],
    ['mailto://example.com', /needs a user or from=/],
    ['mailto://u:p@example.com?mode=ssl', /needs mailtos/],
    ['mailtos://u:p@example.com?mode=tls', /mode=tls/],
    ['mailto://u:p@example.com/not-an-address', /"not-an-address" is not an email address/],
  ],
);

describe('email through nodemailer to a loopback SMTP server', () => {
  let smtp: FakeSmtp;
  beforeAll(async () => {
    smtp = await startSmtp({ user: 'alerts', pass: 's3cret' });
  });
  afterAll(() => smtp.close());
  const message = { title: 'sudo on web1', body: 'bob ran id', type: 'warning' as const };
  const at = (query: string, scheme = 'mailto', to = 'ops@example.com') =>
    `${scheme}://alerts:s3cret@127.0.0.1:${smtp.port}/${to}?from=relay@example.com&${query}`;

  it('plain mailto:// authenticates and delivers subject and body', async () => {
    await createNotifier('m', at('cc=cc@example.com')).send(message);
    const mail = smtp.mails.at(-1)!;
    expect(mail).toMatchObject({ from: 'relay@example.com', to: ['ops@example.com', 'cc@example.com'], secure: false, user: 'alerts' });
    expect(mail.raw).toContain('Subject: sudo on web1');
    expect(mail.raw).toContain('bob ran id');
  });

  it('?smtp=HOST&port=N sends to that server on that port, whatever the domain', async () => {
    await createNotifier(
      'm',
      `mailto://alerts:s3cret@example.com/ops@example.com?from=relay@example.com&smtp=127.0.0.1&port=${smtp.port}`,
    ).send(message);
    expect(smtp.mails.at(-1)).toMatchObject({ from: 'relay@example.com', to: ['ops@example.com'], user: 'alerts' });
  });

  it('mailtos:// upgrades with STARTTLS before sending (self-signed certificate, verify=no)', async () => {
    await createNotifier('m', at('verify=no', 'mailtos')).send(message);
    expect(smtp.mails.at(-1)!.secure).toBe(true);
  });

  it('mailtos:// checks the certificate by default, so a self-signed one fails', async () => {
    const err = await createNotifier('m', at('', 'mailtos'))
      .send(message)
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'RELAY_E_NOTIFY_FAILED' });
  });

  it('a 4xx answer (greylisting) is retryable', async () => {
    const err = await createNotifier('m', at('', 'mailto', 'greylist@example.com'))
      .send(message)
      .catch((e) => e);
    expect(err).toMatchObject({ retryable: true, code: 'RELAY_E_NOTIFY_FAILED' });
    expect(err.message).toContain('451');
  });

  it('a 5xx answer is not retryable', async () => {
    const err = await createNotifier('m', at('', 'mailto', 'nobody@example.com'))
      .send(message)
      .catch((e) => e);
    expect(err).toMatchObject({ retryable: false, code: 'RELAY_E_NOTIFY_REJECTED' });
    expect(err.message).toContain('550');
  });

  it('a wrong password is not retryable', async () => {
    const url = `mailto://alerts:wrong@127.0.0.1:${smtp.port}/ops@example.com`;
    await expect(createNotifier('m', url).send(message)).rejects.toMatchObject({ retryable: false });
  });
});
