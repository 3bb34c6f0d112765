// App.reload on real loopback sockets and a real state store, on a manual clock: the pipeline is swapped
// under a connection that stays open, an open group of an unchanged rule carries its count across, listeners
// whose settings did not change keep their socket, and notifiers come and go without touching the outbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { parseConfig } from '../src/plan/load-plan.ts';
import { captureLog } from './helpers/capture-log.ts';
import { HttpSink } from './helpers/http-sink.ts';
import { connect, freePort, sendTcp } from './helpers/net.ts';

const line = (host: string, app: string) => `<13>1 2026-11-30T10:00:00Z ${host} ${app} - - - hello\n`;

describe('App.reload', () => {
  let dir: string;
  let sink: HttpSink;
  let app: App;
  let clock: ManualClock;
  const logged = captureLog('info');
  const config = (rules: string, extra = '', listeners = '[{ name: tcp, type: tcp, address: "127.0.0.1:0" }]') =>
    parseConfig(
      `
listeners: ${listeners}
notifiers: { sink: "${sink.url()}"${extra} }
rules:
  - { name: grouped, match: { app: grp }, notify: [sink], group_by: [host], group_wait: 1m, title: "{{count}} from {{host}}" }
${rules}
delivery: { shutdown_grace: 1s }
state_dir: ${dir}
`,
      'test.yaml',
      {},
    );
  const oldRule = '  - { name: old, match: { app: old }, notify: [sink], title: "old {{host}}" }';
  const newRule = '  - { name: new, match: { app: new }, notify: [sink], title: "new {{host}}" }';

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-reload-'));
    sink = await new HttpSink().start();
    clock = new ManualClock(Date.parse('2026-11-30T10:00:00Z'));
    app = new App(config(oldRule), { log: logged.log, clock });
    await app.start();
  });
  afterEach(async () => {
    await app.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const events = () => app.pipelineStats().events;
  const write = (s: Socket, text: string) => new Promise<void>((r) => s.write(text, () => r()));

  it('swaps the rules under an open connection: the same socket, the new rule alerts, the open group keeps its count', async () => {
    const listener = app.sources[0]!;
    const address = listener.address();
    const socket = await connect({ host: '127.0.0.1', port: Number(address.split(':').pop()) });
    await write(socket, line('web1', 'grp') + line('web1', 'grp'));
    await vi.waitFor(() => expect(events()).toBe(2));

    const report = await app.reload(config(newRule));
    expect(report.diff.rules).toMatchObject({ added: ['new'], removed: ['old'], changed: [], kept: ['grouped'] });
    expect(report.listeners).toMatchObject({ kept: ['tcp'], started: [], stopped: [] });
    expect(report.http).toBe(false);
    expect(app.sources[0]).toBe(listener);
    expect(app.sources[0]!.address()).toBe(address);

    // The connection opened before the reload carries on: no reconnect.
    await write(socket, line('web1', 'grp') + line('web1', 'grp') + line('web1', 'grp') + line('web2', 'new') + line('web3', 'old'));
    await vi.waitFor(() => expect(events()).toBe(7));
    await sink.waitFor(1);
    expect(sink.json().map((a) => a.title)).toEqual(['new web2']);
    socket.end();

    clock.advance(60_000);
    await sink.waitFor(2);
    expect(sink.json().map((a) => a.title)).toEqual(['new web2', '5 from web1 (5 events)']);
    const totals = app.pipelineStats();
    expect(totals).toMatchObject({ events: 7, unmatched: 1, matched: { grouped: 5, new: 1 } });
  });

  it("applies a changed listener's settings to its running socket, starts an added one, and keeps the rest", async () => {
    const [a, b] = [await freePort(), await freePort()];
    const two = (bMax: number) =>
      `[{ name: a, type: tcp, address: "127.0.0.1:${a}" }, { name: b, type: tcp, address: "127.0.0.1:${b}", max_connections: ${bMax} }]`;
    const report1 = await app.reload(config(oldRule, '', two(8)));
    expect(report1.listeners).toMatchObject({ started: ['a', 'b'], stopped: ['tcp'], kept: [], failed: [] });
    const [keptA, changedB] = app.sources;
    const report2 = await app.reload(config(oldRule, '', two(9)));
    expect(report2.listeners).toMatchObject({ started: [], stopped: [], kept: ['a'], reconfigured: ['b'], failed: [] });
    expect(app.sources[0]).toBe(keptA);
    expect(app.sources[1]).toBe(changedB);
    expect(app.sources.map((s) => s.address())).toEqual([`127.0.0.1:${a}`, `127.0.0.1:${b}`]);
    const socket = await connect({ host: '127.0.0.1', port: b });
    await write(socket, line('web1', 'old'));
    socket.end();
    await sink.waitFor(1);
    expect(sink.json().map((x) => x.title)).toEqual(['old web1']);
  });

  it('keeps the old listener when its new settings cannot bind, and does not start an added one that cannot', async () => {
    const blockers = [createServer(), createServer()];
    for (const b of blockers) await new Promise<void>((r) => b.listen(0, '127.0.0.1', r));
    try {
      const [first, second] = blockers.map((b) => `127.0.0.1:${(b.address() as AddressInfo).port}`);
      // On a fixed port, so binding the old settings again gives the same address.
      const before = `127.0.0.1:${await freePort()}`;
      await app.reload(config(oldRule, '', `[{ name: tcp, type: tcp, address: "${before}" }]`));
      const moved = `[{ name: tcp, type: tcp, address: "${first}" }, { name: added, type: tcp, address: "${second}" }, { name: other, type: tcp, address: "127.0.0.1:0" }]`;
      const report = await app.reload(config(oldRule, '', moved));
      expect(report.listeners).toMatchObject({ failed: ['tcp', 'added'], started: ['other'], stopped: [], kept: [] });
      expect(app.sources.map((s) => [s.name, s.address()])).toEqual([
        ['tcp', before],
        ['other', app.sources[1]!.address()],
      ]);
      expect(logged.lines.filter((l) => l.msg === 'reload: listener could not start').map((l) => l.listener)).toEqual(['tcp', 'added']);
      expect(logged.lines.some((l) => l.msg === 'reload: listener runs on with its old settings' && l.listener === 'tcp')).toBe(true);
      // The old settings still serve.
      await sendTcp(Number(before.split(':').pop()), line('web1', 'old'));
      await sink.waitFor(1);
      // The next reload tries the new settings again, since they are not what runs.
      await Promise.all(blockers.map((b) => new Promise((r) => b.close(r))));
      const again = await app.reload(config(oldRule, '', moved));
      expect(again.listeners).toMatchObject({ failed: [], started: ['tcp', 'added'], kept: ['other'] });
    } finally {
      for (const b of blockers) if (b.listening) b.close();
    }
  });

  it('adds a notifier: its lane starts, and rules may name it at once', async () => {
    const second = await new HttpSink().start();
    try {
      const rule = '  - { name: both, match: { app: both }, notify: [sink, second], title: "both {{host}}" }';
      const report = await app.reload(config(rule, `, second: "${second.url('/second')}"`));
      expect(report.diff.notifiers).toMatchObject({ added: ['second'], removed: [], changed: [], kept: ['sink'] });
      app.accept({
        receivedAt: new Date(clock.now()),
        listener: 'test',
        kind: 'syslog',
        host: 'web9',
        app: 'both',
        message: 'hi',
        fields: {},
      });
      await sink.waitFor(1);
      await second.waitFor(1);
      expect(second.json().map((x) => x.title)).toEqual(['both web9']);
    } finally {
      await second.stop();
    }
  });

  it('removes a notifier without touching its queued alerts: they wait in the outbox and go out when it is back', async () => {
    const other = await new HttpSink().start();
    try {
      sink.respond = () => ({ status: 500 });
      app.accept({
        receivedAt: new Date(clock.now()),
        listener: 'test',
        kind: 'syslog',
        host: 'web1',
        app: 'old',
        message: 'hi',
        fields: {},
      });
      await vi.waitFor(() => expect(sink.rejected).toBe(1));
      // The lane has taken the failure and waits for its retry (a timer on the manual clock).
      await vi.waitFor(() => expect(app.dispatcher.stats.retried).toBe(1));
      const without = parseConfig(
        `
notifiers: { other: "${other.url()}" }
rules: [{ name: old, match: { app: old }, notify: [other], title: "old {{host}}" }]
state_dir: ${dir}
`,
        'test.yaml',
        {},
      );
      const report = await app.reload(without);
      expect(report.diff.notifiers).toMatchObject({ added: ['other'], removed: ['sink'] });
      expect(app.dispatcher.stats.queued).toBe(0);
      sink.respond = () => ({ status: 200 });
      clock.advance(120_000);
      app.accept({
        receivedAt: new Date(clock.now()),
        listener: 'test',
        kind: 'syslog',
        host: 'web2',
        app: 'old',
        message: 'hi',
        fields: {},
      });
      await other.waitFor(1);
      expect(sink.received).toHaveLength(0);

      await app.reload(config(oldRule));
      await sink.waitFor(1);
      expect(sink.json().map((a) => a.title)).toEqual(['old web1']);
    } finally {
      await other.stop();
    }
  });

  it("re-reads the HTTP endpoint's settings: a new token is taken, the old one refused", async () => {
    const [first, second] = ['a'.repeat(16), 'b'.repeat(16)];
    const withToken = (secret: string) =>
      parseConfig(
        `
notifiers: { sink: "${sink.url()}" }
rules: [{ name: old, match: { app: old }, notify: [sink], title: "old {{host}}" }]
http: { address: "127.0.0.1:0", tokens: { ci: "${secret}" } }
state_dir: ${dir}
`,
        'test.yaml',
        {},
      );
    const post = (secret: string) =>
      fetch(`http://${app.httpAddress}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: '{"app":"old","host":"h1","message":"m"}',
      });
    expect((await app.reload(withToken(first))).http).toBe(true);
    expect((await post(first)).status).toBe(200);
    expect((await app.reload(withToken(second))).http).toBe(true);
    expect((await post(first)).status).toBe(401);
    expect((await post(second)).status).toBe(200);
    expect((await app.reload(withToken(second))).http).toBe(false);
    await sink.waitFor(2);
    expect(app.pipelineStats().events).toBe(2);
  });
});
