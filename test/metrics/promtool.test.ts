// Prometheus's own linter on a real scrape: a relay App with a listener of each type, an HTTP endpoint with a
// token and a notifier, given traffic until every relay_ family has samples, then GET /metrics piped through
// `promtool check metrics` (Debian package `prometheus`), which must find nothing. Without promtool the test
// is skipped, and under CI=true it fails (tools.ts).
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { makeCerts, type TestCerts } from '../helpers/certs.ts';
import type { HttpSink } from '../helpers/http-sink.ts';
import { connect, sendTcp } from '../helpers/net.ts';
import { describeWithTools } from '../helpers/tools.ts';
import { startLoopbackApp, type LoopbackApp } from '../http/loopback-app.ts';
import { closed } from '../sources/loopback.ts';

const WAIT = { timeout: 10_000 };
const TOKEN = 'promtool-test-token-0123456789';

describeWithTools(['promtool'], 'promtool check metrics on /metrics', () => {
  let dir: string;
  let certs: TestCerts;
  let t: LoopbackApp;
  let sink: HttpSink;
  let app: App;
  let text: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-promtool-'));
    certs = makeCerts();
    t = await startLoopbackApp(
      (s) => `
listeners:
  - { name: udp, type: udp, address: "127.0.0.1:0", max_message_size: 200 }
  - { name: tcp, type: tcp, address: "127.0.0.1:0" }
  - { name: tls, type: tls, address: "127.0.0.2:0", cert: ${certs.server.cert}, key: ${certs.server.key}, client_auth: none }
  - { name: sock, type: unix, address: ${join(dir, 'in.sock')}, allow_uids: [] }
notifiers: { hook: "${s.url()}" }
rules:
  - { name: nginx, match: { app: nginx }, notify: [hook], title: "{{message}}" }
  - { name: ssh, match: { app: sshd, fields.event: login_failed }, notify: [hook] }
  - { name: grouped, match: { app: grp }, notify: [hook], group_by: [host], group_wait: 1h, title: "{{host}}" }
limits: { keys_per_rule: 1 }
http: { address: "127.0.0.3:0", tokens: { ci: "${TOKEN}" } }
delivery: { shutdown_grace: 1s }`,
      { stateDir: dir },
    );
    ({ app, sink } = t);
    const [udp, tcp, tls, sock] = app.sources;
    const port = (s: typeof udp) => Number(s!.address().split(':').pop());

    const client = dgram.createSocket('udp4');
    for (const datagram of ['<13>1 - h nginx - - - over udp', 'x'.repeat(300)]) {
      await new Promise<void>((r) => client.send(datagram, port(udp), '127.0.0.1', () => r()));
    }
    client.close();
    await sendTcp(
      port(tcp),
      '<13>1 - web1 grp - - - one\n<13>1 - web2 grp - - - two\n<13>1 - h nginx - - - nginx died\n<38>1 - h sshd - - - Server listening on :: port 22.\nnot syslog\n1x\n',
    );
    const plain = await connect({ host: '127.0.0.2', port: port(tls) });
    plain.end('<13>1 - h app - - - plain TCP on the TLS port\n');
    await closed(plain);
    const unix = await connect({ path: sock!.address() });
    unix.end('{"message":"json"}\nnot json\n');
    const posted = await fetch(`http://${app.httpAddress}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"app":"other","message":"m"}',
    });
    expect(posted.status).toBe(200);
    await vi.waitFor(() => {
      expect(app.sources.map((s) => s.stats().received)).toEqual([1, 5, 0, 1]);
      expect(tls!.stats().handshakeFailures).toBe(1);
    }, WAIT);
    await sink.waitFor(2);
    text = await (await fetch(`http://${app.httpAddress}/metrics`)).text();
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(certs.dir, { recursive: true, force: true });
  });

  it("counts an sshd line no sshd shape matches under sshd's name", () => {
    expect(text).toMatch(/^relay_parse_unknown_total\{app="sshd"\} 1$/m);
  });

  it('scrapes every relay_ family with samples', () => {
    const families = [...text.matchAll(/^# TYPE (relay_\w+) /gm)].map((m) => m[1]!);
    const empty = families.filter((f) => !new RegExp(`^${f}(\\{| )`, 'm').test(text));
    expect(families.length).toBeGreaterThan(30);
    expect(empty).toEqual([]);
  });

  it('passes promtool check metrics', async () => {
    const { code, output } = await promtool(text);
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});

function promtool(input: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('promtool', ['check', 'metrics'], (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, output: `${stdout}${stderr}`.trim() });
    });
    child.stdin!.end(input);
  });
}
