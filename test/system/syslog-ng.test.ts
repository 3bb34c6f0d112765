// End to end with Debian's real syslog-ng and loggen: every matching message becomes exactly one alert at
// a local JSON webhook, non-matching ones none.
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { ROOT } from '../helpers/run-cli.ts';
import { SyslogNg, loggen } from '../helpers/syslog-ng.ts';
import { describeWithTools } from '../helpers/tools.ts';

const SENTINEL = 'relay-test-sentinel';

function relayConfig(sinkUrl: string): string {
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
  - name: sentinel
    match: { message: "/${SENTINEL}/" }
    notify: [sink]
    title: sentinel
`;
}


/** Alerts for even sequence numbers, each exactly once, and nothing else before the sentinel. */
function expectEvenSeqs(bodies: string[], n: number): void {
  const seqs = bodies.map((b) => Number(/seq: (\d+)/.exec(b)?.[1]));
  expect(seqs.length).toBe(n / 2);
  expect(new Set(seqs)).toEqual(new Set(Array.from({ length: n / 2 }, (_, i) => i * 2)));
}

describeWithTools(['syslog-ng', 'syslog-ng-ctl', 'loggen'], 'real syslog-ng and loggen into relay', () => {
  const sink = new HttpSink();
  let app: App;
  let tcpPort: number;
  let udpPort: number;

  beforeAll(async () => {
    await sink.start();
    app = new App(parseConfig(relayConfig(sink.url()), 'test.yaml'), { log: silentLogger });
    await app.start();
    tcpPort = Number(app.sources.find((s) => s.name === 'tcp')!.address().split(':').pop());
    udpPort = Number(app.sources.find((s) => s.name === 'udp')!.address().split(':').pop());
  });
  afterAll(async () => {
    await app.stop();
    await sink.stop();
  });

  /** Alerts received from now until the sentinel sent by `sendSentinel` arrives. */
  async function collectUntilSentinel(send: () => Promise<void>, sendSentinel: () => Promise<void>): Promise<string[]> {
    const start = sink.received.length;
    await send();
    await sendSentinel();
    for (;;) {
      await sink.waitFor(sink.received.length + 1);
      const got = sink.json<{ title: string; message: string }>().slice(start);
      if (got.some((a) => a.title === 'sentinel')) return got.filter((a) => a.title !== 'sentinel').map((a) => a.message);
    }
  }

  it('forwards RFC 5424 over TCP with the shipped syslog-ng/relay.conf snippet', async () => {
    const snippet = readFileSync(`${ROOT}/syslog-ng/relay.conf`, 'utf8')
      .replace('port(5514)', `port(${tcpPort})`)
      .replace('dir("/var/lib/syslog-ng")', 'dir("@DIR@")');
    const sngPort = await freePort();
    const sng = new SyslogNg(`@version: 3.38
options { stats-level(1); keep-hostname(yes); };
source s_src { syslog(ip("127.0.0.1") port(${sngPort}) transport("tcp")); };
${snippet}
`);
    await sng.start();
    try {
      const n = 200;
      const bodies = await collectUntilSentinel(
        async () => void (await loggen(['-S', '-P', '-n', String(n), '-I', '100000', '-r', '5000', '-s', '160', '127.0.0.1', String(sngPort)])),
        () => {
          const frame = `<13>1 2026-11-23T10:00:00Z host app - - - ${SENTINEL}`;
          return sendTcp(sngPort, `${Buffer.byteLength(frame)} ${frame}`);
        },
      );
      expectEvenSeqs(bodies, n);
    } finally {
      await sng.stop();
    }
  });

  it('takes loggen --syslog-proto directly, octet-counted and newline-framed', async () => {
    for (const framing of [[], ['-F']]) {
      const n = 100;
      const bodies = await collectUntilSentinel(
        async () => void (await loggen(['-S', '-P', ...framing, '-n', String(n), '-I', '100000', '-s', '160', '127.0.0.1', String(tcpPort)])),
        () => sendTcp(tcpPort, `<13>1 2026-11-23T10:00:00Z host app - - - ${SENTINEL}\n`),
      );
      expectEvenSeqs(bodies, n);
    }
  });

  it('takes legacy BSD syslog over UDP', async () => {
    const n = 100;
    const bodies = await collectUntilSentinel(
      async () => void (await loggen(['-D', '-n', String(n), '-I', '100000', '-r', '2000', '-s', '160', '127.0.0.1', String(udpPort)])),
      async () => {
        const s = createSocket('udp4');
        await new Promise<void>((r) => s.send(`<13>Nov 23 10:00:00 host app: ${SENTINEL}`, udpPort, '127.0.0.1', () => r()));
        s.close();
      },
    );
    expectEvenSeqs(bodies, n);
    expect(app.sources.find((s) => s.name === 'udp')!.stats().parseErrors).toBe(0);
  });
});
