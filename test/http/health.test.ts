// /healthz and /readyz on a real loopback server: ready while everything works, and still ready while a
// notifier fails however long (relay buffers; on the manual clock), which /readyz shows until it delivers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import type { Readiness } from '../../src/http/readiness.ts';
import type { HttpSink } from '../helpers/http-sink.ts';
import { nginxEvent, startLoopbackApp, type LoopbackApp } from './loopback-app.ts';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const MINUTE = 60_000;

describe('GET /healthz and /readyz', () => {
  let t: LoopbackApp;
  let sink: HttpSink;
  let app: App;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(T0);
    t = await startLoopbackApp(
      (s) => `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:0" }]
notifiers: { hook: "${s.url()}" }
rules: [{ name: r, match: { app: nginx }, notify: [hook], title: "{{message}}" }]
http: { address: "127.0.0.1:0" }
delivery: { backoff: 1m, max_backoff: 1m, shutdown_grace: 1s, sync_interval: 0 }`,
      { clock },
    );
    ({ app, sink } = t);
  });
  afterEach(() => t.stop());

  const get = (path: string) => t.get(path);
  const ready = async (): Promise<[number, Readiness]> => {
    const res = await get('/readyz');
    return [res.status, (await res.json()) as Readiness];
  };
  const alert = (message: string) => app.accept(nginxEvent(clock, message));
  /** The lane has had its answer and waits on the clock for its next try (sync_interval 0: the only timer). */
  const waiting = () => vi.waitFor(() => expect(clock.pending()).toBe(1), { timeout: 10_000 });

  it('binds the configured port 0 to a real port the App reports', () => {
    expect(app.httpAddress).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
  });

  it('/healthz answers 200 while the process serves', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 with listeners up, the outbox writable and no notifier failing', async () => {
    const [status, body] = await ready();
    expect(status).toBe(200);
    expect(body).toEqual({
      ready: true,
      problems: [],
      listeners: [{ name: 'tcp', type: 'tcp', address: app.sources[0]!.address(), up: true }],
      stores: [
        { name: 'outbox', writable: true },
        { name: 'state', writable: true },
      ],
      notifiers: [{ name: 'hook', failing: false, waiting: 0 }],
    });
  });

  it('/readyz stays 200 while a notifier fails, however long, and shows it failing until it delivers', async () => {
    sink.respond = () => ({ status: 500 });
    alert('one');
    await waiting();
    const [briefly, failing] = await ready();
    expect(briefly).toBe(200);
    expect(failing.notifiers).toEqual([
      { name: 'hook', failing: true, failingSince: '2026-11-23T10:00:00.000Z', failingForSeconds: 0, waiting: 1 },
    ]);

    for (let m = 1; m <= 10; m++) {
      clock.advanceTo(T0 + m * MINUTE);
      await waiting();
    }
    const [status, body] = await ready();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ready: true, problems: [] });
    expect(body.notifiers[0]).toMatchObject({ failing: true, failingForSeconds: 600, waiting: 1 });

    sink.respond = () => ({ status: 200 });
    clock.advance(MINUTE);
    await sink.waitFor(1);
    await vi.waitFor(async () => expect((await ready())[1].notifiers).toEqual([{ name: 'hook', failing: false, waiting: 0 }]), {
      timeout: 10_000,
    });
    expect(sink.rejected).toBe(11);
  });
});
