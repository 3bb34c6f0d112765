import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/state-store.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { harness, T0, turnEnd } from './harness.ts';

const CHANGE = `rules:
  - name: compliance
    kind: change
    match: { app: compliance }
    field: fields.state
    key: [host, fields.check]
    notify: [ops]
    title: "{{fields.check}} on {{host}}: {{previous}} → {{value}}"
`;

describe('kind: change', () => {
  it('alerts exactly twice over passing, passing, failing, failing, passing', () => {
    const h = harness(CHANGE);
    for (const state of ['passing', 'passing', 'failing', 'failing', 'passing']) {
      h.syslog('compliance', `check ${state}`, { fields: { check: 'ssh-root-login', state } });
      h.clock.advance(60_000);
    }
    expect(h.sent.map((a) => a.title)).toEqual(['ssh-root-login on web1: passing → failing', 'ssh-root-login on web1: failing → passing']);
  });

  it('keeps one state per key and passes over events without the field', () => {
    const h = harness(CHANGE);
    h.syslog('compliance', 'a', { fields: { check: 'c1', state: 'passing' } });
    h.syslog('compliance', 'b', { host: 'web2', fields: { check: 'c1', state: 'failing' } });
    h.syslog('compliance', 'c', { fields: { check: 'c1' } });
    h.syslog('compliance', 'd', { fields: { check: 'c1', state: 'passing' } });
    expect(h.sent).toHaveLength(0);
    h.syslog('compliance', 'e', { host: 'web2', fields: { check: 'c1', state: 'passing' } });
    expect(h.sent.map((a) => a.title)).toEqual(['c1 on web2: failing → passing']);
  });
});

describe('kind: change, baselines in the state store', () => {
  it('remembers the last value across a restart', async () => {
    const store = new MemoryStateStore();
    const before = harness(CHANGE, { store });
    before.syslog('compliance', 'a', { fields: { check: 'c1', state: 'failing' } });
    before.pipeline.stop();
    const after = harness(CHANGE, { store, start: T0 + 3_600_000 });
    after.syslog('compliance', 'b', { fields: { check: 'c1', state: 'passing' } });
    expect(after.sent.map((a) => a.title)).toEqual(['c1 on web1: failing → passing']);
    await turnEnd();
    expect([...store.load('change').values()]).toEqual(['passing']);
  });

  it('past limits.keys_per_rule, cannot track further keys: their events are counted and said in a warning', () => {
    const { log, at } = captureLog();
    const h = harness(`${CHANGE}limits: { keys_per_rule: 1 }\n`, { log });
    h.syslog('compliance', 'a', { fields: { check: 'c1', state: 'passing' } });
    h.syslog('compliance', 'b', { fields: { check: 'c2', state: 'passing' } });
    h.syslog('compliance', 'c', { fields: { check: 'c2', state: 'failing' } });
    h.syslog('compliance', 'd', { fields: { check: 'c1', state: 'failing' } });
    expect(h.sent.map((a) => a.title)).toEqual(['c1 on web1: passing → failing']);
    expect(h.pipeline.stats().overflowed.change).toEqual({ compliance: 2 });
    expect(at('warn').map((l) => l.msg)).toEqual([
      'change: rule compliance reached limits.keys_per_rule (1); further keys get no baseline, so their changes cannot be seen',
    ]);
  });
});
