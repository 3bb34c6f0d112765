// `relay run` as a real process, killed with SIGKILL while alice's question waits: the restarted relay takes
// her answer from the link in the mail she got before the kill, and security hears her "no".
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort, sendTcp } from '../helpers/net.ts';
import { CLI, ROOT } from '../helpers/run-cli.ts';
import { mailLink, startWorld, WAIT, type World } from './fixture.ts';

/** Starts `relay run` (node itself with tsx's loader, so a signal reaches relay) and resolves once its HTTP endpoint listens. */
async function run(configFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'run', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d;
      if (log.includes('http endpoint listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${log}`)));
  });
  return child;
}

describe('a pending question across SIGKILL', () => {
  let world: World | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await world?.close();
  });

  it('the link in the mail still answers after relay was killed and started again', async () => {
    const port = await freePort();
    world = await startWorld({ top: `listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]` });
    child = await run(world.configFile);
    await sendTcp(port, '<86>1 2026-11-30T12:00:00Z web1 sudo - - - alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/sbin/reboot\n');
    await vi.waitFor(() => {
      expect(world!.smtp.mails).toHaveLength(1);
      expect(world!.slack.messages).toHaveLength(1);
    }, WAIT);
    const link = mailLink(world.smtp.mails[0]!.raw, 'no');
    const killed = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await killed;

    child = await run(world.configFile);
    const res = await fetch(new URL('/answer', link), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ t: new URL(link).searchParams.get('t')! }).toString(),
    });
    expect(res.status).toBe(200);
    await world.security.waitFor(1);
    expect(world.security.json<{ title: string }>()[0]!.title).toBe('alice says she did not run /usr/sbin/reboot on web1');
    // Asked once: the restart did not ask again.
    expect(world.smtp.mails).toHaveLength(1);
  }, 60_000);
});
