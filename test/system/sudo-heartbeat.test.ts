// The sudo path's heartbeat end to end: Debian's real syslog-ng runs the shipped syslog-ng/sudo-forward.conf
// (its paths, port and host name rewritten, relay_mark_freq 1 s) into an in-process relay on a manual clock.
// Its MARKs record the host without alerting anyone; once that syslog-ng is stopped, test-sudo --remote
// calls the host STOPPED and relay alerts host_silent once, and host_back once when syslog-ng returns.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { testSudoRemote } from '../../src/commands/test-sudo-remote.ts';
import { silentLogger } from '../../src/log.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { CHECK_EVERY_MS } from '../../src/sources/sudo/silent-hosts.ts';
import { readSudoHosts } from '../../src/state/sudo-hosts.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { SyslogNg } from '../helpers/syslog-ng.ts';
import { describeWithTools } from '../helpers/tools.ts';

const HOST = 'fleet-b';
const DAY = 86_400_000;

/** The shipped snippet with this test's paths, relay's port, a host name and a 1 s heartbeat. */
function hostConfig(port: number): string {
  const shipped = readFileSync(fileURLToPath(new URL('../../syslog-ng/sudo-forward.conf', import.meta.url)), 'utf8');
  const config = shipped
    .replace('@define relay_server "relay.example.net"', '@define relay_server "127.0.0.1"')
    .replace('@define relay_port "5515"', `@define relay_port "${port}"`)
    .replace('@define relay_sudo_socket "/run/relay/sudo.sock"', '@define relay_sudo_socket "@DIR@/sudo.sock"')
    .replace('@define relay_sudo_spool "/var/spool/relay/sudo.jsonl"', '@define relay_sudo_spool "@DIR@/spool/sudo.jsonl"')
    .replace('@define relay_disk_buffer_dir "/var/lib/syslog-ng"', '@define relay_disk_buffer_dir "@DIR@"')
    .replace('@define relay_hostname "${HOST}"', `@define relay_hostname "${HOST}"`)
    .replace('@define relay_mark_freq "60"', '@define relay_mark_freq "1"');
  expect(config).toContain('@define relay_mark_freq "1"');
  return `@version: 3.38\n${config}`;
}

describeWithTools(['syslog-ng', 'syslog-ng-ctl'], "a host's heartbeat on the sudo path, from the real syslog-ng", () => {
  const sink = new HttpSink();
  const clock = new ManualClock(Date.now());
  let dir: string;
  let relay: App;
  let host: SyslogNg;

  /** `relay test-sudo --remote HOST` as run at `now`. */
  const remote = (now = clock.now()) => {
    let text = '';
    const out = { write: (t: string) => ((text += t), true) } as unknown as NodeJS.WritableStream;
    const code = testSudoRemote(relay.config, { host: HOST, quietAfterMs: DAY, now: new Date(now) }, out);
    return { code, text };
  };
  const entry = () => readSudoHosts(join(dir, 'state')).hosts.find((h) => h.host === HOST);
  const titles = () => sink.json<{ title: string }>().map((a) => a.title);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-heartbeat-'));
    await sink.start();
    // The trusted sender is pinned to the name the heartbeat gives, not to syslog-ng's own HOSTNAME.
    const config = parseConfig(
      `
listeners:
  - { name: fleet, type: tcp, address: "127.0.0.1:0", sudo: { trusted_senders: [{ address: 127.0.0.1, hosts: [${HOST}] }] } }
notifiers:
  sink: "${sink.url()}?concurrency=1"
rules:
  - { name: silent, match: { kind: relay, fields.event: host_silent }, notify: [sink], title: "{{host}} stopped", body: "{{message}}", continue: false }
  - { name: back, match: { kind: relay, fields.event: host_back }, notify: [sink], title: "{{host}} back", body: "{{message}}", continue: false }
  - { name: everything-else, match: {}, notify: [sink], title: "other {{kind}} {{host}}", body: "{{message}}" }
state_dir: ${join(dir, 'state')}
`,
      'heartbeat.yaml',
    );
    relay = new App(config, { log: silentLogger, clock });
    await relay.start();
    host = new SyslogNg(hostConfig(Number(relay.sources[0]!.address().split(':').pop())));
    await host.start();
  });

  afterAll(async () => {
    await host.stop();
    await relay.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // relay stamps what it receives with the wall clock and checks for silence on its injected clock: the
  // manual clock is moved from the host's last heartbeat on, so no check depends on how fast this machine is.
  it('its MARKs record the host as heard, every second, and reach no rule', async () => {
    await vi.waitFor(() => expect(remote(Date.now()).code).toBe(0));
    expect(remote(Date.now()).text).toMatch(
      new RegExp(
        `^${HOST}\\s+ok\\s+last sudo event none, 0 events, heartbeat every 1s, last heard \\d+s ago, via fleet 127\\.0\\.0\\.1:\\d+\\n$`,
      ),
    );
    expect(sink.received).toEqual([]);
  });

  it('syslog-ng stopped: test-sudo --remote says STOPPED, and relay alerts host_silent once', async () => {
    await host.halt();
    // Everything syslog-ng sent is read once its connection is closed: no heartbeat arrives after this.
    await vi.waitFor(() => expect(relay.sources[0]!.stats().connections).toBe(0));
    const heard = Date.parse(entry()!.lastHeard);
    // Two checks later, the second at least 5 s (more than 3 heartbeats) after the last one.
    clock.advanceTo(Math.max(clock.now(), heard) + 2 * CHECK_EVERY_MS);
    const stopped = remote();
    expect(stopped.code).toBe(1);
    expect(stopped.text).toMatch(
      new RegExp(`^${HOST}\\s+STOPPED\\s+.*heartbeat every 1s, last heard \\d+s ago.*\\nSTOPPED: its heartbeats stopped`),
    );
    await sink.waitFor(1);
    expect(sink.json<{ message: string }>()[0]!.message).toMatch(
      new RegExp(`^${HOST} stopped forwarding on the sudo path: not heard for \\d+s, heartbeat expected every 1s`),
    );
    // A dozen more checks while it stays silent.
    clock.advance(12 * CHECK_EVERY_MS);
    expect(remote().code).toBe(1);
  });

  it('syslog-ng back: host_back once, after the one host_silent and nothing else', async () => {
    await host.start();
    await vi.waitFor(() => {
      const h = entry()!;
      expect(h.lastHeard > (h.silentSince as string)).toBe(true);
    });
    expect(remote(Date.now()).code).toBe(0);
    clock.advance(CHECK_EVERY_MS);
    // One notifier lane, one alert at a time: a second host_silent, or any heartbeat a rule had taken since
    // the start, would have been sent before this.
    await sink.waitFor(2);
    expect(titles()).toEqual([`${HOST} stopped`, `${HOST} back`]);
  });
});
