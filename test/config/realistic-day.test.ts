// The shipped config.yaml's rules on a realistic day (test/helpers/realistic-day.ts): few messages, every
// planted incident under its own title on every notifier, digest counts that add up to the lines, no blank
// digest keys. The day is replayed through `relay replay`'s own path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayLines, type ReplayResult, type ReplaySend } from '../../src/commands/replay.ts';
import { ManualClock } from '../../src/clock.ts';
import { loadConfigFile, parseConfig } from '../../src/plan/load-plan.ts';
import { composePipeline } from '../../src/plan/compose-pipeline.ts';
import { asPlan } from '../../src/plan/plan.ts';
import type { Alert } from '../../src/alert.ts';
import { ROOT } from '../helpers/run-cli.ts';
import { PLANTED, realisticDays, type DayLine, type Tag } from '../helpers/realistic-day.ts';

const DAY = 86_400_000;
const config = loadConfigFile(join(ROOT, 'config.yaml'), { RELAY_NOTIFY_URL: 'json://127.0.0.1:9/hook' });
const NOTIFIERS = ['console', 'main'];
/** The same rules with main throttled hard, so limits hold alerts back all day. */
const SHIPPED_THROTTLE = 'main: { rate: 30/1h, burst: 10 }';
const TIGHT = parseConfig(
  readFileSync(join(ROOT, 'config.yaml'), 'utf8').replace(SHIPPED_THROTTLE, 'main: { rate: 4/1h, burst: 2 }'),
  'config.yaml',
  { RELAY_NOTIFY_URL: 'json://127.0.0.1:9/hook' },
);

/** Rules whose messages stand for every line of one kind: their counts must add up to those lines. */
const COUNTED: [rule: string, tag: Tag][] = [
  ['ssh-brute-force', 'ssh-failed'],
  ['sudo-command', 'sudo-ran'],
  ['account-change', 'account'],
  ['oom-kill', 'oom'],
  ['segfault', 'crash'],
  ['unit-failed', 'unit-failed'],
];

describe('the shipped rules on a realistic day', () => {
  let lines: DayLine[];
  let result: ReplayResult;
  const sends: ReplaySend[] = [];
  const to = (notifier: string) => sends.filter((s) => s.notifier === notifier).map((s) => s.alert);

  beforeAll(async () => {
    // Three days back: the BSD lines carry no year, and a day in the past reads back the same in any year.
    const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
    lines = [...realisticDays({ seed: 11, start })];
    result = await replayLines(
      lines.map((l) => l.text),
      config,
      (s) => sends.push(s),
    );
  }, 60_000);

  it('reads every line as an event', () => {
    expect(lines.length).toBeGreaterThan(90_000);
    expect(result.stats.events).toBe(lines.length);
    expect(result.parseErrors).toBe(0);
  });

  it.each(NOTIFIERS)('sends %s at most one message per 100 events', (notifier) => {
    const messages = to(notifier).length;
    expect(messages).toBeGreaterThan(0);
    expect(messages / result.stats.events).toBeLessThanOrEqual(0.01);
  });

  it.each(NOTIFIERS.flatMap((n) => PLANTED.map((p) => [n, p.what, p] as const)))(
    'tells %s about the %s under its own title',
    (notifier, _what, planted) => {
      const texts = to(notifier).map((a) => `${a.title}\n${a.body}`);
      expect(
        texts.filter((t) => planted.title.test(t)),
        `${planted.rule}: ${planted.title}`,
      ).not.toEqual([]);
    },
  );

  it('keeps every planted incident under its own title on a notifier whose limit holds alerts back', async () => {
    expect(readFileSync(join(ROOT, 'config.yaml'), 'utf8')).toContain(SHIPPED_THROTTLE);
    const tight: ReplaySend[] = [];
    const r = await replayLines(
      lines.map((l) => l.text),
      TIGHT,
      (s) => tight.push(s),
    );
    expect(r.stats.throttled).toBeGreaterThan(0);
    const texts = tight.filter((s) => s.notifier === 'main').map((s) => `${s.alert.title}\n${s.alert.body}`);
    expect(PLANTED.filter((p) => !texts.some((t) => p.title.test(t))).map((p) => p.what)).toEqual([]);
  }, 30_000);

  it('makes every digest count add up to the lines it stands for, per rule and per host', () => {
    const alerts = to('console');
    for (const [rule, tag] of COUNTED) {
      const sum = alerts.filter((a) => a.rule === rule).reduce((n, a) => n + a.count, 0);
      expect(sum, rule).toBe(lines.filter((l) => l.tag === tag).length);
    }
    const perHost = new Map<string, number>();
    for (const a of alerts.filter((x) => x.rule === 'ssh-brute-force')) {
      const host = /^failed SSH logins on (\S+)/.exec(a.title)![1]!;
      perHost.set(host, (perHost.get(host) ?? 0) + a.count);
    }
    const failed = new Map<string, number>();
    for (const l of lines.filter((x) => x.tag === 'ssh-failed')) failed.set(l.host, (failed.get(l.host) ?? 0) + 1);
    expect(perHost).toEqual(failed);
    // The three bursts are there in full: 5,000 to 9,000 attempts each.
    expect([...failed.values()].filter((n) => n >= 5000)).toHaveLength(3);
  });

  it.each(NOTIFIERS)('agrees with itself in every %s digest: title, summary and keys give one count, and no key is blank', (notifier) => {
    for (const a of to(notifier)) checkDigest(a);
  });

  it('does not render a refused sudo like one that ran', () => {
    const intern = to('console').find((a) => a.rule === 'sudo-not-in-sudoers')!;
    expect(intern.body).toContain('→ rejected: user NOT in sudoers');
    expect(intern.type).toBe('failure');
    expect(to('console').find((a) => a.rule === 'ssh-brute-force')!.type).toBe('warning');
  });

  it('sends a self-check (fields.probe) to no notifier, and counts it', () => {
    const sent: Alert[] = [];
    const { pipeline } = composePipeline(asPlan(config), { clock: new ManualClock(0), deliver: { enqueue: (a: Alert) => sent.push(a) } });
    const probe = {
      v: 1,
      id: 'probe-1',
      host: 'web01',
      user: 'root',
      runas_user: 'nobody',
      command: '/bin/true',
      argv: ['/bin/true'],
      probe: true,
    };
    pipeline.push({
      receivedAt: new Date(0),
      listener: 'sudo',
      kind: 'sudo',
      host: 'web01',
      app: 'sudo',
      message: 'accept: root /bin/true',
      fields: { ...probe, event: 'accept' },
    });
    pipeline.push({
      receivedAt: new Date(0),
      listener: 'sudo',
      kind: 'sudo',
      host: 'web01',
      app: 'sudo',
      message: 'exit: root /bin/true',
      fields: { ...probe, event: 'exit', status: 0 },
    });
    pipeline.flush();
    expect(sent).toEqual([]);
    expect(pipeline.stats().matched).toEqual({ 'self-check': 1 });
  });
});

/** A digest's title `(N events)`, its `N events for …` line, and its per-key lines all say the same N. */
function checkDigest(a: Alert): void {
  const titled = /\((\d+) events\)$/.exec(a.title);
  if (titled) expect(Number(titled[1]), a.title).toBe(a.count);
  const summary = /^(\d+) events for .* from \S+ to \S+:$/m.exec(a.body);
  if (!summary) return;
  expect(Number(summary[1]), a.title).toBe(a.count);
  let keyed = 0;
  for (const m of a.body.matchAll(/^ {2}(\d+) × (.*)$/gm)) {
    expect(m[2], `${a.title}: a blank key`).not.toBe('(no key)');
    expect(
      m[2]!.split(' ').filter((part) => part === ''),
      `${a.title}: a blank part in key ${JSON.stringify(m[2])}`,
    ).toEqual([]);
    keyed += Number(m[1]);
  }
  const more = /^ {2}… and (\d+) more under/m.exec(a.body);
  expect(keyed + (more ? Number(more[1]) : 0), a.title).toBe(a.count);
}
