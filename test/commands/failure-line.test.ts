// The one line a command prints for a failure relay expects: a RelayError's message with the OS cause it
// quotes said in words, an OS error as the call, its path and the cause, a damaged state file with the
// repair; a bug gets no line (the CLI prints its stack).
import { describe, expect, it } from 'vitest';
import { failureLine } from '../../src/commands/failure-line.ts';
import { ErrorCodes, RelayError } from '../../src/errors.ts';

const sys = (message: string, more: Record<string, unknown>) => Object.assign(new Error(message), more);

describe('failureLine', () => {
  it('says the OS cause a RelayError quotes in words', () => {
    const cause = sys('listen EADDRINUSE: address already in use 127.0.0.1:5514', {
      code: 'EADDRINUSE',
      errno: -98,
      syscall: 'listen',
      address: '127.0.0.1',
      port: 5514,
    });
    const e = new RelayError(ErrorCodes.LISTEN, `listener tcp cannot listen on 127.0.0.1:5514: ${cause.message}`, { cause });
    expect(failureLine(e)).toBe(
      'listener tcp cannot listen on 127.0.0.1:5514: address already in use: another process listens there (EADDRINUSE)',
    );
  });

  it('keeps a RelayError without an OS cause as it is', () => {
    const e = new RelayError(ErrorCodes.STATE_DIR_LOCKED, 'state_dir /s is in use by relay pid 7');
    expect(failureLine(e)).toBe('state_dir /s is in use by relay pid 7');
  });

  it('names the call and its path for a bare OS error', () => {
    const e = sys("EACCES: permission denied, mkdir '/run/relay'", { code: 'EACCES', errno: -13, syscall: 'mkdir', path: '/run/relay' });
    expect(failureLine(e)).toBe('cannot mkdir /run/relay: permission denied (EACCES)');
  });

  it('sends a damaged state file to relay repair', () => {
    expect(failureLine(sys('file is not a database', { code: 'SQLITE_NOTADB' }))).toContain('run `relay repair`');
  });

  it('has no line for a bug', () => {
    expect(failureLine(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
  });
});
