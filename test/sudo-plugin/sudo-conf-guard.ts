// Tests and the bench rewrite the machine's sudo.conf: this puts the original back in every case,
// on normal teardown and from a process 'exit' hook if teardown never runs — with the files install.sh
// keeps beside it (the pre-install copy and its record), so no run leaves them to the next. While a guard
// lives it holds a machine-wide lock, so a test run in another checkout (or the bench) that also rewrites
// sudo.conf waits for it instead of changing the file under it; the kernel drops the lock with the process.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

const LOCK = '/tmp/relay-tests-sudo-conf.lock';
/** Longer than any one test file's use of sudo.conf. */
const LOCK_WAIT_MS = 10 * 60_000;

/** An exclusive SQLite lock on LOCK (a POSIX lock underneath), waited for up to LOCK_WAIT_MS. */
function lockSudoConf(): Database.Database {
  const db = new Database(LOCK, { timeout: LOCK_WAIT_MS });
  db.pragma('locking_mode = EXCLUSIVE');
  db.exec('BEGIN EXCLUSIVE');
  return db;
}

export class SudoConfGuard {
  readonly path: string;
  readonly #originals: Map<string, Buffer | undefined>;
  readonly #onExit = (): void => this.restore();
  readonly #lock: Database.Database;

  constructor(path = '/etc/sudo.conf') {
    this.#lock = lockSudoConf();
    this.path = path;
    this.#originals = new Map(
      [path, `${path}.relay-orig`, `${path}.relay-install`].map((p) => [p, existsSync(p) ? readFileSync(p) : undefined]),
    );
    process.on('exit', this.#onExit);
  }

  /** Idempotent and synchronous, so it also works inside the exit hook. */
  restore(): void {
    for (const [path, original] of this.#originals) {
      if (original === undefined) rmSync(path, { force: true });
      else if (!existsSync(path) || !readFileSync(path).equals(original)) writeFileSync(path, original, { mode: 0o644 });
    }
  }

  dispose(): void {
    this.restore();
    process.off('exit', this.#onExit);
    this.#lock.close();
  }
}
