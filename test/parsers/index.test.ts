import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { extractFields, parseFields, unparsedApp } from '../../parsers/index.ts';
import type { RelayEvent } from '../../src/event.ts';

const syslog = (app: string | undefined, message: string): RelayEvent => ({
  receivedAt: new Date(0),
  listener: 'test',
  kind: 'syslog',
  app,
  message,
  fields: {},
});

describe('parseFields: dispatch on the program name', () => {
  it('adds sshd fields to a syslog event', () => {
    const e = parseFields(syslog('sshd', 'Failed password for root from 203.0.113.5 port 40022 ssh2'));
    expect(e.fields).toMatchObject({ event: 'login_failed', user: 'root', src_ip: '203.0.113.5' });
  });

  it('reads PAM lines whichever program logged them', () => {
    expect(
      extractFields('login', 'pam_unix(login:auth): authentication failure; logname=LOGIN uid=0 euid=0 tty=tty1 ruser= rhost=  user=bob'),
    ).toMatchObject({ event: 'auth_failure', user: 'bob', pam_service: 'login' });
    expect(extractFields('sudo', 'pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)')).toMatchObject({
      event: 'session_opened',
      user: 'root',
      by_user: 'alice',
    });
  });

  it('keeps the event as it was when no parser knows the line', () => {
    const e = syslog('cron', '(root) CMD (run-parts /etc/cron.hourly)');
    expect(parseFields(e)).toBe(e);
  });

  it('leaves JSON events from the sudo plugin unchanged', () => {
    const e: RelayEvent = {
      ...syslog('sudo', 'alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id'),
      kind: 'sudo',
      fields: { event: 'accept' },
    };
    expect(parseFields(e)).toBe(e);
  });

  it('never throws, whatever the message', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sudo', 'sshd', 'su', 'login', 'useradd', 'systemd-logind', 'cron', undefined),
        fc.string(),
        (app, message) => {
          extractFields(app, message);
          extractFields(app, `pam_unix(x:auth): ${message}`);
          extractFields(app, `PAM ${message}`);
        },
      ),
    );
  });

  it('names the program of a line its parser does not know, and only then', () => {
    expect(unparsedApp(parseFields(syslog('sshd', 'Server listening on :: port 22.')))).toBe('sshd');
    expect(unparsedApp(parseFields(syslog('sshd-session', 'Server listening on :: port 22.')))).toBe('sshd-session');
    expect(unparsedApp(parseFields(syslog('SSHD', 'Failed password for root from 203.0.113.5 port 1 ssh2')))).toBeUndefined();
    expect(unparsedApp(parseFields(syslog('sshd', 'pam_unix(sshd:auth): conversation failed')))).toBe('sshd');
    expect(unparsedApp(parseFields(syslog('cron', '(root) CMD (true)')))).toBeUndefined();
    expect(unparsedApp(parseFields(syslog(undefined, 'anything')))).toBeUndefined();
  });
});
