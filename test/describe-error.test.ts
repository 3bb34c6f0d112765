import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeError } from '../src/describe-error.ts';
import { ErrorCodes, NotifyError } from '../src/errors.ts';
import { httpSend } from '../notifiers/http.ts';
import { createNotifier } from '../notifiers/registry.ts';
import { redactor } from '../src/redactor.ts';
import { freePort } from './helpers/net.ts';

/** An error shaped as Node's socket and DNS layers make them. */
function sysError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}
const wrapped = (cause: unknown): Error => new TypeError('fetch failed', { cause });

describe('describeError', () => {
  it.each([
    [
      'a refused connection',
      wrapped(sysError('connect ECONNREFUSED 127.0.0.1:8080', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 8080 })),
      'connection refused by 127.0.0.1:8080 (ECONNREFUSED: nothing listens there)',
    ],
    [
      'an unknown host',
      wrapped(sysError('getaddrinfo ENOTFOUND hooks.example.invalid', { code: 'ENOTFOUND', hostname: 'hooks.example.invalid' })),
      'DNS: no such host hooks.example.invalid (ENOTFOUND)',
    ],
    [
      'a DNS server that did not answer',
      wrapped(sysError('getaddrinfo EAI_AGAIN hooks.example.com', { code: 'EAI_AGAIN', hostname: 'hooks.example.com' })),
      'DNS: lookup of hooks.example.com failed for now (EAI_AGAIN)',
    ],
    [
      'an expired certificate',
      wrapped(sysError('certificate has expired', { code: 'CERT_HAS_EXPIRED' })),
      'TLS: certificate has expired (CERT_HAS_EXPIRED)',
    ],
    [
      'a connect timeout',
      wrapped(sysError('Connect Timeout Error', { code: 'UND_ERR_CONNECT_TIMEOUT' })),
      'connecting timed out (UND_ERR_CONNECT_TIMEOUT)',
    ],
    [
      'every address of a name refusing',
      wrapped(
        new AggregateError([
          sysError('connect ECONNREFUSED ::1:8080', { code: 'ECONNREFUSED', address: '::1', port: 8080 }),
          sysError('connect ECONNREFUSED 127.0.0.1:8080', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 8080 }),
        ]),
      ),
      'connection refused by ::1:8080 (ECONNREFUSED: nothing listens there); connection refused by 127.0.0.1:8080 (ECONNREFUSED: nothing listens there)',
    ],
    [
      'a provider answer, kept whole',
      new NotifyError(ErrorCodes.NOTIFY_REJECTED, 'provider answered HTTP 401 Unauthorized: {"message": "Invalid Webhook Token"}', {
        retryable: false,
      }),
      'provider answered HTTP 401 Unauthorized: {"message": "Invalid Webhook Token"}',
    ],
    [
      'a refusal nodemailer reports',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), {
        code: 'ESOCKET',
        originalCode: 'ECONNREFUSED',
        address: '127.0.0.1',
        port: 2525,
      }),
      'connection refused by 127.0.0.1:2525 (ECONNREFUSED: nothing listens there)',
    ],
    [
      'context around a cause',
      new Error('request to Slack failed', { cause: sysError('read ECONNRESET', { code: 'ECONNRESET' }) }),
      'request to Slack failed: connection reset by the server (ECONNRESET)',
    ],
    [
      'a wrapper that already quotes its cause',
      new Error('send failed: read ECONNRESET', { cause: sysError('read ECONNRESET', { code: 'ECONNRESET' }) }),
      'send failed: read ECONNRESET',
    ],
    ['something that is not an Error', 'boom', 'boom'],
  ])('names %s', (_what, error, text) => {
    expect(describeError(error)).toBe(text);
  });

  it('masks a secret that a socket error repeats', () => {
    redactor.add('hooks.secret-host.example');
    const e = wrapped(
      sysError('getaddrinfo ENOTFOUND hooks.secret-host.example', { code: 'ENOTFOUND', hostname: 'hooks.secret-host.example' }),
    );
    expect(describeError(e)).toBe('DNS: no such host **** (ENOTFOUND)');
  });
});

describe('a failed HTTP send names its cause', () => {
  const servers: net.Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));
  async function serve(onConnection: (s: net.Socket) => void): Promise<number> {
    const server = net.createServer(onConnection);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as net.AddressInfo).port;
  }
  const failure = async (url: string): Promise<string> => {
    const e = await httpSend({ url, method: 'POST', headers: {}, body: '{}' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(NotifyError);
    return describeError(e);
  };

  it('a closed port: ECONNREFUSED and the address', async () => {
    const port = await freePort();
    expect(await failure(`http://127.0.0.1:${port}/hook`)).toBe(
      `request failed: connection refused by 127.0.0.1:${port} (ECONNREFUSED: nothing listens there)`,
    );
  });

  it('a server that hangs up on the request', async () => {
    const port = await serve((s) => s.once('data', () => s.destroy()));
    expect(await failure(`http://127.0.0.1:${port}/hook`)).toBe(
      'request failed: the server closed the connection without answering (ECONNRESET)',
    );
  });

  it("https to a port that speaks plain text: the TLS reason, not OpenSSL's source file", async () => {
    const port = await serve((s) => s.end('HTTP/1.1 200 OK\r\n\r\n'));
    expect(await failure(`https://127.0.0.1:${port}/hook`)).toBe('request failed: TLS: wrong version number (EPROTO)');
  });

  it("an SMTP server that is not there: ECONNREFUSED, not nodemailer's ESOCKET", async () => {
    const port = await freePort();
    const mail = createNotifier('mail', `mailto://user:pw@127.0.0.1:${port}/to@example.com`);
    const e = await mail.send({ title: 't', body: 'b', type: 'info' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(describeError(e)).toBe(`SMTP delivery failed: connection refused by 127.0.0.1:${port} (ECONNREFUSED: nothing listens there)`);
  });
});
