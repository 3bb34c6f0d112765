import { describe, expect, it } from 'vitest';
import { harness } from './harness.ts';

const GROUPED = (wait: string, interval: string) => `rules:
  - name: ssh-failures
    match: { fields.event: login_failed }
    key: [fields.src_ip]
    group_by: [host]
    group_wait: ${wait}
    group_interval: ${interval}
    notify: [ops]
    title: "failed logins on {{host}}"
    body: "{{message}}"
`;
const failed = (ip: string) => `Failed password for root from ${ip} port 40022 ssh2`;

describe('aggregate: group_by, group_wait, group_interval', () => {
  it('holds the first alert of a group for group_wait, then sends what came as one digest', () => {
    const h = harness(GROUPED('30s', '5m'));
    h.syslog('sshd', failed('203.0.113.1'));
    h.clock.advance(29_999);
    h.syslog('sshd', failed('203.0.113.2'));
    h.syslog('sshd', failed('203.0.113.2'));
    expect(h.sent).toHaveLength(0);
    h.clock.advance(1);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.title).toBe('failed logins on web1 (3 events)');
    expect(h.sent[0]!.body).toContain('3 events for host=web1 from 2025-03-01T12:00:00.000Z to 2025-03-01T12:00:29.999Z:');
    expect(h.sent[0]!.body).toContain('  2 × 203.0.113.2\n  1 × 203.0.113.1');
    expect(h.sent[0]!.body).toContain(`samples:\n  ${failed('203.0.113.1')}`);
  });

  it('sends what arrives while the group is open once per group_interval, and closes an idle group', () => {
    const h = harness(GROUPED('0s', '1m'));
    h.syslog('sshd', failed('203.0.113.1'));
    expect(h.sent.map((a) => a.count)).toEqual([1]);
    h.clock.advance(10_000);
    h.syslog('sshd', failed('203.0.113.1'));
    h.syslog('sshd', failed('203.0.113.3'));
    h.clock.advance(49_999);
    expect(h.sent).toHaveLength(1);
    h.clock.advance(1);
    expect(h.sent.map((a) => a.count)).toEqual([1, 2]);
    h.clock.advance(60_000); // nothing new: the group closes
    expect(h.clock.pending()).toBe(0);
    h.syslog('sshd', failed('203.0.113.9'));
    expect(h.sent.map((a) => a.count)).toEqual([1, 2, 1]);
  });

  it('keeps a group per group_by value', () => {
    const h = harness(GROUPED('10s', '1m'));
    h.syslog('sshd', failed('203.0.113.1'));
    h.syslog('sshd', failed('203.0.113.1'), { host: 'web2' });
    h.syslog('sshd', failed('203.0.113.1'), { host: 'web2' });
    h.clock.advance(10_000);
    expect(h.sent.map((a) => [a.title, a.count])).toEqual([['failed logins on web1', 1], ['failed logins on web2 (2 events)', 2]]);
  });

  it('turns 5,000 failed logins from 50 IPs in 10 s into a handful of digests adding up to exactly 5,000', () => {
    const h = harness(GROUPED('5s', '1m'));
    for (let i = 0; i < 5000; i++) {
      h.syslog('sshd', failed(`198.51.100.${i % 50}`));
      h.clock.advance(2); // 5,000 × 2 ms = 10 s
    }
    h.clock.advance(10 * 60_000);
    expect(h.sent.length).toBeGreaterThan(0);
    expect(h.sent.length).toBeLessThanOrEqual(3);
    expect(h.sent.reduce((n, a) => n + a.count, 0)).toBe(5000);
    expect(h.sent[0]!.body).toMatch(/ × 198\.51\.100\.\d+\n/);
    expect(h.sent[0]!.body).toMatch(/… and 2000 more under 40 other keys/);
    expect(h.clock.pending()).toBe(0);
  });

  it('sends open groups when flushed (shutdown)', () => {
    const h = harness(GROUPED('1h', '1h'));
    h.syslog('sshd', failed('203.0.113.1'));
    h.pipeline.flush();
    expect(h.sent.map((a) => a.count)).toEqual([1]);
    expect(h.clock.pending()).toBe(0);
  });
});
