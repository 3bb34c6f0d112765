// `relay run` as a process: SIGTERM closes the listeners and exits 0; what a group was holding stays in
// state_dir and goes out after the next start at its original deadline, as one digest.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { RelayProcess } from '../helpers/relay-process.ts';

const GROUP_WAIT_MS = 5000;

describe('relay run', () => {
  const sink = new HttpSink();
  const dir = mkdtempSync(join(tmpdir(), 'relay-run-'));
  beforeAll(() => sink.start());
  afterAll(async () => {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('on SIGTERM exits 0 keeping what a group holds; the next start sends it once, at its original deadline', async () => {
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]
notifiers: { sink: "${sink.url()}" }
rules:
  - { name: held, match: { app: held }, group_by: [host], group_wait: ${GROUP_WAIT_MS}ms, notify: [sink], title: "held {{host}}" }
  - { name: now, match: { app: now }, notify: [sink], title: "now {{host}}" }
state_dir: ${join(dir, 'state')}
`,
    );
    const first = await RelayProcess.start(config);
    const sentAt = Date.now();
    await sendTcp(
      port,
      '<13>1 2026-11-23T10:00:00Z web1 held - - - first\n<13>1 2026-11-23T10:00:01Z web1 held - - - again\n<13>1 2026-11-23T10:00:01Z web1 now - - - second\n',
    );
    // Same connection, in order: once the last alert arrived, both held events are in their group.
    await sink.waitFor(1);
    expect(await first.kill('SIGTERM')).toBe(0);
    expect(first.log).toContain('"msg":"stopping"');
    expect(sink.json().map((a) => a.title)).toEqual(['now web1']);

    const second = await RelayProcess.start(config);
    const restarted = Date.now();
    await sink.waitFor(2);
    const arrived = Date.now();
    expect(sink.json().map((a) => a.title)).toEqual(['now web1', 'held web1 (2 events)']);
    // At the deadline set before the stop: not earlier, and not a fresh group_wait counted from the restart.
    expect(arrived - sentAt).toBeGreaterThanOrEqual(GROUP_WAIT_MS);
    expect(arrived - restarted).toBeLessThan(GROUP_WAIT_MS);
    // Nothing more of the group: a later alert is the next thing the sink receives.
    await sendTcp(port, '<13>1 2026-11-23T10:00:02Z web1 now - - - third\n');
    await sink.waitFor(3);
    expect(sink.json().map((a) => a.title)).toEqual(['now web1', 'held web1 (2 events)', 'now web1']);
    expect(await second.kill('SIGTERM')).toBe(0);
  }, 30_000);
});
