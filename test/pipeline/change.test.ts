import { describe, expect, it } from 'vitest';
import { harness } from './harness.ts';

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
    expect(h.sent.map((a) => a.title)).toEqual([
      'ssh-root-login on web1: passing → failing',
      'ssh-root-login on web1: failing → passing',
    ]);
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
