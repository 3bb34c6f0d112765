// Commands run as root on a state_dir that belongs to relay's user (`sudo relay outbox`, `sudo relay silence
// add`, `sudo relay answers`) create their files for that user: afterwards every file in state_dir is the
// owner's, and relay run as the owner opens them all and starts.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.ts';
import { RelayProcess } from '../helpers/relay-process.ts';
import { runCli } from '../helpers/run-cli.ts';

const NOBODY = 65534;

describe.runIf(process.getuid?.() === 0)('root on a state_dir of another user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-owner-'));
  // Readable by the service's user, who reads the config.
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function owners(stateDir: string): Record<string, number> {
    return Object.fromEntries(readdirSync(stateDir).map((f) => [f, statSync(join(stateDir, f)).uid]));
  }

  it('relay outbox, silence add and answers leave only files the owner can open, and relay runs as the owner', async () => {
    const stateDir = join(dir, 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    chownSync(stateDir, NOBODY, NOBODY);
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${await freePort()}" }]
notifiers: { hook: "json://127.0.0.1:9/x" }
rules: [{ name: r, match: { app: x }, notify: [hook] }]
state_dir: ${stateDir}
`,
      { mode: 0o644 },
    );

    expect(await runCli(['outbox', '--config', config])).toMatchObject({ code: 0 });
    expect(await runCli(['silence', 'add', '--match', 'host=web1', '--for', '1h', '--config', config])).toMatchObject({ code: 0 });
    expect(await runCli(['answers', '--config', config])).toMatchObject({ code: 0 });
    const files = owners(stateDir);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['outbox.db', 'relay.db']));
    expect(files).toEqual(Object.fromEntries(Object.keys(files).map((f) => [f, NOBODY])));

    const relay = await RelayProcess.start(config, 1, {}, { uid: NOBODY, gid: NOBODY });
    expect(await relay.kill('SIGTERM')).toBe(0);
    expect(relay.log).not.toMatch(/EACCES|permission denied|"level":50/);
    const after = owners(stateDir);
    expect(after).toEqual(Object.fromEntries(Object.keys(after).map((f) => [f, NOBODY])));

    // And root's relay run on it hands what it creates to the owner too, SQLite's -wal and -shm included.
    const asRoot = await RelayProcess.start(config);
    const whileRunning = owners(stateDir);
    const created = ['outbox.db-wal', 'outbox.db-shm', 'relay.lock', 'relay.pid', 'state.db'];
    expect(Object.keys(whileRunning)).toEqual(expect.arrayContaining(created));
    expect(whileRunning).toEqual(Object.fromEntries(Object.keys(whileRunning).map((f) => [f, NOBODY])));
    expect(await asRoot.kill('SIGTERM')).toBe(0);
    const afterRoot = owners(stateDir);
    expect(afterRoot).toEqual(Object.fromEntries(Object.keys(afterRoot).map((f) => [f, NOBODY])));
  }, 60_000);
});
