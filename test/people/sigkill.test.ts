// `relay run` as a real process, killed with SIGKILL while alice's question waits: the restarted relay takes
// her answer from the link in the mail she got before the kill, and security hears her "no".
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort, sendTcp } from '../helpers/net.ts';
import { RelayProcess } from '../helpers/relay-process.ts';
import { mailLink, startWorld, WAIT, type World } from './fixture.ts';

/** Starts `relay run` and resolves once its HTTP endpoint listens. */
async function run(configFile: string): Promise<RelayProcess> {
  const relay = await RelayProcess.start(configFile);
  await relay.waitForLog((log) => log.includes('http endpoint listening'));
  return relay;
}

describe('a pending question across SIGKILL', () => {
  let world: World | undefined;
  let relay: RelayProcess | undefined;
  afterEach(async () => {
    await relay?.kill('SIGTERM');
    await world?.close();
  });

  it('the link in the mail still answers after relay was killed and started again', async () => {
    const port = await freePort();
    world = await startWorld({ top: `listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]` });
    relay = await run(world.configFile);
    await sendTcp(
      port,
      '<86>1 2026-11-30T12:00:00Z web1 sudo - - - alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/sbin/reboot\n',
    );
    await vi.waitFor(() => {
      expect(world!.smtp.mails).toHaveLength(1);
      expect(world!.slack.messages).toHaveLength(1);
    }, WAIT);
    const link = mailLink(world.smtp.mails[0]!.raw, 'no');
    await relay.kill('SIGKILL');

    relay = await run(world.configFile);
    const res = await fetch(new URL('/answer', link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: new URL(link).searchParams.get('t')! }).toString(),
    });
    expect(res.status).toBe(200);
    await world.security.waitFor(1);
    expect(world.security.json<{ title: string }>()[0]!.title).toBe('alice says she did not run /usr/sbin/reboot on web1');
    // Asked once: the restart did not ask again.
    expect(world.smtp.mails).toHaveLength(1);
  }, 60_000);
});
