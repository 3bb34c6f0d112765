// Opening one of relay's SQLite files in state_dir, the same way for every store: the directory and the
// file (WAL and SHM included) readable by relay's user only, since they hold alert text, and owned by
// state_dir's owner even when root opens them (`sudo relay outbox`); a damaged or forbidden file named in one
// line with what to do, instead of a stack trace; and the disk-full family of errors told apart from bugs,
// so a store can keep running and retry when space returns.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCodes, RelayError } from '../errors.ts';
import { giveToStateDirOwner, stateDirAccessError } from './state-dir-owner.ts';

export interface SqliteOptions {
  /** FULL: committed means on disk (the outbox); NORMAL: survives a crash of relay, not of the machine. */
  synchronous: 'FULL' | 'NORMAL';
  /** How to repair the file when it is damaged, said in the error (e.g. "relay outbox --repair"). */
  repair: string;
}

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

export function openSqlite(file: string, opts: SqliteOptions): Database.Database {
  const dir = dirname(file);
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    // Created before SQLite sees it, so it never exists with the umask's mode or root's ownership; SQLite
    // gives WAL and SHM the database file's mode, and as root its owner too.
    closeSync(openSync(file, 'a', PRIVATE_FILE));
    chmodSync(file, PRIVATE_FILE);
    giveToStateDirOwner(file);
  } catch (e) {
    throw stateDirAccessError(e, `cannot open ${file}`, dir) ?? e;
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous}`);
    db.pragma('busy_timeout = 5000');
    for (const side of [`${file}-wal`, `${file}-shm`]) {
      if (!existsSync(side)) continue;
      chmodSync(side, PRIVATE_FILE);
      giveToStateDirOwner(side);
    }
    return db;
  } catch (e) {
    db?.close();
    throw damaged(file, e, opts.repair) ?? e;
  }
}

/** A RelayError naming the file and the repair when `e` says the file is not a usable database. */
export function damaged(file: string, e: unknown, repair: string): RelayError | undefined {
  if (!isDamaged(e)) return undefined;
  return new RelayError(
    ErrorCodes.STATE_CORRUPT,
    `${file} is damaged (${sqliteCode(e)}: ${(e as Error).message}); run \`${repair}\` to move it aside and start with an empty one`,
    { cause: e },
  );
}

/** SQLite says the file is not a usable database (SQLITE_NOTADB, SQLITE_CORRUPT and its extended codes). */
export function isDamaged(e: unknown): boolean {
  const code = sqliteCode(e);
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT_') === true;
}

/** The disk (or its quota) is full: a write may succeed later, unlike a bug or a damaged file. */
export function isDiskFull(e: unknown): boolean {
  const code = sqliteCode(e);
  return (
    code === 'SQLITE_FULL' ||
    code === 'SQLITE_IOERR_WRITE' ||
    code === 'SQLITE_IOERR_FSYNC' ||
    code === 'SQLITE_IOERR_SHMSIZE' ||
    code === 'SQLITE_IOERR_TRUNCATE' ||
    (e as { code?: string } | null)?.code === 'ENOSPC'
  );
}

function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
