// What a command says, in one line instead of a stack trace, when state_dir's files stop it: a damaged
// SQLite file (found on opening, or on a page read later) or a disk that refuses writes.
import { ErrorCodes, RelayError } from '../errors.ts';
import { isDamaged, isDiskFull } from './sqlite-file.ts';

export function stateErrorLine(e: unknown): string | undefined {
  if (e instanceof RelayError && e.code === ErrorCodes.STATE_CORRUPT) return e.message;
  const code = (e as { code?: unknown } | null)?.code;
  if (isDamaged(e)) {
    return `a file in state_dir is damaged (${String(code)}: ${(e as Error).message}); run \`relay repair\` to check them and move a damaged one aside`;
  }
  if (isDiskFull(e)) return `cannot write to state_dir: the disk is full (${String(code)}); free some space and try again`;
  return undefined;
}
