import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/state-store.ts';
import { harness, T0, turnEnd } from './harness.ts';

const REPEAT = `rules:
  - name: disk
    match: { app: smartd }
    key: [host, fields.disk]
    repeat_interval: 1h
    notify: [ops]
    title: "{{fields.disk}} failing on {{host}}"
`;

describe('dedupe: repeat_interval per alert key', () => {
  it('sends an identical alert once per interval and carries the repeat count into the next message', () => {
    const h = harness(REPEAT);
    const disk = (d: string) => h.syslog('smartd', `${d} failing`, { fields: { disk: d } });
    disk('sda');
    for (let i = 0; i < 30; i++) {
      h.clock.advance(60_000);
      disk('sda');
    }
    disk('sdb');
    expect(h.sent.map((a) => a.title)).toEqual(['sda failing on web1', 'sdb failing on web1']);
    h.clock.advance(30 * 60_000); // the hour since the first sda alert is over
    expect(h.sent).toHaveLength(3);
    expect(h.sent[2]).toMatchObject({ title: 'sda failing on web1 (30 events)', count: 30 });
    expect(h.sent[2]!.body).toContain('(repeated 30 times in the last 1h)');
    expect(h.pipeline.stats().repeatsHeld).toBe(30);
  });

  it('leaves nothing behind when an alert does not repeat', () => {
    const h = harness(REPEAT);
    h.syslog('smartd', 'sda failing', { fields: { disk: 'sda' } });
    h.clock.advance(3_600_000);
    expect(h.sent).toHaveLength(1);
    expect(h.clock.pending()).toBe(0);
    h.syslog('smartd', 'sda failing', { fields: { disk: 'sda' } });
    expect(h.sent).toHaveLength(2);
  });

  it('says held repeats on flush (shutdown)', () => {
    const h = harness(REPEAT);
    h.syslog('smartd', 'sda failing', { fields: { disk: 'sda' } });
    h.syslog('smartd', 'sda failing', { fields: { disk: 'sda' } });
    h.pipeline.flush();
    expect(h.sent.map((a) => a.count)).toEqual([1, 1]);
    expect(h.sent[1]!.body).toContain('repeated 1 time ');
  });
});

describe('dedupe: repeat windows in the state store', () => {
  it('resumes a window after a restart: repeats before and after it go out together when the hour ends', async () => {
    const store = new MemoryStateStore();
    const before = harness(REPEAT, { store });
    const disk = (h: typeof before) => h.syslog('smartd', 'sda failing', { fields: { disk: 'sda' } });
    disk(before);
    before.clock.advance(60_000);
    disk(before);
    disk(before);
    await turnEnd();

    const after = harness(REPEAT, { store, start: T0 + 20 * 60_000 });
    disk(after);
    expect(after.sent).toHaveLength(0);
    after.clock.advance(40 * 60_000 - 1);
    expect(after.sent).toHaveLength(0);
    after.clock.advance(1);
    expect(after.sent).toHaveLength(1);
    expect(after.sent[0]).toMatchObject({ title: 'sda failing on web1 (3 events)', count: 3 });
    expect(after.sent[0]!.body).toContain('(repeated 3 times in the last 1h)');
  });

  it('past limits.keys_per_rule, sends alerts of further keys without repeat_interval and says so', () => {
    const h = harness(`${REPEAT}limits: { keys_per_rule: 2 }\n`);
    for (const d of ['sda', 'sdb', 'sdc', 'sdc', 'sda']) h.syslog('smartd', `${d} failing`, { fields: { disk: d } });
    expect(h.sent.map((a) => a.title)).toEqual([
      'sda failing on web1',
      'sdb failing on web1',
      'sdc failing on web1',
      'sdc failing on web1',
    ]);
    expect(h.sent[2]!.body).toBe('sdc failing\n\n(sent without repeat_interval: the rule holds limits.keys_per_rule (2) repeat windows)');
    expect(h.pipeline.stats()).toMatchObject({ repeatsHeld: 1, overflowed: { dedupe: { disk: 2 } } });
  });
});
