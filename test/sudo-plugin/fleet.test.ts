// Fleet sudo on one machine standing in for two hosts: Debian's sudo with the installed plugin writes to a
// second, "host" syslog-ng (its own config, socket, persist file, disk buffer, host name fleet-a) running the
// shipped syslog-ng/sudo-forward.conf and relay.conf, which forwards over TCP to a relay whose listener
// trusts 127.0.0.1 for fleet-a only. Every call gives exactly one correlated alert naming fleet-a, through
// relay and host syslog-ng outages; forged lines from a non-root user give none.
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { App } from '../../src/app.ts';
import { testSudoRemote } from '../../src/commands/test-sudo-remote.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort } from '../helpers/net.ts';
import { SyslogNg } from '../helpers/syslog-ng.ts';
import { hostConfig } from './fleet-host.ts';
import { installPlugin, runSudo, uninstallPlugin } from './plugin-install.ts';
import { SudoConfGuard } from './sudo-conf-guard.ts';
import { describeWithSudo } from './sudo-env.ts';

interface Posted {
  title: string;
  message: string;
}

const HOST = 'fleet-a';
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
describeWithSudo('fleet sudo: plugin → host syslog-ng → relay over TCP', () => {
  let guard: SudoConfGuard;
  let dir: string;
  let port: number;
  let host: SyslogNg;
  let relay: App | undefined;
  const sink = new HttpSink();

  async function startRelay(): Promise<void> {
    const config = parseConfig(
      `
listeners:
  - name: fleet
    type: tcp
    address: 127.0.0.1:${port}
    sudo: { trusted_senders: [{ address: 127.0.0.1, hosts: [${HOST}, ${hostname()}] }], allow_uids: [0] }
notifiers:
  sink: ${sink.url()}
rules:
  - { name: sudo, match: { kind: sudo }, notify: [sink], title: "sudo on {{host}}", body: "{{message}}" }
  - { name: other, match: { kind: syslog }, notify: [sink], title: "syslog", body: "{{message}} untrusted={{fields.untrusted_sudo}} event={{fields.event}}" }
state_dir: ${join(dir, 'state')}
`,
      'fleet.yaml',
    );
    relay = new App(config, { log: silentLogger });
    await relay.start();
  }

  async function stopRelay(): Promise<void> {
    await relay?.stop();
    relay = undefined;
  }

  const alerts = () => sink.json<Posted>();

  /** Waits until `count` alerts mention `text`; bounded by the test timeout. */
  async function alertsFor(text: string, count = 1): Promise<Posted[]> {
    for (;;) {
      const found = alerts().filter((a) => a.message.includes(text));
      if (found.length >= count) return found;
      await sink.waitFor(sink.received.length + 1);
    }
  }

  /**
   * Events travel in order over one connection: once a later marker call's alert arrived, everything
   * before it has been processed, so "exactly one" can be counted.
   */
  async function barrier(tag: string): Promise<void> {
    expect((await runSudo(['/bin/true', `barrier-${tag}`])).status).toBe(0);
    await alertsFor(`barrier-${tag}`);
  }

  const count = (text: string) => alerts().filter((a) => a.message.includes(text)).length;

  beforeAll(async () => {
    guard = new SudoConfGuard();
    dir = mkdtempSync(join(tmpdir(), 'relay-fleet-'));
    port = await freePort();
    await sink.start();
    host = new SyslogNg(hostConfig({ port, host: HOST }));
    chmodSync(host.dir, 0o755);
    await host.start();
    installPlugin(dir, { socket: join(host.dir, 'sudo.sock'), spool: join(host.dir, 'spool', 'sudo.jsonl'), timeout_ms: 50 });
    await startRelay();
  });

  afterAll(async () => {
    try {
      uninstallPlugin(dir);
    } finally {
      guard.dispose();
      await stopRelay();
      await host.stop();
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sudo true, sudo false and a rejected command: one correlated alert each, naming the host and the outcome', async () => {
    expect((await runSudo(['/bin/true', 'fleet-true'])).status).toBe(0);
    expect((await runSudo(['/bin/false', 'fleet-false'])).status).toBe(1);
    expect((await runSudo(['/nonexistent/fleet-reject'])).status).not.toBe(0);
    const [t] = await alertsFor('fleet-true');
    const [f] = await alertsFor('fleet-false');
    const [r] = await alertsFor('/nonexistent/fleet-reject');
    expect(t!.title).toBe(`sudo on ${HOST}`);
    expect(t!.message).toMatch(new RegExp(`^root ran /bin/true fleet-true as root on ${HOST}: exit 0$`));
    expect(f!.message).toMatch(new RegExp(`^root ran /bin/false fleet-false as root on ${HOST}: exit 1$`));
    expect(r!.message).toContain(`on ${HOST}: rejected: /nonexistent/fleet-reject: command not found`);
    await barrier('first');
    expect([count('fleet-true'), count('fleet-false'), count('fleet-reject')]).toEqual([1, 1, 1]);
  });

  it('with relay stopped sudo runs at full speed (nothing waits or spools); after relay returns every call arrives once', async () => {
    await stopRelay();
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await runSudo(['/bin/true', `relay-down-${i}`]));
    for (const run of runs) {
      expect(run.status).toBe(0);
      expect(run.stderr).toBe('');
      // The plugin hands its lines to the local syslog-ng, which is up: no wait on a timeout, no spooling.
      expect(run.ms).toBeLessThan(2000);
    }
    expect(existsSync(join(host.dir, 'spool', 'sudo.jsonl')) ? readFileSync(join(host.dir, 'spool', 'sudo.jsonl'), 'utf8') : '').toBe('');
    await startRelay();
    for (let i = 0; i < 5; i++) expect((await alertsFor(`relay-down-${i}`))[0]!.message).toContain(`on ${HOST}: exit 0`);
    await barrier('relay-back');
    expect(Array.from({ length: 5 }, (_, i) => count(`relay-down-${i}`))).toEqual([1, 1, 1, 1, 1]);
  });

  it('with the host syslog-ng stopped the plugin spools; after syslog-ng returns every call arrives once', async () => {
    await host.halt();
    for (let i = 0; i < 3; i++) expect((await runSudo(['/bin/true', `sng-down-${i}`])).status).toBe(0);
    const spooled = readFileSync(join(host.dir, 'spool', 'sudo.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(spooled.map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['accept', 'exit', 'accept', 'exit', 'accept', 'exit']);
    await host.start();
    for (let i = 0; i < 3; i++) expect((await alertsFor(`sng-down-${i}`))[0]!.message).toContain(`on ${HOST}: exit 0`);
    // A restart of syslog-ng resumes after what it read (persist file): nothing is sent twice.
    await host.halt();
    await host.start();
    await barrier('sng-back');
    expect(Array.from({ length: 3 }, (_, i) => count(`sng-down-${i}`))).toEqual([1, 1, 1]);
  });

  it('a host syslog-ng that hangs (SIGSTOP) and is then killed: each call made meanwhile is delivered once after it returns', async () => {
    host.freeze();
    for (let i = 0; i < 10; i++) {
      const run = await runSudo(['/bin/true', `hung-${i}`]);
      expect(run.status).toBe(0);
      // The plugin waits timeout_ms (50 here) for a line to be read, then spools it as well.
      expect(run.ms).toBeLessThan(2000);
    }
    await host.halt('SIGKILL');
    await host.start();
    for (let i = 0; i < 10; i++) expect((await alertsFor(`hung-${i}`))[0]!.message).toContain(`on ${HOST}: exit 0`);
    await barrier('hung-back');
    expect(Array.from({ length: 10 }, (_, i) => count(`hung-${i}`))).toEqual(Array(10).fill(1));
  });

  it('a spool renamed away while syslog-ng runs (as relay-sudo-spool.logrotate does) loses and repeats nothing', async () => {
    const spool = join(host.dir, 'spool', 'sudo.jsonl');
    await host.halt();
    expect((await runSudo(['/bin/true', 'rotate-before'])).status).toBe(0);
    await host.start();
    await alertsFor('rotate-before');
    renameSync(spool, `${spool}.1`);
    await host.halt();
    expect((await runSudo(['/bin/true', 'rotate-after'])).status).toBe(0);
    await host.start();
    await alertsFor('rotate-after');
    await barrier('rotated');
    expect([count('rotate-before'), count('rotate-after')]).toEqual([1, 1]);
  });

  it('a plugin-shaped line forged by a non-root user (socket or logger) gives no sudo alert', async () => {
    const forged = (event: string, seq: number, extra: object) =>
      JSON.stringify({
        v: 1,
        event,
        id: `${HOST}-1-1-forged`,
        seq,
        ts: new Date().toISOString(),
        host: HOST,
        user: 'root',
        uid: 0,
        pid: 1,
        command: '/bin/forged-by-nobody',
        argv: ['/bin/forged-by-nobody'],
        ...extra,
      });
    const lines = `${forged('accept', 0, {})}\n${forged('exit', 1, { status: 0 })}\n`;
    // Straight to the plugin's socket: syslog-ng records uid 65534.
    const write = `const s = require('node:net').connect(process.argv[1], () => s.end(process.argv[2]));`;
    execFileSync('setpriv', [...NOBODY, process.execPath, '-e', write, join(host.dir, 'sudo.sock'), lines]);
    // Through the ordinary log socket, dressed up with the sudo marker and a claimed uid 0.
    execFileSync('setpriv', [
      ...NOBODY,
      'logger',
      '-u',
      join(host.dir, 'log'),
      '--rfc5424',
      '--sd-id',
      'relay_sudo@32473',
      '--sd-param',
      'uid="0"',
      '-t',
      'sudo',
      '--msgid',
      'relay-sudo',
      `logger-${forged('accept', 0, {})}`,
    ]);
    const viaSocket = await alertsFor('/bin/forged-by-nobody', 3);
    await barrier('forged');
    const all = alerts().filter((a) => a.message.includes('forged-by-nobody'));
    expect(all).toHaveLength(3);
    expect(all.every((a) => a.title === 'syslog')).toBe(true);
    expect(viaSocket.filter((a) => a.message.includes('untrusted=writer uid 65534 is not in allow_uids'))).toHaveLength(2);
  });

  it("sudo's own syslog line is believed when root wrote it; one another user wrote is alerted as unverified", async () => {
    const line = (who: string) => `${who} : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/true sudo-line-${who}`;
    execFileSync('logger', ['-u', join(host.dir, 'log'), '-t', 'sudo', line('root-wrote')]);
    execFileSync('setpriv', [...NOBODY, 'logger', '-u', join(host.dir, 'log'), '-t', 'sudo', line('nobody-wrote')]);
    const [byRoot] = await alertsFor('sudo-line-root-wrote');
    const [byNobody] = await alertsFor('sudo-line-nobody-wrote');
    expect(byRoot!.message).toMatch(/ event=accept$/);
    expect(byNobody!.message).toMatch(/ event=unverified_sudo_line$/);
  });

  it('relay test-sudo --remote names the host as recently seen, through its syslog-ng', async () => {
    const config = relay!.config;
    await stopRelay();
    let text = '';
    const out = { write: (t: string) => ((text += t), true) } as unknown as NodeJS.WritableStream;
    expect(testSudoRemote(config, { host: HOST, quietAfterMs: 3_600_000 }, out)).toBe(0);
    expect(text).toMatch(new RegExp(`^${HOST}\\s+ok\\s+last .*, via fleet 127\\.0\\.0\\.1:\\d+\\n$`));
    await startRelay();
  });
}, ['syslog-ng', 'setpriv', 'logger']);
