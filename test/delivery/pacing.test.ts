import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { ManualClock } from '../../src/clock.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { silentLogger } from '../../src/log.ts';
import { startDiscord } from '../notifiers/servers/discord.ts';
import { startSlack } from '../notifiers/servers/slack.ts';
import { startTelegram } from '../notifiers/servers/telegram.ts';
import { alert, DELIVERY } from './fixtures.ts';

// fold_after past each burst: every alert is its own request, so only pacing keeps the provider's limit.
const UNFOLDED = { ...DELIVERY, fold_after: 10_000 };

/** Moves the shared manual clock (the provider's and relay's) in small steps until `done`. */
async function pump(clock: ManualClock, done: () => boolean): Promise<void> {
  await vi.waitFor(
    () => {
      if (!done()) clock.advance(250);
      expect(done()).toBe(true);
    },
    { timeout: 60_000, interval: 1 },
  );
}

describe('pacing to the provider before it answers 429', () => {
  let clock: ManualClock;
  let outbox: Outbox;
  beforeEach(() => {
    clock = new ManualClock(1_000_000);
    outbox = new Outbox(':memory:');
  });
  afterEach(() => outbox.close());

  it('Discord: a 500-alert burst reads the bucket headers and provokes no 429 from a webhook bucket of 5 per 2 s', async () => {
    const discord = await startDiscord('1', 'tok', { bucket: { clock, requests: 5, perMs: 2000 } });
    process.env.RELAY_DISCORD_API_URL = `${discord.url}/api`;
    try {
      const d = new Dispatcher([createNotifier('chat', 'discord://1/tok')], UNFOLDED, outbox, clock, silentLogger);
      const start = clock.now();
      for (let i = 0; i < 500; i++) d.enqueue(alert(i, { notify: ['chat'] }));
      await pump(clock, () => discord.messages.length === 500);
      expect(discord.tooMany).toBe(0);
      expect(discord.requests).toHaveLength(500);
      // 30 per minute per channel after the first 30: the burst takes about 16 minutes, not less.
      expect(clock.now() - start).toBeGreaterThanOrEqual(((500 - 30) / 30) * 60_000);
      await vi.waitFor(() => expect(d.stats).toMatchObject({ queued: 0, sent: 500, retried: 0 }));
      await d.drain(0);
    } finally {
      delete process.env.RELAY_DISCORD_API_URL;
      await discord.close();
    }
  }, 90_000);

  it('Discord: an empty bucket holds the next send until Reset-After, no longer', async () => {
    const discord = await startDiscord('1', 'tok', { bucket: { clock, requests: 5, perMs: 2000 } });
    process.env.RELAY_DISCORD_API_URL = `${discord.url}/api`;
    try {
      const d = new Dispatcher([createNotifier('chat', 'discord://1/tok')], UNFOLDED, outbox, clock, silentLogger);
      for (let i = 0; i < 6; i++) d.enqueue(alert(i, { notify: ['chat'] }));
      await vi.waitFor(() => expect(discord.messages).toHaveLength(5));
      await vi.waitFor(() => expect(clock.pending()).toBe(1));
      clock.advance(1999);
      expect(discord.requests).toHaveLength(5);
      clock.advance(1);
      await vi.waitFor(() => expect(discord.messages).toHaveLength(6));
      expect(discord.tooMany).toBe(0);
      await d.drain(0);
    } finally {
      delete process.env.RELAY_DISCORD_API_URL;
      await discord.close();
    }
  });

  it('Slack: a burst goes at one message per second per webhook, with no 429', async () => {
    const slack = await startSlack('A/B/C', 'xoxb-1', { bucket: { clock } });
    process.env.RELAY_SLACK_HOOKS_URL = slack.url;
    try {
      const d = new Dispatcher([createNotifier('chat', 'slack://A/B/C')], UNFOLDED, outbox, clock, silentLogger);
      const start = clock.now();
      for (let i = 0; i < 30; i++) d.enqueue(alert(i, { notify: ['chat'] }));
      await pump(clock, () => slack.messages.length === 30);
      expect(slack.tooMany).toBe(0);
      expect(clock.now() - start).toBeGreaterThanOrEqual(29_000);
      await d.drain(0);
    } finally {
      delete process.env.RELAY_SLACK_HOOKS_URL;
      await slack.close();
    }
  });

  it('Telegram: a burst goes at one message per second per chat, with no 429', async () => {
    const telegram = await startTelegram('123456:AAHsecret', { bucket: { clock } });
    process.env.RELAY_TELEGRAM_API_URL = telegram.url;
    try {
      const d = new Dispatcher([createNotifier('chat', 'tgram://123456:AAHsecret/1')], UNFOLDED, outbox, clock, silentLogger);
      for (let i = 0; i < 30; i++) d.enqueue(alert(i, { notify: ['chat'] }));
      await pump(clock, () => telegram.messages.length === 30);
      expect(telegram.tooMany).toBe(0);
      await d.drain(0);
    } finally {
      delete process.env.RELAY_TELEGRAM_API_URL;
      await telegram.close();
    }
  });

  it('without pacing the same Slack burst is refused: the contract server does count 429s', async () => {
    const slack = await startSlack('A/B/C', 'xoxb-1', { bucket: { clock } });
    process.env.RELAY_SLACK_HOOKS_URL = slack.url;
    try {
      const n = createNotifier('chat', 'slack://A/B/C');
      const results = await Promise.allSettled([1, 2, 3].map((i) => n.send({ title: `t${i}`, body: 'b', type: 'info' })));
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(2);
      expect(slack.tooMany).toBe(2);
    } finally {
      delete process.env.RELAY_SLACK_HOOKS_URL;
      await slack.close();
    }
  });
});
