// Fleet sudo over TLS as a security team deploys it, on one machine standing in for two: host A is Debian's
// sudo with relay's plugin (installed by install.sh) and a "host" syslog-ng running the shipped
// sudo-forward.conf with the README's TLS destination, plus relay-tls.conf for the rest of its log, with a
// client certificate made by openssl; the central relay has a `type: tls` listener with client_auth,
// allowed_peers and the shipped `sudo: { trusted_peers, allow_uids: [0] }`. The caller is a normal sudoer
// with a password, not root: each outcome of a call alerts exactly once with host, user, runas, command and
// outcome, and a sudo line a local non-root user forges is alerted as unverified and counted, never as sudo.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { silentLogger } from '../../src/log.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { makeCerts, type TestCerts } from '../helpers/certs.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort } from '../helpers/net.ts';
import { SyslogNg } from '../helpers/syslog-ng.ts';
import { hostConfig } from './fleet-host.ts';
import { installPlugin, runSudo, uninstallPlugin } from './plugin-install.ts';
import { SudoConfGuard } from './sudo-conf-guard.ts';
import { describeWithSudo } from './sudo-env.ts';
import { TestSudoer } from './test-sudoer.ts';

interface Posted {
  title: string;
  message: string;
}

const HOST = 'fleet-a';

describeWithSudo('fleet sudo over TLS, called by a non-root sudoer', () => {
  let guard: SudoConfGuard;
  let sudoer: TestSudoer;
  let certs: TestCerts;
  let dir: string;
  let host: SyslogNg;
  let relay: App;
  const sink = new HttpSink();
  const alerts = () => sink.json<Posted>();
  const count = (text: string) => alerts().filter((a) => a.message.includes(text)).length;

  async function alertFor(text: string): Promise<Posted> {
    for (;;) {
      const found = alerts().find((a) => a.message.includes(text));
      if (found) return found;
      await sink.waitFor(sink.received.length + 1);
    }
  }

  /** The sudoer runs sudo -S with `password` (their own unless given). */
  const asSudoer = (args: string[], password = sudoer.password) =>
    runSudo(['-S', '-p', '', ...args], { asUser: sudoer.user, input: `${password}\n` });

  beforeAll(async () => {
    guard = new SudoConfGuard();
    sudoer = new TestSudoer(
      [
        // Asked every time, one try: each call below proves the password (or fails to) on its own.
        'Defaults:relaytest timestamp_timeout=0, passwd_tries=1, !lecture',
        'relaytest ALL=(root) /bin/true, /bin/sh',
        'relaytest ALL=(nobody) /bin/echo',
        '',
      ].join('\n'),
      'relaytest-fleet-tls',
    );
    certs = makeCerts();
    dir = mkdtempSync(join(tmpdir(), 'relay-fleet-tls-'));
    const port = await freePort();
    await sink.start();
    const tls = certs.client(HOST);
    host = new SyslogNg(hostConfig({ port, host: HOST, tls: { ca: certs.ca, cert: tls.cert, key: tls.key } }));
    chmodSync(host.dir, 0o755);
    await host.start();
    installPlugin(dir, { socket: join(host.dir, 'sudo.sock'), spool: join(host.dir, 'spool', 'sudo.jsonl'), timeout_ms: 50 });
    relay = new App(
      parseConfig(
        `
listeners:
  - name: fleet
    type: tls
    address: 127.0.0.1:${port}
    cert: ${certs.server.cert}
    key: ${certs.server.key}
    ca: ${certs.ca}
    client_auth: required
    allowed_peers: [${HOST}]
    sudo: { trusted_peers: [${HOST}], allow_uids: [0] }
notifiers:
  sink: ${sink.url()}
rules:
  - { name: sudo, match: { kind: sudo }, notify: [sink], title: "sudo on {{host}}", body: "{{message}}" }
  - { name: other, match: { kind: syslog }, notify: [sink], title: "syslog on {{host}}", body: "{{message}} event={{fields.event}}" }
http: { address: "127.0.0.1:0" }
state_dir: ${join(dir, 'state')}
`,
        'fleet-tls.yaml',
      ),
      { log: silentLogger },
    );
    await relay.start();
  });

  afterAll(async () => {
    try {
      uninstallPlugin(dir);
    } finally {
      sudoer.dispose();
      guard.dispose();
      await relay.stop();
      await host.stop();
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });

  it('accepted, exit 3, killed by a signal, not allowed, wrong password and -u nobody: each alerts exactly once, saying who ran what as whom and how it ended', async () => {
    const runs = {
      accepted: await asSudoer(['/bin/true', 'fleet-accepted']),
      exit3: await asSudoer(['/bin/sh', '-c', 'exit 3', 'fleet-exit3']),
      killed: await asSudoer(['/bin/sh', '-c', 'kill -TERM $$', 'fleet-killed']),
      notAllowed: await asSudoer(['/bin/ls', '/fleet-not-allowed']),
      wrongPassword: await asSudoer(['/bin/true', 'fleet-wrong-password'], 'not-the-password'),
      runasNobody: await asSudoer(['-u', 'nobody', '/bin/echo', 'fleet-nobody']),
    };
    expect(Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, r.status]))).toEqual({
      accepted: 0,
      exit3: 3,
      killed: 143,
      notAllowed: 1,
      wrongPassword: 1,
      runasNobody: 0,
    });
    const said = {
      accepted: (await alertFor('fleet-accepted')).message,
      exit3: (await alertFor('fleet-exit3')).message,
      killed: (await alertFor('fleet-killed')).message,
      notAllowed: (await alertFor('/fleet-not-allowed')).message,
      wrongPassword: (await alertFor('fleet-wrong-password')).message,
      runasNobody: (await alertFor('fleet-nobody')).message,
    };
    const on = `on ${HOST}`;
    expect(said).toEqual({
      accepted: `relaytest ran /bin/true fleet-accepted as root ${on}: exit 0`,
      exit3: `relaytest ran /bin/sh -c 'exit 3' fleet-exit3 as root ${on}: exit 3`,
      killed: `relaytest ran /bin/sh -c 'kill -TERM $$' fleet-killed as root ${on}: killed by SIGTERM`,
      notAllowed: `relaytest ran /bin/ls /fleet-not-allowed as root ${on}: rejected: command not allowed`,
      wrongPassword: `relaytest ran /bin/true fleet-wrong-password as root ${on}: rejected: authentication failure`,
      runasNobody: `relaytest ran /bin/echo fleet-nobody as nobody ${on}: exit 0`,
    });
    // The barrier: one more call, after which everything before it has been through relay.
    expect((await asSudoer(['/bin/true', 'fleet-barrier'])).status).toBe(0);
    await alertFor('fleet-barrier');
    for (const text of ['fleet-accepted', 'fleet-exit3', 'fleet-killed', '/fleet-not-allowed', 'fleet-wrong-password', 'fleet-nobody']) {
      expect(count(text), text).toBe(1);
    }
    expect(alerts().every((a) => a.title === `sudo on ${HOST}`)).toBe(true);
  });

  it("a sudo line a local non-root user writes with logger is alerted as an unverified sudo line and counted, never as sudo's", async () => {
    const forged = `${sudoer.user} : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/forged-by-logger`;
    execFileSync('setpriv', [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      'logger',
      '-u',
      join(host.dir, 'log'),
      '-t',
      'sudo',
      forged,
    ]);
    const alert = await alertFor('/bin/forged-by-logger');
    // relay-tls.conf names the auth log's lines by the machine's own host name.
    expect(alert.title).toBe(`syslog on ${hostname()}`);
    expect(alert.message).toMatch(/ event=unverified_sudo_line$/);
    await vi.waitFor(async () => {
      const metrics = await (await fetch(`http://${relay.httpAddress}/metrics`)).text();
      expect(metrics).toContain('relay_sudo_unverified_lines_total{listener="fleet"} 1');
    });
  });
}, ['syslog-ng', 'openssl', 'setpriv', 'logger', 'chpasswd', 'visudo']);
