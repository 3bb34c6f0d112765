// Collecting the plugin's spool: every event handed on once, across collections and a crash.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecentKeys } from '../../../src/sources/sudo/recent-keys.ts';
import { collectSpool, SpoolCollector, type SpoolRecord } from '../../../src/sources/sudo/spool-collector.ts';

function line(id: string, seq: number, event = 'accept'): string {
  const extra = event === 'exit' ? { status: 0 } : { command: '/bin/true', argv: ['/bin/true'] };
  return `${JSON.stringify({ v: 1, event, id, seq, ts: '2025-01-02T03:04:05.678Z', host: 'h', user: 'root', uid: 0, pid: 1, ...extra })}\n`;
}

function eventKeys(records: SpoolRecord[]): string[] {
  return records.flatMap((r) => (r.ok ? [`${r.event.id}/${r.event.seq}`] : []));
}

describe('spool collection', () => {
  let dir: string;
  let spool: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-spool-'));
    spool = join(dir, 'sudo.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hands on each event once across two collections and removes what it took', async () => {
    const recent = new RecentKeys();
    const got: SpoolRecord[] = [];
    writeFileSync(spool, line('a', 0) + line('a', 1, 'exit'));
    await collectSpool(spool, (r) => void got.push(r), { recent, graceMs: 0 });
    appendFileSync(spool, line('b', 0));
    await collectSpool(spool, (r) => void got.push(r), { recent, graceMs: 0 });
    await collectSpool(spool, (r) => void got.push(r), { recent, graceMs: 0 });
    expect(eventKeys(got)).toEqual(['a/0', 'a/1', 'b/0']);
    expect(existsSync(spool) || existsSync(`${spool}.collecting`)).toBe(false);
  });

  it('drops an event already seen, e.g. spooled again after being received on the socket', async () => {
    const recent = new RecentKeys();
    recent.add('a/0');
    writeFileSync(spool, line('a', 0) + line('a', 1, 'exit'));
    const got: SpoolRecord[] = [];
    const stats = await collectSpool(spool, (r) => void got.push(r), { recent, graceMs: 0 });
    expect(eventKeys(got)).toEqual(['a/1']);
    expect(stats).toEqual({ events: 1, invalid: 0, duplicates: 1 });
  });

  it('reports a partial last line and bad lines as invalid, never throwing', async () => {
    writeFileSync(spool, `${line('a', 0)}not json\n${line('b', 0).slice(0, 30)}`);
    const got: SpoolRecord[] = [];
    const stats = await collectSpool(spool, (r) => void got.push(r), { graceMs: 0 });
    expect(stats).toEqual({ events: 1, invalid: 2, duplicates: 0 });
    expect(got.map((r) => (r.ok ? 'ok' : r.reason.split(':')[0]))).toEqual([
      'ok',
      'not JSON',
      'incomplete spool line (torn write or over the size limit)',
    ]);
  });

  it('after a failed hand-over, resumes at that line: nothing lost, nothing repeated', async () => {
    writeFileSync(spool, line('a', 0) + line('b', 0) + line('c', 0));
    const got: string[] = [];
    const failOnB = (r: SpoolRecord): void => {
      if (r.ok && r.event.id === 'b') throw new Error('outbox unavailable');
      got.push(...eventKeys([r]));
    };
    // A fresh RecentKeys each time, as after a restart: only the saved position prevents repeats.
    await expect(collectSpool(spool, failOnB, { graceMs: 0 })).rejects.toThrow('outbox unavailable');
    expect(readFileSync(`${spool}.collecting`, 'utf8')).toContain('"id":"b"');
    appendFileSync(spool, line('d', 0));
    await collectSpool(spool, (r) => void got.push(...eventKeys([r])), { graceMs: 0 });
    expect(got).toEqual(['a/0', 'b/0', 'c/0', 'd/0']);
  });

  it('SpoolCollector collects at start and stops cleanly', async () => {
    writeFileSync(spool, line('a', 0));
    const got: SpoolRecord[] = [];
    let done!: () => void;
    const first = new Promise<void>((r) => (done = r));
    const collector = new SpoolCollector({
      path: spool,
      graceMs: 0,
      intervalMs: 10,
      onRecord: (r) => {
        got.push(r);
        done();
      },
      onError: (e) => {
        throw e;
      },
    });
    collector.start();
    await first;
    await collector.stop();
    expect(eventKeys(got)).toEqual(['a/0']);
  });

  it("two SpoolCollectors of one path (a reload's old and new sudo listener) take turns: each event handed on once", async () => {
    let text = '';
    for (let i = 0; i < 200; i++) text += line(`e${i}`, 0);
    writeFileSync(spool, text);
    const got: SpoolRecord[] = [];
    let second: Promise<unknown> | undefined;
    const collector = (): SpoolCollector =>
      new SpoolCollector({
        path: spool,
        graceMs: 0,
        onRecord: async (r) => {
          got.push(r);
          // The new listener starts collecting while the old one is in the middle of the file.
          second ??= b.collectOnce();
          await Promise.resolve();
        },
        onError: () => {},
      });
    const [a, b] = [collector(), collector()];
    await a.collectOnce();
    await second;
    expect(eventKeys(got)).toHaveLength(200);
    expect(new Set(eventKeys(got)).size).toBe(200);
    expect(existsSync(`${spool}.collecting`)).toBe(false);
  });
});
