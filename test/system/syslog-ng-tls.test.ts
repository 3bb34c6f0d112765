// Real syslog-ng forwarding over TLS with a client certificate (the shipped syslog-ng/relay-tls.conf, with
// certificates made by openssl here) alerts; a client without a certificate, with one from another CA, or
// outside allowed_peers, and plain TCP on the TLS port, are refused, and nothing they sent alerts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { makeCerts, type CertPair, type TestCerts } from '../helpers/certs.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { ROOT } from '../helpers/run-cli.ts';
import { expectEvenSeqs, forwardingSyslogNg, loggen, loggenThrough } from '../helpers/syslog-ng.ts';
import { describeWithTools } from '../helpers/tools.ts';

describeWithTools(['syslog-ng', 'syslog-ng-ctl', 'loggen', 'openssl'], 'real syslog-ng over TLS into relay', () => {
  const sink = new HttpSink();
  const dir = mkdtempSync(join(tmpdir(), 'relay-sng-tls-'));
  let certs: TestCerts;
  let app: App;
  let port: number;

  beforeAll(async () => {
    certs = makeCerts();
    await sink.start();
    const config = `
listeners:
  - name: fleet
    type: tls
    address: "127.0.0.1:0"
    cert: ${certs.server.cert}
    key: ${certs.server.key}
    ca: ${certs.ca}
    client_auth: required
    allowed_peers: [web1]
notifiers:
  sink: ${sink.url()}
rules:
  - name: even-seq
    match: { app: prg00000, message: "/seq: \\\\d*[02468],/" }
    notify: [sink]
    title: "{{peer_cert}} {{host}}"
    body: "{{message}}"
state_dir: ${dir}
`;
    app = new App(parseConfig(config, join(dir, 'config.yaml')), { log: silentLogger });
    await app.start();
    port = Number(app.sources[0]!.address().split(':').pop());
  });
  afterAll(async () => {
    await app?.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(certs.dir, { recursive: true, force: true });
  });

  const fleet = () => app.sources[0]!;

  /** A refused client's attempt: a frame that would alert (an even seq) if it ever got through. */
  function refusedTls(pair: CertPair | undefined): Promise<void> {
    return new Promise((resolve) => {
      const msg = '<13>1 2026-11-30T10:00:00Z forged prg00000 - - - seq: 0000099998, forged over tls';
      const s = tls.connect(
        {
          host: '127.0.0.1',
          port,
          ca: readFileSync(certs.ca),
          ...(pair ? { cert: readFileSync(pair.cert), key: readFileSync(pair.key) } : {}),
        },
        () => s.write(`${Buffer.byteLength(msg)} ${msg}`),
      );
      s.on('error', () => undefined);
      s.on('close', () => resolve());
    });
  }

  it('forwards with the shipped syslog-ng/relay-tls.conf and a client certificate: every matching message alerts once, named by its certificate', async () => {
    const pair = certs.client('web1');
    const snippet = readFileSync(`${ROOT}/syslog-ng/relay-tls.conf`, 'utf8')
      .replace('syslog("relay.example.net"', 'syslog("127.0.0.1"')
      .replace('port(6514)', `port(${port})`)
      .replace('/etc/syslog-ng/relay/relay-ca.crt', certs.ca)
      .replace('/etc/syslog-ng/relay/host.crt', pair.cert)
      .replace('/etc/syslog-ng/relay/host.key', pair.key)
      .replace('dir("/var/lib/syslog-ng")', 'dir("@DIR@")');
    const { sng, port: sngPort } = await forwardingSyslogNg(snippet);
    try {
      const n = 200;
      await loggen(loggenThrough(sngPort, n));
      await vi.waitFor(
        () => {
          expect(fleet().stats().received).toBeGreaterThanOrEqual(n);
          expect(app.dispatcher.stats.queued).toBe(0);
          expect(sink.received.length).toBeGreaterThanOrEqual(n / 2);
        },
        { timeout: 20_000, interval: 20 },
      );
      const alerts = sink.json<{ title: string; message: string }>();
      expectEvenSeqs(
        alerts.map((a) => a.message),
        n,
      );
      expect(alerts.every((a) => a.title.startsWith('web1 '))).toBe(true);
      expect(fleet().stats().handshakeFailures).toBe(0);
    } finally {
      await sng.stop();
    }
  });

  it('refuses no certificate, an untrusted one, one outside allowed_peers and plain TCP; none of them alerts', async () => {
    const before = sink.received.length;
    const received = fleet().stats().received;
    await refusedTls(undefined);
    await refusedTls(certs.rogue('web1'));
    await refusedTls(certs.client('intruder'));
    await new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () =>
        s.write('<13>1 2026-11-30T10:00:00Z forged prg00000 - - - seq: 0000099996, forged plain\n'),
      );
      s.on('error', () => undefined);
      s.on('close', () => resolve());
    });
    await vi.waitFor(() => expect(fleet().stats().handshakeFailures).toBe(4), { timeout: 10_000, interval: 20 });
    // Not one frame of theirs became an event, so none can alert later either.
    expect(fleet().stats().received).toBe(received);
    expect(app.dispatcher.stats.queued).toBe(0);
    expect(sink.received.length).toBe(before);
    expect(sink.json<{ message: string }>().filter((a) => a.message.includes('forged'))).toEqual([]);
  });
});
