// The pre-filter wired into a running App on real loopback sockets: frames no rule can match are counted as
// received, as pipeline events and as unmatched (so the counters still add up to every line sent) without
// being parsed, the rest alert as before, and a reload builds the pre-filter from the new rules.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/app.ts';
import { parseConfig } from '../src/plan/load-plan.ts';
import { silentLogger } from '../src/log.ts';
import { HttpSink } from './helpers/http-sink.ts';
import { sendTcp } from './helpers/net.ts';

const line = (app: string, msg: string) => `<85>1 2026-11-30T10:00:00Z web1 ${app} 42 - - ${msg}\n`;

describe('App with the pre-filter', () => {
  let dir: string;
  let sink: HttpSink;
  let app: App;
  const config = (match: string) =>
    parseConfig(
      `
listeners:
  - { name: tcp, type: tcp, address: "127.0.0.1:0" }
  - { name: udp, type: udp, address: "127.0.0.1:0" }
notifiers: { sink: "${sink.url()}" }
rules:
  - { name: watched, match: ${match}, notify: [sink], title: "{{app}} {{message}}" }
state_dir: ${dir}
`,
      'test.yaml',
      {},
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-prefilter-'));
    sink = await new HttpSink().start();
    app = new App(config('{ app: sudo, message: "/FAILED/" }'), { log: silentLogger });
    await app.start();
  });
  afterEach(async () => {
    await app.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const port = (name: string) =>
    Number(
      app.sources
        .find((s) => s.name === name)!
        .address()
        .split(':')
        .pop(),
    );
  const listener = (name: string) => app.sources.find((s) => s.name === name)!.stats();

  it('counts every frame; parses and matches only those a rule can match', async () => {
    const lines = [
      ...Array.from({ length: 10 }, (_, i) => line('sudo', `pam_unix(sudo:auth): authentication FAILED seq=${i}`)),
      ...Array.from({ length: 30 }, (_, i) => line('sudo', `session opened seq=${i}`)),
      ...Array.from({ length: 60 }, (_, i) => line('cron', `job done seq=${i}`)),
      'no header at all\n',
      'no header but sudo FAILED\n',
    ];
    await sendTcp(port('tcp'), lines.join(''));
    await vi.waitFor(() => expect(app.pipelineStats().events).toBe(lines.length));

    const stats = app.pipelineStats();
    expect(listener('tcp').received).toBe(lines.length);
    expect(stats.prefiltered).toBe(91);
    expect(stats.matched).toEqual({ watched: 10 });
    expect(stats.unmatched).toBe(lines.length - 10);
    // Only the header-less frame that was parsed counts as unparsed.
    expect(listener('tcp').parseErrors).toBe(1);
    await vi.waitFor(() => expect(sink.received).toHaveLength(10));
  });

  it('screens UDP datagrams the same way', async () => {
    const socket = createSocket('udp4');
    const send = (text: string) => new Promise<void>((r, j) => socket.send(text, port('udp'), '127.0.0.1', (e) => (e ? j(e) : r())));
    await send(line('cron', 'job done').trimEnd());
    await send(line('sudo', 'authentication FAILED').trimEnd());
    socket.close();
    await vi.waitFor(() => expect(listener('udp').received).toBe(2));
    expect(app.pipelineStats()).toMatchObject({ events: 2, prefiltered: 1, unmatched: 1, matched: { watched: 1 } });
  });

  it('a reload builds the pre-filter from the new rules', async () => {
    await app.reload(config('{ app: cron }'));
    await sendTcp(port('tcp'), line('cron', 'job done') + line('sudo', 'authentication FAILED'));
    await vi.waitFor(() => expect(app.pipelineStats().events).toBe(2));
    expect(app.pipelineStats()).toMatchObject({ prefiltered: 1, matched: { watched: 1 } });
  });
});
