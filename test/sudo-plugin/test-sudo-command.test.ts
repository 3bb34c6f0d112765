// `relay test-sudo` on a host with the plugin installed: exit 0 and the probe call listed while relay runs;
// exit 1 with a diagnosis naming the missing link when relay is not listening.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { App } from '../../src/app.ts';
import { loadConfigFile } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { runCli } from '../helpers/run-cli.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { installPlugin, runSudo, uninstallPlugin } from './plugin-install.ts';
import { SudoConfGuard } from './sudo-conf-guard.ts';
import { describeWithSudo } from './sudo-env.ts';

describeWithSudo('relay test-sudo', () => {
  let guard: SudoConfGuard;
  let dir: string;
  let configFile: string;

  const sink = new HttpSink();

  beforeAll(async () => {
    await sink.start();
    guard = new SudoConfGuard();
    dir = mkdtempSync(join(tmpdir(), 'relay-test-sudo-'));
    const socket = join(dir, 'sudo.sock');
    installPlugin(dir, { socket, spool: join(dir, 'spool.jsonl'), timeout_ms: 50 });
    configFile = join(dir, 'config.yaml');
    // Relative paths: test-sudo runs from another directory (runCli's cwd is the checkout) and must still
    // find the socket, spool and state beside the config file.
    writeFileSync(
      configFile,
      `
listeners:
  - { name: sudo, type: unix, format: sudo, address: ./sudo.sock, spool: spool.jsonl }
notifiers: { out: "${sink.url()}" }
rules: [{ name: sudo, match: { kind: sudo, not: { fields.probe: true } }, notify: [out] }]
state_dir: ./state
`,
    );
  });

  afterAll(async () => {
    try {
      uninstallPlugin(dir);
    } finally {
      guard.dispose();
      rmSync(dir, { recursive: true, force: true });
      await sink.stop();
    }
  });

  it('exits 1 and says nothing is listening when relay is not running', async () => {
    const r = await runCli(['test-sudo', '--config', configFile, '--timeout', '1000']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ran: sudo -n -u nobody /bin/true → exit 0');
    expect(r.stdout).toContain('sudo loads relay_audit');
    expect(r.stdout).toMatch(/nothing is listening on .*sudo\.sock/);
    expect(r.stdout).toMatch(/the spool .* holds \d+ bytes/);
  });

  it('exits 0 and lists the probe call when relay is running; the probe alerts nowhere, a real call does', async () => {
    const app = new App(loadConfigFile(configFile), { log: silentLogger });
    await app.start();
    try {
      const r = await runCli(['test-sudo', '--config', configFile]);
      expect(r.stdout).toContain('relay received it');
      expect(r.stdout).toMatch(/accept\s+root \/bin\/true/);
      expect(r.code).toBe(0);
      // The same call unmarked, after it: once its alert arrived, the probe's would have come first.
      expect((await runSudo(['-u', 'nobody', '/bin/true'])).status).toBe(0);
      await sink.waitFor(1);
      expect(sink.json<{ message: string }>().map((a) => a.message)).toEqual([expect.stringMatching(/^root ran \/bin\/true as nobody/)]);
    } finally {
      await app.stop();
    }
  });
});
