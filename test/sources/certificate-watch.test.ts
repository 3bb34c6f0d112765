// relay's own certificate on a TLS listener: said when loaded and when a reload brings a renewed one (never
// only "config unchanged"), and warned about from 14 days before it expires, then as expired.
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { CertificateWatch, EXPIRY_WARNING_MS } from '../../src/sources/certificate-watch.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { makeCerts } from '../helpers/certs.ts';

const certs = makeCerts();
afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));
const expiry = (file: string) => Date.parse(new X509Certificate(readFileSync(file)).validTo);

it('says the certificate it loaded, and a renewed one by its new serial', () => {
  const logged = captureLog('info');
  const watch = new CertificateWatch(logged.log);
  watch.loaded(certs.server.cert);
  const first = watch.current!;
  const renewed = certs.renewServer();
  watch.loaded(renewed.cert);
  watch.loaded(renewed.cert);
  watch.stop();
  expect(logged.at('info').map((l) => [l.msg, l.serial, l.replaced])).toEqual([
    ['TLS certificate loaded', first.serial, undefined],
    ['TLS certificate renewed', watch.current!.serial, first.serial],
  ]);
  expect(watch.current!.expiresAt).toBe(expiry(renewed.cert));
  expect(logged.at('warn')).toEqual([]);
});

it('warns from 14 days before expiry, and once it has expired', () => {
  const expires = expiry(certs.server.cert);
  let now = expires - EXPIRY_WARNING_MS - 1;
  const logged = captureLog('info');
  const watch = new CertificateWatch(logged.log, () => now);
  watch.loaded(certs.server.cert);
  expect(logged.at('warn')).toEqual([]);
  now = expires - 3 * 24 * 3600_000;
  watch.check();
  now = expires + 1;
  watch.check();
  watch.stop();
  expect(logged.at('warn').map((l) => l.msg)).toEqual([
    'TLS certificate expires in 3 days: renew it, then reload',
    'TLS certificate has expired: senders will refuse it',
  ]);
});
