// The lane's loop starts a row's send as soon as the row may go: no timer between a commit and its send, and
// no waiting for an unrelated send to end while a slot is free.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { silentLogger } from '../../src/log.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { alert, DELIVERY } from './fixtures.ts';

/** A webhook that answers only when the test says so, by title. */
class HeldWebhook {
  readonly held = new Map<string, ServerResponse>();
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => this.held.set((JSON.parse(body) as { title: string }).title, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(): string {
    return `json://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  answer(title: string): void {
    this.held.get(title)!.end('{}');
  }

  async stop(): Promise<void> {
    this.server!.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

describe("a lane's loop", () => {
  let hook: HeldWebhook;
  let outbox: Outbox;
  let clock: ManualClock;
  beforeEach(async () => {
    hook = await new HeldWebhook().start();
    outbox = new Outbox(':memory:');
    clock = new ManualClock(1000);
  });
  afterEach(async () => {
    await hook.stop();
    outbox.close();
  });

  it('sends a row that is due now at once, even when a millisecond passes while the lane reads it', async () => {
    const read = outbox.head.bind(outbox);
    // The real clock moves on while SQLite reads; here it does so on every read, deterministically.
    outbox.head = (notifier, limit) => {
      const rows = read(notifier, limit);
      clock.advance(1);
      return rows;
    };
    const d = new Dispatcher([createNotifier('hook', hook.url())], DELIVERY, outbox, clock, silentLogger);
    d.enqueue(alert(1));
    await vi.waitFor(() => expect([...hook.held.keys()]).toEqual(['t1']), { timeout: 10_000, interval: 5 });
    expect(clock.pending()).toBe(0);
    hook.answer('t1');
    await d.drain(1000);
  });

  it('starts a row that lands while another send is in flight, when the lane has a free slot', async () => {
    const d = new Dispatcher([createNotifier('hook', hook.url())], DELIVERY, outbox, clock, silentLogger);
    // One answered send ends the first round: the lane may then have two in flight.
    d.enqueue(alert(1));
    await vi.waitFor(() => expect(hook.held.has('t1')).toBe(true), { timeout: 10_000, interval: 5 });
    hook.answer('t1');
    await vi.waitFor(() => expect(d.stats.sent).toBe(1), { timeout: 10_000, interval: 5 });
    expect(d.notifierStats().get('hook')!.concurrency).toBe(2);

    d.enqueue(alert(2));
    await vi.waitFor(() => expect(hook.held.has('t2')).toBe(true), { timeout: 10_000, interval: 5 });
    d.enqueue(alert(3));
    await vi.waitFor(() => expect(hook.held.has('t3')).toBe(true), { timeout: 10_000, interval: 5 });
    expect(d.stats.sent).toBe(1);
    hook.answer('t2');
    hook.answer('t3');
    await vi.waitFor(() => expect(d.stats.sent).toBe(3), { timeout: 10_000, interval: 5 });
    await d.drain(1000);
  });

  it('sends the alerts an idle lane was just handed without reading them back, and reads when it holds older rows', async () => {
    const reads: string[] = [];
    const [heads, rows] = [outbox.heads.bind(outbox), outbox.rows.bind(outbox)];
    outbox.heads = (notifier, limit) => (reads.push('heads'), heads(notifier, limit));
    outbox.rows = (seqs) => (reads.push('rows'), rows(seqs));
    const d = new Dispatcher([createNotifier('hook', hook.url())], DELIVERY, outbox, clock, silentLogger);
    d.enqueue(alert(1));
    await vi.waitFor(() => expect([...hook.held.keys()]).toEqual(['t1']), { timeout: 10_000, interval: 5 });
    expect(reads).toEqual([]);
    // t1 is still in flight (a limit of one at first): t2 joins a lane that holds a row, and goes after t1's
    // answer, read from the outbox.
    d.enqueue(alert(2));
    hook.answer('t1');
    await vi.waitFor(() => expect([...hook.held.keys()]).toEqual(['t1', 't2']), { timeout: 10_000, interval: 5 });
    expect(reads).toContain('rows');
    hook.answer('t2');
    await vi.waitFor(() => expect(d.stats.sent).toBe(2), { timeout: 10_000, interval: 5 });
    await d.drain(1000);
  });
});
