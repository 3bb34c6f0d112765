// The whole sudo path for real: sudo → relay_audit plugin → relay's sudo listener (SO_PEERCRED, schema,
// spool) → correlate → one alert per sudo call at a local JSON webhook.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import type { SudoSource } from '../../src/sources/sudo/listener.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { installPlugin, runSudo, uninstallPlugin } from './plugin-install.ts';
import { SudoConfGuard } from './sudo-conf-guard.ts';
import { describeWithSudo } from './sudo-env.ts';

interface Posted {
  title: string;
  message: string;
}

describeWithSudo('sudo → plugin → relay → alert', () => {
  let guard: SudoConfGuard;
  let dir: string;
  let socket: string;
  let spool: string;
  const sink = new HttpSink();

  function startRelay(): Promise<App> {
    const config = parseConfig(
      `
listeners:
  - { name: sudo, type: unix, format: sudo, address: "${socket}", spool: "${spool}", spool_interval: 1h }
notifiers:
  sink: ${sink.url()}
rules:
  - { name: sudo, match: { kind: sudo }, notify: [sink], title: "{{fields.user}} as {{fields.runas_user}}", body: "{{message}}" }
state_dir: ${join(dir, 'state')}
`,
      'test.yaml',
    );
    const app = new App(config, { log: silentLogger });
    return app.start().then(() => app);
  }

  /** The alert whose body names `command`, once it arrived. */
  async function alertFor(command: string): Promise<Posted> {
    for (;;) {
      const found = sink.json<Posted>().filter((a) => a.message.includes(command));
      if (found.length > 0) return found[0]!;
      await sink.waitFor(sink.received.length + 1);
    }
  }

  beforeAll(async () => {
    guard = new SudoConfGuard();
    dir = mkdtempSync(join(tmpdir(), 'relay-e2e-'));
    socket = join(dir, 'sudo.sock');
    spool = join(dir, 'spool', 'sudo.jsonl');
    installPlugin(dir, { socket, spool, timeout_ms: 50 });
    await sink.start();
  });

  afterAll(async () => {
    try {
      uninstallPlugin(dir);
    } finally {
      guard.dispose();
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('with relay running', () => {
    let app: App;
    beforeAll(async () => {
      app = await startRelay();
    });
    afterAll(() => app.stop());

    it.each([
      { runas: 'nobody', command: ['/bin/true'], shown: '/bin/true', status: 0, outcome: 'exit 0' },
      { runas: 'root', command: ['/bin/false'], shown: '/bin/false', status: 1, outcome: 'exit 1' },
      // sudo re-raises the command's signal on itself, so sudo too ends by SIGTERM (no exit status).
      // argv is shown shell-quoted, so what ran is unambiguous.
      {
        runas: 'root',
        command: ['/bin/sh', '-c', 'kill -TERM $$'],
        shown: "/bin/sh -c 'kill -TERM $$'",
        status: null,
        outcome: 'killed by SIGTERM',
      },
    ])('one alert for sudo -u $runas $command with its outcome ($outcome)', async ({ runas, command, shown, status, outcome }) => {
      const before = sink.received.length;
      expect((await runSudo(['-u', runas, ...command])).status).toBe(status);
      const alert = await alertFor(shown);
      expect(alert.title).toBe(`root as ${runas}`);
      expect(alert.message).toBe(`root ran ${shown} as ${runas} on ${hostname()}: ${outcome}`);
      expect(sink.received.length).toBe(before + 1);
    });

    it('one alert with the reason for a command that does not exist', async () => {
      expect((await runSudo(['/nonexistent-relay-e2e'])).status).not.toBe(0);
      const alert = await alertFor('/nonexistent-relay-e2e');
      expect(alert.message).toContain('rejected: /nonexistent-relay-e2e: command not found');
    });
  });

  it('with relay stopped, sudo still works and its events are delivered once after relay starts', async () => {
    const run = await runSudo(['/bin/echo', 'while-relay-was-down']);
    expect(run.status).toBe(0);
    const app = await startRelay();
    try {
      await (app.sources[0] as SudoSource).collectSpool();
      const alert = await alertFor('while-relay-was-down');
      expect(alert.message).toContain('exit 0');
      // Delivered late, from the spool: the alert says when the call happened.
      expect(alert.message).toMatch(/: exit 0 \(called at \d{4}-\d\d-\d\dT[\d:.]+Z, received (\S+ later )?from the plugin's spool\)$/);
      await (app.sources[0] as SudoSource).collectSpool();
      expect(sink.json<Posted>().filter((a) => a.message.includes('while-relay-was-down'))).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });
});
