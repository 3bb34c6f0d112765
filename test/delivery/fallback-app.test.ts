// The fallback as config writes it, through the real App: `notifiers: {chat: {url, fallback, fallback_after}}`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';

describe('a fallback from config', () => {
  let dir: string;
  let chat: HttpSink;
  let mail: HttpSink;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-fallback-'));
    [chat, mail] = await Promise.all([new HttpSink().start(), new HttpSink().start()]);
  });
  afterEach(async () => {
    await Promise.all([chat.stop(), mail.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reroutes what a down notifier held past fallback_after to the fallback named in its object form', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    const config = parseConfig(
      `
notifiers:
  chat: { url: "${chat.url()}", fallback: mail, fallback_after: 5m }
  mail: "${mail.url()}"
rules:
  - { name: r, notify: [chat], title: "{{message}}", body: "{{message}}" }
state_dir: ${dir}
`,
      'test.yaml',
    );
    const app = new App(config, { log: silentLogger, clock });
    await app.start();
    chat.respond = () => ({ status: 503 });
    app.accept({
      receivedAt: new Date(clock.now()),
      listener: 'test',
      kind: 'syslog',
      host: 'h',
      app: 'a',
      message: 'disk failing',
      fields: {},
    });
    await vi.waitFor(() => expect(chat.rejected).toBe(1));
    clock.advance(5 * 60_000);
    await mail.waitFor(1);
    expect(mail.json<{ title: string; message: string }>()[0]).toMatchObject({
      title: 'disk failing',
      message: expect.stringMatching(
        /^\(meant for chat; rerouted to mail: not delivered within fallback_after \(5m\); last error: .*503.*\)\ndisk failing$/,
      ),
    });
    await vi.waitFor(() => expect(app.dispatcher.stats).toMatchObject({ queued: 0, rerouted: 1 }));
    await app.stop();
  });
});
