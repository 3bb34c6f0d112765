// A send is cut off at delivery.timeout (its row waits for a retry) and at shutdown (its row stays for the
// next start), each send by its own abort, against a real webhook that never answers.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { silentLogger } from '../../src/log.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { alert, DELIVERY } from './fixtures.ts';

describe('a send', () => {
  let server: Server;
  let arrived: IncomingMessage[];
  let outbox: Outbox;
  beforeEach(async () => {
    arrived = [];
    server = createServer((req) => arrived.push(req));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    outbox = new Outbox(':memory:');
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    outbox.close();
  });
  const hook = () => createNotifier('hook', `json://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);

  it('with no answer within delivery.timeout is cut off, and its row waits for a retry', async () => {
    // delivery.timeout runs on real time: long enough for the request to reach the server on a loaded machine.
    const d = new Dispatcher([hook()], { ...DELIVERY, timeout: 1000 }, outbox, new ManualClock(1000), silentLogger);
    d.enqueue(alert(1));
    await vi.waitFor(() => expect(arrived).toHaveLength(1), { timeout: 10_000, interval: 5 });
    await vi.waitFor(() => expect(outbox.head('hook')[0]?.attempts).toBe(1), { timeout: 10_000, interval: 5 });
    expect(outbox.head('hook')[0]).toMatchObject({ alertId: 'a1', lastError: expect.stringContaining('timed out') });
    expect(outbox.head('hook')[0]!.nextAttemptAt).toBeGreaterThan(1000);
    await d.drain(0);
  });

  it('in flight at shutdown is cut short, and its row stays as it was for the next start', async () => {
    const clock = new ManualClock(1000);
    const d = new Dispatcher([hook()], DELIVERY, outbox, clock, silentLogger);
    d.enqueue(alert(1));
    await vi.waitFor(() => expect(arrived).toHaveLength(1), { timeout: 10_000, interval: 5 });
    const draining = d.drain(0);
    clock.advance(0);
    expect(await draining).toBe(1);
    expect(outbox.head('hook')).toEqual([expect.objectContaining({ alertId: 'a1', attempts: 0 })]);
  });
});
