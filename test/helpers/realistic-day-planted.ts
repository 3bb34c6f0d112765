// The incidents planted in the realistic day (realistic-day.ts) and how each must be reported.

/** An incident planted in the day, the rule that must report it, and its title (alone or as a line among others). */
export interface Planted {
  what: string;
  rule: string;
  title: RegExp;
}

export const PLANTED: readonly Planted[] = [
  {
    what: 'root login by password from a burst address',
    rule: 'ssh-root-password-login',
    title: /root logged in by password on bastion01 from 185\.220\.101\.7/,
  },
  { what: 'user NOT in sudoers', rule: 'sudo-not-in-sudoers', title: /intern is not allowed to use sudo on app02/ },
  { what: 'useradd of a new account', rule: 'account-change', title: /account change on db01/ },
  { what: 'kernel OOM kill', rule: 'oom-kill', title: /out of memory on app03: a process was killed/ },
  { what: 'segfault', rule: 'segfault', title: /crash on web05/ },
  { what: 'systemd unit failed', rule: 'unit-failed', title: /unit failed on db03/ },
  {
    what: 'successful login after failures',
    rule: 'ssh-login-after-failures',
    title: /carol logged in on web06 from 192\.0\.2\.77 after 6 failed logins/,
  },
  { what: 'sudo by a user not usually seen', rule: 'sudo-command', title: /sudo by mallory as root/ },
  { what: 'sudo password guessing', rule: 'sudo-password-guessing', title: /dave keeps failing sudo's password on web02/ },
  { what: 'a burst address, one digest for it', rule: 'auth-probing', title: /185\.220\.101\.7 keeps probing logins/ },
  { what: 'a failed su to root', rule: 'auth-alarm', title: /auth alarm on app02/ },
  { what: "sshd's MaxAuthTries reached", rule: 'auth-alarm', title: /auth alarm on bastion01/ },
];
