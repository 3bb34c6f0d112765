// One relay per state_dir: two would deliver the same outbox twice. `relay run` (and `relay repair`, which
// moves files under a relay's feet otherwise) holds an exclusive lock on state_dir/relay.lock for as long
// as it runs. The lock is SQLite's own — a POSIX lock the kernel drops when the process ends, SIGKILL
// included — so a crash never leaves state_dir locked. Whoever is refused is told the holder's pid from
// state_dir/relay.pid, which the holder writes right after taking the lock.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCodes, isRelayError, RelayError } from '../errors.ts';
import { readPidFile } from './pid-file.ts';
import { isDamaged } from './sqlite-file.ts';
import { giveToStateDirOwner, stateDirAccessError } from './state-dir-owner.ts';

export const LOCK_FILE = 'relay.lock';

export class StateDirLock {
  private constructor(private readonly db: Database.Database) {}

  /**
   * Takes state_dir's lock at once or throws RelayError STATE_DIR_LOCKED naming the relay that holds it
   * (STATE_DIR_ACCESS when state_dir cannot be written).
   */
  static acquire(stateDir: string): StateDirLock {
    const file = join(stateDir, LOCK_FILE);
    try {
      if (!existsSync(stateDir)) mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw stateDirAccessError(e, `cannot create state_dir ${stateDir}`, stateDir) ?? e;
    }
    try {
      return StateDirLock.take(file);
    } catch (e) {
      if (isRelayError(e) || !isDamaged(e)) throw e;
      // Its content is never read: a damaged one (a disk error, a copy) is replaced, and only its lock counts.
      rmSync(file, { force: true });
      return StateDirLock.take(file);
    }
  }

  private static take(file: string): StateDirLock {
    const stateDir = dirname(file);
    try {
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
      giveToStateDirOwner(file, stateDir);
    } catch (e) {
      throw stateDirAccessError(e, `cannot create ${file}`, stateDir) ?? e;
    }
    // No busy wait: a relay that holds the lock holds it until it stops.
    const db = new Database(file, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // No journal file beside it: the table only makes SQLite write, which is what takes the lock.
      db.pragma('journal_mode = MEMORY');
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder;');
      db.prepare('INSERT INTO holder VALUES (?)').run(process.pid);
      return new StateDirLock(db);
    } catch (e) {
      db.close();
      if ((e as { code?: unknown }).code !== 'SQLITE_BUSY') throw e;
      throw new RelayError(ErrorCodes.STATE_DIR_LOCKED, `state_dir ${stateDir} is in use by ${holderOf(stateDir)}`, { cause: e });
    }
  }

  /** Ends the lock (the process's end does too). */
  release(): void {
    this.db.close();
  }
}

/** The relay holding the lock, as relay.pid names it (it is written just after the lock is taken). */
function holderOf(stateDir: string): string {
  const found = readPidFile(stateDir);
  return found.state === 'running' ? `relay pid ${found.pid}` : 'another relay (its pid is not written yet)';
}
