// The shipped config.yaml's rules, line by line: which rule takes each real log line (Debian and RHEL forms),
// and which lines look alike but must not count.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/plan/load-plan.ts';
import { lineEvent, replayLines, type ReplaySend } from '../../src/commands/replay.ts';
import type { RelayEvent } from '../../src/event.ts';
import { parseFields } from '../../parsers/index.ts';
import { ROOT } from '../helpers/run-cli.ts';

// Only which rules take a line matters here: the plan's compiled rules, without the stages that keep state.
const plan = loadPlan(join(ROOT, 'config.yaml'), { RELAY_NOTIFY_URL: '' });
const { rules } = plan;

/** The rules that take the line, in order, stopping where a rule says `continue: false` (as the router does). */
function takenBy(line: string | RelayEvent): string[] {
  const event = typeof line === 'string' ? parseFields(lineEvent(`Nov 28 10:00:00 h1 ${line}`, new Date()) as RelayEvent) : line;
  const names: string[] = [];
  for (const rule of rules) {
    if (!rule.matches(event)) continue;
    names.push(rule.config.name);
    if (!rule.config.continue) break;
  }
  return names;
}

describe('the shipped rules, line by line', () => {
  it.each([
    ['sshd[1]: Failed password for root from 203.0.113.5 port 40022 ssh2', ['ssh-login-after-failures', 'ssh-brute-force']],
    ['sshd[1]: Failed password for invalid user admin from 203.0.113.5 port 40022 ssh2', ['ssh-login-after-failures', 'ssh-brute-force']],
    ['sshd[1]: Failed keyboard-interactive/pam for root from 203.0.113.5 port 40022 ssh2', ['ssh-login-after-failures', 'ssh-brute-force']],
    ['sshd[1]: Invalid user admin from 203.0.113.5 port 40022', ['auth-probing']],
    ['sshd[1]: Connection closed by invalid user admin 203.0.113.5 port 40022 [preauth]', []],
    ['sshd[1]: Disconnecting invalid user admin 203.0.113.5 port 40022: Too many authentication failures [preauth]', []],
    [
      'sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root',
      ['auth-probing'],
    ],
    ['sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=  user=root', []],
    ['sshd[1]: error: PAM: Authentication failure for illegal user admin from 203.0.113.5', []],
    [
      'sshd[1]: error: maximum authentication attempts exceeded for invalid user admin from 203.0.113.5 port 40022 ssh2 [preauth]',
      ['auth-alarm'],
    ],
    ["sshd[1]: Bad protocol version identification 'GET / HTTP/1.1' from 203.0.113.5 port 40022", ['auth-alarm']],
    ['sshd[1]: banner exchange: Connection from 203.0.113.5 port 40022: invalid format', ['auth-alarm']],
    ['sshd[1]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root', ['auth-alarm']],
    ['sshd[1]: ROOT LOGIN REFUSED FROM 203.0.113.5 port 40022', ['auth-alarm']],
    ['sshd[1]: fatal: buffer_get_string: bad string', ['auth-alarm']],
    ['sshd[1]: User root from 203.0.113.5 not allowed because not listed in AllowUsers', ['auth-probing']],
    ['sshd[1]: Did not receive identification string from 203.0.113.5 port 40022', ['auth-probing']],
    ['sshd[1]: Timeout before authentication for 203.0.113.5 port 40022', ['auth-probing']],
    [
      'sshd[1]: Unable to negotiate with 203.0.113.5 port 40022: no matching key exchange method found. Their offer: x [preauth]',
      ['auth-probing'],
    ],
    ['sshd[1]: error: kex_exchange_identification: Connection closed by remote host', []],
    ['sshd[1]: Corrupted MAC on input. [preauth]', []],
    ['sshd[1]: Connection closed by authenticating user root 203.0.113.5 port 40022 [preauth]', []],
    ['sshd-session[1]: Failed password for root from 203.0.113.5 port 40022 ssh2', ['ssh-login-after-failures', 'ssh-brute-force']],
    ['su[1]: FAILED SU (to root) alice on pts/0', ['auth-alarm']],
    ['su[1]: FAILED SU (to postgres) alice on pts/0', []],
    ['su[1]: pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root', []],
    ['login[1]: ROOT LOGIN REFUSED ON tty1', ['auth-alarm']],
    ["login[1]: FAILED LOGIN (1) on '/dev/tty1' FOR 'root', Authentication failure", []],
    ['sshd[1]: Accepted password for root from 203.0.113.5 port 40022 ssh2', ['ssh-root-password-login', 'ssh-login-after-failures']],
    ['sshd[1]: Accepted publickey for root from 192.0.2.1 port 40022 ssh2: ED25519 SHA256:x', ['ssh-login-after-failures']],
    ['sudo[1]:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update', ['sudo-command']],
    ['sudo[1]:      bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls', ['sudo-not-in-sudoers']],
    [
      'sudo[1]:      bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls',
      ['sudo-password-guessing', 'sudo-refused'],
    ],
    [
      'sudo[1]:      bob : 1 incorrect password attempt ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls',
      ['sudo-password-guessing', 'sudo-refused'],
    ],
    ['sudo[1]:      bob : command not allowed ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/cat /etc/shadow', ['sudo-refused']],
    ['sudo[1]: pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)', []],
    ['useradd[1]: new user: name=eve, UID=1005, GID=1005, home=/home/eve, shell=/bin/bash, from=/dev/pts/1', ['account-change']],
    ['useradd[1]: new group: name=eve, GID=1005', ['account-change']],
    ['groupadd[1]: group added to /etc/group: name=devs, GID=1006', ['account-change']],
    ["usermod[1]: add 'eve' to group 'sudo'", ['account-change']],
    ["userdel[1]: delete user 'eve'", ['account-change']],
    ['passwd[1]: pam_unix(passwd:chauthtok): password changed for eve', ['account-change']],
    ['kernel: Out of memory: Killed process 31337 (java) total-vm:8388608kB, anon-rss:6291456kB', ['oom-kill']],
    ['kernel: [12345.678901] Memory cgroup out of memory: Killed process 4242 (node) total-vm:1000kB', ['oom-kill']],
    ['kernel: Out of memory: Kill process 31337 (java) score 900 or sacrifice child', ['oom-kill']],
    ['kernel: java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0', []],
    [
      'systemd-oomd[1]: Killed /user.slice/user-1000.slice/session-2.scope due to memory pressure for /user.slice being 81.51% > 50.00% for > 20s with reclaim activity',
      ['oom-kill'],
    ],
    [
      'kernel: [ 1234.567890] nginx[2211]: segfault at 0 ip 000055d0c0a1b2c3 sp 00007ffd1c2b3a40 error 4 in nginx[55d0c0a00000+120000]',
      ['segfault'],
    ],
    ['kernel: traps: php-fpm[991] general protection fault ip:7f3 sp:7ff error:0 in libc.so.6[7f0+1a0000]', ['segfault']],
    ['systemd-coredump[2290]: Process 2211 (nginx) of user 33 dumped core.', ['segfault']],
    ["systemd[1]: postgresql.service: Failed with result 'exit-code'.", ['unit-failed']],
    ['systemd[1]: postgresql.service: Main process exited, code=exited, status=1/FAILURE', []],
    ['systemd[1]: apt-daily.service: Deactivated successfully.', []],
    ['CRON[1]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)', []],
  ])('%s → %j', (line, expected) => {
    expect(takenBy(line)).toEqual(expected);
  });

  it.each([
    ['host_silent', ['sudo-host-silent']],
    ['host_back', ['sudo-host-back']],
  ])("routes relay's own %s (a host's heartbeats on the sudo path) to one rule and nothing else", (event, expected) => {
    const said: RelayEvent = {
      receivedAt: new Date(),
      listener: 'fleet',
      kind: 'relay',
      app: 'relay',
      host: 'web1',
      severity: 4,
      message: '',
      fields: { event },
    };
    expect(takenBy(said)).toEqual(expected);
  });

  it('gives every sudo call from syslog an outcome, so a refusal never reads like a call that ran', () => {
    const outcome = (line: string) => parseFields(lineEvent(`Nov 28 10:00:00 h1 ${line}`, new Date()) as RelayEvent).fields.outcome;
    expect(outcome('sudo[1]: bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls')).toBe(
      'rejected: user NOT in sudoers',
    );
    expect(outcome('sudo[1]: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls')).toBe(
      'allowed (syslog has no exit status)',
    );
  });

  it('makes an address that keeps probing one digest, counted per host and kind; lone probes stay quiet', () => {
    const at = (s: number) =>
      `2026-03-02T10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000000+00:00`;
    const lines = [
      ...Array.from({ length: 16 }, (_, i) => `${at(i * 5)} web01 sshd[${i}]: Invalid user u${i} from 203.0.113.5 port ${40000 + i}`),
      ...Array.from(
        { length: 8 },
        (_, i) => `${at(i * 5)} web02 sshd[${i}]: Did not receive identification string from 203.0.113.5 port ${41000 + i}`,
      ),
      ...Array.from({ length: 8 }, (_, i) => `${at(i * 5)} web01 sshd[${i}]: Invalid user v${i} from 198.51.100.9 port ${42000 + i}`),
      ...Array.from({ length: 7 }, (_, i) => `${at(i * 5)} web01 sshd[${i}]: Invalid user w${i} from 192.0.2.99 port ${43000 + i}`),
    ].sort();
    const sends: ReplaySend[] = [];
    replayLines(lines, plan, (s) => sends.push(s));
    const probing = sends.filter((s) => s.notifier === 'console' && s.alert.rule === 'auth-probing').map((s) => s.alert);
    expect(probing.map((a) => [a.title.replace(/ \(\d+ events\)$/, ''), a.count]).sort()).toEqual([
      ['198.51.100.9 keeps probing logins', 8],
      ['203.0.113.5 keeps probing logins', 24],
    ]);
    const body = probing.find((a) => a.title.startsWith('203.0.113.5'))!.body;
    expect(body).toMatch(/^ {2}16 × 203\.0\.113\.5 web01 invalid_user$/m);
    expect(body).toMatch(/^ {2}8 × 203\.0\.113\.5 web02 scan$/m);
  });
});
