// Opening outbox.db: its journal settings and its tables (`outbox`: one row per alert and notifier, pending
// or dead; `losses`: alerts lost per notifier and reason, across runs), with the columns later versions
// added given to an older file. A damaged file is named with its repair, not thrown as a stack.
import Database from 'better-sqlite3';
import { damaged, openSqlite } from '../state/sqlite-file.ts';

export const REPAIR = 'relay repair';
/** WAL pages (4 KB) before a checkpoint, and the size the WAL is cut back to after one. */
const WAL_PAGES = 256;

/** Columns later versions added; an older file gets them on open. */
const ADDED_COLUMNS = {
  alerts: 'INTEGER NOT NULL DEFAULT 1',
  folded: 'TEXT',
  rerouted_from: 'TEXT',
  recipient: 'TEXT',
  answers: 'TEXT',
};

/** `file` may be `:memory:`. `syncEveryCommit`: see OutboxDbOptions. */
export function openOutboxFile(file: string, syncEveryCommit: boolean): Database.Database {
  const db =
    file === ':memory:' ? new Database(file) : openSqlite(file, { synchronous: syncEveryCommit ? 'FULL' : 'NORMAL', repair: REPAIR });
  // A smaller WAL (checkpoint and cut back at 1 MB): the default (4 MB, never shrunk) alone can fill a
  // small state_dir, and space the WAL holds is space the alerts of a full disk cannot have. Enqueueing
  // in batches is as fast as with the default; a much smaller WAL is not.
  // Without a sync per commit, SQLite's own checkpoint (two disk syncs, run by the commit that crosses
  // the mark) would put them back on an alert's path: the caller checkpoints instead.
  db.pragma(`wal_autocheckpoint = ${syncEveryCommit ? WAL_PAGES : 0}`);
  db.pragma(`journal_size_limit = ${WAL_PAGES * 4096}`);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, notifier TEXT NOT NULL,
      title TEXT NOT NULL, body TEXT NOT NULL, type TEXT NOT NULL, severity INTEGER, rule TEXT NOT NULL,
      key TEXT NOT NULL, count INTEGER NOT NULL, created_at INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,
      state TEXT NOT NULL DEFAULT 'pending', dead_at INTEGER,
      UNIQUE (alert_id, notifier));
      CREATE INDEX IF NOT EXISTS outbox_lane ON outbox (notifier, state, seq);
      CREATE TABLE IF NOT EXISTS losses (notifier TEXT NOT NULL, reason TEXT NOT NULL, alerts INTEGER NOT NULL,
        first_at INTEGER NOT NULL, last_at INTEGER NOT NULL, PRIMARY KEY (notifier, reason))`);
    const have = new Set((db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name));
    for (const [column, type] of Object.entries(ADDED_COLUMNS)) {
      if (!have.has(column)) db.exec(`ALTER TABLE outbox ADD COLUMN ${column} ${type}`);
    }
    return db;
  } catch (e) {
    db.close();
    throw damaged(file, e, REPAIR) ?? e;
  }
}
