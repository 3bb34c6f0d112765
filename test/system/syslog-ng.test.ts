// End to end with Debian's real syslog-ng and loggen: every matching message becomes exactly one alert at
// a local JSON webhook, non-matching ones none.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { ROOT } from '../helpers/run-cli.ts';
import { expectEvenSeqs, forwardingSyslogNg, loggen, loggenThrough } from '../helpers/syslog-ng.ts';
import { describeWithTools } from '../helpers/tools.ts';

function relayConfig(sinkUrl: string, stateDir: string): string {
  return `
listeners:
  - { name: tcp, type: tcp, address: "127.0.0.1:0" }
  - { name: udp, type: udp, address: "127.0.0.1:0" }
notifiers:
  sink: ${sinkUrl}
rules:
  - name: even-seq
    match: { app: prg00000, message: "/seq: \\\\d*[02468],/" }
    notify: [sink]
    title: "{{listener}} {{host}}"
    body: "{{message}}"
state_dir: ${stateDir}
`;
}

describeWithTools(['syslog-ng', 'syslog-ng-ctl', 'loggen'], 'real syslog-ng and loggen into relay', () => {
  const sink = new HttpSink();
  const dir = mkdtempSync(join(tmpdir(), 'relay-sng-state-'));
  let app: App;
  let tcpPort: number;
  let udpPort: number;

  beforeAll(async () => {
    await sink.start();
    app = new App(parseConfig(relayConfig(sink.url(), dir), 'test.yaml'), { log: silentLogger });
    await app.start();
    tcpPort = Number(
      app.sources
        .find((s) => s.name === 'tcp')!
        .address()
        .split(':')
        .pop(),
    );
    udpPort = Number(
      app.sources
        .find((s) => s.name === 'udp')!
        .address()
        .split(':')
        .pop(),
    );
  });
  afterAll(async () => {
    await app.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Runs `send` (n loggen messages into `listener`) and returns the alert bodies it caused, once relay's
   * listener has received all n and every alert they made is delivered. Counts, not a marker message: a
   * marker on another connection can overtake loggen's traffic.
   */
  async function collect(listener: string, n: number, send: () => Promise<void>): Promise<string[]> {
    const source = app.sources.find((s) => s.name === listener)!;
    const received = source.stats().received;
    const start = sink.received.length;
    await send();
    await vi.waitFor(
      () => {
        expect(source.stats().received - received).toBeGreaterThanOrEqual(n);
        expect(app.dispatcher.stats.queued).toBe(0);
        expect(sink.received.length - start).toBeGreaterThanOrEqual(n / 2);
      },
      { timeout: 20_000, interval: 20 },
    );
    return sink
      .json<{ message: string }>()
      .slice(start)
      .map((a) => a.message);
  }

  it('forwards RFC 5424 over TCP with the shipped syslog-ng/relay.conf snippet', async () => {
    const snippet = readFileSync(`${ROOT}/syslog-ng/relay.conf`, 'utf8')
      .replace('port(5514)', `port(${tcpPort})`)
      .replace('dir("/var/lib/syslog-ng")', 'dir("@DIR@")');
    const { sng, port: sngPort } = await forwardingSyslogNg(snippet);
    try {
      const n = 200;
      const bodies = await collect('tcp', n, async () => {
        await loggen(loggenThrough(sngPort, n));
      });
      expectEvenSeqs(bodies, n);
    } finally {
      await sng.stop();
    }
  });

  it('takes loggen --syslog-proto directly, octet-counted and newline-framed', async () => {
    for (const framing of [[], ['-F']]) {
      const n = 100;
      const bodies = await collect('tcp', n, async () => {
        await loggen(['-S', '-P', ...framing, '-n', String(n), '-I', '100000', '-s', '160', '127.0.0.1', String(tcpPort)]);
      });
      expectEvenSeqs(bodies, n);
    }
  });

  it('takes legacy BSD syslog over UDP', async () => {
    const n = 100;
    const bodies = await collect('udp', n, async () => {
      await loggen(['-D', '-n', String(n), '-I', '100000', '-r', '2000', '-s', '160', '127.0.0.1', String(udpPort)]);
    });
    expectEvenSeqs(bodies, n);
    expect(app.sources.find((s) => s.name === 'udp')!.stats().parseErrors).toBe(0);
  });
});
