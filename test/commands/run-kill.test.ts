// `relay run` killed without warning (SIGKILL: no stop, no flush) while the pipeline holds something: what
// it had accepted is in state_dir/state.db, and the next start finishes it with exact counts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { connect, freePort, sendTcp } from '../helpers/net.ts';
import { RelayProcess } from '../helpers/relay-process.ts';
import { storedState } from '../helpers/state-db.ts';

const GROUP_WAIT_MS = 6000;

describe('relay run killed with SIGKILL', () => {
  let dir: string;
  let sink: HttpSink;
  const running: RelayProcess[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-kill-'));
    sink = await new HttpSink().start();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.kill('SIGKILL')));
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(config: string): Promise<RelayProcess> {
    const relay = await RelayProcess.start(config);
    running.push(relay);
    return relay;
  }

  it('during group_wait: after the restart, one digest of all 5 events at the original deadline', async () => {
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]
notifiers: { sink: "${sink.url()}" }
rules:
  - name: auth-failure
    match: { app: sshd, message: /Failed password/ }
    key: [fields.src_ip]
    group_by: [host]
    group_wait: ${GROUP_WAIT_MS}ms
    notify: [sink]
    title: "authentication failure on {{host}}"
  - { name: now, match: { app: now }, notify: [sink], title: "now {{host}}" }
state_dir: ${join(dir, 'state')}
`,
    );
    const first = await start(config);
    const sentAt = Date.now();
    const lines = [1, 2, 3, 4, 5].map(
      (i) => `<38>1 2026-11-23T10:00:0${i}Z web1 sshd 4242 - - Failed password for root from 203.0.113.${i} port 22 ssh2\n`,
    );
    await sendTcp(port, lines.join(''));
    await vi.waitFor(
      () => {
        const groups = [...storedState(join(dir, 'state'), 'aggregate').values()] as { pending?: { count: number } }[];
        expect(groups.map((g) => g.pending?.count)).toEqual([5]);
      },
      { timeout: 10_000, interval: 20 },
    );
    await first.kill('SIGKILL');
    expect(sink.received).toHaveLength(0);

    const second = await start(config);
    const restarted = Date.now();
    await sink.waitFor(1);
    const arrived = Date.now();
    const [digest] = sink.json<{ title: string; message: string }>();
    expect(digest!.title).toBe('authentication failure on web1 (5 events)');
    expect(digest!.message).toContain('5 events for host=web1');
    for (let i = 1; i <= 5; i++) expect(digest!.message).toContain(`1 × 203.0.113.${i}`);
    expect(arrived - sentAt).toBeGreaterThanOrEqual(GROUP_WAIT_MS);
    expect(arrived - restarted).toBeLessThan(GROUP_WAIT_MS);
    // Exactly one: the next thing the sink receives is a later alert.
    await sendTcp(port, '<13>1 2026-11-23T10:00:09Z web1 now - - - after\n');
    await sink.waitFor(2);
    expect(sink.json().map((a) => a.title)).toEqual(['authentication failure on web1 (5 events)', 'now web1']);
    await second.kill('SIGTERM');
  }, 40_000);

  it('with a sudo call awaiting its exit: the exit sent after the restart makes one correlated alert', async () => {
    const socket = join(dir, 'sudo.sock');
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `
listeners: [{ name: sudo, type: unix, format: sudo, address: ${socket}, allow_uids: [0] }]
notifiers: { sink: "${sink.url()}" }
rules:
  - name: sudo-command
    match: { kind: sudo }
    notify: [sink]
    title: "sudo on {{host}}: {{fields.user}} ran {{join fields.argv ' '}}"
    body: "{{fields.outcome}} correlated={{fields.correlated}}"
state_dir: ${join(dir, 'state')}
`,
    );
    const call = {
      v: 1,
      id: 'web1-4242-1-abcd',
      host: 'web1',
      user: 'alice',
      uid: 1000,
      runas_user: 'root',
      runas_uid: 0,
      cwd: '/home/alice',
      pid: 4242,
      command: '/usr/bin/systemctl',
      argv: ['systemctl', 'restart', 'nginx'],
    };
    const send = async (line: object) => {
      const s = await connect({ path: socket });
      await new Promise<void>((r) => s.end(`${JSON.stringify(line)}\n`, r));
    };

    const first = await start(config);
    await send({ ...call, event: 'accept', seq: 0, ts: new Date().toISOString() });
    await vi.waitFor(() => expect(storedState(join(dir, 'state'), 'correlate').size).toBe(1), { timeout: 10_000, interval: 20 });
    await first.kill('SIGKILL');

    const second = await start(config);
    await send({ ...call, event: 'exit', seq: 1, ts: new Date().toISOString(), status: 3 });
    await sink.waitFor(1);
    expect(sink.json().map((a) => [a.title, a.message])).toEqual([
      ['sudo on web1: alice ran systemctl restart nginx', 'exit 3 correlated=true'],
    ]);
    expect(storedState(join(dir, 'state'), 'correlate').size).toBe(0);
    await second.kill('SIGTERM');
  }, 40_000);
});
