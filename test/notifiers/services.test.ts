// Each remaining service against a loopback server speaking its HTTP contract: path, auth, payload shape,
// and how its errors map to retryable or not.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import { form, json, startRecorder, type Recorder } from './servers/recorder.ts';
import { startTelegram, type FakeTelegram } from './servers/telegram.ts';

const message = { title: 'disk full', body: 'sda1 at 99%\n<b>x</b>', type: 'failure' as const, severity: 2 };
const ENV = [
  'RELAY_NTFY_URL',
  'RELAY_PAGERDUTY_API_URL',
  'RELAY_OPSGENIE_API_URL',
  'RELAY_PUSHOVER_API_URL',
  'RELAY_GCHAT_API_URL',
  'RELAY_TELEGRAM_API_URL',
];

let server: Recorder;
let telegram: FakeTelegram;
const last = () => server.requests.at(-1)!;

beforeAll(async () => {
  [server, telegram] = await Promise.all([startRecorder(), startTelegram('123456:AAHsecret')]);
  for (const name of ENV) process.env[name] = server.url;
  process.env.RELAY_TELEGRAM_API_URL = telegram.url;
});
afterAll(async () => {
  for (const name of ENV) delete process.env[name];
  await Promise.all([server.close(), telegram.close()]);
});
afterEach(() => server.handle(() => ({})));

describe('ntfy', () => {
  it('publishes JSON to the public server (RELAY_NTFY_URL) with priority from the severity', async () => {
    await createNotifier('n', 'ntfy://alerts?tags=warning').send(message);
    expect(last().path).toBe('/');
    expect(json(last())).toEqual({ topic: 'alerts', title: 'disk full', message: message.body, priority: 5, tags: ['warning'] });
  });

  it('takes the topic page pasted as-is (https://ntfy.sh/topic) like ntfy://topic', async () => {
    await createNotifier('n', 'https://ntfy.sh/alerts?priority=high').send(message);
    expect(last().path).toBe('/');
    expect(json(last())).toMatchObject({ topic: 'alerts', title: 'disk full', priority: 4 });
  });

  it('self-hosted with a token sends a Bearer header, one request per topic', async () => {
    const before = server.requests.length;
    await createNotifier('n', `ntfy://tk_abc@127.0.0.1:${server.port}/a/b?priority=low`).send(message);
    const sent = server.requests.slice(before);
    expect(sent.map((r) => json(r).topic)).toEqual(['a', 'b']);
    expect(sent[0]!.headers.authorization).toBe('Bearer tk_abc');
    expect(json(sent[0]!).priority).toBe(2);
  });
});

describe('Gotify', () => {
  it('posts to /message with X-Gotify-Key and markdown extras', async () => {
    await createNotifier('g', `gotify://127.0.0.1:${server.port}/gotify/AppToken1?priority=high&format=markdown`).send(message);
    expect(last().path).toBe('/gotify/message');
    expect(last().headers['x-gotify-key']).toBe('AppToken1');
    expect(json(last())).toEqual({
      title: 'disk full',
      message: message.body,
      priority: 8,
      extras: { 'client::display': { contentType: 'text/markdown' } },
    });
  });

  it('a 401 is not retryable', async () => {
    server.handle(() => ({ status: 401, body: { error: 'Unauthorized', errorCode: 401 } }));
    await expect(createNotifier('g', `gotify://127.0.0.1:${server.port}/bad`).send(message)).rejects.toMatchObject({ retryable: false });
  });
});

describe('Telegram', () => {
  const url = 'tgram://123456:AAHsecret/-100200:7/@ops_channel';

  it('sends escaped HTML to each chat, the topic as message_thread_id', async () => {
    await createNotifier('t', url).send(message);
    const [first, second] = telegram.messages.slice(-2);
    expect(first).toEqual({
      chat_id: '-100200',
      text: '<b>disk full</b>\nsda1 at 99%\n&lt;b&gt;x&lt;/b&gt;',
      parse_mode: 'HTML',
      disable_notification: false,
      link_preview_options: { is_disabled: true },
      message_thread_id: 7,
    });
    expect(second.chat_id).toBe('@ops_channel');
  });

  it('a 429 is retryable after parameters.retry_after', async () => {
    telegram.rateLimit(5);
    const err = await createNotifier('t', url)
      .send(message)
      .catch((e) => e);
    telegram.rateLimit(undefined);
    expect(err).toMatchObject({ code: 'RELAY_E_NOTIFY_RATE_LIMIT', retryable: true, retryAfterMs: 5000 });
  });

  it('a wrong token is not retryable and the error does not print the token', async () => {
    const err = await createNotifier('t', 'tgram://123456:WRONG/1')
      .send(message)
      .catch((e) => e);
    expect(err).toMatchObject({ retryable: false });
    expect(err.message).not.toContain('WRONG');
  });

  it('10,000 characters split into messages Telegram accepts', async () => {
    const before = telegram.messages.length;
    await createNotifier('t', 'tgram://123456:AAHsecret/1?overflow=split').send({ ...message, body: 'word & '.repeat(1500) });
    const sent = telegram.messages.slice(before);
    expect(sent.length).toBeGreaterThan(2);
    for (const m of sent) expect(m.text.length).toBeLessThanOrEqual(4096);
  });
});

describe('Microsoft Teams (Workflows)', () => {
  it('posts an Adaptive Card to the workflow invoke URL with its signature', async () => {
    const url = `http://127.0.0.1:${server.port}/workflows/wf1/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIG`;
    await createNotifier('w', url).send(message);
    expect(last().path).toBe('/workflows/wf1/triggers/manual/paths/invoke');
    expect(last().query.get('sig')).toBe('SIG');
    const card = json(last()).attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content.body.map((b: any) => b.text)).toEqual(['disk full', message.body]);
  });
});

describe('PagerDuty', () => {
  it('enqueues a trigger event with the routing key and custom details', async () => {
    await createNotifier('p', 'pagerduty://ROUTEKEY@APIKEY/web1/sshd?+team=ops').send(message);
    expect(last().path).toBe('/v2/enqueue');
    expect(last().headers.authorization).toBe('Token token=APIKEY');
    expect(json(last())).toEqual({
      routing_key: 'ROUTEKEY',
      event_action: 'trigger',
      client: 'relay',
      payload: {
        summary: 'disk full',
        source: 'web1',
        component: 'sshd',
        severity: 'critical',
        custom_details: { message: message.body, team: 'ops' },
      },
    });
  });

  it('a 429 is retryable', async () => {
    server.handle(() => ({ status: 429, body: { status: 'throttle event' } }));
    await expect(createNotifier('p', 'pagerduty://a@b').send(message)).rejects.toMatchObject({
      retryable: true,
      code: 'RELAY_E_NOTIFY_RATE_LIMIT',
    });
  });
});

describe('Opsgenie', () => {
  it('creates an alert with GenieKey auth and responders', async () => {
    await createNotifier('o', 'opsgenie://GKEY/@alice/#ops?tags=disk').send(message);
    expect(last().path).toBe('/v2/alerts');
    expect(last().headers.authorization).toBe('GenieKey GKEY');
    expect(json(last())).toEqual({
      message: 'disk full',
      description: message.body,
      priority: 'P1',
      source: 'relay',
      tags: ['disk'],
      responders: [
        { type: 'user', username: 'alice' },
        { type: 'team', name: 'ops' },
      ],
    });
  });
});

describe('Mattermost', () => {
  it('posts escaped markdown to /hooks/TOKEN, once per channel, with @-mentions defused', async () => {
    const before = server.requests.length;
    await createNotifier('m', `mmost://relay@127.0.0.1:${server.port}/hookT?channels=ops,dev`).send({ ...message, body: '@channel *now*' });
    const sent = server.requests.slice(before).map(json);
    expect(server.requests.at(-1)!.path).toBe('/hooks/hookT');
    expect(sent.map((s) => s.channel)).toEqual(['ops', 'dev']);
    expect(sent[0]).toMatchObject({ username: 'relay', text: '#### disk full\n@\u200bchannel \\*now\\*' });
  });
});

describe('Rocket.Chat', () => {
  it('webhook mode posts to /hooks/ID/TOKEN', async () => {
    await createNotifier('r', `rocket://id1%2Ftok1@127.0.0.1:${server.port}/#general`).send(message);
    expect(last().path).toBe('/hooks/id1/tok1');
    expect(json(last())).toMatchObject({ channel: '#general' });
  });

  it('basic mode logs in, posts with the session, and logs out', async () => {
    server.handle((req) =>
      req.path === '/api/v1/login' ? { body: { status: 'success', data: { authToken: 'AT', userId: 'U1' } } } : { body: { success: true } },
    );
    const before = server.requests.length;
    await createNotifier('r', `rocket://bob:pw@127.0.0.1:${server.port}/#ops`).send(message);
    const [loginReq, post, logout] = server.requests.slice(before);
    expect(json(loginReq!)).toEqual({ user: 'bob', password: 'pw' });
    expect(post!.path).toBe('/api/v1/chat.postMessage');
    expect(post!.headers).toMatchObject({ 'x-auth-token': 'AT', 'x-user-id': 'U1' });
    expect(logout!.path).toBe('/api/v1/logout');
  });
});

describe('Google Chat', () => {
  it('posts text to the space with key, token and thread', async () => {
    await createNotifier('c', 'gchat://SPACE/KEY/TOKEN/th1').send(message);
    expect(last().path).toBe('/v1/spaces/SPACE/messages');
    expect(Object.fromEntries(last().query)).toEqual({
      key: 'KEY',
      token: 'TOKEN',
      threadKey: 'th1',
      messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
    });
    expect(json(last())).toEqual({ text: '*disk full*\nsda1 at 99%\n<\u200bb>x<\u200b/b>' });
  });
});

describe('Matrix', () => {
  /** A homeserver that, like Synapse, refuses to take a message into a room the account has not joined. */
  const homeserver = (serverName: string) => {
    const joined = new Set<string>();
    server.handle((req) => {
      const path = decodeURIComponent(req.path);
      if (path.endsWith('/login')) return { body: { access_token: 'AT1', user_id: `@bob:${serverName}`, device_id: 'D' } };
      if (path.endsWith('/account/whoami')) return { body: { user_id: `@bot:${serverName}` } };
      const join = /\/join\/(.+)$/.exec(path);
      if (join) {
        const id = join[1]!.startsWith('!') ? join[1]! : `!r-${join[1]!.slice(1)}`;
        joined.add(id);
        return { body: { room_id: id } };
      }
      const send = /\/rooms\/([^/]+)\/send\//.exec(path);
      if (send && !joined.has(send[1]!)) return { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'User @bob is not in room' } };
      return { body: { event_id: '$e' } };
    });
  };

  it('logs in, joins the room (an invited account could not send otherwise), sends HTML-escaped text, logs out', async () => {
    homeserver('example.org');
    const before = server.requests.length;
    await createNotifier('x', `matrix://bob:pw@127.0.0.1:${server.port}/#ops:example.org/!inv:example.org`).send(message);
    const paths = server.requests
      .slice(before)
      .map((r) => `${r.method} ${decodeURIComponent(r.path).replace(/message\/.+$/, 'message/TXN')}`);
    expect(paths).toEqual([
      'POST /_matrix/client/v3/login',
      'POST /_matrix/client/v3/join/#ops:example.org',
      'PUT /_matrix/client/v3/rooms/!r-ops:example.org/send/m.room.message/TXN',
      'POST /_matrix/client/v3/join/!inv:example.org',
      'PUT /_matrix/client/v3/rooms/!inv:example.org/send/m.room.message/TXN',
      'POST /_matrix/client/v3/logout',
    ]);
    const send = server.requests.slice(before)[2]!;
    expect(send.headers.authorization).toBe('Bearer AT1');
    expect(json(send)).toMatchObject({ msgtype: 'm.text', formatted_body: '<h4>disk full</h4>sda1 at 99%<br>&lt;b&gt;x&lt;/b&gt;' });
  });

  it('completes a bare room name with the server name of the account, not the host in the URL', async () => {
    homeserver('example.org');
    const before = server.requests.length;
    await createNotifier('x', `matrix://bob:pw@127.0.0.1:${server.port}/ops`).send(message);
    expect(server.requests.slice(before).map((r) => decodeURIComponent(r.path))).toContain('/_matrix/client/v3/join/#ops:example.org');
  });

  it('with an access token asks the server who the account is before completing a bare room name', async () => {
    homeserver('matrix.example.net');
    const before = server.requests.length;
    await createNotifier('x', `matrix://tok@127.0.0.1:${server.port}/ops`).send(message);
    const paths = server.requests.slice(before).map((r) => decodeURIComponent(r.path));
    expect(paths.slice(0, 2)).toEqual(['/_matrix/client/v3/account/whoami', '/_matrix/client/v3/join/#ops:matrix.example.net']);
  });

  it('M_LIMIT_EXCEEDED is retryable after retry_after_ms', async () => {
    server.handle(() => ({ status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 2500 } }));
    await expect(createNotifier('x', `matrix://tok@127.0.0.1:${server.port}/!r1:example`).send(message)).rejects.toMatchObject({
      retryable: true,
      retryAfterMs: 2500,
    });
  });
});

describe('Pushover', () => {
  it('posts the form Pushover expects, with escaped HTML', async () => {
    const user = 'u'.repeat(30);
    const token = 't'.repeat(30);
    await createNotifier('p', `pover://${user}@${token}/phone?sound=siren`).send(message);
    expect(last().path).toBe('/1/messages.json');
    expect(form(last())).toEqual({
      token,
      user,
      message: 'sda1 at 99%\n&lt;b&gt;x&lt;/b&gt;',
      html: '1',
      priority: '1',
      title: 'disk full',
      device: 'phone',
      sound: 'siren',
    });
  });

  it("a 400 with Pushover's error list is not retryable", async () => {
    server.handle(() => ({ status: 400, body: { status: 0, errors: ['user identifier is invalid'] } }));
    const err = await createNotifier('p', `pover://${'u'.repeat(30)}@${'t'.repeat(30)}`)
      .send(message)
      .catch((e) => e);
    expect(err).toMatchObject({ retryable: false });
    expect(err.message).toContain('user identifier is invalid');
  });
});
