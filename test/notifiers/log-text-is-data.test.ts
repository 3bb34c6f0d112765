// A hostile log line must reach people as text: no pings, no markup, no HTML.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import { startDiscord, type FakeDiscord } from './servers/discord.ts';
import { startSlack, type FakeSlack } from './servers/slack.ts';
import { startSmtp, type FakeSmtp } from './servers/smtp.ts';
import { json, startRecorder, type Recorder } from './servers/recorder.ts';

const LINE = 'sudo: @everyone <@123> <@&456> <!channel> <!here> <@U999> <script>alert(1)</script> @here';
const message = { title: 'auth <@123> @everyone', body: LINE, type: 'failure' as const };

describe('log text is data', () => {
  let discord: FakeDiscord;
  let slack: FakeSlack;
  let smtp: FakeSmtp;
  beforeAll(async () => {
    [discord, slack, smtp] = await Promise.all([
      startDiscord('1', 'tok'),
      startSlack('A/B/C', 'xoxb-1'),
      startSmtp({ user: 'u', pass: 'p' }),
    ]);
    process.env.RELAY_DISCORD_API_URL = `${discord.url}/api`;
    process.env.RELAY_SLACK_HOOKS_URL = slack.url;
  });
  afterAll(async () => {
    delete process.env.RELAY_DISCORD_API_URL;
    delete process.env.RELAY_SLACK_HOOKS_URL;
    await Promise.all([discord.close(), slack.close(), smtp.close()]);
  });

  it.each(['', '?format=markdown'])('Discord%s: allowed_mentions parses nothing, so nobody is pinged', async (q) => {
    await createNotifier('d', `discord://1/tok${q}`).send(message);
    const sent = discord.messages.at(-1)!;
    expect(sent.allowed_mentions).toEqual({ parse: [] });
    if (!q) expect(sent.content).not.toMatch(/(?<!\\)<@/);
  });

  it('Slack: <!channel>, <!here> and <@U…> are escaped to text', async () => {
    await createNotifier('s', 'slack://A/B/C').send(message);
    const sent = JSON.stringify(slack.messages.at(-1));
    expect(sent).not.toMatch(/<[!@]/);
    expect(sent).not.toContain('<script>');
    expect(sent).toContain('&lt;!channel&gt;');
    expect(slack.messages.at(-1)).toMatchObject({ parse: 'none', link_names: false });
  });

  it('Google Chat: <users/all> and <users/ID> stay text, so nobody is notified', async () => {
    const chat: Recorder = await startRecorder();
    process.env.RELAY_GCHAT_API_URL = chat.url;
    try {
      await createNotifier('c', 'gchat://SPACE/KEY/TOKEN').send({
        title: 'auth <users/all>',
        body: 'sshd: <users/123456789> <users/all> <https://x.example|click>',
        type: 'failure',
      });
      const text = json(chat.requests.at(-1)!).text as string;
      expect(text).not.toMatch(/<(users\/|https?:)/);
      expect(text.replace(/\u200b/g, '')).toBe('*auth <users/all>*\nsshd: <users/123456789> <users/all> <https://x.example|click>');
    } finally {
      delete process.env.RELAY_GCHAT_API_URL;
      await chat.close();
    }
  });

  it('HTML email escapes the log text', async () => {
    await createNotifier('m', `mailto://u:p@127.0.0.1:${smtp.port}/ops@example.com?format=html`).send(message);
    const raw = smtp.mails.at(-1)!.raw;
    const html = raw.slice(raw.indexOf('Content-Type: text/html'));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
