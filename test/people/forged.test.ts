// Answers relay must refuse: a bad signature, an expired link, a token used twice, a stale or forged Slack
// request, someone else pressing alice's button, a token for another person's question. Each changes
// nothing (the question still waits, security hears nothing) and is logged.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { signToken } from '../../src/people/answer-token.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { pressButton } from '../notifiers/servers/slack.ts';
import { ALICE, BOB, buttonToken, mailLink, SECRET, SIGNING, startApp, startWorld, sudoLine, type World, WAIT } from './fixture.ts';

const T0 = Date.parse('2026-11-30T12:00:00Z');

describe('forged and replayed answers', () => {
  let world: World;
  let app: App;
  let clock: ManualClock;
  let logged: ReturnType<typeof captureLog>;
  beforeEach(async () => {
    world = await startWorld();
    clock = new ManualClock(T0);
    logged = captureLog('info');
    app = await startApp(world, clock, logged.log);
    app.accept(sudoLine(clock, 'alice', 'web1', '/bin/cat /etc/shadow'));
    await vi.waitFor(() => {
      expect(world.slack.messages).toHaveLength(1);
      expect(world.smtp.mails).toHaveLength(1);
    }, WAIT);
  });
  afterEach(async () => {
    await app.stop();
    await world.close();
  });

  const asker = () => app.asker!;
  const post = (token: string) =>
    fetch(`http://127.0.0.1:${world.httpPort}/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: token }).toString(),
    });
  const press = (over: Partial<Parameters<typeof pressButton>[0]>) =>
    pressButton({
      url: `http://127.0.0.1:${world.httpPort}/slack/actions`,
      signingSecret: SIGNING,
      responseUrl: `${world.slack.url}/actions/T0RELAY/1/abc`,
      userId: ALICE,
      actionId: 'relay_answer_no',
      value: buttonToken(world.slack.messages[0]!, 'no'),
      timestamp: Math.floor(clock.now() / 1000),
      ...over,
    });
  const refusals = () => logged.at('warn').filter((l) => /refused; nothing changed/.test(l.msg));
  function unchanged(): void {
    expect(
      asker()
        .list()
        .map((q) => q.status),
    ).toEqual(['pending']);
    expect(asker().stats).toMatchObject({ yes: 0, no: 0 });
    expect(world.security.received).toHaveLength(0);
  }

  it('a token with a bad signature', async () => {
    const token = new URL(mailLink(world.smtp.mails[0]!.raw, 'yes')).searchParams.get('t')!;
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await post(forged)).status).toBe(403);
    // A token re-signed for "no" with a guessed key is as bad.
    const [payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect((await post(signToken('not-the-secret-not-the-secret-000', { ...claims, a: 'no' }))).status).toBe(403);
    unchanged();
    expect(refusals().map((l) => l.why)).toEqual(['bad signature', 'bad signature']);
  });

  it('an expired link, even signed with the right key', async () => {
    const q = asker().list()[0]!;
    const expired = signToken(SECRET, { q: q.id, u: 'alice', a: 'no', e: clock.now() - 1 });
    expect((await post(expired)).status).toBe(410);
    unchanged();
    expect(refusals().map((l) => l.why)).toEqual(['link expired']);
  });

  it('a token used twice: the second use changes nothing', async () => {
    const token = new URL(mailLink(world.smtp.mails[0]!.raw, 'no')).searchParams.get('t')!;
    expect((await post(token)).status).toBe(200);
    await world.security.waitFor(1);
    expect((await post(token)).status).toBe(410);
    // The other choice's token is spent too: a question is answered once.
    const yes = new URL(mailLink(world.smtp.mails[0]!.raw, 'yes')).searchParams.get('t')!;
    expect((await post(yes)).status).toBe(410);
    expect(asker().stats).toMatchObject({ no: 1, yes: 0, refused: 2 });
    expect(asker().list()[0]!.status).toBe('no');
    expect(refusals().map((l) => l.why)).toEqual(['already closed (no)', 'already closed (no)']);
    await vi.waitFor(() => expect(app.dispatcher.stats.queued).toBe(0), WAIT);
    expect(world.security.received).toHaveLength(1);
  });

  it('a Slack request older than 5 minutes, or signed with another secret, is refused before its token is read', async () => {
    const stale = await press({ timestamp: Math.floor(clock.now() / 1000) - 301 });
    expect(stale.status).toBe(401);
    const forged = await press({ signWith: 'someone-elses-signing-secret' });
    expect(forged.status).toBe(401);
    unchanged();
    const lines = logged
      .at('warn')
      .filter((l) => l.msg === 'Slack action refused; nothing changed')
      .map((l) => l.why);
    expect(lines).toEqual(['Slack timestamp older than 5 minutes (or in the future)', 'bad Slack signature']);
  });

  it("bob pressing alice's button (a forwarded message), or a token for bob's question used on alice's", async () => {
    const res = await press({ userId: BOB });
    expect(JSON.parse(res.body)).toEqual({ refused: 'pressed by Slack user U0BOB22, not alice' });
    await vi.waitFor(
      () =>
        expect(world.slack.responses).toEqual([
          { replace_original: false, response_type: 'ephemeral', text: 'Not recorded: pressed by Slack user U0BOB22, not alice.' },
        ]),
      WAIT,
    );
    const q = asker().list()[0]!;
    const bobs = signToken(SECRET, { q: q.id, u: 'bob', a: 'no', e: q.deadline });
    expect((await post(bobs)).status).toBe(410);
    unchanged();
    expect(refusals().map((l) => l.why)).toEqual([
      'pressed by Slack user U0BOB22, not alice',
      'token is for bob, the question asked alice',
    ]);
  });

  it('a flood of forged answers is counted in full but logs at most 20 lines a minute, and says how many it held back when the minute ends', async () => {
    for (let i = 0; i < 25; i++) expect((await post(`forged${i}`)).status).toBe(403);
    expect(refusals()).toHaveLength(20);
    clock.advance(60_000);
    expect(logged.at('warn').at(-1)).toMatchObject({
      heldBack: 5,
      msg: '5 more answers refused in the last minute; not logged one by one',
    });
    expect((await post('one-more')).status).toBe(403);
    expect(refusals()).toHaveLength(21);
    expect(refusals().at(-1)).toMatchObject({ why: 'malformed' });
    expect(asker().stats.refused).toBe(26);
    unchanged();
  });

  it('a GET of a bad link shows a refusal page and logs nothing as an answer', async () => {
    const res = await fetch(`http://127.0.0.1:${world.httpPort}/answer?t=garbage`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Nothing was changed');
    unchanged();
  });
});
