// Questions survive a restart: relay stopped while alice's and bob's questions wait, started again on the same
// state_dir — alice's link from before the restart still answers, bob's timeout still fires at its original
// deadline, a question whose deadline passed while relay was down escalates at start, and `relay answers`
// (a separate process reading state.db) lists them all.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { runCli } from '../helpers/run-cli.ts';
import { mailLink, startApp, startWorld, sudoLine, type World, WAIT } from './fixture.ts';

const T0 = Date.parse('2026-11-30T12:00:00Z');
const MIN = 60_000;

describe('pending questions across a restart', () => {
  let world: World;
  let app: App | undefined;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await app?.stop();
    await world.close();
  });

  it('the answer link and the timeout still work after stop and start on the same state_dir', async () => {
    const clock = new ManualClock(T0);
    app = await startApp(world, clock, silentLogger);
    app.accept(sudoLine(clock, 'alice', 'web1', '/usr/sbin/reboot'));
    clock.advance(2 * MIN);
    app.accept(sudoLine(clock, 'bob', 'web2', '/usr/bin/apt upgrade'));
    await vi.waitFor(() => expect(world.smtp.mails).toHaveLength(2), WAIT);
    const aliceNo = mailLink(world.smtp.mails.find((m) => m.to[0] === 'alice@example.com')!.raw, 'no');
    // `relay answers` reads state.db from its own process while relay runs.
    const listed = await runCli(['answers', '--config', world.configFile, '--pending']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/alice {2}sudo-production {2}"Did you run \/usr\/sbin\/reboot on web1\?" {2}pending/);
    expect(listed.stdout).toMatch(/bob {2}sudo-production {2}"Did you run \/usr\/bin\/apt upgrade on web2\?" {2}pending/);
    clock.advance(3 * MIN);
    await app.stop();
    app = undefined;

    clock.advance(MIN);
    app = await startApp(world, clock, silentLogger);
    const res = await fetch(new URL('/answer', aliceNo), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: new URL(aliceNo).searchParams.get('t')! }).toString(),
    });
    expect(res.status).toBe(200);
    await world.security.waitFor(1);
    expect(world.security.json<{ title: string }>()[0]!.title).toBe('alice says she did not run /usr/sbin/reboot on web1');

    // bob was asked at T0+2m with a 15m timeout: the restarted relay escalates at T0+17m exactly.
    clock.advanceTo(T0 + 17 * MIN - 1);
    expect(app.asker!.stats.unanswered).toBe(0);
    clock.advanceTo(T0 + 17 * MIN);
    await world.security.waitFor(2);
    expect(world.security.json<{ title: string }>()[1]!.title).toBe(
      'nobody answered: bob did not answer "Did you run /usr/bin/apt upgrade on web2?" within 15m',
    );
    await app.stop();
    app = undefined;

    const all = await runCli(['answers', '--config', world.configFile]);
    expect(all.stdout).toMatch(/alice .* NO, not me at 2026-11-30T12:06:00Z \(page\)/);
    expect(all.stdout).toMatch(/bob .* unanswered by 2026-11-30T12:17:00Z/);
  });

  it('a question whose deadline passed while relay was down escalates as soon as it starts', async () => {
    const clock = new ManualClock(T0);
    app = await startApp(world, clock, silentLogger);
    app.accept(sudoLine(clock, 'alice', 'web1', '/usr/sbin/reboot'));
    await vi.waitFor(() => expect(world.smtp.mails).toHaveLength(1), WAIT);
    await app.stop();
    clock.advance(60 * MIN);
    app = await startApp(world, clock, silentLogger);
    await world.security.waitFor(1);
    expect(world.security.json<{ title: string }>()[0]!.title).toMatch(/^nobody answered: alice did not answer/);
  });
});
