// The two signatures answers rest on: relay's own answer tokens, and Slack's v0 request signing (checked
// against the example in Slack's documentation), plus per-person URL parts that cannot break out of their place.
import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../src/people/answer-token.ts';
import { slackSignature, verifySlackRequest } from '../../src/people/slack-signature.ts';
import { fillPersonUrl } from '../../notifiers/person-url.ts';
import { createNotifier } from '../../notifiers/registry.ts';

const SECRET = '0123456789abcdef0123456789abcdef';

describe('answer tokens', () => {
  const claims = { q: 'q1', u: 'alice', a: 'no' as const, e: 1_800_000_000_000 };

  it('round-trips, and any change to payload or signature is refused', () => {
    const token = signToken(SECRET, claims);
    expect(verifyToken(SECRET, token)).toEqual({ ok: true, claims });
    const [payload, mac] = token.split('.');
    const yes = Buffer.from(JSON.stringify({ ...claims, a: 'yes' })).toString('base64url');
    expect(verifyToken(SECRET, `${yes}.${mac}`)).toEqual({ ok: false, why: 'bad signature' });
    expect(verifyToken(`${SECRET}x`, token)).toEqual({ ok: false, why: 'bad signature' });
    expect(verifyToken(SECRET, `${payload}.${mac!.slice(0, -2)}`)).toEqual({ ok: false, why: 'malformed' });
    expect(verifyToken(SECRET, '')).toEqual({ ok: false, why: 'malformed' });
  });
});

describe("Slack's request signing", () => {
  // The worked example in Slack's "Verifying requests from Slack".
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const timestamp = '1531420618';
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

  it("matches Slack's documented signature, and refuses it more than 5 minutes later", () => {
    const signature = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
    expect(slackSignature(secret, timestamp, body)).toBe(signature);
    const at = Number(timestamp) * 1000;
    expect(verifySlackRequest(secret, { timestamp, signature }, body, at + 300_000)).toEqual({ ok: true });
    expect(verifySlackRequest(secret, { timestamp, signature }, body, at + 301_000)).toMatchObject({ ok: false });
    expect(verifySlackRequest(secret, { timestamp, signature }, `${body}&x=1`, at)).toEqual({ ok: false, why: 'bad Slack signature' });
    expect(verifySlackRequest(secret, { timestamp }, body, at)).toEqual({ ok: false, why: 'no Slack signature headers' });
  });
});

describe('per-person URL parts', () => {
  const person = { user: 'alice', name: 'Alice', handles: { topic: '../admin?x=1#frag' } };

  it('are encoded, so a directory value stays inside its part; a missing handle reaches no one', () => {
    expect(fillPersonUrl('ntfys://ntfy.example.com/relay-{person.topic}', person)).toBe(
      'ntfys://ntfy.example.com/relay-..%2Fadmin%3Fx%3D1%23frag',
    );
    expect(fillPersonUrl('ntfys://ntfy.example.com/{person.phone}', person)).toBeUndefined();
  });

  it('print as the template, and refuse a message for no one', async () => {
    const n = createNotifier('push', 'ntfys://ntfy.example.com/relay-{person.topic}');
    expect(n.maskedUrl).toBe('ntfys://ntfy.example.com/relay-{person.topic}');
    await expect(n.send({ title: 't', body: 'b', type: 'info' })).rejects.toMatchObject({
      code: 'RELAY_E_NOTIFY_REJECTED',
      retryable: false,
    });
  });

  it('a channel notifier never sends a message meant for one person', async () => {
    const n = createNotifier('hook', 'json://127.0.0.1:9/x');
    await expect(n.send({ title: 't', body: 'b', type: 'info', recipient: person })).rejects.toMatchObject({
      code: 'RELAY_E_NOTIFY_REJECTED',
      retryable: false,
    });
  });
});
