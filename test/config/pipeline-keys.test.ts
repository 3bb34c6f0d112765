import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { configProblems as problems } from '../helpers/config-problems.ts';

describe('pipeline config keys', () => {
  it('defaults keep one immediate alert per match', () => {
    const c = parseConfig('notifiers: { ops: "console://" }\nrules:\n  - { name: r, notify: [ops] }\n', 'c.yaml', {});
    expect(c.rules[0]).toMatchObject({ kind: 'any', group_by: [], group_wait: 0, group_interval: 0, repeat_interval: 0 });
    expect(c).toMatchObject({ silences: [], throttle: {}, correlate: { sudo_exit_timeout: 600_000 }, state_dir: resolve('var') });
    // ↑ ./var beside c.yaml, which is named relative to the current directory
  });

  it('reads a full rule: kind, threshold, key, grouping, repeat and throttle', () => {
    const c = parseConfig(
      `notifiers: { ops: "console://" }
throttle: { ops: { rate: 20/1h } }
rules:
  - name: sudo-passwords
    kind: frequency
    threshold: { count: 5, within: 60s }
    key: [fields.user]
    group_by: [host]
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 4h
    throttle: { rate: 10/1m, burst: 3 }
    notify: [ops]
`,
      'c.yaml',
      {},
    );
    expect(c.rules[0]).toMatchObject({
      threshold: { count: 5, within: 60_000 },
      group_wait: 30_000,
      group_interval: 300_000,
      repeat_interval: 14_400_000,
      throttle: { rate: { count: 10, per: 60_000 }, burst: 3 },
    });
    expect(c.throttle.ops).toEqual({ rate: { count: 20, per: 3_600_000 } });
  });

  it('reports every mistake in the new keys at once, each at its place', () => {
    expect(
      problems(`notifiers: { ops: "console://" }
throttle:
  pager: { rate: 1/1m }
rules:
  - name: a
    kind: frequency
    notify: [ops]
  - name: b
    kind: change
    field: fields.state
    key: [user]
    threshold: { count: 2, within: 1m }
    notify: [ops]
  - name: c
    throttle: { rate: lots }
    notify: [ops]
silences:
  - match: { rule: ghost }
    ends: 2025-01-01T00:00:00Z
  - match: { host: web1 }
    ends: next tuesday
  - match: {}
    ends: 2025-01-01T00:00:00Z
`),
    ).toEqual([
      '3:3: throttle.pager: throttle for unknown notifier "pager"',
      '6:11: rules[0].kind: kind frequency needs threshold: {count, within}',
      '11:11: rules[1].key[0]: unknown field "user" (use host, app, message, severity, fields.NAME, ...)',
      '12:5: rules[1].threshold: threshold is only used by kind: frequency',
      '15:23: rules[2].throttle.rate: not a rate: "lots" (e.g. 10/1m, 1/30s, 100/h)',
      '18:20: silences[0].match.rule: unknown rule "ghost"',
      '21:11: silences[1].ends: not a timestamp: "next tuesday" (e.g. 2025-06-01T06:00:00Z)',
      '22:12: silences[2].match: a silence needs at least one matcher (it would mute everything)',
    ]);
  });

  it('takes a rule that notifies no one only as one that stops the rules after it (continue: false)', () => {
    const c = parseConfig(
      'notifiers: { ops: "console://" }\nrules:\n  - { name: drop, match: { fields.probe: true }, notify: [], continue: false }\n',
      'c.yaml',
      {},
    );
    expect(c.rules[0]).toMatchObject({ notify: [], continue: false });
    expect(problems('notifiers: { ops: "console://" }\nrules:\n  - { name: nowhere, notify: [] }\n')).toEqual([
      '3:30: rules[0].notify: a rule must notify at least one notifier (or set continue: false to take what it matches away from the rules after it)',
    ]);
  });

  it('checks kind: sequence and its after: like the other kinds', () => {
    expect(
      problems(`notifiers: { ops: "console://" }
rules:
  - { name: a, kind: sequence, notify: [ops] }
  - { name: b, after: { match: { app: sshd }, within: 1h }, notify: [ops] }
  - { name: c, kind: sequence, after: { match: { message: "/(/" }, count: 3, within: 1h }, notify: [ops] }
`),
    ).toEqual([
      '3:22: rules[0].kind: kind sequence needs after: {match, count, within}: what must come before',
      '4:16: rules[1].after: after is only used by kind: sequence',
      '5:59: rules[2].after.match.message: bad regular expression /(/: Invalid regular expression: /(/: Unterminated group',
    ]);
  });
});

describe('throttle bypass keys', () => {
  it('default to crit and priority normal', () => {
    const c = parseConfig('notifiers: { ops: "console://" }\nrules:\n  - { name: r, notify: [ops] }\n', 'c.yaml', {});
    expect(c.throttle_bypass).toBe('crit');
    expect(c.rules[0]!.priority).toBe('normal');
  });

  it('report a severity or priority that does not exist at its place', () => {
    expect(
      problems('throttle_bypass: loud\nnotifiers: { ops: "console://" }\nrules:\n  - { name: r, notify: [ops], priority: urgent }\n'),
    ).toEqual([
      '1:18: throttle_bypass: Invalid option: expected one of "emerg"|"alert"|"crit"|"err"|"warning"|"notice"|"info"|"debug"',
      '4:41: rules[0].priority: Invalid option: expected one of "normal"|"high"',
    ]);
  });
});
