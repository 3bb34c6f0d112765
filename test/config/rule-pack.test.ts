// The shipped config.yaml's rules, line by line: which rule takes each real log line (Debian and RHEL forms),
// and which lines look alike but must not count.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/plan/load-plan.ts';
import { lineEvent } from '../../src/commands/replay.ts';
import type { RelayEvent } from '../../src/event.ts';
import { parseFields } from '../../parsers/index.ts';
import { ROOT } from '../helpers/run-cli.ts';

// Only which rules take a line matters here: the plan's compiled rules, without the stages that keep state.
const { rules } = loadPlan(join(ROOT, 'config.yaml'), { RELAY_NOTIFY_URL: '' });

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
    ['sshd[1]: Invalid user admin from 203.0.113.5 port 40022', []],
    ['sshd[1]: Connection closed by invalid user admin 203.0.113.5 port 40022 [preauth]', []],
    ['sshd[1]: Disconnecting invalid user admin 203.0.113.5 port 40022: Too many authentication failures [preauth]', []],
    ['sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root', []],
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
});
