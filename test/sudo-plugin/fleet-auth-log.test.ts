// A fleet host that forwards both the plugin's events (syslog-ng/sudo-forward.conf) and its auth log
// (syslog-ng/relay.conf): Debian's sudo logs each call to /dev/log as well, which the host's syslog-ng owns
// for the test (this machine runs no syslog daemon; the sudo.conf lock keeps other sudo tests out meanwhile).
// Every call, accepted, failing, rejected or by a user not in sudoers, gives exactly one alert: the plugin's.
// Then relay restarts while syslog-ng sends the same lines again from its reliable disk buffer (its state
// put back as it was before it sent them, as after a crash before it recorded them sent): nothing alerts twice.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { freePort } from '../helpers/net.ts';
import { SyslogNg } from '../helpers/syslog-ng.ts';
import { hostConfig } from './fleet-host.ts';
import { installPlugin, runSudo, uninstallPlugin } from './plugin-install.ts';
import { SudoConfGuard } from './sudo-conf-guard.ts';
import { describeWithSudo } from './sudo-env.ts';

const TEST_USER = 'relaytest';
const SUDOERS_DROPIN = '/etc/sudoers.d/relaytest-twins';
const WAIT_MS = 2000;
function sudoers(text: string): void {
  const file = join(tmpdir(), `relaytest-twins-${process.pid}`);
  writeFileSync(file, text);
  execFileSync('visudo', ['-cf', file], { stdio: 'ignore' });
  execFileSync('install', ['-m', '0440', file, SUDOERS_DROPIN]);
  rmSync(file);
}

describeWithSudo('fleet host forwarding the plugin and its auth log: one alert per sudo call', () => {
  let guard: SudoConfGuard;
  let dir: string;
  let port: number;
  let host: SyslogNg;
  let relay: App | undefined;
  let logged = captureLog();
  const sink = new HttpSink();

  async function startRelay(): Promise<void> {
    const config = parseConfig(
      `
listeners:
  - name: fleet
    type: tcp
    address: 127.0.0.1:${port}
    sudo: { trusted_senders: [{ address: 127.0.0.1, hosts: [${hostname()}] }], allow_uids: [0] }
notifiers:
  sink: ${sink.url()}
correlate: { sudo_line_wait: ${WAIT_MS}ms }
rules:
  - { name: not-in-sudoers, match: { app: sudo, fields.event: reject, fields.reason: "/^user NOT in sudoers$/" }, notify: [sink], title: not-in-sudoers, body: "{{message}}", continue: false }
  - { name: refused, match: { app: sudo, fields.event: [reject, error] }, notify: [sink], title: refused, body: "{{message}}", continue: false }
  - { name: command, match: { any: [{ kind: sudo }, { app: sudo, fields.event: accept }] }, notify: [sink], title: command, body: "{{message}}" }
  - { name: barrier, match: { app: relay-barrier }, notify: [sink], title: barrier, body: "{{message}}" }
state_dir: ${join(dir, 'state')}
`,
      'fleet.yaml',
    );
    logged = captureLog();
    relay = new App(config, { log: logged.log });
    await relay.start();
  }

  async function stopRelay(): Promise<void> {
    await relay?.stop();
    relay = undefined;
  }

  const alerts = () => sink.json<{ title: string; message: string }>();
  const count = (text: string) => alerts().filter((a) => a.message.includes(text)).length;

  async function alertsFor(text: string): Promise<void> {
    while (count(text) === 0) await sink.waitFor(sink.received.length + 1);
  }

  /**
   * The two paths are two connections, each in order: once a sudo call's alert (plugin path) and a logged
   * line's (auth-log path) sent after everything before arrived, all of it was received; a line still
   * waiting for its twin would then go on within the wait, so the counts are read after it.
   */
  async function barrier(tag: string): Promise<void> {
    expect((await runSudo(['/bin/true', `barrier-${tag}`])).status).toBe(0);
    execFileSync('logger', ['-t', 'relay-barrier', `barrier-line-${tag}`]);
    await alertsFor(`barrier-${tag}`);
    await alertsFor(`barrier-line-${tag}`);
    await new Promise((r) => setTimeout(r, WAIT_MS + 500));
  }

  /** The lines relay dropped because the plugin reported their call, by command. */
  const joined = (text: string) =>
    logged.lines.filter((l) => l.msg === "sudo's syslog line dropped: the plugin reported its call" && String(l.command).includes(text))
      .length;

  beforeAll(async () => {
    guard = new SudoConfGuard();
    // Under the lock: /dev/log is this test's only while no daemon owns it and no other sudo test runs.
    if (existsSync('/dev/log')) throw new Error('/dev/log exists: a syslog daemon owns it, this test cannot stand in for one');
    dir = mkdtempSync(join(tmpdir(), 'relay-twins-'));
    port = await freePort();
    await sink.start();
    host = new SyslogNg(hostConfig({ port, devLog: '/dev/log' }));
    await host.start();
    try {
      execFileSync('id', [TEST_USER], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', TEST_USER]);
    }
    installPlugin(dir, { socket: join(host.dir, 'sudo.sock'), spool: join(host.dir, 'spool', 'sudo.jsonl'), timeout_ms: 50 });
    await startRelay();
    // The host's plugin has reported from now on (as install.sh's self-check makes it on a real host).
    await barrier('start');
  });

  afterAll(async () => {
    try {
      uninstallPlugin(dir);
    } finally {
      guard.dispose();
      rmSync(SUDOERS_DROPIN, { force: true });
      await stopRelay();
      await host.stop();
      if (existsSync('/dev/log') && statSync('/dev/log').isSocket()) rmSync('/dev/log');
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("accepted, exit 1, rejected and not in sudoers: exactly one alert each, the plugin's, though both paths arrived", async () => {
    expect((await runSudo(['/bin/true', 'twins-ok'])).status).toBe(0);
    expect((await runSudo(['/bin/false', 'twins-fail'])).status).toBe(1);
    sudoers(`Defaults:${TEST_USER} !authenticate\n${TEST_USER} ALL=(root) /bin/true\n`);
    expect((await runSudo(['-n', '/bin/ls', '/twins-rejected'], { asUser: TEST_USER })).status).toBe(1);
    sudoers(`Defaults:${TEST_USER} !authenticate\n`);
    expect((await runSudo(['-n', '/bin/ls', '/twins-notin'], { asUser: TEST_USER })).status).toBe(1);
    rmSync(SUDOERS_DROPIN);
    await barrier('first');
    const markers = ['twins-ok', 'twins-fail', 'twins-rejected', 'twins-notin'];
    expect(markers.map(count)).toEqual([1, 1, 1, 1]);
    // Both paths did arrive: each call's syslog line reached relay and was dropped for the plugin's report.
    expect(markers.map(joined)).toEqual([1, 1, 1, 1]);
    const by = (m: string) => alerts().find((a) => a.message.includes(m))!;
    expect(by('twins-ok').message).toMatch(/ran \/bin\/true twins-ok as root on .*: exit 0$/);
    expect(by('twins-fail').message).toMatch(/: exit 1$/);
    expect([by('twins-rejected').title, by('twins-rejected').message]).toEqual([
      'refused',
      expect.stringMatching(/^relaytest ran \/bin\/ls \/twins-rejected as root on .*: rejected: command not allowed$/),
    ]);
    expect([by('twins-notin').title, by('twins-notin').message]).toEqual([
      'not-in-sudoers',
      expect.stringMatching(/: rejected: user NOT in sudoers$/),
    ]);
  });

  it('relay restarted while syslog-ng sends the same plugin events and lines again: no call alerts twice', async () => {
    await stopRelay();
    expect((await runSudo(['/bin/true', 'twins-again-ok'])).status).toBe(0);
    expect((await runSudo(['/bin/false', 'twins-again-fail'])).status).toBe(1);
    // syslog-ng holds them in its disk buffers; keep its state as it is before it sends them.
    await host.halt();
    const saved = join(dir, 'sng-saved');
    mkdirSync(saved);
    const stateFiles = readdirSync(host.dir).filter((f) => f === 'persist' || /\.r?qf$/.test(f));
    for (const f of stateFiles) copyFileSync(join(host.dir, f), join(saved, f));
    await host.start();
    await startRelay();
    await barrier('sent');
    expect([count('twins-again-ok'), count('twins-again-fail')]).toEqual([1, 1]);
    // relay restarts; syslog-ng, its state put back, sends the same messages again.
    await stopRelay();
    await host.halt();
    for (const f of stateFiles) copyFileSync(join(saved, f), join(host.dir, f));
    await host.start();
    await startRelay();
    await barrier('resent');
    expect([count('twins-again-ok'), count('twins-again-fail')]).toEqual([1, 1]);
    // The resend did happen: the plugin's events came again and were dropped as already received.
    expect(logged.lines.filter((l) => l.msg === 'sudo event already received; dropped').length).toBeGreaterThanOrEqual(4);
  });
}, ['syslog-ng', 'logger', 'visudo']);
