// Commands started from any directory use the paths of the config file's directory, and say which
// config file they took.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli, TS_NODE_ARGS } from '../helpers/run-cli.ts';

describe('config paths from another directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'relay-cfgdir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'etc');
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(dir);
  mkdirSync(elsewhere);
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `
listeners:
  - { name: sudo, type: unix, format: sudo, address: ./run/sudo.sock, spool: ./spool/sudo.jsonl }
notifiers: { out: "console://" }
rules: [{ name: sudo, match: { kind: sudo }, notify: [out] }]
state_dir: ./var
`,
  );

  it('relay run --config keeps socket and state beside the config; test-sudo finds the socket; both name the config', async () => {
    const child = spawn(process.execPath, [...TS_NODE_ARGS, CLI, 'run', '--config', config], {
      cwd: elsewhere,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (d: Buffer) => {
          log += d;
          if (log.includes('"msg":"listening"')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${log}`)));
      });
      expect(JSON.parse(log.split('\n')[0]!)).toMatchObject({ msg: 'using config', config, from: '--config' });
      expect(existsSync(join(dir, 'run', 'sudo.sock'))).toBe(true);
      expect(existsSync(join(dir, 'var', 'outbox.db'))).toBe(true);
      expect(readdirSync(elsewhere)).toEqual([]);

      const r = await runCli(['test-sudo', '--no-run', '--config', config], { cwd: root });
      expect(r.stderr).toContain(`relay: using config ${config} (from --config)`);
      expect(r.stdout).toContain(`relay listens on ${join(dir, 'run', 'sudo.sock')}`);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('without --config takes RELAY_CONFIG, then ./config.yaml, and says which', async () => {
    const fromEnv = await runCli(['check'], { cwd: elsewhere, env: { RELAY_CONFIG: config } });
    expect(fromEnv).toMatchObject({ code: 0, stdout: `${config}: ok\n` });
    const fromCwd = await runCli(['silence', 'list'], { cwd: dir, env: { RELAY_CONFIG: '' } });
    expect(fromCwd.code).toBe(0);
    expect(fromCwd.stderr).toBe(`relay: using config ${config} (from the current directory)\n`);
  });
});
