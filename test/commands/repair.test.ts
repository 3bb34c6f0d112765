// A damaged outbox.db or relay.db: every command says so in one line naming the file and `relay repair`,
// and `relay repair` moves the damaged file aside (with its -wal and -shm), saying exactly what it did.
import { existsSync, mkdtempSync, openSync, readdirSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/outbox/outbox.ts';
import { SilenceDb } from '../../src/state/silence-db.ts';
import { alert } from '../delivery/fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { freePort } from '../helpers/net.ts';

/** Overwrites `length` bytes at `offset` with garbage. */
function damage(file: string, offset: number, length: number): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  closeSync(fd);
}

describe('damaged state files', () => {
  let dir: string;
  let state: string;
  let config: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-repair-'));
    state = join(dir, 'state');
    config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${await freePort()}" }]
notifiers: { hook: "json://127.0.0.1:9/x" }
state_dir: ${state}
`,
    );
    const outbox = Outbox.open(state);
    outbox.add([{ alert: alert(1), notifiers: ['hook'] }], 0);
    outbox.close();
    const silences = SilenceDb.open(state);
    for (let i = 0; i < 200; i++)
      silences.add({ match: { host: `h${i}` }, starts: 0, ends: 4e12, comment: 'x'.repeat(200), createdBy: 't' }, 0);
    silences.close();
  });

  // Besides the line every command prints naming the config it read.
  const oneLine = (stderr: string, file: string): void => {
    expect(
      stderr
        .trim()
        .split('\n')
        .filter((l) => !l.includes('using config')),
    ).toHaveLength(1);
    expect(stderr).toContain(file);
    expect(stderr).toContain('run `relay repair`');
    expect(stderr).not.toMatch(/^\s+at /m);
  };

  it('run, outbox and silence name the damaged file and relay repair in one line, without a stack', async () => {
    damage(join(state, 'outbox.db'), 0, 100);
    damage(join(state, 'relay.db'), 0, 100);
    for (const args of [['run'], ['outbox'], ['outbox', 'retry', 'hook'], ['silence', 'list']]) {
      const r = await runCli([...args, '--config', config]);
      // relay run could not start (3); the other commands failed (1).
      expect([args.join(' '), r.code]).toEqual([args.join(' '), args[0] === 'run' ? 3 : 1]);
      // run opens both files; which one it names first is up to the order it opens them.
      oneLine(r.stderr, args[0] === 'silence' ? join(state, 'relay.db') : args[0] === 'run' ? state : join(state, 'outbox.db'));
    }
  });

  it('relay repair moves a damaged file aside with its -wal and -shm, says what it moved, and relay starts clean', async () => {
    damage(join(state, 'outbox.db'), 0, 100);
    writeFileSync(join(state, 'outbox.db-wal'), 'garbage');
    // relay.db's header is fine, a page inside is not: found by quick_check.
    damage(join(state, 'relay.db'), 4096 * 3, 4096);
    const r = await runCli(['repair', '--config', config]);
    expect(r.code).toBe(0);
    const moved = readdirSync(state)
      .filter((f) => f.includes('.damaged-'))
      .sort();
    expect(moved).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^outbox\.db\.damaged-\d{4}-\d\d-\d\dT[\d-]+Z$/),
        expect.stringMatching(/^outbox\.db\.damaged-.*Z-wal$/),
        expect.stringMatching(/^relay\.db\.damaged-.*Z$/),
      ]),
    );
    expect(r.stdout).toContain(`outbox.db: damaged (SQLITE_NOTADB`);
    const aside = moved.find((f) => f.startsWith('outbox.db.') && f.endsWith('Z'))!;
    expect(r.stdout).toContain(`moved ${join(state, 'outbox.db')} → ${join(state, aside)}\n`);
    expect(r.stdout).toContain(`moved ${join(state, 'outbox.db-wal')} → ${join(state, aside)}-wal\n`);
    expect(r.stdout).toContain('relay will start with an empty outbox.db: alerts that waited for delivery in it are not sent');
    expect(r.stdout).toMatch(/relay\.db: damaged \(.+\)\n {2}moved /);
    expect(r.stdout).toContain('state.db: not there');
    expect(r.stdout).toContain('2 damaged files moved aside');
    expect(existsSync(join(state, 'outbox.db'))).toBe(false);

    const after = await runCli(['outbox', '--config', config]);
    expect(after).toMatchObject({ code: 0, stdout: 'nothing waiting for delivery\n' });
    const again = await runCli(['repair', '--config', config]);
    expect(again.stdout).toContain('outbox.db: ok');
    expect(again.stdout).toContain('nothing to repair');
  });
});
