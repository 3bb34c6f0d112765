import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import { NotifyError } from '../../src/errors.ts';
import { startDiscord, type FakeDiscord } from './servers/discord.ts';
import { urlTable } from './url-table.ts';

const ID = '112233445566778899';
const TOKEN = 'AbC-dEf_123xyz';

urlTable(
  'Discord',
  [
    { url: `discord://${ID}/${TOKEN}`, config: { id: ID, token: TOKEN, format: 'text', avatar: true }, secrets: [TOKEN] },
    {
      url: `discord://relay-bot@${ID}/${TOKEN}?avatar_url=https://x.example/a.png&footer=yes&thread=42&format=markdown&tts=yes`,
      config: { botname: 'relay-bot', avatarUrl: 'https://x.example/a.png', footer: true, thread: '42', format: 'markdown', tts: true },
      secrets: [TOKEN],
    },
    { url: `https://discord.com/api/webhooks/${ID}/${TOKEN}`, config: { id: ID, token: TOKEN }, secrets: [TOKEN] },
    { url: `https://discordapp.com/api/webhooks/${ID}/${TOKEN}?thread=7`, config: { id: ID, thread: '7' }, secrets: [TOKEN] },
    { url: `https://canary.discord.com/api/v10/webhooks/${ID}/${TOKEN}`, config: { id: ID, token: TOKEN }, secrets: [TOKEN] },
    { url: `discord://${ID}/${TOKEN}?avatar=no`, config: { avatar: false } },
  ],
  [
    [`discord://abc/${TOKEN}`, /webhook ID must be digits/],
    [`discord://${ID}`, /needs the webhook token/],
    [`discord://${ID}/${TOKEN}/extra`, /unexpected path/],
    [`discord://${ID}/${TOKEN}?format=html`, /format=html/],
    [`discord://${ID}/${TOKEN}?thread=general`, /thread=general/],
  ],
);

describe('Discord against a loopback Discord', () => {
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startDiscord(ID, TOKEN);
    process.env.RELAY_DISCORD_API_URL = `${discord.url}/api`;
  });
  afterAll(async () => {
    delete process.env.RELAY_DISCORD_API_URL;
    await discord.close();
  });
  const notifier = (query = '') => createNotifier('discord', `discord://relay@${ID}/${TOKEN}${query}`);

  it('posts the title and escaped body as content, with mentions disabled', async () => {
    await notifier('?avatar_url=https://x.example/a.png&thread=99').send({
      title: 'sudo on web1',
      body: 'user *bob* ran `id`',
      type: 'warning',
    });
    const req = discord.requests.at(-1)!;
    expect(req.query.get('wait')).toBe('true');
    expect(req.query.get('thread_id')).toBe('99');
    expect(discord.messages.at(-1)).toMatchObject({
      content: '**sudo on web1**\nuser \\*bob\\* ran \\`id\\`',
      username: 'relay',
      avatar_url: 'https://x.example/a.png',
      allowed_mentions: { parse: [] },
    });
  });

  it('format=markdown sends an embed coloured by severity, with a footer', async () => {
    await notifier('?format=markdown&footer=yes').send({ title: 'kernel panic', body: '**oops**', type: 'failure', severity: 0 });
    expect(discord.messages.at(-1)!.embeds[0]).toEqual({
      title: 'kernel panic',
      description: '**oops**',
      color: 0xa32037,
      footer: { text: 'relay · failure' },
    });
  });

  it('a 10,000-character body arrives as one truncated message by default', async () => {
    const before = discord.messages.length;
    await notifier().send({ title: 'big', body: 'x'.repeat(10_000), type: 'info' });
    expect(discord.messages.length).toBe(before + 1);
    const content: string = discord.messages.at(-1)!.content;
    expect(content.length).toBeLessThanOrEqual(2000);
    // Discord renders `\(` as `(`: the note is escaped like the rest of the text.
    expect(content).toMatch(/… \\\(\d+ more chars\\\)$/);
  });

  it('with overflow=split it arrives as numbered messages of at most 2,000 characters', async () => {
    const before = discord.messages.length;
    const body = Array.from({ length: 500 }, (_, i) => `line ${i} ${'z'.repeat(12)}`).join('\n');
    expect(body.length).toBeGreaterThan(10_000);
    await notifier('?overflow=split').send({ title: 'big', body, type: 'info' });
    const sent = discord.messages.slice(before).map((m) => m.content as string);
    expect(sent.length).toBeGreaterThan(5);
    sent.forEach((c, i) => {
      expect(c.length).toBeLessThanOrEqual(2000);
      expect(c.startsWith(`**big \\[${i + 1}/${sent.length}\\]**\n`)).toBe(true);
    });
  });

  it("a 429 becomes a retryable NotifyError with Discord's retry_after, without sleeping", async () => {
    // An hour: a client that slept it out would hold the test past its timeout.
    discord.rateLimit(3600);
    const err = await notifier()
      .send({ title: 't', body: 'b', type: 'info' })
      .catch((e) => e);
    discord.rateLimit(undefined);
    expect(err).toBeInstanceOf(NotifyError);
    expect(err).toMatchObject({ code: 'RELAY_E_NOTIFY_RATE_LIMIT', retryable: true, retryAfterMs: 3_600_000 });
  });

  it('a wrong token is rejected and not retryable', async () => {
    const err = await createNotifier('d', `discord://${ID}/wrong`)
      .send({ title: 't', body: 'b', type: 'info' })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'RELAY_E_NOTIFY_REJECTED', retryable: false });
    expect(err.message).toContain('Invalid Webhook Token');
  });
});
