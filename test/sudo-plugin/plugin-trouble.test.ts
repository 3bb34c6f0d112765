// What the plugin could not do never goes unnoticed: lines it could neither send nor spool (spool full)
// are counted in a file beside the spool and reported by the next event that gets through, even from a
// later sudo call; options it ignored are named in every event.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSudoEvent } from '../../src/sources/sudo/event-schema.ts';
import { startLineServer } from './line-server.ts';
import { installPlugin, runSudo, uninstallPlugin } from './plugin-install.ts';
import { SudoConfGuard } from './sudo-conf-guard.ts';
import { describeWithSudo } from './sudo-env.ts';

describeWithSudo('relay_audit plugin: lost lines and ignored options', () => {
  let guard: SudoConfGuard;
  let dir: string;
  let socket: string;
  let spool: string;

  beforeAll(() => {
    guard = new SudoConfGuard();
    dir = mkdtempSync(join(tmpdir(), 'relay-trouble-'));
    socket = join(dir, 'sudo.sock');
    spool = join(dir, 'spool', 'sudo.jsonl');
    // A spool of 1 byte holds no line; `timout_ms` is a typo and `max_args=many` not a number.
    installPlugin(dir, { socket, spool, spool_max: 1, timout_ms: 5, max_args: 'many' });
  });

  afterAll(() => {
    try {
      uninstallPlugin(dir);
    } finally {
      guard.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts the lines of a call that could not be sent or spooled, and the next call reports them once', async () => {
    rmSync(socket, { force: true });
    // install.sh's own check ran sudo (and lost its lines) already: count from here.
    rmSync(`${spool}.lost`, { force: true });
    expect((await runSudo(['-u', 'nobody', '/bin/true'])).status).toBe(0);
    expect(existsSync(spool) ? readFileSync(spool, 'utf8') : '').toBe('');
    expect(readFileSync(`${spool}.lost`, 'utf8')).toBe('2\n');

    const server = await startLineServer(socket);
    try {
      expect((await runSudo(['-u', 'nobody', '/bin/true'])).status).toBe(0);
      const [accept, exit] = await server.waitFor(() => true, 2);
      expect(parseSudoEvent(accept!.line).ok).toBe(true);
      expect(accept!.event).toMatchObject({
        event: 'accept',
        lost: 2,
        ignored_options: 2,
        ignored_option_names: ['timout_ms', 'max_args'],
      });
      expect(exit!.event).toMatchObject({ event: 'exit', ignored_options: 2 });
      expect(exit!.event).not.toHaveProperty('lost');
      expect(readFileSync(`${spool}.lost`, 'utf8')).toBe('0\n');
    } finally {
      await server.close();
    }
  });
});
