// A notifier's fallback: what went dead there, or waited longer than fallback_after, reaches the fallback
// once, saying where it was meant to go and why; a rerouted alert never hops a second time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { ManualClock } from '../../src/clock.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { alert, DELIVERY } from './fixtures.ts';
import { captureLog } from '../helpers/capture-log.ts';
import type { FallbackRoute } from '../../src/delivery/fallback.ts';

describe('fallback notifiers', () => {
  let chat: HttpSink;
  let mail: HttpSink;
  let pager: HttpSink;
  let clock: ManualClock;
  let outbox: Outbox;
  let logs: ReturnType<typeof captureLog>;
  beforeEach(async () => {
    [chat, mail, pager] = await Promise.all([new HttpSink().start(), new HttpSink().start(), new HttpSink().start()]);
    clock = new ManualClock(0);
    outbox = new Outbox(':memory:');
    logs = captureLog();
  });
  afterEach(async () => {
    await Promise.all([chat.stop(), mail.stop(), pager.stop()]);
    outbox.close();
  });
  const dispatcher = (routes: [string, FallbackRoute][]) =>
    new Dispatcher(
      [createNotifier('chat', chat.url()), createNotifier('mail', mail.url()), createNotifier('pager', pager.url())],
      DELIVERY,
      outbox,
      clock,
      logs.log,
      new Map(routes),
    );

  it('moves alerts that waited longer than fallback_after to the fallback, once, with a line saying why', async () => {
    const d = dispatcher([['chat', { to: 'mail', after: 600_000 }]]);
    chat.respond = () => ({ status: 503, body: 'maintenance' });
    d.enqueue(alert(1, { notify: ['chat'] }));
    d.enqueue(alert(2, { notify: ['chat'] }));
    await vi.waitFor(() => expect(chat.rejected).toBe(1));
    clock.advance(599_999);
    expect(mail.received).toHaveLength(0);
    clock.advance(1);
    await mail.waitFor(2);
    const [first, second] = mail.json<{ title: string; message: string }>();
    expect(first!.title).toBe('t1');
    expect(first!.message).toMatch(
      /^\(meant for chat; rerouted to mail: not delivered within fallback_after \(10m\); last error: .*503.*maintenance.*\)\nb1$/,
    );
    expect(second!.title).toBe('t2');
    await vi.waitFor(() => expect(d.stats).toMatchObject({ rerouted: 2, queued: 0 }));
    expect(d.capStats('chat')).toMatchObject({ rerouted: 2 });
    expect(logs.at('warn').map((l) => l.msg)).toContain('alerts meant for chat rerouted to its fallback mail');
    // Moved, not copied: chat recovering later sends nothing twice.
    chat.respond = () => ({ status: 200 });
    clock.advance(DELIVERY.max_backoff * 2);
    expect(outbox.pending().size).toBe(0);
    expect(chat.received).toHaveLength(0);
  });

  it("sends an alert that went dead on a notifier to its fallback, and not on to the fallback's own fallback", async () => {
    const d = dispatcher([
      ['chat', { to: 'mail' }],
      ['mail', { to: 'pager' }],
    ]);
    chat.respond = () => ({ status: 400, body: 'bad token' });
    mail.respond = () => ({ status: 400, body: 'mailbox full' });
    d.enqueue(alert(1, { notify: ['chat'] }));
    await vi.waitFor(() => expect(mail.rejected).toBe(1));
    await vi.waitFor(() => expect(d.stats.dead).toBe(2));
    expect(pager.received).toHaveLength(0);
    const dead = outbox.dead();
    expect(dead.map((r) => r.notifier).sort()).toEqual(['chat', 'mail']);
    expect(dead.find((r) => r.notifier === 'mail')!.body).toMatch(
      /^\(meant for chat; rerouted to mail: dead there: rejected by the provider: .*bad token.*\)\nb1$/,
    );
    // mail's own alerts still go on to pager.
    d.enqueue(alert(2, { notify: ['mail'] }));
    await pager.waitFor(1);
    expect(pager.json<{ message: string }>()[0]!.message).toMatch(/^\(meant for mail; rerouted to pager: dead there: .*mailbox full/);
    expect(d.stats.rerouted).toBe(2);
  });
});
