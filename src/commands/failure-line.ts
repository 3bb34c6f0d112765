// What a command says when it fails for a reason outside the config — a port taken, a directory it may not
// write, state_dir locked, a damaged file — in one line that names what failed, where, and the OS's cause
// in words; never a stack trace (nor, from the bundle, a line of minified source).
import { isRelayError } from '../errors.ts';
import { osErrorCode, osErrorText } from '../os-error.ts';
import { stateErrorLine } from '../state/state-error-line.ts';

interface SystemError {
  syscall?: unknown;
  path?: unknown;
  address?: unknown;
  port?: unknown;
  message?: unknown;
}

/** The line for a failure relay expects to meet; undefined for anything else, which is a bug. */
export function failureLine(e: unknown): string | undefined {
  const state = stateErrorLine(e);
  if (state !== undefined) return state;
  if (isRelayError(e)) return withCauseInWords(e.message, e.cause);
  if (osErrorCode(e) !== undefined) return `cannot ${what(e as SystemError)}: ${osErrorText(e)}`;
  return undefined;
}

/** A RelayError quotes the OS's message (`listen EADDRINUSE: address already in use 127.0.0.1:514`): said in words instead. */
function withCauseInWords(message: string, cause: unknown): string {
  const quoted = (cause as SystemError | undefined)?.message;
  if (osErrorCode(cause) === undefined || typeof quoted !== 'string' || !message.includes(quoted)) return message;
  return message.replace(quoted, osErrorText(cause));
}

/** The call that failed and on what: `mkdir /run/relay`, `listen 127.0.0.1:514`. */
function what(e: SystemError): string {
  const call = typeof e.syscall === 'string' ? e.syscall : 'do it';
  if (typeof e.path === 'string') return `${call} ${e.path}`;
  if (typeof e.address === 'string') return `${call} ${e.address}${typeof e.port === 'number' ? `:${e.port}` : ''}`;
  return call;
}
