import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/state-store.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { harness, T0, turnEnd } from './harness.ts';

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
    expect(h.sent.map((a) => [a.title, a.count])).toEqual([
      ['failed logins on web1', 1],
      ['failed logins on web2 (2 events)', 2],
    ]);
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

describe('aggregate: open groups in the state store', () => {
  it('resumes a group after a restart at its remaining group_wait, with every count', async () => {
    const store = new MemoryStateStore();
    const before = harness(GROUPED('30s', '5m'), { store });
    before.syslog('sshd', failed('203.0.113.1'));
    before.clock.advance(10_000);
    before.syslog('sshd', failed('203.0.113.2'));
    before.syslog('sshd', failed('203.0.113.2'));
    await turnEnd(); // then killed: nothing is stopped or flushed

    const after = harness(GROUPED('30s', '5m'), { store, start: T0 + 15_000 });
    after.syslog('sshd', failed('203.0.113.3'));
    after.clock.advance(14_999);
    expect(after.sent).toHaveLength(0);
    after.clock.advance(1);
    expect(after.sent.map((a) => a.title)).toEqual(['failed logins on web1 (4 events)']);
    expect(after.sent[0]!.body).toContain('4 events for host=web1 from 2025-03-01T12:00:00.000Z to 2025-03-01T12:00:15.000Z:');
    expect(after.sent[0]!.body).toContain('  2 × 203.0.113.2\n');
    expect(after.sent[0]!.body).toContain(`samples:\n  ${failed('203.0.113.1')}`);
    // group_interval goes on from the digest, in the store too.
    await turnEnd();
    expect([...store.load('aggregate').values()]).toEqual([{ rule: 'ssh-failures', overflow: false, deadline: T0 + 30_000 + 300_000 }]);
  });

  it('sends at once a group whose deadline passed while relay was down', async () => {
    const store = new MemoryStateStore();
    const before = harness(GROUPED('30s', '5m'), { store });
    before.syslog('sshd', failed('203.0.113.1'));
    await turnEnd();
    const after = harness(GROUPED('30s', '5m'), { store, start: T0 + 3_600_000 });
    expect(after.sent).toHaveLength(0);
    after.clock.advance(0);
    expect(after.sent.map((a) => a.count)).toEqual([1]);
  });

  it('keeps its groups in the store over a stop, and sends them on flush (end of a replay) instead', async () => {
    const store = new MemoryStateStore();
    const before = harness(GROUPED('30s', '5m'), { store });
    before.syslog('sshd', failed('203.0.113.1'));
    before.pipeline.stop();
    expect(before.sent).toHaveLength(0);
    expect(before.clock.pending()).toBe(0);
    const after = harness(GROUPED('30s', '5m'), { store, start: T0 + 1000 });
    after.pipeline.flush();
    expect(after.sent.map((a) => a.count)).toEqual([1]);
    await turnEnd();
    expect(store.load('aggregate').size).toBe(0);
  });

  it('drops, saying so, the groups of a rule that no longer exists', async () => {
    const store = new MemoryStateStore();
    const before = harness(GROUPED('30s', '5m'), { store });
    before.syslog('sshd', failed('203.0.113.1'));
    await turnEnd();
    const { log, at } = captureLog();
    const after = harness(GROUPED('30s', '5m').replace('ssh-failures', 'ssh-renamed'), { store, start: T0 + 1000, log });
    after.clock.advance(3_600_000);
    expect(after.sent).toHaveLength(0);
    expect(at('info').map((l) => [l.msg, l.rules])).toEqual([
      ['aggregate: state of rules that no longer exist was dropped', { 'ssh-failures': 1 }],
    ]);
    await turnEnd();
    expect(store.load('aggregate').size).toBe(0);
  });

  it('past limits.keys_per_rule, counts the hits of further groups into one overflow digest, exactly', () => {
    const { log, at } = captureLog();
    const h = harness(`${GROUPED('10s', '1h')}limits: { keys_per_rule: 3 }\n`, { log });
    for (let host = 1; host <= 8; host++) {
      for (let i = 0; i < host; i++) h.syslog('sshd', failed(`203.0.113.${i}`), { host: `h${host}` });
    }
    h.syslog('sshd', failed('203.0.113.1'), { host: 'h1' }); // an open group still takes its own
    h.clock.advance(10_000);
    expect(h.sent.map((a) => [a.title, a.count])).toEqual([
      ['failed logins on h1 (2 events)', 2],
      ['failed logins on h2 (2 events)', 2],
      ['failed logins on h3 (3 events)', 3],
      ['ssh-failures: 30 more events past limits.keys_per_rule', 30],
    ]);
    expect(h.sent[3]!.body).toContain('… and 5 more groups by host (30 events) past limits.keys_per_rule (3 groups held)');
    expect(h.sent[3]!.body).toContain('30 events from 2025-03-01T12:00:00.000Z');
    expect(h.pipeline.stats().overflowed.aggregate).toEqual({ 'ssh-failures': 30 });
    expect(at('warn').map((l) => [l.msg, l.limit, l.rule])).toEqual([
      [
        "aggregate: rule ssh-failures reached limits.keys_per_rule (3); hits of further groups go to the rule's overflow digest",
        'limits.keys_per_rule',
        'ssh-failures',
      ],
    ]);
  });

  it('takes new groups again once open ones closed', () => {
    const h = harness(`${GROUPED('10s', '0s')}limits: { keys_per_rule: 1 }\n`);
    h.syslog('sshd', failed('203.0.113.1'), { host: 'a' });
    h.syslog('sshd', failed('203.0.113.1'), { host: 'b' });
    h.clock.advance(10_000);
    h.syslog('sshd', failed('203.0.113.1'), { host: 'c' });
    h.clock.advance(10_000);
    expect(h.sent.map((a) => a.title)).toEqual([
      'failed logins on a',
      'ssh-failures: 1 more event past limits.keys_per_rule',
      'failed logins on c',
    ]);
  });
});
