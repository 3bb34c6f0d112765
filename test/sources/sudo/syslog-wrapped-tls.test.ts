// Sudo events forwarded over a TLS listener: believed from a verified certificate in trusted_peers, for the
// host that certificate names (or the hosts listed), or from a trusted address as on TCP; never otherwise.
import { describe, expect, it } from 'vitest';
import { TlsListener } from '../../../src/config/listener-schema.ts';
import { silentLogger } from '../../../src/log.ts';
import { syslogEvent } from '../../../src/sources/syslog-frame.ts';
import { SyslogWrappedSudo } from '../../../src/sources/sudo/syslog-wrapped.ts';

const fleet = TlsListener.parse({
  name: 'fleet-tls',
  type: 'tls',
  address: '127.0.0.1:6514',
  cert: 'server.crt',
  key: 'server.key',
  ca: 'ca.crt',
  sudo: { trusted_senders: ['10.0.9.0/24'], trusted_peers: ['web1', { peer: 'relay-gw', hosts: ['db1', 'db2'] }] },
});
const bare = TlsListener.parse({
  name: 'bare-tls',
  type: 'tls',
  address: '127.0.0.1:6515',
  cert: 'server.crt',
  key: 'server.key',
  ca: 'ca.crt',
});
const sudo = new SyslogWrappedSudo([fleet, bare], silentLogger);

const line = JSON.stringify({
  v: 1,
  event: 'accept',
  id: 'h-1-2-abcd',
  seq: 0,
  ts: '2026-05-01T10:00:00.000Z',
  host: 'localhost',
  user: 'alice',
  uid: 1000,
  pid: 42,
  command: '/bin/true',
  argv: ['/bin/true'],
});

let n = 0;
function unwrap(host: string, peerCert: string | undefined, peer = '10.0.1.7:5000', listener = 'fleet-tls') {
  // A fresh id each time: the same line twice is a resend and is dropped.
  const msg = line.replace('h-1-2-abcd', `h-1-2-${++n}`);
  const frame = Buffer.from(`<85>1 2026-05-01T10:00:00+00:00 ${host} sudo - relay-sudo [relay_sudo@32473 uid="0" via="socket"] ${msg}`);
  return sudo.unwrap(syslogEvent(frame, { listener, peer, peerCert }))!;
}

describe('sudo events over a TLS listener', () => {
  it('believes a trusted certificate for the host it names, and a listed peer for its listed hosts', () => {
    expect(unwrap('web1', 'web1')).toMatchObject({ kind: 'sudo', host: 'web1' });
    expect(unwrap('WEB1', 'web1').kind).toBe('sudo');
    expect(unwrap('db2', 'relay-gw').kind).toBe('sudo');
  });

  it('believes a trusted address as a TCP listener does, whatever the certificate', () => {
    expect(unwrap('web7', undefined, '10.0.9.3:5000').kind).toBe('sudo');
  });

  it.each([
    {
      case: 'a trusted certificate claiming another host',
      host: 'db1',
      cert: 'web1',
      reason: 'certificate web1 may not send sudo events for host db1',
    },
    { case: 'a certificate not in trusted_peers', host: 'web2', cert: 'web2', reason: 'certificate web2 is not in trusted_peers' },
    { case: 'no client certificate', host: 'web1', cert: undefined, reason: 'no verified client certificate' },
  ])('$case: kept as an ordinary event, flagged', ({ host, cert, reason }) => {
    const ev = unwrap(host, cert);
    expect(ev.kind).toBe('syslog');
    expect(ev.fields.untrusted_sudo).toBe(`sender 10.0.1.7 is not in trusted_senders; ${reason}`);
  });

  it('a tls listener without `sudo:` believes no one, verified certificate or not', () => {
    const ev = unwrap('web1', 'web1', '10.0.1.7:5000', 'bare-tls');
    expect(ev.fields.untrusted_sudo).toBe('listener bare-tls takes no sudo events (no `sudo:` with trusted_senders or trusted_peers)');
  });
});
