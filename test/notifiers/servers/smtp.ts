// A loopback SMTP server (smtp-server) with a throwaway self-signed certificate for STARTTLS (or, with
// implicitTls, TLS from the first byte as on port 465). It records each message with whether the session was
// encrypted and the server name the client asked for, and answers RCPT TO for `greylist@…` with 451 and
// `nobody@…` with 550, as real servers do.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface Mail {
  from: string;
  to: string[];
  secure: boolean;
  /** The TLS server name (SNI) the client asked for. */
  servername?: string;
  user?: string;
  raw: string;
}

export interface FakeSmtp {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'relay-smtp-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** `login.user` undefined: any user with the password logs in (a provider-table test names many). */
export async function startSmtp(login: { user?: string; pass: string }, opts: { implicitTls?: boolean } = {}): Promise<FakeSmtp> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    ...selfSigned(),
    secure: opts.implicitTls ?? false,
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if ((login.user === undefined || auth.username === login.user) && auth.password === login.pass) cb(null, { user: auth.username });
      else cb(reply(535, 'Authentication credentials invalid'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('greylist@')) cb(reply(451, 'Greylisted, please try again later'));
      else if (address.address.startsWith('nobody@')) cb(reply(550, 'No such user here'));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          servername: session.servername || undefined,
          user: session.user as string | undefined,
          // Undo quoted-printable soft line breaks so tests can read the text.
          raw: Buffer.concat(chunks).toString('utf8').replace(/=\r\n/g, ''),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
