import { describe, expect, it } from 'vitest';
import type { RelayEvent } from '../../src/event.ts';
import { MemoryStateStore } from '../../src/state/state-store.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { harness, T0, turnEnd } from './harness.ts';

const SUDO = `correlate: { sudo_exit_timeout: 10m }
rules:
  - name: sudo
    match: { app: sudo, fields.event: [accept, exit, exec_error, reject, error] }
    notify: [ops]
    title: "sudo on {{host}}: {{fields.user}} as {{fields.runas_user}}"
    body: "{{fields.cwd}}$ {{default (join fields.argv ' ') fields.command}} → {{fields.outcome}}"
`;
const call = {
  host: 'web1',
  user: 'alice',
  uid: 1000,
  runas_user: 'root',
  runas_uid: 0,
  cwd: '/home/alice',
  tty: '/dev/pts/0',
  command: '/usr/bin/apt',
  argv: ['apt', 'update'],
  pid: 4242,
};

describe('correlate: one sudo call, one alert', () => {
  it('joins accept and exit into one alert with the exit status', () => {
    const h = harness(SUDO);
    h.sudo({ event: 'accept', id: 'c1', ts: '2025-03-01T12:00:00Z', ...call });
    h.clock.advance(3000);
    expect(h.sent).toHaveLength(0);
    h.sudo({ event: 'exit', id: 'c1', ts: '2025-03-01T12:00:03Z', ...call, status: 100 });
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ title: 'sudo on web1: alice as root', body: '/home/alice$ apt update → exit 100', severity: 5 });
    expect(h.clock.pending()).toBe(0);
  });

  it('reports a signal and an exec error as the outcome', () => {
    const h = harness(SUDO);
    h.sudo({ event: 'accept', id: 'c2', ...call });
    h.sudo({ event: 'exit', id: 'c2', ...call, signal: 9, signal_name: 'SIGKILL', core_dumped: true });
    h.sudo({ event: 'accept', id: 'c3', ...call });
    h.sudo({ event: 'exec_error', id: 'c3', ...call, errno: 2, error: 'No such file or directory' });
    expect(h.sent.map((a) => a.body)).toEqual([
      '/home/alice$ apt update → killed by SIGKILL (core dumped)',
      '/home/alice$ apt update → could not run: No such file or directory',
    ]);
  });

  it('shows lines the plugin lost (summed over accept and exit) and options it ignored', () => {
    const h = harness(SUDO);
    const ignored = { ignored_options: 1, ignored_option_names: ['timout_ms'] };
    h.sudo({ event: 'accept', id: 'c9', ...call, lost: 3, ...ignored });
    h.sudo({ event: 'exit', id: 'c9', ...call, status: 0, lost: 1, ...ignored });
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.body).toBe(
      '/home/alice$ apt update → exit 0 [the sudo plugin lost 4 earlier events on this host (spool full); the sudo plugin ignored 1 sudo.conf option: timout_ms]',
    );
  });

  it('makes a reject one alert with its reason', () => {
    const h = harness(SUDO);
    h.sudo({ event: 'reject', id: 'c4', ...call, user: 'bob', reason: 'user NOT in sudoers' });
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({
      title: 'sudo on web1: bob as root',
      body: '/home/alice$ apt update → rejected: user NOT in sudoers',
      type: 'warning',
    });
  });

  it('still alerts, with "no exit seen", when the exit never comes; a late exit then alerts on its own', () => {
    const h = harness(SUDO);
    h.sudo({ event: 'accept', id: 'c5', ...call, argv: ['bash'] });
    h.clock.advance(10 * 60_000 - 1);
    expect(h.sent).toHaveLength(0);
    h.clock.advance(1);
    expect(h.sent.map((a) => a.body)).toEqual(['/home/alice$ bash → no exit seen']);
    h.sudo({ event: 'exit', id: 'c5', ...call, argv: ['bash'], status: 0 });
    expect(h.sent.map((a) => a.body)).toEqual(['/home/alice$ bash → no exit seen', '/home/alice$ bash → exit 0']);
  });

  it('alerts from what sudo syslog line carries when there is no plugin', () => {
    const h = harness(SUDO);
    h.syslog('sudo', 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update');
    h.syslog('sudo', 'pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)');
    expect(h.sent.map((a) => [a.title, a.body])).toEqual([
      ['sudo on web1: alice as root', '/home/alice$ /usr/bin/apt update → allowed (syslog has no exit status)'],
    ]);
  });

  it('passes other JSON events through untouched', () => {
    const h = harness(`rules:\n  - name: all\n    notify: [ops]\n    title: "{{kind}} {{fields.what}}"\n`);
    h.pipeline.push({ receivedAt: new Date(0), listener: 'u', kind: 'json', message: '{}', fields: { what: 'backup done' } });
    expect(h.sent.map((a) => a.title)).toEqual(['json backup done']);
  });
});

describe('correlate: the sudo alert reads as one sentence saying exactly what ran', () => {
  const T = Date.parse('2026-11-23T10:00:00Z');
  const base = { v: 1, host: 'web1', user: 'alice', uid: 1000, runas_user: 'root', cwd: '/root', pid: 1 };
  /** One plugin event as the sudo listener makes it: its own timestamp, received `lagMs` later. */
  const event = (fields: Record<string, unknown>, lagMs = 0, peer?: string): RelayEvent => ({
    receivedAt: new Date(T + lagMs),
    listener: 'sudo',
    kind: 'sudo',
    timestamp: new Date(T),
    message: '',
    fields: { ...base, ...fields },
    ...(peer ? { peer } : {}),
  });
  const cases: { name: string; events: RelayEvent[]; message: string }[] = [
    {
      name: 'the README example',
      events: [
        event({ event: 'accept', id: 'a', argv: ['systemctl', 'restart', 'nginx'] }),
        event({ event: 'exit', id: 'a', argv: ['systemctl', 'restart', 'nginx'], status: 0 }),
      ],
      message: 'alice ran systemctl restart nginx as root on web1: exit 0',
    },
    {
      name: 'an argument with spaces and $ is quoted as a shell needs it',
      events: [
        event({ event: 'accept', id: 'b', argv: ['/bin/sh', '-c', 'kill -TERM $$'] }),
        event({ event: 'exit', id: 'b', argv: ['/bin/sh', '-c', 'kill -TERM $$'], signal: 15, signal_name: 'SIGTERM' }),
      ],
      message: "alice ran /bin/sh -c 'kill -TERM $$' as root on web1: killed by SIGTERM",
    },
    {
      name: 'a single quote, an empty argument and a newline stay unambiguous',
      events: [
        event({
          event: 'reject',
          id: 'c',
          user: 'bob',
          runas_user: 'postgres',
          argv: ['echo', "it's", '', 'a\nb'],
          reason: 'command not allowed',
        }),
      ],
      message: "bob ran echo 'it'\\''s' '' $'a\\nb' as postgres on web1: rejected: command not allowed",
    },
    {
      name: 'without argv, the command as sudo reported it',
      events: [event({ event: 'error', id: 'd', command: '/usr/bin/id', reason: 'authentication failure' })],
      message: 'alice ran /usr/bin/id as root on web1: error: authentication failure',
    },
    {
      name: "delivered from the plugin's spool minutes later: says when the call happened",
      events: [
        event({ event: 'accept', id: 'e', argv: ['true'] }, 7 * 60_000, 'spool'),
        event({ event: 'exit', id: 'e', argv: ['true'], status: 0 }, 7 * 60_000, 'spool'),
      ],
      message: "alice ran true as root on web1: exit 0 (called at 2026-11-23T10:00:00Z, received 7m later from the plugin's spool)",
    },
    {
      name: 'received long after its own timestamp (a backlog): says so too',
      events: [event({ event: 'reject', id: 'f', argv: ['id'], reason: 'user NOT in sudoers' }, 5 * 60_000)],
      message: 'alice ran id as root on web1: rejected: user NOT in sudoers (called at 2026-11-23T10:00:00Z, received 5m later)',
    },
    {
      name: 'received within seconds: no note',
      events: [event({ event: 'reject', id: 'g', argv: ['id'], reason: 'user NOT in sudoers' }, 2000)],
      message: 'alice ran id as root on web1: rejected: user NOT in sudoers',
    },
  ];
  it.each(cases)('$name', ({ events, message }) => {
    const h = harness('rules:\n  - name: sudo\n    notify: [ops]\n    title: "{{message}}"\n');
    for (const e of events) h.pipeline.push(e);
    expect(h.sent.map((a) => a.title)).toEqual([message]);
  });

  it('gives templates the quoted command line, when the call happened and how late it came', () => {
    const h = harness(
      'rules:\n  - name: sudo\n    notify: [ops]\n    title: "{{fields.command_line}} at {{fields.called_at}}, {{default fields.delayed_by \'on time\'}}"\n',
    );
    h.pipeline.push(event({ event: 'reject', id: 'h', argv: ['rm', '-rf', '/tmp/a b'], reason: 'no' }, 3 * 3_600_000));
    expect(h.sent.map((a) => a.title)).toEqual(["rm -rf '/tmp/a b' at 2026-11-23T10:00:00.000Z, 3h"]);
  });
});

describe('correlate: sudo calls in the state store', () => {
  it('joins an exit received after a restart with the accept received before it', async () => {
    const store = new MemoryStateStore();
    const before = harness(SUDO, { store });
    before.sudo({ event: 'accept', id: 'k1', ...call });
    await turnEnd();
    const after = harness(SUDO, { store, start: T0 + 60_000 });
    after.sudo({ event: 'exit', id: 'k1', ...call, status: 0 });
    expect(after.sent.map((a) => a.body)).toEqual(['/home/alice$ apt update → exit 0']);
    await turnEnd();
    expect(store.load('correlate').size).toBe(0);
  });

  it('times a call out at its original deadline; one whose deadline passed while down at once, and its late exit says so', async () => {
    const store = new MemoryStateStore();
    const before = harness(SUDO, { store });
    before.sudo({ event: 'accept', id: 'k2', ...call, argv: ['bash'] });
    before.clock.advance(60_000);
    before.sudo({ event: 'accept', id: 'k3', ...call, argv: ['vi'] });
    before.pipeline.stop();

    const after = harness(SUDO, { store, start: T0 + 10 * 60_000 + 1 });
    after.clock.advance(0);
    expect(after.sent.map((a) => a.body)).toEqual(['/home/alice$ bash → no exit seen']);
    after.clock.advance(60_000 - 2);
    expect(after.sent).toHaveLength(1);
    after.clock.advance(1);
    expect(after.sent.map((a) => a.body)).toEqual(['/home/alice$ bash → no exit seen', '/home/alice$ vi → no exit seen']);
    await turnEnd();

    const again = harness(SUDO, { store, start: T0 + 3_600_000 });
    again.sudo({ event: 'exit', id: 'k2', ...call, argv: ['bash'], status: 0 });
    expect(again.sent.map((a) => a.body)).toEqual(['/home/alice$ bash → exit 0']);
    expect(again.pipeline.stats().overflowed.correlate).toEqual({});
  });

  it('past limits.pending_sudo_calls, lets the oldest open call go on as "no exit seen", saying why', () => {
    const { log, at } = captureLog();
    const h = harness(`${SUDO}limits: { pending_sudo_calls: 2 }\n`, { log });
    for (const id of ['a', 'b', 'c']) {
      h.sudo({ event: 'accept', id, ...call, argv: [id] });
      h.clock.advance(1000);
    }
    expect(h.sent.map((a) => a.body)).toEqual(['/home/alice$ a → no exit seen (limits.pending_sudo_calls reached)']);
    h.sudo({ event: 'exit', id: 'b', ...call, argv: ['b'], status: 1 });
    h.sudo({ event: 'exit', id: 'a', ...call, argv: ['a'], status: 0 });
    expect(h.sent.map((a) => a.body).slice(1)).toEqual(['/home/alice$ b → exit 1', '/home/alice$ a → exit 0']);
    expect(h.pipeline.stats().overflowed.correlate).toEqual({ '': 1 });
    // The sudo-twins stage keeps the plugin's decisions under the same cap and says so itself.
    expect(
      at('warn')
        .filter((l) => l.stage === 'correlate')
        .map((l) => [l.msg, l.limit]),
    ).toEqual([
      [
        'correlate: reached limits.pending_sudo_calls (2); the oldest open sudo call goes on as "no exit seen"',
        'limits.pending_sudo_calls',
      ],
    ]);
  });
});
