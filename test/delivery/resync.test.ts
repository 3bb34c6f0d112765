// `relay outbox retry` runs in another process: the running relay notices the change in outbox.db and
// sends what was re-queued, without a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { ManualClock } from '../../src/clock.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { silentLogger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { alert, DELIVERY } from './fixtures.ts';

describe('a running dispatcher and another process', () => {
  let dir: string;
  let sink: HttpSink;
  let outbox: Outbox;
  let other: Outbox;
  let d: Dispatcher;
  const clock = new ManualClock(1_000_000);
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-resync-'));
    sink = await new HttpSink().start();
    outbox = Outbox.open(dir);
    other = Outbox.open(dir);
    d = new Dispatcher([createNotifier('hook', sink.url())], DELIVERY, outbox, clock, silentLogger);
  });
  afterEach(async () => {
    await d.drain(0);
    outbox.close();
    other.close();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('picks up dead alerts another process put back in the queue', async () => {
    sink.respond = () => (sink.rejected === 0 ? { status: 400 } : { status: 200 });
    d.enqueue(alert(1));
    await vi.waitFor(() => expect(d.stats.dead).toBe(1));
    expect(other.commands.revive(clock.now())).toEqual(new Map([['hook', 1]]));
    await sink.waitFor(1);
    expect(sink.json()[0]).toMatchObject({ title: 't1' });
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
  });

  it('sends at once what another process made due now, instead of waiting out a Retry-After', async () => {
    sink.respond = () => (sink.rejected === 0 ? { status: 429, headers: { 'retry-after': '3600' } } : { status: 200 });
    d.enqueue(alert(1));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    expect(other.commands.retryNow('hook', clock.now())).toBe(1);
    await sink.waitFor(1);
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
  });
});
