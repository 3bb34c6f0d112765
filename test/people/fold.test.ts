// One open question per person and rule: 30 lines naming alice within a second ask her once (one DM, one
// mail), the rest fold into that question and escalate with it, and bob's real question in the same second
// is asked; after alice's "yes", what folded in meanwhile (she never saw it) is asked next, in one question.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { captureLog } from '../helpers/capture-log.ts';

import { ALICE, pressInSlack, startApp, startWorld, sudoLine, type World, WAIT } from './fixture.ts';

const T0 = Date.parse('2026-11-30T12:00:00Z');

describe('ask: one open question per person and rule', () => {
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

  /** 30 different calls named alice and one of bob's, all within a second of relay's clock. */
  async function flood(): Promise<void> {
    for (let i = 0; i < 30; i++) app.accept(sudoLine(clock, 'alice', 'web1', `/usr/bin/forged-${i}`));
    app.accept(sudoLine(clock, 'bob', 'web2', '/usr/bin/systemctl restart app'));
    await vi.waitFor(() => {
      expect(world.slack.messages).toHaveLength(2);
      expect(world.smtp.mails).toHaveLength(2);
    }, WAIT);
  }

  it('alice is asked once, bob is asked, and at the timeout one escalation lists all 30 calls', async () => {
    await flood();
    expect(world.slack.messages.map((m) => m.text)).toEqual([
      expect.stringContaining('Was this you? Did you run /usr/bin/forged-0 on web1?'),
      expect.stringContaining('Was this you? Did you run /usr/bin/systemctl restart app on web2?'),
    ]);
    expect(world.smtp.mails.map((m) => m.to)).toEqual([['alice@example.com'], ['bob@example.com']]);
    expect(app.asker!.stats).toMatchObject({ asked: 2, folded: 29 });
    const metrics = await (await fetch(`http://127.0.0.1:${world.httpPort}/metrics`)).text();
    expect(metrics).toContain('relay_questions_total{outcome="asked"} 2');
    expect(metrics).toContain('relay_questions_total{outcome="folded"} 29');
    clock.advance(15 * 60_000);
    await world.security.waitFor(2);
    const escalations = world.security.json<{ title: string; message: string }>();
    const alice = escalations.find((e) => e.title.startsWith('nobody answered: alice'))!;
    expect(alice.message).toContain('29 more calls for alice came while it was open, and go with it:');
    for (let i = 1; i < 30; i++) expect(alice.message).toContain(`Did you run /usr/bin/forged-${i} on web1?`);
    expect(escalations.filter((e) => e.title.startsWith('nobody answered: bob'))).toHaveLength(1);
  });

  it('after alice\'s "yes", what folded in meanwhile is asked next in one question; her "yes" to that one closes all', async () => {
    await flood();
    const yes = async (dm: Record<string, any>) => pressInSlack(world, clock, dm, 'yes');
    await yes(world.slack.messages[0]!);
    await vi.waitFor(() => expect(world.slack.messages).toHaveLength(3), WAIT);
    const next = world.slack.messages[2]!;
    expect(next.text).toContain('Was this you? Did you run /usr/bin/forged-1 on web1?');
    const shown = JSON.stringify(next);
    expect(shown).toContain('and 28 more calls are waiting for you; your answer is for all of them:');
    for (let i = 2; i < 30; i++) expect(shown).toContain(`/usr/bin/forged-${i} on web1?`);
    // Both of alice's DMs went to the channel opened once.
    expect(world.slack.requests.filter((r) => r.path === '/api/conversations.open' && JSON.stringify(r).includes(ALICE))).toHaveLength(1);
    await yes(next);
    await vi.waitFor(() => expect(app.asker!.stats.yes).toBe(2), WAIT);
    clock.advance(15 * 60_000);
    await world.security.waitFor(3);
    expect(world.security.json<{ title: string }>().map((e) => e.title)).toEqual([
      'alice confirmed: Did you run /usr/bin/forged-0 on web1?',
      'alice confirmed: Did you run /usr/bin/forged-1 on web1?',
      expect.stringMatching(/^nobody answered: bob /),
    ]);
    expect(world.slack.messages).toHaveLength(3);
  });
});
