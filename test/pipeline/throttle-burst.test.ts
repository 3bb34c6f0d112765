// A root login hidden in a brute-force burst must reach a throttled notifier under its own title, with the
// burst's digest beside it: the case the old throttle folded into "… and 3 more like this".
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alert.ts';
import { harness, T0 } from './harness.ts';

const BURST = 20_000;
const ROOT_AT = 12_345;
const STEP_MS = 60;
const BURST_IP = '203.0.113.9';

function rules(priority: string): string {
  return `throttle:
  chat: { rate: 10/1h }
rules:
  - name: root-login
    match: { app: sshd, fields.event: login_accepted, fields.user: root }
    notify: [chat]
    type: failure
    title: "root login on {{host}} from {{fields.src_ip}}"
    ${priority}
  - name: auth-failure
    match: { app: sshd, fields.event: login_failed }
    group_by: [host]
    key: [fields.src_ip]
    group_wait: 1m
    group_interval: 5m
    notify: [chat]
    title: "authentication failures on {{host}}"
  - name: cron
    match: { app: cron }
    key: [message]
    notify: [chat]
    title: "{{message}}"
`;
}

/** Ten earlier alerts take the notifier's whole burst, then the sshd burst with the root login planted in it. */
function replayBurst(priority: string) {
  const h = harness(rules(priority));
  for (let i = 0; i < 10; i++) h.syslog('cron', `job ${i} failed`);
  for (let i = 0; i < BURST; i++) {
    h.clock.advance(STEP_MS);
    if (i === ROOT_AT) h.syslog('sshd', `Accepted password for root from ${BURST_IP} port 50022 ssh2`);
    else h.syslog('sshd', `Failed password for invalid user admin from ${BURST_IP} port ${40000 + (i % 20000)} ssh2`);
  }
  const rootAt = T0 + (ROOT_AT + 1) * STEP_MS;
  h.clock.advance(3 * 3_600_000);
  return { sent: h.sent, sentAt: h.sentAt, rootAt };
}

/** Events of a rule said in the messages: alone, or on a released message's line for it. */
function failuresSaid(sent: readonly Alert[]): number {
  let n = 0;
  for (const a of sent) {
    if (a.rule === 'auth-failure') n += a.count;
    else for (const m of a.body.matchAll(/^• authentication failures on web1(?: \((\d+) events\))?/gm)) n += Number(m[1] ?? 1);
  }
  return n;
}

describe('a root login inside a 20,000-line sshd burst, notifier throttled to 10 messages/hour', () => {
  it('is held like the rest but released as its own line beside the burst digest, every count exact', () => {
    const { sent, sentAt, rootAt } = replayBurst('');
    const withRoot = sent.filter((a) => a.title.includes('root login') || a.body.includes('root login'));
    expect(withRoot).toHaveLength(1);
    const message = withRoot[0]!;
    const lines = message.body.split('\n');
    expect(lines).toContain(`• root login on web1 from ${BURST_IP}`);
    expect(message.title).toMatch(
      new RegExp(`^root login on web1 from ${BURST_IP.replaceAll('.', '\\.')}; authentication failures on web1 \\(\\d+ events\\)$`),
    );
    expect(lines.some((l) => /^• authentication failures on web1 \(\d+ events\)/.test(l))).toBe(true);
    // Nothing is folded as "like this" into another rule's or key's alert.
    expect(message.body).not.toContain('like this');
    expect(sentAt[sent.indexOf(message)]).toBeGreaterThan(rootAt);
    expect(failuresSaid(sent)).toBe(BURST - 1);
    // Never more than the bucket allows: 10 at once, then one per 6 minutes.
    sentAt.forEach((at, i) => expect(i + 1).toBeLessThanOrEqual(10 + Math.floor((at - T0) / 360_000)));
    for (const a of sent) if (a.count > 1) expect(a.title).toMatch(new RegExp(`\\(${a.count} events\\)$`));
  });

  it('with priority: high on its rule, goes out the moment it happens, as its own message', () => {
    const { sent, sentAt, rootAt } = replayBurst('priority: high');
    const root = sent.filter((a) => a.rule === 'root-login');
    expect(root).toHaveLength(1);
    expect(root[0]).toMatchObject({ title: `root login on web1 from ${BURST_IP}`, count: 1 });
    expect(sentAt[sent.indexOf(root[0]!)]).toBe(rootAt);
    expect(sent.some((a) => a.body.includes('root login') && a.rule !== 'root-login')).toBe(false);
    expect(failuresSaid(sent)).toBe(BURST - 1);
  });
});
