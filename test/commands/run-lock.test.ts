// One relay per state_dir: a second `relay run` on it exits 3 at once naming the first one's pid, and so
// does `relay repair` refuse; the lock is the kernel's, so a relay killed with SIGKILL leaves it free for
// the next one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCodes } from '../../src/commands/exit-codes.ts';
import { freePort } from '../helpers/net.ts';
import { RelayProcess } from '../helpers/relay-process.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('state_dir lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-lock-'));
  const running: RelayProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.filter((r) => r.child.exitCode === null && r.child.signalCode === null).map((r) => r.kill('SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second relay and relay repair naming the first; after a SIGKILL the next relay starts', async () => {
    const stateDir = join(dir, 'state');
    const config = (name: string, port: number) => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(
        file,
        `listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]
notifiers: { hook: "json://127.0.0.1:9/x" }
state_dir: ${stateDir}
`,
      );
      return file;
    };
    const first = await RelayProcess.start(config('first', await freePort()));
    running.push(first);

    const second = await runCli(['run', '--config', config('second', await freePort())]);
    expect(second.code).toBe(ExitCodes.START);
    expect(second.stderr).toContain(`relay: cannot start: state_dir ${stateDir} is in use by relay pid ${first.pid}\n`);

    const repair = await runCli(['repair', '--config', config('repair', await freePort())]);
    expect(repair.code).toBe(ExitCodes.FAILED);
    expect(repair.stdout).toBe('');
    expect(repair.stderr).toContain(
      `relay: not repairing while relay runs: state_dir ${stateDir} is in use by relay pid ${first.pid}; stop it first\n`,
    );

    expect(await first.kill('SIGKILL')).toBe(-1);
    const third = await RelayProcess.start(config('third', await freePort()));
    running.push(third);
    expect(third.log).toContain('replaced a stale pid file');
    await third.kill('SIGTERM');
    const after = await runCli(['repair', '--config', config('repair', await freePort())]);
    expect(after).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to repair') });
  }, 60_000);
});
