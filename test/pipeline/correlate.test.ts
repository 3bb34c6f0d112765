import { describe, expect, it } from 'vitest';
import { harness } from './harness.ts';

const SUDO = `correlate: { sudo_exit_timeout: 10m }
rules:
  - name: sudo
    match: { app: sudo, fields.event: [accept, exit, exec_error, reject, error] }
    notify: [ops]
    title: "sudo on {{host}}: {{fields.user}} as {{fields.runas_user}}"
    body: "{{fields.cwd}}$ {{default (join fields.argv ' ') fields.command}} → {{fields.outcome}}"
`;
const call = { host: 'web1', user: 'alice', uid: 1000, runas_user: 'root', runas_uid: 0, cwd: '/home/alice', tty: '/dev/pts/0', command: '/usr/bin/apt', argv: ['apt', 'update'], pid: 4242 };

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
    expect(h.sent[0]).toMatchObject({ title: 'sudo on web1: bob as root', body: '/home/alice$ apt update → rejected: user NOT in sudoers', type: 'warning' });
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
    expect(h.sent.map((a) => [a.title, a.body])).toEqual([['sudo on web1: alice as root', '/home/alice$ /usr/bin/apt update → ']]);
  });

  it('passes other JSON events through untouched', () => {
    const h = harness(`rules:\n  - name: all\n    notify: [ops]\n    title: "{{kind}} {{fields.what}}"\n`);
    h.pipeline.push({ receivedAt: new Date(0), listener: 'u', kind: 'json', message: '{}', fields: { what: 'backup done' } });
    expect(h.sent.map((a) => a.title)).toEqual(['json backup done']);
  });
});
