// GET /metrics on a real loopback server: scraped before and after known traffic through a TCP listener, a
// rule and a local webhook, every counter moved by exactly what was sent.
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import type { HttpSink } from '../helpers/http-sink.ts';
import { connect } from '../helpers/net.ts';
import { nginxEvent, startLoopbackApp, type LoopbackApp } from './loopback-app.ts';
import { sample } from './prometheus-text.ts';

const line = (app: string, msg: string) => `<13>1 2026-11-23T10:00:00Z web1 ${app} - - - ${msg}\n`;

describe('GET /metrics', () => {
  let t: LoopbackApp;
  let sink: HttpSink;
  let app: App;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));
    t = await startLoopbackApp(
      (s) => `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:0", max_message_size: 200, max_connections: 2 }]
notifiers: { hook: "${s.url()}" }
rules:
  - { name: nginx-died, match: { app: nginx }, notify: [hook], title: "{{message}}" }
  - { name: never, match: { app: nothing-sends-this }, notify: [hook] }
http: { address: "127.0.0.1:0" }
# A retry waits longer than the stop's grace, so stopping with a failing notifier never waits on the manual clock.
delivery: { backoff: 1m, shutdown_grace: 1s, sync_interval: 0 }`,
      { clock },
    );
    ({ app, sink } = t);
  });
  afterEach(() => t.stop());

  const get = (path: string) => t.get(path);
  const scrape = async () => (await get('/metrics')).text();
  const tcpPort = () => Number(app.sources[0]!.address().split(':').pop());

  /** The relay samples this test moves, by name and labels. */
  const counters = (text: string) => ({
    received: sample(text, 'relay_listener_frames_received_total', { listener: 'tcp' }),
    unparsed: sample(text, 'relay_listener_frames_unparsed_total', { listener: 'tcp' }),
    bad: sample(text, 'relay_listener_frames_bad_total', { listener: 'tcp' }),
    oversize: sample(text, 'relay_listener_frames_oversize_total', { listener: 'tcp' }),
    rejected: sample(text, 'relay_listener_connections_rejected_total', { listener: 'tcp' }),
    events: sample(text, 'relay_pipeline_events_total'),
    unmatched: sample(text, 'relay_pipeline_unmatched_events_total'),
    matches: sample(text, 'relay_rule_matches_total', { rule: 'nginx-died' }),
    neverMatches: sample(text, 'relay_rule_matches_total', { rule: 'never' }),
    alerts: sample(text, 'relay_rule_alerts_total', { rule: 'nginx-died' }),
    sent: sample(text, 'relay_notifier_sends_total', { notifier: 'hook', outcome: 'sent' }),
    retried: sample(text, 'relay_notifier_sends_total', { notifier: 'hook', outcome: 'retried' }),
    dead: sample(text, 'relay_notifier_sends_total', { notifier: 'hook', outcome: 'dead' }),
    depth: sample(text, 'relay_notifier_outbox_depth', { notifier: 'hook' }),
    oldest: sample(text, 'relay_notifier_oldest_waiting_seconds', { notifier: 'hook' }),
  });

  it("serves Prometheus text with process metrics and relay's families at zero before any traffic", async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'relay_listener_up', { listener: 'tcp' })).toBe(1);
    expect(sample(text, 'relay_store_writable', { store: 'outbox' })).toBe(1);
    expect(sample(text, 'relay_notifier_failing', { notifier: 'hook' })).toBe(0);
    expect(counters(text)).toEqual({
      received: 0,
      unparsed: 0,
      bad: 0,
      oversize: 0,
      rejected: 0,
      events: 0,
      unmatched: 0,
      matches: 0,
      neverMatches: 0,
      alerts: 0,
      sent: 0,
      retried: 0,
      dead: 0,
      depth: 0,
      oldest: 0,
    });
  });

  it('moves each counter by exactly the traffic sent: frames, refusals, matches, alerts, sends', async () => {
    const before = counters(await scrape());
    // Two connections fill max_connections: 2, so a third is refused.
    const open: Socket[] = [await connect({ host: '127.0.0.1', port: tcpPort() }), await connect({ host: '127.0.0.1', port: tcpPort() })];
    const refused = await connect({ host: '127.0.0.1', port: tcpPort() });
    await new Promise((r) => refused.once('close', r));

    const [traffic, idle] = open as [Socket, Socket];
    traffic.write(line('nginx', 'worker 1 exited on signal 11') + line('cron', 'job done') + line('nginx', 'worker 2 exited on signal 11'));
    traffic.write(`${line('sshd', 'x'.repeat(300))}007 leading zero is no octet count\n${line('cron', 'job done')}`);
    traffic.end(line('nginx', 'worker 3 exited on signal 11'));
    idle.end();
    await sink.waitFor(3);

    const expected = {
      received: 5,
      unparsed: 0,
      bad: 1,
      oversize: 1,
      rejected: 1,
      events: 5,
      unmatched: 2,
      matches: 3,
      neverMatches: 0,
      alerts: 3,
      sent: 3,
      retried: 0,
      dead: 0,
      depth: 0,
      oldest: 0,
    };
    await vi.waitFor(async () => expect(counters(await scrape())).toEqual(expected));
    expect(before).toEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, 0])));
    expect(sink.json().map((a) => a.title)).toEqual([
      'worker 1 exited on signal 11',
      'worker 2 exited on signal 11',
      'worker 3 exited on signal 11',
    ]);
  });

  it('shows what waits for a failing notifier: depth, oldest age on the relay clock, retries, failing time', async () => {
    sink.respond = () => ({ status: 500 });
    app.accept(nginxEvent(clock, 'one'));
    app.accept(nginxEvent(clock, 'two'));
    await vi.waitFor(() => expect(sink.rejected).toBe(1));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    clock.advanceTo(clock.now() + 90_000);
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    const text = await scrape();
    expect(counters(text)).toMatchObject({ depth: 2, oldest: 90, sent: 0, retried: sink.rejected, dead: 0 });
    expect(sample(text, 'relay_notifier_failing', { notifier: 'hook' })).toBe(1);
    expect(sample(text, 'relay_notifier_failing_seconds', { notifier: 'hook' })).toBe(90);
  });
});
