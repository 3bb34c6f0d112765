// `npm start` runs relay itself under npm (no wrapper process in between), so a SIGTERM to npm reaches
// relay: relay stops, and its port is free again.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.ts';
import { ROOT } from '../helpers/run-cli.ts';
import { freshEnv } from './npm-env.ts';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

function canListen(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-start-'));
  let relayPid = 0;
  afterAll(() => {
    // Should this test fail, an orphaned relay must not outlive it holding the port.
    if (relayPid && isRunning(relayPid)) process.kill(relayPid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('on SIGTERM to npm, relay stops and frees its port', async () => {
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]
notifiers: { console: "console://" }
rules: []
state_dir: "${join(dir, 'state')}"
`,
    );
    const npm = spawn('npm', ['start', '--', '--config', config], { cwd: ROOT, env: freshEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    // stderr closes only when every process holding it (npm and relay) has exited.
    const closed = new Promise<void>((r) => npm.stderr!.once('close', r));
    relayPid = await new Promise<number>((resolve, reject) => {
      npm.stderr!.on('data', (d: Buffer) => {
        log += d;
        const line = log.split('\n').find((l) => l.includes('"msg":"listening"'));
        if (line) resolve((JSON.parse(line) as { pid: number }).pid);
      });
      npm.once('exit', (code) => reject(new Error(`npm start exited ${code}: ${log}`)));
    });
    expect(relayPid).not.toBe(npm.pid);
    expect(await canListen(port)).toBe(false);

    npm.kill('SIGTERM');
    await closed;
    expect(log).toContain('"signal":"SIGTERM","msg":"stopping"');
    expect(isRunning(relayPid)).toBe(false);
    expect(await canListen(port)).toBe(true);
  });
});
