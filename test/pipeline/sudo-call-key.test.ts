// The plugin's decision and sudo's own syslog line about one call have the same key; about another call
// (another user, runas user, command, directory, tty, host or outcome) they do not.
import { describe, expect, it } from 'vitest';
import type { RelayEvent } from '../../src/event.ts';
import { lineCallKey, pluginCallKey } from '../../src/pipeline/sudo-call-key.ts';
import { parseFields } from '../../parsers/index.ts';

const plugin = (fields: Record<string, unknown>, host = 'web1'): RelayEvent => ({
  receivedAt: new Date(0),
  listener: 'sudo',
  kind: 'sudo',
  host,
  message: '',
  fields: {
    v: 1,
    id: 'c1',
    seq: 0,
    event: 'accept',
    user: 'alice',
    runas_user: 'root',
    cwd: '/home/alice',
    tty: '/dev/pts/0',
    command: '/usr/bin/apt',
    argv: ['apt', 'update'],
    ...fields,
  },
});

const line = (message: string, host = 'web1', more: Partial<RelayEvent> = {}): RelayEvent =>
  parseFields({ receivedAt: new Date(0), listener: 'fleet', kind: 'syslog', host, app: 'sudo', message, fields: {}, ...more });

const ACCEPTED = 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update';

describe('the key both reports of one sudo call share', () => {
  it.each([
    ['an accepted call', plugin({}), line(ACCEPTED)],
    ['a qualified plugin host name, an upper-case header', plugin({}, 'web1.example.net'), line(ACCEPTED, 'WEB1')],
    ['what the user typed against the resolved path', plugin({ command: 'apt' }), line(ACCEPTED)],
    ['no tty on either side', plugin({ tty: undefined }), line('alice : PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update')],
    ['no runas user from the plugin (root)', plugin({ runas_user: undefined }), line(ACCEPTED)],
    [
      'user NOT in sudoers',
      plugin({ event: 'reject', reason: 'user NOT in sudoers', command: 'apt' }),
      line('alice : user NOT in sudoers ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update'),
    ],
    [
      'a refusal the plugin calls an error',
      plugin({ event: 'error', reason: 'a password is required' }),
      line('alice : a password is required ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update'),
    ],
    [
      'a line relay could not verify',
      plugin({}),
      { ...line(ACCEPTED), fields: { ...line(ACCEPTED).fields, event: 'unverified_sudo_line', sudo_event: 'accept' } },
    ],
    [
      'a long command cut where sudo continues it on another line',
      plugin({ argv: ['apt', 'install', 'x'.repeat(400)] }),
      line(`alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt install ${'x'.repeat(300)}`),
    ],
  ])('the same for %s', (_, p, l) => {
    expect(pluginCallKey(p)).toBeDefined();
    expect(lineCallKey(l)).toBe(pluginCallKey(p));
  });

  it.each([
    ['another user', plugin({ user: 'bob' })],
    ['another runas user', plugin({ runas_user: 'postgres' })],
    ['another argument', plugin({ argv: ['apt', 'upgrade'] })],
    ['another directory', plugin({ cwd: '/root' })],
    ['another tty', plugin({ tty: '/dev/pts/1' })],
    ['another host', plugin({}, 'web2')],
    ['a refusal', plugin({ event: 'reject', reason: 'command not allowed' })],
  ])('differs for %s', (_, p) => {
    expect(pluginCallKey(p)).not.toBe(lineCallKey(line(ACCEPTED)));
  });

  it("has no key for the plugin's exit, nor for sudo lines that are no decision", () => {
    expect(pluginCallKey(plugin({ event: 'exit', status: 0 }))).toBeUndefined();
    expect(lineCallKey(line('pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)'))).toBeUndefined();
    expect(lineCallKey(line('(command continued) more'))).toBeUndefined();
    expect(lineCallKey(line(ACCEPTED, 'web1', { app: 'su' }))).toBeUndefined();
  });
});
