// A rate limit's release reaches the phone whole: split between held alerts, loudest first, never cut, and a
// held digest keeps its own per-key counts. The repro, through the real rules and the real Pushover
// notifier against a loopback Pushover that refuses what Pushover refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alert.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { startPushover, type FakePushover } from '../notifiers/servers/pushover.ts';
import { harness } from './harness.ts';

const PHONE = `pover://${'u'.repeat(30)}@${'t'.repeat(30)}`;
let pushover: FakePushover;

beforeAll(async () => {
  pushover = await startPushover();
  process.env.RELAY_PUSHOVER_API_URL = pushover.url;
});
afterAll(async () => {
  delete process.env.RELAY_PUSHOVER_API_URL;
  await pushover.close();
});

async function toPhone(alerts: readonly Alert[]): Promise<void> {
  const phone = createNotifier('phone', PHONE);
  for (const a of alerts) await phone.send({ title: a.title, body: a.body, type: a.type, severity: a.severity });
}

describe('a throttle release on Pushover (1,024 characters)', () => {
  it('12 routine sudo alerts then a root login: the root login is in the first message of the release, nothing cut', async () => {
    const h = harness(`throttle:
  chat: { rate: 1/1m, burst: 1 }
rules:
  - name: sudo
    match: { app: sudo, fields.event: accept }
    notify: [chat]
    title: "sudo by {{fields.user}} on {{host}}"
  - name: root-login
    match: { app: sshd, fields.event: login_accepted, fields.user: root }
    notify: [chat]
    type: failure
    title: "root login on {{host}}"
    body: "{{message}}"
`);
    const hosts = Array.from({ length: 12 }, (_, i) => `web${String(i + 1).padStart(2, '0')}`);
    for (const host of hosts) {
      const line = '   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/tail -n 100 /var/log/app/error.log';
      h.syslog('sudo', line, { host, severity: 6 });
      h.clock.advance(1000);
    }
    h.syslog('sshd', 'Accepted password for root from 193.32.162.6 port 44123 ssh2', { host: 'web07', severity: 6 });
    expect(h.sent).toHaveLength(1);
    h.clock.advance(60_000);
    expect(h.sent).toHaveLength(2);
    const release = h.sent[1]!;
    expect(release.title).toMatch(/^root login on web07; /);

    await toPhone([release]);
    expect(pushover.refused).toEqual([]);
    expect(pushover.delivered.length).toBeGreaterThan(1);
    const [first] = pushover.delivered;
    expect(first!.title).toMatch(/^root login on web07; /);
    expect(first!.message).toContain('• root login on web07');
    const all = pushover.delivered.map((d) => d.message).join('\n');
    for (const host of hosts.slice(1)) expect(all).toContain(`• sudo by alice on ${host}`);
    expect(all).not.toContain('more chars)');
  });

  it('digests held under one key keep their own per-key counts: 4,290 from .6 and 714 from .7, not all under .6', () => {
    const h = harness(`throttle:
  chat: { rate: 1/1h, burst: 1 }
rules:
  - name: cron
    match: { app: cron }
    notify: [chat]
    title: "{{message}}"
  - name: failed-ssh
    match: { app: sshd, fields.event: login_failed }
    group_by: [host]
    key: [fields.src_ip]
    group_wait: 1m
    group_interval: 5m
    notify: [chat]
    title: "failed SSH logins on {{host}}"
`);
    h.syslog('cron', 'backup failed');
    for (let i = 0; i < 5004; i++) {
      const ip = i % 7 === 6 ? '193.32.162.7' : '193.32.162.6';
      h.syslog('sshd', `Failed password for invalid user admin from ${ip} port ${40000 + (i % 9000)} ssh2`, { host: 'web07' });
      h.clock.advance(100);
    }
    h.clock.advance(2 * 3_600_000);
    const release = h.sent.find((a) => a.body.includes('failed SSH logins on web07'))!;
    const perKey = new Map<string, number>();
    for (const line of release.body.split('\n').filter((l) => l.trimStart().startsWith('by key:'))) {
      for (const [, n, key] of line.matchAll(/(\d+) × ([\d.]+)/g)) perKey.set(key!, (perKey.get(key!) ?? 0) + Number(n));
    }
    expect(Object.fromEntries(perKey)).toEqual({ '193.32.162.6': 4290, '193.32.162.7': 714 });
    expect(release.title).toContain('(5004 events)');
  });
});
