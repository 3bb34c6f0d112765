// Dispatcher.reconfigure (a reload): lanes follow the notifiers without touching queued rows — a removed
// notifier's rows wait in the outbox, a changed one sends through its new URL, and one removed and added back
// while its send is still in flight carries on in the same lane, so no row is sent twice.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { ManualClock } from '../../src/clock.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { alert, DELIVERY } from './fixtures.ts';

/** A webhook that answers only when told to: a send stays in flight until `release`. */
class HoldingSink {
  readonly bodies: string[] = [];
  private readonly held: ServerResponse[] = [];
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      this.bodies.push(body);
      this.held.push(res);
    });
  });
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }
  url(): string {
    return `json://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  release(): void {
    for (const res of this.held.splice(0)) res.writeHead(200).end('ok');
  }
  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

describe('Dispatcher.reconfigure', () => {
  let clock: ManualClock;
  let outbox: Outbox;
  const logs = captureLog();
  beforeEach(() => {
    clock = new ManualClock(0);
    outbox = new Outbox(':memory:');
  });
  afterEach(() => outbox.close());

  it('a notifier removed and added back during its send carries on in the same lane: each alert is sent once', async () => {
    const sink = await new HoldingSink().start();
    try {
      const hook = createNotifier('hook', sink.url());
      const d = new Dispatcher([hook], DELIVERY, outbox, clock, logs.log);
      d.enqueue(alert(1));
      d.enqueue(alert(2));
      await vi.waitFor(() => expect(sink.bodies).toHaveLength(1));
      d.reconfigure([], new Map());
      expect(d.stats.queued).toBe(0);
      d.reconfigure([hook], new Map());
      expect(d.stats.queued).toBe(2);
      sink.release();
      await vi.waitFor(() => expect(sink.bodies).toHaveLength(2));
      sink.release();
      await vi.waitFor(() => expect(d.stats.queued).toBe(0));
      expect(sink.bodies.map((b) => JSON.parse(b).title)).toEqual(['t1', 't2']);
      await d.drain(0);
    } finally {
      await sink.stop();
    }
  });

  it('a changed notifier sends the queued rows through its new URL; a removed one leaves its rows in the outbox', async () => {
    const [before, after] = [await new HttpSink().start(), await new HttpSink().start()];
    try {
      before.respond = () => ({ status: 503 });
      const d = new Dispatcher([createNotifier('hook', before.url())], DELIVERY, outbox, clock, logs.log);
      d.enqueue(alert(1));
      await vi.waitFor(() => expect(clock.pending()).toBe(1));
      d.reconfigure([], new Map());
      clock.advance(60_000);
      expect(outbox.pending().get('hook')).toBe(1);
      d.reconfigure([createNotifier('hook', after.url())], new Map());
      await after.waitFor(1);
      expect(after.json().map((a) => a.title)).toEqual(['t1']);
      expect(before.received).toHaveLength(0);
      await d.drain(0);
    } finally {
      await before.stop();
      await after.stop();
    }
  });
});
