// An operating-system error (EACCES, EADDRINUSE, ENOENT…) said in words a sysadmin can act on, with the code
// in parentheses for searching: messages never end in a bare errno. Where the call tells more (a port below
// 1024, a socket's directory), the words say what to do.
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { getSystemErrorMap } from 'node:util';

interface SystemError {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  path?: unknown;
  message?: unknown;
}

/** The cause in words, e.g. `address already in use: another process listens there (EADDRINUSE)`; the message when `e` is no OS error. */
export function osErrorText(e: unknown): string {
  const err = (e ?? {}) as SystemError;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const words = code === undefined ? undefined : systemWords(code, err.errno);
  if (code === undefined || words === undefined) return typeof err.message === 'string' ? err.message : String(e);
  const hint = hintFor(code, err);
  return `${words}${hint ? `: ${hint}` : ''} (${code})`;
}

/** The code of an OS error (`EACCES`), or undefined for any other failure. */
export function osErrorCode(e: unknown): string | undefined {
  const code = (e as SystemError | null)?.code;
  return typeof code === 'string' && systemWords(code, (e as SystemError).errno) !== undefined ? code : undefined;
}

function systemWords(code: string, errno: unknown): string | undefined {
  const map = getSystemErrorMap();
  if (typeof errno === 'number' && map.get(errno)?.[0] === code) return map.get(errno)![1];
  for (const [name, words] of map.values()) if (name === code) return words;
  return undefined;
}

function hintFor(code: string, err: SystemError): string | undefined {
  const binding = err.syscall === 'listen' || err.syscall === 'bind';
  const port = typeof err.port === 'number' ? err.port : undefined;
  const socketPath = binding && typeof err.address === 'string' && err.address.startsWith('/') ? err.address : undefined;
  if (code === 'EADDRINUSE') return socketPath ? undefined : 'another process listens there';
  if (code === 'EADDRNOTAVAIL') return 'no interface of this machine has that address';
  if (code !== 'EACCES' && code !== 'EPERM') return undefined;
  if (binding && port !== undefined && port > 0 && port < 1024) return 'ports below 1024 need root or the capability CAP_NET_BIND_SERVICE';
  if (socketPath) return `user ${userInfo().username} cannot create files in ${dirname(socketPath)}`;
  return undefined;
}
