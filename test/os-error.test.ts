// OS errors in words, the code in parentheses, with what to do where the call tells more; anything else
// keeps its own message.
import { describe, expect, it } from 'vitest';
import { osErrorCode, osErrorText } from '../src/os-error.ts';

const sys = (code: string, errno: number, more: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${code} whatever`), { code, errno, ...more });

describe('osErrorText', () => {
  it.each([
    [sys('ENOENT', -2, { syscall: 'open', path: '/x' }), 'no such file or directory (ENOENT)'],
    [
      sys('EADDRINUSE', -98, { syscall: 'listen', address: '127.0.0.1', port: 5514 }),
      'address already in use: another process listens there (EADDRINUSE)',
    ],
    [
      sys('EACCES', -13, { syscall: 'bind', address: '0.0.0.0', port: 514 }),
      'permission denied: ports below 1024 need root or the capability CAP_NET_BIND_SERVICE (EACCES)',
    ],
    [sys('EACCES', -13, { syscall: 'bind', address: '0.0.0.0', port: 5514 }), 'permission denied (EACCES)'],
    [
      sys('EACCES', -13, { syscall: 'listen', address: '/run/relay/sudo.sock', port: -1 }),
      expect.stringMatching(/^permission denied: user \S+ cannot create files in \/run\/relay \(EACCES\)$/),
    ],
    [
      sys('EADDRNOTAVAIL', -99, { syscall: 'bind', address: '192.0.2.1', port: 5514 }),
      'address not available: no interface of this machine has that address (EADDRNOTAVAIL)',
    ],
    [Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }), 'disk I/O error'],
    [new Error('plain'), 'plain'],
  ])('%s', (e, text) => {
    expect(osErrorText(e)).toEqual(text);
  });

  it('knows a code without its errno number', () => {
    expect(osErrorText({ code: 'ENOTDIR' })).toBe('not a directory (ENOTDIR)');
    expect(osErrorCode({ code: 'ENOTDIR' })).toBe('ENOTDIR');
    expect(osErrorCode({ code: 'RELAY_E_LISTEN' })).toBeUndefined();
  });
});
