import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SilenceDb } from '../../src/state/silence-db.ts';
import { T0, harness } from './harness.ts';

const RULE = `rules:
  - name: ssh
    match: { app: sshd }
    notify: [ops]
    title: "{{fields.user}}"
`;
const failed = (user: string) => `Failed password for ${user} from 203.0.113.5 port 22 ssh2`;

describe('silences', () => {
  it('mutes matching alerts from config until the silence ends, counting what it muted', () => {
    const h = harness(`${RULE}silences:
  - match: { rule: ssh, fields.user: root }
    ends: ${new Date(T0 + 3_600_000).toISOString()}
    comment: pen test
`);
    h.syslog('sshd', failed('root'));
    h.syslog('sshd', failed('alice'));
    h.clock.advance(3_600_000 - 1);
    h.syslog('sshd', failed('root'));
    expect(h.sent.map((a) => a.title)).toEqual(['alice']);
    h.clock.advance(1);
    h.syslog('sshd', failed('root'));
    expect(h.sent.map((a) => a.title)).toEqual(['alice', 'root']);
    expect(h.pipeline.stats().silenced).toBe(2);
  });

  it('keeps run-time silences in SQLite across a restart, with their counts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-silence-'));
    const db = SilenceDb.open(dir);
    const id = db.add({ match: { 'fields.user': 'root' }, starts: T0, ends: T0 + 7_200_000, createdBy: 'test' }, T0);
    db.close();

    const h = harness(RULE);
    const reopened = SilenceDb.open(dir);
    h.pipeline.useSilences(reopened);
    h.syslog('sshd', failed('root'));
    h.syslog('sshd', failed('root'));
    h.syslog('sshd', failed('alice'));
    expect(h.sent.map((a) => a.title)).toEqual(['alice']);
    h.clock.advance(10_000); // counts are saved in batches
    expect(reopened.all()).toMatchObject([{ id, silenced: 2 }]);

    const cli = SilenceDb.open(dir); // `relay silence expire` from another process
    cli.expire(id, T0 + 20_000);
    cli.close();
    h.clock.advance(10_000);
    h.syslog('sshd', failed('root'));
    expect(h.sent.map((a) => a.title)).toEqual(['alice', 'root']);
    reopened.close();
  });
});
