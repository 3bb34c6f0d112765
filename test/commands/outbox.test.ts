import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/outbox/outbox.ts';
import { alert } from '../delivery/fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('relay outbox', () => {
  let dir: string;
  let config: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-outbox-'));
    config = join(dir, 'config.yaml');
    writeFileSync(config, `notifiers: { hook: "json://127.0.0.1:9/x", mail: "json://127.0.0.1:9/y" }\nstate_dir: ${join(dir, 'state')}\n`);
  });

  /** hook: 3 waiting (one held for a retry), 2 dead; mail: 1 dead. */
  function fill(): number[] {
    const outbox = Outbox.open(join(dir, 'state'));
    outbox.add(
      [1, 2, 3, 4, 5].map((n) => ({ alert: alert(n), notifiers: ['hook'] })),
      Date.UTC(2026, 10, 23, 12),
    );
    outbox.add([{ alert: alert(6), notifiers: ['mail'] }], Date.UTC(2026, 10, 23, 12));
    const [first, second, third] = outbox.head('hook', 3);
    outbox.retryLater([first!], Date.UTC(2099, 0, 1), 'rate limited (HTTP 429)');
    outbox.bury([second!, third!], 'provider answered HTTP 400: bad payload', Date.UTC(2026, 10, 23, 12, 5));
    outbox.bury(outbox.head('mail'), 'provider answered HTTP 401', Date.UTC(2026, 10, 23, 12, 6));
    outbox.commands.addLoss('hook', 'over delivery.max_queue_hard', 7, Date.UTC(2026, 10, 23, 11), Date.UTC(2026, 10, 23, 11, 30));
    const ids = outbox.dead().map((r) => r.seq);
    outbox.close();
    return ids;
  }

  it('shows what waits per notifier with its last error, losses, and with --dead what was given up, why and its id', async () => {
    const [mailDead] = fill();
    const r = await runCli(['outbox', '--config', config, '--dead']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hook: 3 waiting since 2026-11-23T12:00:00.000Z, next try 2099-01-01T00:00:00.000Z after 1 failed');
    expect(r.stdout).toContain('last error: rate limited (HTTP 429)');
    expect(r.stdout).toContain(
      'hook: 7 alerts lost (over delivery.max_queue_hard) between 2026-11-23T11:00:00.000Z and 2026-11-23T11:30:00.000Z',
    );
    expect(r.stdout).toContain(`  ${mailDead}  2026-11-23T12:00:00.000Z  mail  [r] t6\n    provider answered HTTP 401`);
    expect(r.stdout).toMatch(/hook {2}\[r\] t2\n {4}provider answered HTTP 400: bad payload/);
  });

  it('retry NOTIFIER makes its held alerts due now; retry --dead [ID] puts dead alerts back; each says what it did', async () => {
    const [mailDead] = fill();
    let r = await runCli(['outbox', 'retry', 'hook', '--config', config]);
    expect(r).toMatchObject({ code: 0, stdout: 'hook: 3 waiting; 1 of them were held for a later try and are due now\n' });
    r = await runCli(['outbox', 'retry', '--dead', String(mailDead), '--config', config]);
    expect(r).toMatchObject({ code: 0, stdout: `dead alert ${mailDead} ([r] t6) back in the queue, due now: mail 1\n` });
    r = await runCli(['outbox', 'retry', '--dead', '--config', config]);
    expect(r).toMatchObject({ code: 0, stdout: '2 dead alerts back in the queue, due now: hook 2\n' });
    r = await runCli(['outbox', 'retry', '--dead', '--config', config]);
    expect(r).toMatchObject({ code: 0, stdout: 'no dead alerts\n' });
    const outbox = Outbox.open(join(dir, 'state'));
    expect(outbox.pending()).toEqual(
      new Map([
        ['hook', 5],
        ['mail', 1],
      ]),
    );
    expect(outbox.head('hook', 5).every((row) => row.nextAttemptAt <= Date.now())).toBe(true);
    outbox.close();
  });

  it('drop NOTIFIER deletes its waiting alerts; drop --dead [ID] deletes dead ones; each says what it did', async () => {
    const [mailDead] = fill();
    let r = await runCli(['outbox', 'drop', '--dead', String(mailDead), '--config', config]);
    expect(r).toMatchObject({ code: 0, stdout: `dropped dead alert ${mailDead} ([r] t6): mail 1\n` });
    r = await runCli(['outbox', 'drop', '--dead', String(mailDead), '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^no dead alert with id ${mailDead} \\(see relay outbox --dead\\)$`, 'm'));
    r = await runCli(['outbox', 'drop', 'hook', '--config', config]);
    expect(r).toMatchObject({ code: 0, stdout: 'hook: dropped 3 waiting alerts\n' });
    r = await runCli(['outbox', 'drop', '--dead', '--config', config]);
    expect(r).toMatchObject({ code: 0, stdout: 'dropped 2 dead alerts: hook 2\n' });
    r = await runCli(['outbox', 'drop', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give a notifier');
    const outbox = Outbox.open(join(dir, 'state'));
    expect(outbox.pending().size).toBe(0);
    expect(outbox.dead()).toHaveLength(0);
    outbox.close();
  });

  it('retry and drop of a notifier neither in the config nor in the outbox exit 1 naming the ones there are', async () => {
    fill();
    for (const action of ['retry', 'drop']) {
      const r = await runCli(['outbox', action, 'NOSUCH', '--config', config]);
      expect(r).toMatchObject({ code: 1, stdout: '' });
      expect(r.stderr).toMatch(/^no notifier NOSUCH in the config or the outbox \(notifiers: hook, mail\)$/m);
    }
    // A notifier removed from the config whose alerts still wait in the outbox can be dropped.
    writeFileSync(config, `notifiers: { mail: "json://127.0.0.1:9/y" }\nstate_dir: ${join(dir, 'state')}\n`);
    const dropped = await runCli(['outbox', 'drop', 'hook', '--config', config]);
    expect(dropped).toMatchObject({ code: 0, stdout: 'hook: dropped 3 waiting alerts\n' });
  });
});
