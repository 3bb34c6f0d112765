// Restart durability through the real App on a real SQLite file: alerts a failing notifier could not take
// stay in state_dir/outbox.db over a stop, and the next start delivers them exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { HttpSink } from '../helpers/http-sink.ts';

describe('App restart with alerts in the outbox', () => {
  let dir: string;
  let sink: HttpSink;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-restart-'));
    sink = await new HttpSink().start();
  });
  afterEach(async () => {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function app(clock: ManualClock): App {
    const config = parseConfig(
      `
notifiers: { hook: "${sink.url()}" }
rules:
  - { name: r, match: { app: test }, notify: [hook], title: "{{message}}", body: "{{message}}" }
delivery: { backoff: 1m, shutdown_grace: 1s }
state_dir: ${dir}
`,
      'test.yaml',
    );
    return new App(config, { log: silentLogger, clock });
  }

  const event = (clock: ManualClock, message: string) => ({
    receivedAt: new Date(clock.now()),
    listener: 'test',
    kind: 'syslog' as const,
    host: 'h',
    app: 'test',
    message,
    fields: {},
  });

  it('delivers on the next start, exactly once, what a stop left undelivered', async () => {
    const clock = new ManualClock(Date.parse('2025-03-01T12:00:00Z'));
    sink.respond = () => ({ status: 503 });
    const before = app(clock);
    await before.start();
    before.accept(event(clock, 'one'));
    before.accept(event(clock, 'two'));
    await vi.waitFor(() => expect(before.dispatcher.stats.retried).toBe(1));
    await before.stop();
    expect(sink.received).toHaveLength(0);

    sink.respond = () => ({ status: 200 });
    const after = app(clock);
    await after.start();
    // The first alert's retry time was kept too: nothing is sent before it.
    expect(sink.received).toHaveLength(0);
    clock.advance(2 * 60_000);
    await sink.waitFor(2);
    await vi.waitFor(() => expect(after.dispatcher.stats.queued).toBe(0));
    await after.stop();
    expect(sink.json().map((b) => b.title)).toEqual(['one', 'two']);

    const third = app(clock);
    await third.start();
    expect(third.dispatcher.stats.queued).toBe(0);
    await third.stop();
    const outbox = Outbox.open(dir);
    expect(outbox.pending().size).toBe(0);
    outbox.close();
    expect(sink.received).toHaveLength(2);
  });
});
