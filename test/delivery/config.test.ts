import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { createNotifier, DEFAULT_CONCURRENCY } from '../../notifiers/registry.ts';

describe('delivery config', () => {
  it('defaults to no attempt limit, a 24h max_age, folding after 5 held alerts, bounded queues and buffer, a sync every 500ms', () => {
    const { delivery } = parseConfig('notifiers: { ops: "console://" }\n', 'c.yaml', {});
    expect(delivery).toEqual({
      backoff: 1000,
      max_backoff: 60_000,
      timeout: 10_000,
      max_age: 86_400_000,
      fold_after: 5,
      shutdown_grace: 5000,
      memory_buffer: 10_000,
      max_queue: 10_000,
      max_queue_hard: 50_000,
      sync_interval: 500,
    });
  });

  it('reads sync_interval; 0 syncs every commit', () => {
    expect(parseConfig('delivery: { sync_interval: 2s }\n', 'c.yaml', {}).delivery.sync_interval).toBe(2000);
    expect(parseConfig('delivery: { sync_interval: 0 }\n', 'c.yaml', {}).delivery.sync_interval).toBe(0);
  });

  it('refuses a max_queue_hard below max_queue', () => {
    expect(() => parseConfig('delivery: { max_queue: 100, max_queue_hard: 50 }\n', 'c.yaml', {})).toThrow(
      /c.yaml:1:\d+: delivery.max_queue_hard: 50 is less than max_queue \(100\)/,
    );
  });

  it('still accepts the older attempts key, now as an optional cap', () => {
    const { delivery } = parseConfig(
      'delivery: { attempts: 5, backoff: 1s, max_backoff: 1m, timeout: 10s, shutdown_grace: 5s }\n',
      'c.yaml',
      {},
    );
    expect(delivery).toMatchObject({ attempts: 5, max_age: 86_400_000 });
  });

  it('reads max_age and fold_after', () => {
    const { delivery } = parseConfig('delivery: { max_age: 2h, fold_after: 20 }\n', 'c.yaml', {});
    expect(delivery).toMatchObject({ max_age: 7_200_000, fold_after: 20 });
  });

  it('takes a notifier as a URL or as {url, fallback, fallback_after}', () => {
    const { notifiers } = parseConfig(
      `notifiers:
  chat: { url: "console://", fallback: mail, fallback_after: 10m }
  mail: "console://"
`,
      'c.yaml',
      {},
    );
    expect(notifiers).toEqual({ chat: { url: 'console://', fallback: 'mail', fallback_after: 600_000 }, mail: 'console://' });
  });

  it('takes concurrency for a webhook read by a program, in the object form or as a URL option; the object form wins', () => {
    const { notifiers } = parseConfig(
      `notifiers:
  hook: { url: "json://127.0.0.1/hook?concurrency=4", concurrency: 16 }
  other: "form://127.0.0.1/hook?concurrency=2"
`,
      'c.yaml',
      {},
    );
    expect(notifiers.hook).toEqual({ url: 'json://127.0.0.1/hook?concurrency=4', concurrency: 16 });
    expect(createNotifier('hook', 'json://127.0.0.1/hook?concurrency=4', { concurrency: 16 }).concurrency).toBe(16);
    expect(createNotifier('other', 'form://127.0.0.1/hook?concurrency=2').concurrency).toBe(2);
    expect(createNotifier('other', 'form://127.0.0.1/hook?concurrency=2').maskedUrl).toContain('concurrency=2');
    expect(createNotifier('default', 'xml://127.0.0.1/hook').concurrency).toBe(DEFAULT_CONCURRENCY);
    expect(createNotifier('chat', 'discord://1/tok').concurrency).toBe(1);
  });

  it.each([
    ['an unknown fallback', '{ a: { url: "console://", fallback: b } }', /c.yaml:3:\d+: notifiers.a.fallback: unknown notifier "b"/],
    ['itself as fallback', '{ a: { url: "console://", fallback: a } }', /cannot be its own fallback/],
    [
      'a circle of fallbacks',
      '{ a: { url: "console://", fallback: b }, b: { url: "console://", fallback: a } }',
      /fallbacks go round in a circle: a → b → a/,
    ],
    ['fallback_after without fallback', '{ a: { url: "console://", fallback_after: 5m } }', /fallback_after needs fallback/],
    ['a bad URL in the object form', '{ a: { url: "nope://x" } }', /c.yaml:3:\d+: .*nope/],
    [
      'a bad fallback_after, named as such',
      '{ a: { url: "console://", fallback: b, fallback_after: soon }, b: "console://" }',
      /c.yaml:3:\d+: notifiers.a.fallback_after: not a duration: "soon"/,
    ],
    ['a misspelt key of the object form', '{ a: { url: "console://", fallbak: b } }', /c.yaml:3:\d+: unknown key "fallbak" in notifiers.a/],
    [
      'concurrency on a people-facing service',
      '{ a: { url: "discord://1/tok", concurrency: 8 } }',
      /c.yaml:3:\d+: notifiers.a.concurrency: concurrency 8: Discord is read by people/,
    ],
    ['concurrency=N in a people-facing URL', '{ a: "slack://A/B/C?concurrency=4" }', /notifiers.a: concurrency 4: Slack is read by people/],
    ['a concurrency past 1000', '{ a: { url: "json://127.0.0.1/hook", concurrency: 5000 } }', /notifiers.a.concurrency/],
  ])('refuses %s', (_what, notifiers, problem) => {
    expect(() => parseConfig(`# fallbacks\n\nnotifiers: ${notifiers}\n`, 'c.yaml', {})).toThrow(problem);
  });
});
