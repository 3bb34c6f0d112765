import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load-plan.ts';
import type { Clock } from '../../src/clock.ts';
import type { Hit } from '../../src/pipeline/hit.ts';
import type { RelayEvent } from '../../src/event.ts';
import { Router, type RuleKinds } from '../../src/pipeline/router.ts';
import { harness, T0 } from './harness.ts';

describe('defaults keep one alert per match, sent at once', () => {
  it('sends every matching event immediately, to each notifier, rendered from its fields', () => {
    const h = harness(`rules:
  - name: ssh
    match: { app: sshd, fields.event: login_failed }
    notify: [ops, chat]
    title: "ssh failure for {{fields.user}} on {{host}}"
    body: "from {{fields.src_ip}}"
`);
    h.syslog('sshd', 'Failed password for root from 203.0.113.5 port 40022 ssh2');
    h.syslog('sshd', 'Failed password for root from 203.0.113.5 port 40022 ssh2');
    h.syslog('sshd', 'Accepted publickey for alice from 192.0.2.10 port 51234 ssh2');
    expect(h.sent.map((a) => [a.notify[0], a.title, a.body, a.count])).toEqual([
      ['ops', 'ssh failure for root on web1', 'from 203.0.113.5', 1],
      ['chat', 'ssh failure for root on web1', 'from 203.0.113.5', 1],
      ['ops', 'ssh failure for root on web1', 'from 203.0.113.5', 1],
      ['chat', 'ssh failure for root on web1', 'from 203.0.113.5', 1],
    ]);
    expect(h.clock.pending()).toBe(0);
    expect(h.pipeline.stats()).toMatchObject({ events: 3, unmatched: 1, matched: { ssh: 2 }, alerts: 4 });
  });
});

describe('peer_cert: the TLS client certificate as a match field', () => {
  it('matches on the verified certificate, not on the host name the sender claims', () => {
    const h = harness(`rules:
  - name: web1-ssh
    match: { peer_cert: web1, app: sshd }
    notify: [ops]
    title: "{{app}} via {{peer_cert}} claiming {{host}}"
`);
    h.syslog('sshd', 'Accepted publickey for alice', { peer_cert: 'web1', host: 'db1' });
    h.syslog('sshd', 'Accepted publickey for mallory', { host: 'web1' });
    h.syslog('sshd', 'Accepted publickey for eve', { peer_cert: 'web2', host: 'web1' });
    expect(h.sent.map((a) => a.title)).toEqual(['sshd via web1 claiming db1']);
  });
});

describe('the router reads the clock once per matched event, never for the rest', () => {
  const plan = parsePlan(
    `notifiers: { ops: "json://127.0.0.1:9/x" }
rules:
  - { name: first, match: { app: sshd }, notify: [ops], continue: true }
  - { name: second, match: { host: web1 }, notify: [ops] }
`,
    'router.yaml',
  );
  const event = (app: string, host: string): RelayEvent => ({
    receivedAt: new Date(T0),
    listener: 'syslog',
    kind: 'syslog',
    app,
    host,
    message: 'm',
    fields: {},
  });

  it('stamps every hit of an event with one reading, and takes none for an event no rule matches', () => {
    // Only `any` rules here: the stateful kinds are never reached.
    let readings = 0;
    const clock = { now: () => T0 + ++readings } as Clock;
    const router = new Router(plan.rules, {} as RuleKinds, clock);
    const hits: Hit[] = [];
    router.to({ push: (hit: Hit) => hits.push(hit) });
    router.push(event('cron', 'db1'));
    expect(hits).toEqual([]);
    expect(readings).toBe(0);
    router.push(event('sshd', 'web1'));
    expect(hits.map((h) => [h.rule.config.name, h.at])).toEqual([
      ['first', T0 + 1],
      ['second', T0 + 1],
    ]);
    expect(readings).toBe(1);
    expect(router.unmatched).toBe(1);
    expect(Object.fromEntries(router.matched)).toEqual({ first: 1, second: 1 });
  });
});
