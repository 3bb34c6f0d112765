import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { ROOT, runCli } from '../helpers/run-cli.ts';
import { formatSend, formatUnparsed, lineEvent, replayLines, type ReplaySend } from '../../src/commands/replay.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { syslogEvent } from '../../src/sources/syslog-frame.ts';

const T0 = Date.parse('2025-03-01T12:00:00Z');

const FIXTURES = join(ROOT, 'test/commands/fixtures');

describe('relay replay', () => {
  const hook = new HttpSink();
  beforeAll(() => hook.start());
  afterAll(() => hook.stop());

  it("prints per notifier the alerts a fixture log would have caused, on the lines' own clock, and sends nothing", async () => {
    const r = await runCli(['replay', join(FIXTURES, 'auth.log'), '--config', join(FIXTURES, 'config.yaml')], {
      env: { RELAY_TEST_HOOK: `json://127.0.0.1:${hook.port}/hook` },
    });
    expect(r.stderr).toBe(`relay: using config ${join(FIXTURES, 'config.yaml')} (from --config)\n`);
    expect(r.code).toBe(0);
    const out = r.stdout;
    // Each send in the order it would have happened, stamped with the replayed time it would have gone out.
    expect(out.match(/^\S+ → ops \S+ rule=\S+ events=\d+$/gm)).toEqual([
      '2025-03-01T12:00:30.000Z → ops warning/notice rule=ssh-failures events=40',
      '2025-03-01T12:02:00.000Z → ops info/notice rule=sudo events=1',
      '2025-03-01T12:03:40.000Z → ops info/info rule=sudo events=1',
      '2025-03-01T12:04:00.000Z → ops warning/warning rule=sudo events=1',
      '2025-03-01T12:10:30.000Z → ops warning/notice rule=ssh-failures events=1',
      '2025-03-01T12:20:00.000Z → ops info/notice rule=sudo events=1',
    ]);
    expect(out.match(/^\S+ → chat .*$/gm)).toHaveLength(2);
    expect(out).toContain('  failed ssh logins on web1 (40 events)\n');
    expect(out).toContain('  |   10 × 203.0.113.4\n');
    expect(out).toContain('  | /home/alice$ /usr/bin/systemctl restart nginx → allowed (syslog has no exit status)\n');
    expect(out).toContain('  | /srv$ apt upgrade → exit 0\n');
    expect(out).toContain('  | /tmp$ cat /etc/shadow → rejected: command not allowed\n');
    expect(out).toContain('  | /root$ -bash → no exit seen');
    expect(out).toContain('\n== ops: 6 alerts\n== chat: 2 alerts\n');
    expect(out).toContain('48 lines, 47 events (0 not parsed as syslog, kept as raw text), 1 unreadable');
    expect(out).toContain('line 48: not a JSON object');
    expect(out).toContain('Nothing was sent.');
    expect(hook.received).toEqual([]);
  });

  it('exits 1 naming the file when it cannot be read', async () => {
    const r = await runCli(['replay', '/nonexistent/auth.log', '--config', join(FIXTURES, 'config.yaml')], {
      env: { RELAY_TEST_HOOK: 'console://' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('relay: cannot replay /nonexistent/auth.log: no such file or directory (ENOENT)');
  });
});

describe('replay lines', () => {
  it.each([
    [
      'rsyslog ISO format',
      '2025-03-01T12:00:00.123456+00:00 web1 sshd[12]: Failed password',
      { host: 'web1', app: 'sshd', procid: '12', message: 'Failed password', timestamp: new Date('2025-03-01T12:00:00.123Z') },
    ],
    [
      'BSD format without PRI',
      'Mar  1 12:00:00 web1 su[9]: (to root) alice on pts/0',
      { host: 'web1', app: 'su', message: '(to root) alice on pts/0', severity: 5 },
    ],
    [
      'RFC 5424 with PRI',
      '<38>1 2025-03-01T12:00:00Z web1 sshd 12 - - Accepted',
      { host: 'web1', app: 'sshd', message: 'Accepted', severity: 6 },
    ],
    [
      'sudo plugin JSON',
      '{"v":1,"event":"accept","id":"x","seq":0,"ts":"2025-03-01T12:00:00.000Z","host":"web2","user":"bob","uid":1,"pid":2,"command":"/bin/true","argv":["true"]}',
      { kind: 'sudo', host: 'web2', timestamp: new Date('2025-03-01T12:00:00Z') },
    ],
    ['other JSON', '{"what":"backup"}', { kind: 'json', fields: { what: 'backup' } }],
  ])('reads %s', (_name, line, expected) => {
    expect(lineEvent(line, new Date('2025-03-02T00:00:00Z'))).toMatchObject(expected);
  });

  it('turns a line that is not syslog into the same event a listener makes of the frame, not into a refusal', () => {
    const line = '<13>\u0000\u0001 not a header';
    const live = syslogEvent(Buffer.from(line), { listener: 'replay', receivedAt: new Date(T0) });
    const replayed = lineEvent(line, new Date(T0));
    expect(replayed).toEqual(live);
    expect(live.parseError).toBeDefined();
  });
});

describe('replayLines', () => {
  const config = parseConfig(
    [
      'notifiers: { ops: console:// }',
      'rules:',
      '  - { name: anything, match: {}, notify: [ops], title: "{{default app \'raw\'}}: {{message}}" }',
      '  - { name: disk, match: { message: /disk full/ }, key: [host], repeat_interval: 1h, notify: [ops], title: "disk full on {{host}}" }',
    ].join('\n'),
    'test.yaml',
    {},
  );

  it('passes frames that do not parse on like a listener does, so they alert in replay as they do live', async () => {
    const sends: ReplaySend[] = [];
    const r = await replayLines(['<13>1 bogus', 'garbage without any header'], config, (s) => sends.push(s));
    expect(r.parseErrors).toBeGreaterThan(0);
    expect(r.unreadable).toBe(0);
    expect(r.stats.events).toBe(2);
    expect(sends.map((s) => s.alert.rule)).toEqual(['anything', 'anything']);
  });

  it('prints a held repeat at the time it is released, after what was sent meanwhile', async () => {
    const sends: ReplaySend[] = [];
    await replayLines(
      [
        '2025-03-01T12:00:00Z web1 kernel: disk full on /var',
        '2025-03-01T12:10:00Z web1 kernel: disk full on /var',
        '2025-03-01T12:20:00Z web1 kernel: disk full on /var',
        '2025-03-01T12:30:00Z web1 cron[1]: job done',
      ],
      config,
      (s) => sends.push(s),
    );
    const disk = sends.filter((s) => s.alert.rule === 'disk');
    expect(disk.map((s) => new Date(s.at).toISOString())).toEqual(['2025-03-01T12:00:00.000Z', '2025-03-01T13:00:00.000Z']);
    expect(disk[1]!.alert.body).toContain('(repeated 2 times in the last 1h)');
    // Order of sending, not of creation: the cron line's alert (12:30) comes before the released repeat (13:00).
    expect(sends.map((s) => s.at)).toEqual([...sends.map((s) => s.at)].sort((a, b) => a - b));
    expect(formatSend(disk[1]!)).toMatch(/^2025-03-01T13:00:00.000Z → ops \S+ rule=disk events=2\n {2}disk full on web1 \(2 events\)\n/);
  });

  it("lists, with --unparsed, the shapes of known programs' lines no parser shape matched, most frequent first", async () => {
    const result = await replayLines(
      [
        '2025-03-01T12:00:00Z web1 sshd[1]: Server listening on 0.0.0.0 port 22.',
        '2025-03-01T12:00:00Z web2 sshd[2]: Server listening on 0.0.0.0 port 2222.',
        '2025-03-01T12:00:01Z web1 sshd[3]: Server listening on :: port 22.',
        '2025-03-01T12:00:02Z web1 su[4]: must be run from a terminal',
        '2025-03-01T12:00:03Z web1 sshd[5]: Failed password for root from 203.0.113.5 port 40022 ssh2',
        '2025-03-01T12:00:04Z web1 cron[6]: (root) CMD (true)',
      ],
      config,
      () => {},
    );
    expect(formatUnparsed(result)).toBe(
      [
        '',
        '== 4 lines of a program parsers/ reads matched none of its shapes',
        '      3 × sshd: Server listening on <ip> port <n>.',
        '      1 × su: must be run from a terminal',
        '',
      ].join('\n'),
    );
  });

  it('prints that listing after the totals when asked with --unparsed', async () => {
    const r = await runCli(['replay', join(FIXTURES, 'auth.log'), '--config', join(FIXTURES, 'config.yaml'), '--unparsed'], {
      env: { RELAY_TEST_HOOK: 'json://127.0.0.1:9/hook' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n\n== 0 lines of a program parsers\/ reads matched none of its shapes\n$/);
  });
});
