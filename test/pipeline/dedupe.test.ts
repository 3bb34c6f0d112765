import { describe, expect, it } from 'vitest';
import { harness } from './harness.ts';

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
