import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import { startSlack, type FakeSlack } from './servers/slack.ts';
import { urlTable } from './url-table.ts';

const A = 'T1JJ3T3L2';
const B = 'A1BRTD4JD';
const C = 'TIiajkdnlazkcOXrIdevi7FQ';
const BOT = 'xoxb-1234-1234-abc124';

urlTable(
  'Slack',
  [
    { url: `slack://${A}/${B}/${C}`, config: { mode: 'webhook', webhook: [A, B, C], channels: [] }, secrets: [C] },
    {
      url: `slack://relay@${A}/${B}/${C}/#ops/@alice?footer=yes&blocks=yes`,
      config: { botname: 'relay', channels: ['#ops', '@alice'], footer: true, blocks: true },
      secrets: [C],
    },
    { url: `https://hooks.slack.com/services/${A}/${B}/${C}`, config: { mode: 'webhook', webhook: [A, B, C] }, secrets: [C] },
    {
      url: `slack://${BOT}/#alerts/C0123ABC`,
      config: { mode: 'bot', token: BOT, channels: ['#alerts', 'C0123ABC'] },
      secrets: [BOT, 'abc124'],
    },
    { url: `slack://${BOT}?to=%23alerts`, config: { mode: 'bot', channels: ['#alerts'] }, secrets: [BOT] },
    // Without a channel a bot URL reaches people only (notify_person's DMs).
    { url: `slack://${BOT}`, config: { mode: 'bot', token: BOT, channels: [] }, secrets: [BOT] },
  ],
  [
    [`slack://${A}/${B}`, /three tokens/],
    [`slack://${A}/${B}/${C}/#bad%20name`, /is not #name/],
    [`slack://${A}/${B}/${C}?blocks=maybe`, /blocks=maybe/],
  ],
);

describe('Slack against a loopback Slack', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startSlack(`${A}/${B}/${C}`, BOT);
    process.env.RELAY_SLACK_HOOKS_URL = slack.url;
    process.env.RELAY_SLACK_API_URL = `${slack.url}/api`;
  });
  afterAll(async () => {
    delete process.env.RELAY_SLACK_HOOKS_URL;
    delete process.env.RELAY_SLACK_API_URL;
    await slack.close();
  });
  const message = { title: 'sudo', body: 'bob ran id', type: 'warning' as const, severity: 4 };

  it('an incoming webhook receives an attachment coloured by severity', async () => {
    await createNotifier('s', `slack://relay@${A}/${B}/${C}/#ops`).send(message);
    expect(slack.messages.at(-1)).toEqual({
      username: 'relay',
      parse: 'none',
      link_names: false,
      text: 'sudo',
      channel: '#ops',
      attachments: [{ color: '#CACF29', title: 'sudo', text: 'bob ran id', mrkdwn_in: ['text'] }],
    });
  });

  it('the top-level text (notifications, the fallback) is the plain title, not a bolded second copy', async () => {
    await createNotifier('s', `slack://${A}/${B}/${C}`).send({
      title: 'failed SSH logins on web1 (40 events)',
      body: 'sshd: *Failed* password\n40 events',
      type: 'warning',
    });
    expect(slack.messages.at(-1)!.text).toBe('failed SSH logins on web1 (40 events)');
    await createNotifier('s', `slack://${BOT}/#alerts?blocks=yes`).send({ title: '', body: 'only a body', type: 'info' });
    expect(slack.messages.at(-1)!.text).toBe('only a body');
  });

  it('a bot token posts through @slack/web-api with its Bearer token, in Block Kit when blocks=yes', async () => {
    await createNotifier('s', `slack://${BOT}/#alerts?blocks=yes&footer=yes`).send(message);
    const got = slack.messages.at(-1)!;
    expect(got.channel).toBe('#alerts');
    expect(got.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'sudo' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'bob ran id', verbatim: true } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'relay · warning' }] },
    ]);
  });

  it("webhook and Web API 429s become retryable NotifyErrors with Slack's Retry-After, without waiting", async () => {
    slack.rateLimit(30);
    const hook = await createNotifier('s', `slack://${A}/${B}/${C}`)
      .send(message)
      .catch((e) => e);
    const bot = await createNotifier('s', `slack://${BOT}/#alerts`)
      .send(message)
      .catch((e) => e);
    slack.rateLimit(undefined);
    for (const err of [hook, bot]) expect(err).toMatchObject({ code: 'RELAY_E_NOTIFY_RATE_LIMIT', retryable: true, retryAfterMs: 30_000 });
  });

  it('a refused call (unknown channel, bad token) is not retryable and says why', async () => {
    const unknown = await createNotifier('s', `slack://${BOT}/general`)
      .send(message)
      .catch((e) => e);
    expect(unknown).toMatchObject({ code: 'RELAY_E_NOTIFY_REJECTED', retryable: false });
    expect(unknown.message).toContain('channel_not_found');
    const bad = await createNotifier('s', `slack://xoxb-wrong/#alerts`)
      .send(message)
      .catch((e) => e);
    expect(bad).toMatchObject({ code: 'RELAY_E_NOTIFY_REJECTED', retryable: false });
    expect(bad.message).toContain('invalid_auth');
    const hook = await createNotifier('s', `slack://${A}/${B}/WRONG`)
      .send(message)
      .catch((e) => e);
    expect(hook).toMatchObject({ retryable: false });
  });
});
