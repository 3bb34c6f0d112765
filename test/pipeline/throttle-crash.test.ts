// `relay run` as a real process, killed with SIGKILL while a notifier's rate limit holds alerts: the next
// process resumes the hold from state_dir/state.db and releases it with exact counts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { RelayProcess } from '../helpers/relay-process.ts';

/** Alerts the throttle holds, as state.db has them on disk right now. */
function heldOnDisk(stateDir: string): number {
  const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT value FROM state WHERE namespace = 'throttle' AND key LIKE 'h%'").all() as { value: string }[];
    return rows.reduce((n, r) => n + (JSON.parse(r.value) as { alerts: number }).alerts, 0);
  } finally {
    db.close();
  }
}

describe('relay run killed while a rate limit holds alerts', () => {
  let dir: string;
  let sink: HttpSink;
  let running: RelayProcess | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-throttle-crash-'));
    sink = await new HttpSink().start();
  });
  afterEach(async () => {
    await running?.kill('SIGKILL');
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers what was held after the restart, each alert with its own title and exact count', async () => {
    const port = await freePort();
    const config = (rate: string) => {
      const file = join(dir, `config-${rate.replace('/', '-')}.yaml`);
      writeFileSync(
        file,
        `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]
notifiers: { sink: "${sink.url()}" }
throttle: { sink: { rate: ${rate}, burst: 1 } }
rules:
  - { name: all, key: [message], notify: [sink], title: "{{message}} on {{host}}" }
state_dir: ${join(dir, 'state')}
`,
      );
      return file;
    };
    // An hour's limit: nothing held can leave before the kill, however slow the machine.
    const first = await RelayProcess.start(config('1/1h'));
    running = first;
    const lines = ['disk full', 'fan failed', 'disk full', 'disk full', 'psu lost'];
    await sendTcp(port, lines.map((m, i) => `<13>1 2026-11-23T10:00:0${i}Z web1 app - - - ${m}\n`).join(''));
    await sink.waitFor(1);
    await vi.waitFor(() => expect(heldOnDisk(join(dir, 'state'))).toBe(4), { timeout: 10_000, interval: 50 });

    await first.kill('SIGKILL');
    expect(sink.json().map((a) => a.title)).toEqual(['disk full on web1']);

    // The same limit, refilling a token a second, so the test waits seconds rather than the hour.
    running = await RelayProcess.start(config('60/1m'));
    // Listed in the order first held: "disk full" went out, then "fan failed" was the first held.
    // The first process may have been killed between the sink's answer and the outbox's note of it, so
    // "disk full on web1" can come twice (at-least-once delivery); the released message is the one that matters.
    const title = 'fan failed on web1; disk full on web1 ×2; psu lost on web1 (4 events)';
    await vi.waitFor(() => expect(sink.json().map((a) => a.title)).toContain(title), { timeout: 20_000, interval: 50 });
    const released = sink.json().filter((a) => a.title === title);
    expect(released).toHaveLength(1);
    expect(
      String(released[0]!.message)
        .split('\n')
        .filter((l) => l.startsWith('•')),
    ).toEqual(['• fan failed on web1', '• disk full on web1 (2 events) — 2 alerts', '• psu lost on web1']);
    expect(heldOnDisk(join(dir, 'state'))).toBe(0);
  }, 60_000);
});
