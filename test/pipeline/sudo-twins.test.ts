// One alert per sudo call whatever paths it took: a host forwarding both the plugin's events and its auth
// log gets the plugin's alert only, in either order; a line whose plugin report does not come still alerts,
// at once from a host without the plugin; across a restart nothing held is lost and nothing alerts twice.
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/state-store.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { harness, T0 } from './harness.ts';

const RULES = `correlate: { sudo_line_wait: 10s }
rules:
  - name: not-in-sudoers
    match: { app: sudo, fields.event: reject, fields.reason: "/^user NOT in sudoers$/" }
    notify: [ops]
    title: not-in-sudoers
    body: "{{message}}"
    continue: false
  - name: refused
    match: { app: sudo, fields.event: [reject, error] }
    notify: [ops]
    title: refused
    body: "{{message}}"
    continue: false
  - name: command
    match: { any: [{ kind: sudo }, { app: sudo, fields.event: accept }] }
    notify: [ops]
    title: command
    body: "{{message}}"
`;
const call = { host: 'web1', user: 'alice', uid: 1000, runas_user: 'root', cwd: '/home/alice', tty: '/dev/pts/0', pid: 7 };
const apt = { ...call, command: '/usr/bin/apt', argv: ['apt', 'update'] };
const LINE = 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update';
const NOT_IN = 'alice : user NOT in sudoers ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update';
const NOT_ALLOWED = 'alice : command not allowed ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update';

type H = ReturnType<typeof harness>;
const accepted = (id: string) => (h: H) => {
  h.sudo({ event: 'accept', id, seq: 0, ...apt });
  h.sudo({ event: 'exit', id, seq: 1, ...apt, status: 2 });
};
const rejected =
  (reason: string, command = '/usr/bin/apt') =>
  (h: H) =>
    h.sudo({ event: 'reject', id: 'r', seq: 0, ...apt, command, reason });
const line = (text: string) => (h: H) => h.syslog('sudo', text);
/** The alerts but the self-check's. */
const calls = (h: H) => h.sent.filter((a) => !String(a.body).includes('true'));
/** web1 runs the plugin: relay has had a report from it (a self-check, as install.sh makes). */
const pluginHost = (h: H) => h.sudo({ event: 'accept', id: 'probe', seq: 0, ...call, command: '/bin/true', argv: ['true'], probe: true });

describe('sudo twins: a call reported by the plugin and by its syslog line alerts once', () => {
  it.each([
    ['accepted, exit 2', accepted('c1'), LINE, 'command', 'alice ran apt update as root on web1: exit 2'],
    [
      'not in sudoers',
      rejected('user NOT in sudoers', 'apt'),
      NOT_IN,
      'not-in-sudoers',
      'alice ran apt update as root on web1: rejected: user NOT in sudoers',
    ],
    [
      'command not allowed',
      rejected('command not allowed'),
      NOT_ALLOWED,
      'refused',
      'alice ran apt update as root on web1: rejected: command not allowed',
    ],
  ])("%s: the plugin first or the line first, one alert, the plugin's", (_, plugin, text, rule, body) => {
    for (const order of [
      [plugin, line(text)],
      [line(text), plugin],
    ]) {
      const h = harness(RULES);
      pluginHost(h);
      for (const step of order) {
        step(h);
        h.clock.advance(2000);
      }
      h.clock.advance(60_000);
      expect(calls(h).map((a) => [a.rule, a.body])).toEqual([[rule, body]]);
    }
  });

  it('from a host whose plugin never reported, the line alerts at once', () => {
    const h = harness(RULES);
    h.syslog('sudo', LINE);
    expect(h.sent.map((a) => a.body)).toEqual([LINE]);
  });

  it('from a plugin host whose report of the call was lost, the line alerts after sudo_line_wait, not before', () => {
    const h = harness(RULES);
    pluginHost(h);
    h.syslog('sudo', LINE);
    h.clock.advance(9_999);
    expect(h.sent).toHaveLength(0);
    h.clock.advance(1);
    expect(h.sent.map((a) => a.body)).toEqual([LINE]);
    expect(h.clock.pending()).toBe(1);
  });

  it('a line that comes minutes after its plugin report (an auth-log backlog) is still dropped; each report answers one line', () => {
    const h = harness(RULES);
    accepted('c1')(h);
    accepted('c2')(h);
    h.clock.advance(5 * 60_000);
    for (let i = 0; i < 3; i++) h.syslog('sudo', LINE);
    h.clock.advance(10_000);
    expect(h.sent.map((a) => a.body)).toEqual([
      'alice ran apt update as root on web1: exit 2',
      'alice ran apt update as root on web1: exit 2',
      LINE,
    ]);
  });

  it('the line a report answered for, sent again after a restart (a disk buffer), is dropped; a new one alerts', () => {
    const store = new MemoryStateStore();
    const before = harness(RULES, { store });
    const at = new Date(T0);
    accepted('c1')(before);
    before.syslog('sudo', LINE, { timestamp: at });
    before.pipeline.stop();
    const after = harness(RULES, { store, start: T0 + 60_000 });
    after.syslog('sudo', LINE, { timestamp: at });
    after.syslog('sudo', LINE, { timestamp: new Date(T0 + 60_000) });
    after.clock.advance(10_000);
    expect([...before.sent, ...after.sent].map((a) => a.body)).toEqual(['alice ran apt update as root on web1: exit 2', LINE]);
  });

  it('a line held when relay stops waits again after the start, for a report sent only then; without one it alerts once', () => {
    for (const reportAfterRestart of [true, false]) {
      const store = new MemoryStateStore();
      const before = harness(RULES, { store });
      pluginHost(before);
      before.syslog('sudo', LINE);
      before.clock.advance(5_000);
      before.pipeline.stop();
      // Down for an hour: the line's wait ended meanwhile, but its twin may be in the host's disk buffer.
      const after = harness(RULES, { store, start: T0 + 3_600_000 });
      after.clock.advance(9_000);
      expect(calls(after)).toHaveLength(0);
      if (reportAfterRestart) accepted('c1')(after);
      after.clock.advance(60_000);
      expect([...calls(before), ...calls(after)].map((a) => a.body)).toEqual([
        reportAfterRestart ? 'alice ran apt update as root on web1: exit 2' : LINE,
      ]);
    }
  });

  it('a report received before a restart answers for its line received after it', () => {
    const store = new MemoryStateStore();
    const before = harness(RULES, { store });
    accepted('c1')(before);
    before.pipeline.stop();
    const after = harness(RULES, { store, start: T0 + 60_000 });
    after.syslog('sudo', LINE);
    after.clock.advance(60_000);
    expect([...before.sent, ...after.sent].map((a) => a.body)).toEqual(['alice ran apt update as root on web1: exit 2']);
  });

  it('past limits.pending_sudo_calls the oldest held line goes on at once, saying so', () => {
    const { log, at } = captureLog();
    const h = harness(`${RULES}limits: { pending_sudo_calls: 1 }\n`, { log });
    h.sudo({ event: 'exit', id: 'x', seq: 1, ...apt, status: 0 });
    h.syslog('sudo', LINE);
    h.syslog('sudo', LINE.replace('update', 'upgrade'));
    expect(h.sent.map((a) => a.body)).toEqual(['alice ran apt update as root on web1: exit 0', LINE]);
    expect(h.pipeline.stats().overflowed['sudo-lines']).toEqual({ '': 1 });
    expect(at('warn').map((l) => l.stage)).toEqual(['sudo-lines']);
  });

  it('the end of a replay lets held lines go on', () => {
    const h = harness(RULES);
    pluginHost(h);
    h.syslog('sudo', LINE);
    h.pipeline.flush();
    expect(h.sent.map((a) => a.body)).toContain(LINE);
  });
});
