// Over a real TCP listener, the sender address relay checks is the connection's own: the same wrapped sudo
// call sent from 127.0.0.2 (not trusted) stays an ordinary event, from 127.0.0.1 it becomes one sudo alert;
// sent again (a disk buffer resending), also after relay restarted, it alerts no more.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../../src/app.ts';
import { parseConfig } from '../../../src/plan/load-plan.ts';
import { silentLogger } from '../../../src/log.ts';
import { HttpSink } from '../../helpers/http-sink.ts';
import { connect } from '../../helpers/net.ts';

// Sent now: a call's own time far behind relay's would add a "received later" note to the alert.
const NOW = new Date().toISOString();
const line = (event: string, seq: number, extra: object) =>
  JSON.stringify({
    v: 1,
    event,
    id: 'web1-7-1-aa',
    seq,
    ts: NOW,
    host: 'web1',
    user: 'alice',
    uid: 1000,
    pid: 7,
    command: '/usr/bin/id',
    argv: ['id'],
    ...extra,
  });

function octetCounted(msg: string): string {
  const frame = `<85>1 ${NOW} web1 sudo - relay-sudo [relay_sudo@32473 uid="0" via="socket"] ${msg}`;
  return `${Buffer.byteLength(frame)} ${frame}`;
}

describe('sudo inside syslog over TCP: the connection decides', () => {
  const sink = new HttpSink();
  let dir: string;
  let app: App;
  const config = () =>
    parseConfig(
      `
listeners:
  - { name: fleet, type: tcp, address: "127.0.0.1:0", sudo: { trusted_senders: [127.0.0.1/32] } }
notifiers: { sink: "${sink.url()}" }
rules:
  - { name: all, match: { app: sudo }, notify: [sink], title: "{{kind}}", body: "{{message}}" }
http: { address: "127.0.0.1:0" }
state_dir: ${join(dir, 'state')}
`,
      'test.yaml',
    );
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-wrapped-tcp-'));
    await sink.start();
    app = new App(config(), { log: silentLogger });
    await app.start();
  });
  afterAll(async () => {
    await app.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('from 127.0.0.2: two ordinary events; from 127.0.0.1: one correlated sudo alert', async () => {
    const port = Number(app.sources[0]!.address().split(':').pop());
    const send = async (localAddress: string) => {
      const s = await connect({ host: '127.0.0.1', port, localAddress });
      await new Promise<void>((r) => s.end(octetCounted(line('accept', 0, {})) + octetCounted(line('exit', 1, { status: 0 })), r));
    };
    await send('127.0.0.2');
    await sink.waitFor(2);
    await send('127.0.0.1');
    await sink.waitFor(3);
    const alerts = sink.json<{ title: string; message: string }>();
    expect(alerts.map((a) => a.title)).toEqual(['syslog', 'syslog', 'sudo']);
    expect(alerts[2]!.message).toBe('alice ran id as root on web1: exit 0');
  });

  it('the same lines sent again, before and after a restart of relay on the same state_dir, alert nothing more', async () => {
    const resend = async () => {
      const port = Number(app.sources[0]!.address().split(':').pop());
      const s = await connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1' });
      await new Promise<void>((r) => s.end(octetCounted(line('accept', 0, {})) + octetCounted(line('exit', 1, { status: 0 })), r));
    };
    const marker = async () => {
      const s = await connect({ host: '127.0.0.1', port: Number(app.sources[0]!.address().split(':').pop()) });
      const frame = `<13>1 ${NOW} web1 sudo - - - marker-${sink.received.length}`;
      await new Promise<void>((r) => s.end(`${Buffer.byteLength(frame)} ${frame}`, r));
      await sink.waitFor(sink.received.length + 1);
    };
    const before = sink.received.length;
    await resend();
    await app.stop();
    app = new App(config(), { log: silentLogger });
    await app.start();
    await resend();
    // One connection, in order: once the marker alerted, the resent lines before it were handled.
    await marker();
    expect(
      sink
        .json<{ message: string }>()
        .slice(before)
        .map((a) => a.message),
    ).toEqual([expect.stringMatching(/^marker-/)]);
  });

  it("sudo's own syslog line from 127.0.0.2, or without a root writer, is unverified and counted; with one from 127.0.0.1 it is believed", async () => {
    const port = Number(app.sources[0]!.address().split(':').pop());
    const sudoLine = (sd: string, tag: string) => {
      // web2: a host whose plugin never reported, so its lines go on at once rather than wait for a report.
      const frame = `<85>1 ${NOW} web2 sudo - - ${sd} alice : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/${tag}`;
      return `${Buffer.byteLength(frame)} ${frame}`;
    };
    const send = async (localAddress: string, text: string) => {
      const s = await connect({ host: '127.0.0.1', port, localAddress });
      await new Promise<void>((r) => s.end(text, r));
    };
    const before = sink.received.length;
    await send('127.0.0.2', sudoLine('[relay_writer@32473 uid="0"]', 'from-untrusted'));
    await send('127.0.0.1', sudoLine('[relay_writer@32473 uid="1000"]', 'by-a-user'));
    await send('127.0.0.1', sudoLine('[relay_writer@32473 uid="0"]', 'by-root'));
    await sink.waitFor(before + 3);
    const events = sink
      .json<{ message: string }>()
      .slice(before)
      .map((a) => a.message);
    expect(events.sort()).toEqual([
      'alice : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/by-a-user',
      'alice : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/by-root',
      'alice : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/from-untrusted',
    ]);
    const metrics = await (await fetch(`http://${app.httpAddress}/metrics`)).text();
    expect(metrics).toMatch(/^relay_sudo_unverified_lines_total\{listener="fleet"\} 2$/m);
  });
});
