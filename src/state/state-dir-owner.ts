// state_dir belongs to relay's user. A command run as root on it (`sudo relay outbox`, `sudo relay silence
// add`) must not leave a file that user cannot open: every file relay creates there is handed to the
// directory's owner. A user who is neither root nor the owner is told whom to run as.
import { chownSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCodes, RelayError } from '../errors.ts';
import { osErrorText } from '../os-error.ts';

export interface Owner {
  uid: number;
  gid: number;
}

/** state_dir's owner when this process is root and the directory is someone else's; undefined when files are ours to keep. */
export function foreignOwner(stateDir: string): Owner | undefined {
  if (process.getuid?.() !== 0 || !existsSync(stateDir)) return undefined;
  const { uid, gid } = statSync(stateDir);
  return uid === 0 ? undefined : { uid, gid };
}

/** Gives `file` (in state_dir) to state_dir's owner when this process is root and the directory is someone else's. */
export function giveToStateDirOwner(file: string, stateDir = dirname(file)): void {
  const owner = foreignOwner(stateDir);
  if (owner === undefined || !existsSync(file)) return;
  const st = statSync(file);
  if (st.uid !== owner.uid || st.gid !== owner.gid) chownSync(file, owner.uid, owner.gid);
}

/**
 * A permission error on a file in state_dir as a RelayError saying whom to run as; undefined for any other
 * error. `doing`: what failed, e.g. `cannot open /var/lib/relay/outbox.db`.
 */
export function stateDirAccessError(e: unknown, doing: string, stateDir: string): RelayError | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') return undefined;
  const path = (e as { path?: unknown }).path;
  const fix = whomToRunAs(stateDir, code) || (typeof path === 'string' ? whoseFile(path) : '');
  return new RelayError(ErrorCodes.STATE_DIR_ACCESS, `${doing}: ${osErrorText(e)}${fix}`, { cause: e });
}

/** In our own state_dir, a file left by another user (root, before relay gave files to state_dir's owner). */
function whoseFile(path: string): string {
  const me = process.getuid?.();
  if (me === undefined || !existsSync(path)) return '';
  const owner = statSync(path).uid;
  if (owner === me) return '';
  const myName = userName(me) ?? String(me);
  return `; it belongs to ${userName(owner) ?? `uid ${owner}`}: give it to ${myName} (chown ${myName} ${path}*)`;
}

/** For a permission error: who owns state_dir (or the directory it is to be made in) and who this is, and the two ways out. */
function whomToRunAs(stateDir: string, code: string): string {
  if (code === 'EROFS') return '';
  const dir = existsSync(stateDir) ? stateDir : dirname(stateDir);
  if (!existsSync(dir)) return '';
  const owner = statSync(dir).uid;
  const me = process.getuid?.();
  if (me === undefined || owner === me) return '';
  const [ownerName, myName] = [userName(owner), userName(me) ?? `uid ${me}`];
  const sudo = `sudo -u ${ownerName ?? `'#${owner}'`} relay …`;
  return (
    `; ${dir} belongs to ${ownerName ?? `uid ${owner}`} and relay runs as ${myName}: run it as the owner (${sudo}), ` +
    `or give ${dir} to ${myName}`
  );
}

/** The login name of `uid` from /etc/passwd, if it has one. */
export function userName(uid: number): string | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === uid) return name;
    }
  } catch {
    // No /etc/passwd to read: the caller says the number.
  }
  return undefined;
}
