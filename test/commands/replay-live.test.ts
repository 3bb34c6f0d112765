// Replay and a live relay agree: the same lines, replayed from a file and sent over a real TCP listener into
// an App that delivers to a local webhook, give the same alerts (titles, bodies, types, counts, order).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { replayFile, type ReplaySend } from '../../src/commands/replay.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { sendTcp } from '../helpers/net.ts';

const T0 = Date.parse('2025-03-01T12:00:00Z');
// Every line at T0, the live relay's (manual) clock: a live relay times its windows by when lines arrive,
// replay by the lines' own timestamps; with the two equal, any difference is a difference in the paths.
const AT = new Date(T0).toISOString();

/** Syslog frames as a forwarder sends them (every one with its PRI), including some that do not parse. */
function lines(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 30; i++)
    out.push(`<38>${AT} web1 sshd[${1000 + i}]: Failed password for root from 203.0.113.${i % 3} port ${40000 + i} ssh2`);
  // sudo's own lines as a host's syslog-ng forwards them (syslog-ng/relay.conf): with the uid that wrote them,
  // root, which the live relay's listener checks (its sender is trusted for sudo); replay takes them as they are.
  const sudo = (pri: number, text: string) => `<${pri}>1 ${AT} web2 sudo - - [relay_writer@32473 uid="0"] ${text}`;
  for (let i = 0; i < 6; i++)
    out.push(sudo(85, 'carol : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/carol ; USER=root ; COMMAND=/bin/ls'));
  out.push(sudo(86, 'alice : TTY=pts/0 ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx'));
  for (let i = 0; i < 3; i++) out.push(`<26>1 ${AT} db1 postgres 77 - - could not write to file: No space left on device`);
  out.push('<13>1 bogus', '<999>out of range', `<38>${AT} web1 sshd[2000]: Accepted password for root from 203.0.113.1 port 50000 ssh2`);
  return out;
}

describe('relay replay against a live relay', () => {
  let dir: string;
  let sink: HttpSink;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-replay-live-'));
    sink = await new HttpSink().start();
  });
  afterAll(async () => {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = () =>
    parseConfig(
      `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:0", sudo: { trusted_senders: [127.0.0.1/32] } }]
notifiers: { hook: "${sink.url()}" }
rules:
  - { name: unparsed, match: { parseError: "/./" }, notify: [hook], title: "unparsed frame", body: "{{raw}}: {{parseError}}" }
  - name: ssh-burst
    match: { fields.event: login_failed }
    key: [fields.src_ip]
    group_by: [host]
    group_wait: 30s
    group_interval: 5m
    notify: [hook]
    title: "failed logins on {{host}}"
  - name: guessing
    kind: frequency
    match: { app: sudo, fields.reason: incorrect password attempts }
    threshold: { count: 5, within: 60s }
    key: [host, fields.user]
    notify: [hook]
    title: "{{fields.user}} keeps failing sudo on {{host}}"
  - { name: sudo, match: { app: sudo, fields.event: accept }, notify: [hook], title: "sudo on {{host}}", body: "{{fields.user}}: {{fields.command}}" }
  - { name: crit, match: { severity: "<= crit" }, key: [host, app], repeat_interval: 1h, notify: [hook], title: "{{severity}} from {{app}} on {{host}}" }
  - { name: root-login, match: { fields.event: login_accepted, fields.user: root }, notify: [hook], title: "root logged in on {{host}} from {{fields.src_ip}}" }
throttle:
  hook: { rate: 4/1h, burst: 6 }
state_dir: ${dir}
`,
      'test.yaml',
    );

  it('gives the same alerts for the same lines', async () => {
    const file = join(dir, 'frames.log');
    writeFileSync(file, `${lines().join('\n')}\n`);
    const replayed: ReplaySend[] = [];
    await replayFile(file, config(), (s) => replayed.push(s));

    const clock = new ManualClock(T0);
    const app = new App(config(), { log: silentLogger, clock });
    await app.start();
    const port = Number(app.sources[0]!.address().split(':').pop());
    await sendTcp(port, `${lines().join('\n')}\n`);
    await vi.waitFor(() => expect(app.pipeline.stats().events).toBe(lines().length), { timeout: 10_000 });
    // Let held groups, repeats and throttled alerts play out as replay does after its last line.
    for (let h = 0; h < 6; h++) clock.advance(3_600_000);
    await app.stop();

    // Where a frame came from is the one thing that differs: a peer and a listener live, the file in replay.
    const source = (body: string) => body.replace(/\(frame from .+? on listener \S+: /g, '(frame from SOURCE: ');
    const live = sink.json<{ title: string; message: string; type: string }>().map((b) => [b.title, source(b.message), b.type]);
    const fromReplay = replayed.map((s) => [s.alert.title, source(s.alert.body), s.alert.type]);
    expect(fromReplay.length).toBeGreaterThanOrEqual(5);
    // Sorted: the webhook takes several at once, so alerts of different keys may arrive in another order.
    const sorted = (alerts: string[][]) => alerts.map((a) => JSON.stringify(a)).sort();
    expect(sorted(live)).toEqual(sorted(fromReplay));
    // The frames that do not parse alert in both.
    expect(fromReplay.filter(([title]) => title === 'unparsed frame')).toHaveLength(2);
  });
});
