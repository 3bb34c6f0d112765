import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { ROOT, runCli } from '../helpers/run-cli.ts';
import { lineEvent } from '../../src/commands/replay.ts';

const FIXTURES = join(ROOT, 'test/commands/fixtures');

describe('relay replay', () => {
  const hook = new HttpSink();
  beforeAll(() => hook.start());
  afterAll(() => hook.stop());

  it('prints per notifier the alerts a fixture log would have caused, on the lines\' own clock, and sends nothing', async () => {
    const r = await runCli(['replay', join(FIXTURES, 'auth.log'), '--config', join(FIXTURES, 'config.yaml')], {
      env: { RELAY_TEST_HOOK: `json://127.0.0.1:${hook.port}/hook` },
    });
    expect(r.stderr).toBe(`relay: using config ${join(FIXTURES, 'config.yaml')} (from --config)\n`);
    expect(r.code).toBe(0);
    const out = r.stdout;
    const section = (name: string) => out.slice(out.indexOf(`== ${name}`)).split(/\n== |\n\n/)[0]!;

    expect(section('ops')).toMatch(/^== ops: 6 alerts\n/);
    expect(section('ops').match(/^\S+ \S+ rule=\S+ events=\d+$/gm)).toEqual([
      '2025-03-01T12:00:30.000Z info/notice rule=ssh-failures events=40',
      '2025-03-01T12:02:00.000Z info/notice rule=sudo events=1',
      '2025-03-01T12:03:40.000Z info/info rule=sudo events=1',
      '2025-03-01T12:04:00.000Z warning/warning rule=sudo events=1',
      '2025-03-01T12:10:30.000Z info/notice rule=ssh-failures events=1',
      '2025-03-01T12:20:00.000Z info/notice rule=sudo events=1',
    ]);
    expect(section('ops')).toContain('  failed ssh logins on web1 (40 events)\n');
    expect(section('ops')).toContain('  |   10 × 203.0.113.4\n');
    expect(section('ops')).toContain('  | /home/alice$ /usr/bin/systemctl restart nginx\n');
    expect(section('ops')).toContain('  | /srv$ apt upgrade → exit 0\n');
    expect(section('ops')).toContain('  | /tmp$ cat /etc/shadow → rejected: command not allowed\n');
    expect(section('ops')).toContain('  | /root$ -bash → no exit seen');
    expect(section('chat')).toMatch(/^== chat: 2 alerts\n/);
    expect(out).toContain('48 lines, 47 events, 1 unreadable');
    expect(out).toContain('line 48: not JSON');
    expect(out).toContain('Nothing was sent.');
    expect(hook.received).toEqual([]);
  });

  it('exits 1 naming the file when it cannot be read', async () => {
    const r = await runCli(['replay', '/nonexistent/auth.log', '--config', join(FIXTURES, 'config.yaml')], { env: { RELAY_TEST_HOOK: 'console://' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot replay /nonexistent/auth.log: ENOENT');
  });
});

describe('replay lines', () => {
  it.each([
    ['rsyslog ISO format', '2025-03-01T12:00:00.123456+00:00 web1 sshd[12]: Failed password', { host: 'web1', app: 'sshd', procid: '12', message: 'Failed password', timestamp: new Date('2025-03-01T12:00:00.123Z') }],
    ['BSD format without PRI', 'Mar  1 12:00:00 web1 su[9]: (to root) alice on pts/0', { host: 'web1', app: 'su', message: '(to root) alice on pts/0', severity: 5 }],
    ['RFC 5424 with PRI', '<38>1 2025-03-01T12:00:00Z web1 sshd 12 - - Accepted', { host: 'web1', app: 'sshd', message: 'Accepted', severity: 6 }],
    ['sudo plugin JSON', '{"v":1,"event":"accept","id":"x","ts":"2025-03-01T12:00:00Z","host":"web2"}', { kind: 'sudo', host: 'web2', timestamp: new Date('2025-03-01T12:00:00Z') }],
    ['other JSON', '{"what":"backup"}', { kind: 'json', fields: { what: 'backup' } }],
  ])('reads %s', (_name, line, expected) => {
    expect(lineEvent(line, new Date('2025-03-02T00:00:00Z'))).toMatchObject(expected);
  });
});
