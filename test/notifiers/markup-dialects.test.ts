// Log text is data in every markup dialect: emphasis, links and list markers from a log line render as the
// characters they are, a line starting with an address keeps no stray backslash, Matrix mentions nobody, and
// control characters reach no provider raw. Each service is a loopback server taking its own payload shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import { startDiscord, type FakeDiscord } from './servers/discord.ts';
import { json, startRecorder, type Recorder } from './servers/recorder.ts';

const ZWSP = /\u200b/g;
/** A marker with a character other than the zero-width space on either side can still pair. */
const LIVE_MARKER = /[^\u200b][*_~`]|[*_~`][^\u200b]/;
const EMPHASIS = 'disk *full* on _web1_ ~maybe~ `df -h`';

let server: Recorder;
let discord: FakeDiscord;
const last = () => json(server.requests.at(-1)!);
const send = (url: string, body: string, title = '') => createNotifier('n', url).send({ title, body, type: 'failure' });

beforeAll(async () => {
  [server, discord] = await Promise.all([startRecorder(), startDiscord('1', 'tok')]);
  process.env.RELAY_SLACK_HOOKS_URL = server.url;
  process.env.RELAY_GCHAT_API_URL = server.url;
  process.env.RELAY_DISCORD_API_URL = `${discord.url}/api`;
});
afterAll(async () => {
  delete process.env.RELAY_SLACK_HOOKS_URL;
  delete process.env.RELAY_GCHAT_API_URL;
  delete process.env.RELAY_DISCORD_API_URL;
  await Promise.all([server.close(), discord.close()]);
});

describe('emphasis in Slack mrkdwn and Google Chat text', () => {
  it.each(['', '?blocks=yes'])('Slack%s: every * _ ~ ` is kept, and none can pair', async (q) => {
    await send(`slack://A/B/C${q}`, EMPHASIS);
    const sent = last();
    const text: string = q ? sent.blocks[0].text.text : sent.attachments[0].text;
    expect(text.replace(ZWSP, '')).toBe(EMPHASIS);
    expect(text).not.toMatch(LIVE_MARKER);
  });

  it('Google Chat: every * _ ~ ` is kept, and none can pair', async () => {
    await send('gchat://SPACE/KEY/TOKEN', EMPHASIS);
    const text: string = last().text;
    expect(text.replace(ZWSP, '')).toBe(EMPHASIS);
    expect(text).not.toMatch(LIVE_MARKER);
  });
});

describe('Teams (Workflows) Adaptive Card markdown', () => {
  it('a [label](url) from a log line is no link, and **bold** no bold', async () => {
    const line = 'click [here](http://evil.example) for **free** disk';
    await send(`http://127.0.0.1:${server.port}/workflows/wf1/triggers/manual/paths/invoke?sig=S`, line, '[t](http://evil.example)');
    const texts: string[] = last().attachments[0].content.body.map((b: { text: string }) => b.text);
    expect(texts.map((t) => t.replace(ZWSP, ''))).toEqual(['[t](http://evil.example)', line]);
    for (const t of texts) expect(t).not.toMatch(/\]\(|\*\*/);
  });
});

describe('Matrix mentions', () => {
  it('says the event mentions no one, so @room in a log line notifies nobody', async () => {
    server.handle((req) => (req.path.includes('/join/') ? { body: { room_id: '!r:example.org' } } : { body: { event_id: '$e' } }));
    try {
      await send(`matrix://tok@127.0.0.1:${server.port}/!r:example.org`, '@room sshd: @alice:example.org failed');
      expect(last()).toMatchObject({ 'm.mentions': {}, body: '@room sshd: @alice:example.org failed' });
    } finally {
      server.handle(() => ({}));
    }
  });
});

describe('CommonMark block markers (Discord, Mattermost, Rocket.Chat)', () => {
  const LINES = '10.0.0.5: sshd failed\n2024-01-02 boot\n-v given\n1. one\n- two\n# three';
  const ESCAPED = '10.0.0.5: sshd failed\n2024-01-02 boot\n-v given\n1\\. one\n\\- two\n\\# three';

  it('Discord: a line starting with an address or a date keeps no backslash; real list and heading markers do', async () => {
    await send('discord://1/tok', LINES);
    expect(discord.messages.at(-1).content).toBe(ESCAPED);
  });

  it.each([
    ['Mattermost', (port: number) => `mmost://127.0.0.1:${port}/hookT`],
    ['Rocket.Chat', (port: number) => `rocket://id/tok@127.0.0.1:${port}`],
  ])('%s: the same', async (_, url) => {
    await send(url(server.port), LINES);
    expect(last().text).toBe(ESCAPED);
  });
});

describe('control characters', () => {
  const RAW = 'grep: \u0000binary\u0000 \u001b[31mred\u001b[0m \u007f\u0085\tend';
  const SHOWN = 'grep: \u2400binary\u2400 \u241b[31mred\u241b[0m \u2421\ufffd\tend';

  it('reach a JSON webhook as visible pictures (tab kept)', async () => {
    await send(`json://127.0.0.1:${server.port}/hook`, RAW, 'a\u0000b');
    expect(last()).toMatchObject({ title: 'a\u2400b', message: SHOWN });
  });

  it('never go into XML, which cannot hold them', async () => {
    await send(`xml://127.0.0.1:${server.port}/hook`, RAW);
    const body = server.requests.at(-1)!.body;
    expect(body).not.toMatch(/[^\P{Cc}\t\n\r]/u);
    expect(body).toContain(`<Message>${SHOWN}</Message>`);
  });

  it('reach Discord as visible pictures', async () => {
    await send('discord://1/tok', RAW);
    expect(discord.messages.at(-1).content).toContain('\u2400binary\u2400');
    expect(discord.messages.at(-1).content).not.toContain('\u0000');
  });
});
