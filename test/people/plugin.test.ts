// The same question from the sudo audit plugin's own events: accept and exit JSON lines, as relay_audit.so
// writes them, over relay's real Unix socket listener (no real sudo here: test/sudo-plugin runs that).
// alice's call becomes one event, she is asked, and her "no" through a signed Slack button reaches security.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { dmChannel, pressButton } from '../notifiers/servers/slack.ts';
import { ALICE, buttonToken, SIGNING, startApp, startWorld, WAIT, type World } from './fixture.ts';

describe('a sudo call from the audit plugin', () => {
  let world: World | undefined;
  let app: App | undefined;
  const sockDir = mkdtempSync(join(tmpdir(), 'relay-people-sock-'));
  afterEach(async () => {
    await app?.stop();
    await world?.close();
    rmSync(sockDir, { recursive: true, force: true });
  });

  it('asks alice, and her "no" tells security who denied what', async () => {
    const socket = join(sockDir, 'sudo.sock');
    world = await startWorld({
      top: `listeners:\n  - { name: sudo, type: unix, format: sudo, address: ${socket}, allow_uids: [${process.getuid!()}] }`,
    });
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    app = await startApp(world, clock, silentLogger);
    const base = {
      v: 1,
      id: 'web1-4242-1-abc',
      host: 'web1',
      user: 'alice',
      uid: 1000,
      runas_user: 'root',
      runas_uid: 0,
      cwd: '/home/alice',
      tty: '/dev/pts/0',
      pid: 4242,
    };
    const lines = [
      {
        ...base,
        seq: 0,
        ts: '2026-11-30T12:00:00.000Z',
        event: 'accept',
        command: '/usr/bin/systemctl',
        argv: ['systemctl', 'stop', 'nginx'],
      },
      { ...base, seq: 1, ts: '2026-11-30T12:00:01.000Z', event: 'exit', status: 0 },
    ]
      .map((l) => `${JSON.stringify(l)}\n`)
      .join('');
    await new Promise<void>((resolve, reject) => {
      const s = connect(socket, () => s.end(lines, () => resolve()));
      s.once('error', reject);
    });
    await vi.waitFor(() => expect(world!.slack.messages).toHaveLength(1), WAIT);
    const dm = world.slack.messages[0]!;
    expect(dm.channel).toBe(dmChannel(ALICE));
    expect(dm.text).toContain('Did you run /usr/bin/systemctl on web1?');
    await pressButton({
      url: `http://127.0.0.1:${world.httpPort}/slack/actions`,
      signingSecret: SIGNING,
      userId: ALICE,
      actionId: 'relay_answer_no',
      value: buttonToken(dm, 'no'),
      timestamp: Math.floor(clock.now() / 1000),
    });
    await world.security.waitFor(1);
    const [alert] = world.security.json<{ title: string; message: string }>();
    expect(alert!.title).toBe('alice says she did not run /usr/bin/systemctl on web1');
    expect(alert!.message).toContain('/usr/bin/systemctl');
  });
});
