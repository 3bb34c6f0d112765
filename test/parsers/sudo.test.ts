import { describe, expect, it } from 'vitest';
import { parseSudo } from '../../parsers/sudo.ts';

describe('parseSudo: sudo syslog lines become the audit plugin field names', () => {
  it.each([
    [
      '    root : TTY=pts/0 ; PWD=/tmp ; USER=nobody ; COMMAND=/usr/bin/tty',
      {
        event: 'accept',
        user: 'root',
        tty: 'pts/0',
        cwd: '/tmp',
        runas_user: 'nobody',
        command: '/usr/bin/tty',
        outcome: 'allowed (syslog has no exit status)',
      },
    ],
    [
      'alice : command not allowed ; PWD=/tmp ; USER=root ; COMMAND=/bin/ls /etc/hostname',
      {
        event: 'reject',
        reason: 'command not allowed',
        user: 'alice',
        cwd: '/tmp',
        runas_user: 'root',
        command: '/bin/ls /etc/hostname',
        outcome: 'rejected: command not allowed',
      },
    ],
    [
      'bob : user NOT in sudoers ; PWD=/tmp ; USER=root ; COMMAND=/bin/ls',
      {
        event: 'reject',
        reason: 'user NOT in sudoers',
        user: 'bob',
        cwd: '/tmp',
        runas_user: 'root',
        command: '/bin/ls',
        outcome: 'rejected: user NOT in sudoers',
      },
    ],
    [
      'alice : 1 incorrect password attempt ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/id',
      {
        event: 'reject',
        reason: 'incorrect password attempts',
        attempts: 1,
        user: 'alice',
        cwd: '/tmp',
        runas_user: 'root',
        command: '/usr/bin/id',
        outcome: 'rejected: 1 incorrect password attempt',
      },
    ],
    [
      'alice : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update',
      {
        event: 'reject',
        reason: 'incorrect password attempts',
        attempts: 3,
        user: 'alice',
        tty: 'pts/1',
        cwd: '/home/alice',
        runas_user: 'root',
        command: '/usr/bin/apt update',
        outcome: 'rejected: 3 incorrect password attempts',
      },
    ],
    [
      'alice : a password is required ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/id',
      {
        event: 'error',
        reason: 'a password is required',
        user: 'alice',
        cwd: '/tmp',
        runas_user: 'root',
        command: '/usr/bin/id',
        outcome: 'error: a password is required',
      },
    ],
    ['    root : (command continued) arg0112 arg0113 ...', { event: 'continued', user: 'root', command_continued: 'arg0112 arg0113 ...' }],
    [
      'alice : TTY=pts/0 ; PWD=/srv ; USER=root ; GROUP=adm ; ENV=LANG=C ; COMMAND=/bin/sh -c echo a ; echo b',
      {
        event: 'accept',
        user: 'alice',
        tty: 'pts/0',
        cwd: '/srv',
        runas_user: 'root',
        runas_group: 'adm',
        env: 'LANG=C',
        command: '/bin/sh -c echo a ; echo b',
        outcome: 'allowed (syslog has no exit status)',
      },
    ],
    // Text that only looks like a key is part of the value before it: no field is made from it.
    [
      'alice : TTY=pts/0 ; PWD=/tmp/x ; PROBE=true ; USER=root ; COMMAND=/bin/true',
      {
        event: 'accept',
        user: 'alice',
        tty: 'pts/0',
        cwd: '/tmp/x ; PROBE=true',
        runas_user: 'root',
        command: '/bin/true',
        outcome: 'allowed (syslog has no exit status)',
      },
    ],
    [
      'alice : unable to resolve host web1: Name or service not known',
      { reason: 'unable to resolve host web1: Name or service not known', user: 'alice' },
    ],
  ])('%s', (line, expected) => {
    expect(parseSudo(line)).toEqual(expected);
  });

  it.each(['pam_unix(sudo:session): session closed for user root', 'just some text', ''])('leaves %j alone', (line) => {
    expect(parseSudo(line)).toBeUndefined();
  });
});
