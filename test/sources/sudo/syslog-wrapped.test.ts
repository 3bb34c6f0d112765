// Sudo events inside syslog (as syslog-ng/sudo-forward.conf sends them): believed only from a trusted
// sender, for a host it may speak for, written by an allowed uid; otherwise flagged, never a sudo event.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/plan/load-plan.ts';
import { silentLogger } from '../../../src/log.ts';
import { captureLog } from '../../helpers/capture-log.ts';
import { parseFields } from '../../../parsers/index.ts';
import { syslogEvent } from '../../../src/sources/syslog-frame.ts';
import { SyslogWrappedSudo } from '../../../src/sources/sudo/syslog-wrapped.ts';

const config = parseConfig(
  `
listeners:
  - name: fleet
    type: tcp
    address: 127.0.0.1:0
    sudo: { trusted_senders: ["10.0.1.0/24", { address: 10.0.2.15, hosts: [db1] }, "fd00::/8"], allow_uids: [0] }
  - { name: plain, type: tcp, address: 127.0.0.1:1 }
`,
  'test.yaml',
);

const line = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    v: 1,
    event: 'accept',
    id: 'h-1-2-abcd',
    seq: 0,
    ts: '2026-05-01T10:00:00.000Z',
    host: 'localhost',
    user: 'alice',
    uid: 1000,
    pid: 42,
    command: '/bin/true',
    argv: ['/bin/true'],
    ...over,
  });

function frame(host: string, uid: string, msg = line(), sd = `[relay_sudo@32473 uid="${uid}" via="socket"]`): Buffer {
  return Buffer.from(`<85>1 2026-05-01T10:00:00+00:00 ${host} sudo - relay-sudo ${sd} ${msg}`);
}

function unwrap(f: Buffer, peer: string, listener = 'fleet', sudo = new SyslogWrappedSudo(config.listeners, silentLogger)) {
  return sudo.unwrap(syslogEvent(f, { listener, peer }));
}

describe('sudo events inside syslog', () => {
  it('from a trusted sender and uid 0: the plugin event, named after the syslog HOSTNAME', () => {
    const ev = unwrap(frame('web1', '0'), '10.0.1.7:51000')!;
    expect(ev).toMatchObject({ kind: 'sudo', host: 'web1', app: 'sudo', listener: 'fleet', peer: '10.0.1.7:51000' });
    expect(ev.fields).toMatchObject({
      event: 'accept',
      id: 'h-1-2-abcd',
      host: 'web1',
      plugin_host: 'localhost',
      sender_uid: 0,
      via: 'socket',
      user: 'alice',
    });
  });

  it.each([
    {
      case: 'sender outside trusted_senders',
      host: 'web1',
      uid: '0',
      peer: '10.0.3.1:5000',
      reason: 'sender 10.0.3.1 is not in trusted_senders',
    },
    {
      case: 'a pinned sender claiming another host',
      host: 'web1',
      uid: '0',
      peer: '10.0.2.15:5000',
      reason: 'sender 10.0.2.15 may not send sudo events for host web1',
    },
    {
      case: 'a writer uid not in allow_uids',
      host: 'web1',
      uid: '65534',
      peer: '10.0.1.7:5000',
      reason: 'writer uid 65534 is not in allow_uids',
    },
    { case: 'no uid recorded', host: 'web1', uid: 'x', peer: '10.0.1.7:5000', reason: 'no writer uid recorded' },
    {
      case: 'a listener without `sudo:`',
      host: 'web1',
      uid: '0',
      peer: '10.0.1.7:5000',
      listener: 'plain',
      reason: 'listener plain takes no sudo events (no `sudo:` with trusted_senders or trusted_peers)',
    },
  ])('$case: an ordinary syslog event flagged untrusted_sudo', ({ host, uid, peer, listener, reason }) => {
    const ev = unwrap(frame(host, uid), peer, listener)!;
    expect(ev.kind).toBe('syslog');
    expect(ev.fields.untrusted_sudo).toBe(reason);
  });

  it('says once per sender and name when the plugin event names another host than its sender does', () => {
    const logged = captureLog('warn');
    const sudo = new SyslogWrappedSudo(config.listeners, logged.log);
    unwrap(frame('web1', '0'), '10.0.1.7:51000', 'fleet', sudo);
    unwrap(frame('web1', '0', line({ id: 'h-1-2-other' })), '10.0.1.7:51000', 'fleet', sudo);
    unwrap(frame('web1', '0', line({ id: 'h-1-2-same', host: 'web1' })), '10.0.1.7:51000', 'fleet', sudo);
    expect(logged.at('warn').map((l) => [l.msg, l.host, l.plugin_host])).toEqual([
      [
        "sudo event names another host than its sender does; alerted under the sender's name, the other kept as fields.plugin_host",
        'web1',
        'localhost',
      ],
    ]);
  });

  it('keeps the verified client certificate of a TLS sender on the sudo event', () => {
    const ev = new SyslogWrappedSudo(config.listeners, silentLogger).unwrap({
      ...syslogEvent(frame('web1', '0'), { listener: 'fleet', peer: '10.0.1.7:51000' }),
      peer_cert: 'web1',
    })!;
    expect(ev).toMatchObject({ kind: 'sudo', host: 'web1', peer_cert: 'web1' });
  });

  it('accepts the pinned host from its address, IPv6 senders, and IPv4-mapped addresses', () => {
    expect(unwrap(frame('db1', '0'), '10.0.2.15:5000')!.kind).toBe('sudo');
    expect(unwrap(frame('web1', '0'), '[fd00::7]:5000')!.kind).toBe('sudo');
    expect(unwrap(frame('web1', '0'), '[::ffff:10.0.1.9]:5000')!.kind).toBe('sudo');
  });

  it('a line that is not a plugin event is kept, flagged with the schema problem', () => {
    const ev = unwrap(frame('web1', '0', '{"v":1,"event":"accept"}'), '10.0.1.7:5000')!;
    expect(ev.kind).toBe('syslog');
    expect(String(ev.fields.untrusted_sudo)).toMatch(/^not a sudo event: /);
  });

  it('passes syslog without the marker through untouched', () => {
    const f = Buffer.from(`<13>1 2026-05-01T10:00:00Z web1 sudo - - - ${line()}`);
    const ev = syslogEvent(f, { listener: 'fleet', peer: '10.0.1.7:5000' });
    expect(new SyslogWrappedSudo(config.listeners, silentLogger).unwrap(ev)).toBe(ev);
  });

  it('rejects a trusted_senders entry that is not an address or CIDR', () => {
    expect(() =>
      parseConfig(
        'listeners: [{ name: f, type: tcp, address: "127.0.0.1:1", sudo: { trusted_senders: ["10.0.0.0/33", "web1"] } }]\n',
        't.yaml',
      ),
    ).toThrow(/an IP address or CIDR/);
  });
});

describe("sudo's own syslog lines: believed from a trusted sender whose syslog-ng recorded root as the writer", () => {
  const sudoLine = (host: string, sd = '-', message = 'alice : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/true') =>
    Buffer.from(`<85>1 2026-05-01T10:00:00+00:00 ${host} sudo - - ${sd} ${message}`);
  const vouch = (f: Buffer, peer: string, listener: string, sudo: SyslogWrappedSudo) =>
    sudo.vouch(parseFields(syslogEvent(f, { listener, peer })));
  const writer = (uid: string) => `[relay_writer@32473 uid="${uid}"]`;

  it.each([
    ['a trusted sender, written by root', 'web1', writer('0'), '10.0.1.7:514', 'fleet', undefined],
    ['a listener without sudo trust', 'web1', writer('0'), '127.0.0.1:514', 'plain', 'listener plain takes no sudo events'],
    ['an untrusted sender', 'web1', writer('0'), '192.0.2.1:514', 'fleet', '192.0.2.1'],
    ['no writer recorded (a syslog-ng without relay.conf)', 'web1', '-', '10.0.1.7:514', 'fleet', 'no writer uid recorded'],
    ['written by another user (logger)', 'web1', writer('1000'), '10.0.1.7:514', 'fleet', 'writer uid 1000 is not in allow_uids'],
    ['an empty writer (no uid known)', 'web1', writer(''), '10.0.1.7:514', 'fleet', 'no writer uid recorded'],
  ])('%s', (_what, host, sd, peer, listener, why) => {
    const sudo = new SyslogWrappedSudo(config.listeners, silentLogger);
    const ev = vouch(sudoLine(host, sd), peer, listener, sudo);
    if (why === undefined) {
      expect(ev.fields).toMatchObject({ event: 'accept', user: 'alice', command: '/bin/true' });
      expect(sudo.unverified.size).toBe(0);
    } else {
      expect(ev.fields).toMatchObject({
        event: 'unverified_sudo_line',
        sudo_event: 'accept',
        user: 'alice',
        unverified: expect.stringContaining(why),
      });
      expect(Object.fromEntries(sudo.unverified)).toEqual({ [listener]: 1 });
    }
  });

  it("leaves other programs' lines and sudo lines about no call (a complaint) alone", () => {
    const sudo = new SyslogWrappedSudo(config.listeners, silentLogger);
    expect(
      vouch(sudoLine('web1', '-', 'pam_unix(sudo:session): session opened for user root'), '192.0.2.1:514', 'fleet', sudo).fields.event,
    ).toBe('session_opened');
    const sshd = Buffer.from('<38>1 2026-05-01T10:00:00+00:00 web1 sshd 42 - - Accepted password for root from 192.0.2.9 port 2222 ssh2');
    expect(vouch(sshd, '192.0.2.1:514', 'fleet', sudo).fields.event).toBe('login_accepted');
    expect(sudo.unverified.size).toBe(0);
  });
});
