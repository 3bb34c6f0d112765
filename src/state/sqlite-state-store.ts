// The state store in state_dir/state.db (SQLite, WAL, synchronous=NORMAL: a committed turn survives
// relay being killed; only a machine crash can lose the last moments). A write that fails because the
// disk is full (or fails otherwise) keeps the pending entries in memory (bounded: one latest value per key,
// and every stage caps its keys) until the disk takes them (write-outage.ts: said once, retried).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { UnsavedNamespaces, type StateNamespace } from './state-namespace.ts';
import type { StateStore } from './state-store.ts';
import type { StoreHealth } from './store-health.ts';
import { damaged, openSqlite } from './sqlite-file.ts';
import { WriteOutage } from './write-outage.ts';
const DELETE = Symbol('delete');

export function stateDbPath(stateDir: string): string {
  return join(stateDir, 'state.db');
}

/**
 * A namespace as the running relay last wrote it, read from another process (`relay test-sudo`) without
 * creating or changing a file; empty while state.db does not exist or holds nothing yet.
 */
export function readStateNamespace(stateDir: string, namespace: string): Map<string, unknown> {
  const file = stateDbPath(stateDir);
  if (!existsSync(file)) return new Map();
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'state'").get()) return new Map();
    const rows = db.prepare('SELECT key, value FROM state WHERE namespace = ?').all(namespace) as { key: string; value: string }[];
    return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  } catch (e) {
    throw damaged(file, e, 'relay repair') ?? e;
  } finally {
    db?.close();
  }
}

export class SqliteStateStore implements StateStore {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly select: Database.Statement;
  /** `namespace \0 key` → the latest value not yet written. */
  private readonly pending = new Map<string, unknown>();
  private scheduled = false;
  private readonly outage: WriteOutage;
  private readonly unsaved = new UnsavedNamespaces({
    load: (namespace) => this.load(namespace),
    write: (namespace, key, value) => this.mark(namespace, key, value === undefined ? DELETE : JSON.stringify(value)),
  });

  static open(stateDir: string, clock: Clock, log: Logger): SqliteStateStore {
    return new SqliteStateStore(stateDbPath(stateDir), clock, log);
  }

  constructor(
    readonly file: string,
    clock: Clock,
    private readonly log: Logger,
  ) {
    const messages = { name: 'state store', holds: 'changes are held in memory and retried', healed: 'held changes written' };
    this.outage = new WriteOutage({ clock, log, file, ...messages }, () => this.write());
    this.db = openSqlite(file, { synchronous: 'NORMAL', repair: 'relay repair' });
    this.db.exec(`CREATE TABLE IF NOT EXISTS state (
      namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID`);
    this.upsert = this.db.prepare(
      'INSERT INTO state (namespace, key, value) VALUES (?, ?, ?) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value',
    );
    this.remove = this.db.prepare('DELETE FROM state WHERE namespace = ? AND key = ?');
    this.select = this.db.prepare('SELECT key, value FROM state WHERE namespace = ?');
  }

  load(namespace: string): Map<string, unknown> {
    this.unsaved.save(namespace);
    const entries = new Map<string, unknown>();
    for (const row of this.select.all(namespace) as { key: string; value: string }[]) entries.set(row.key, JSON.parse(row.value));
    // What is still waiting for the disk is newer than the file.
    const prefix = `${namespace}\u0000`;
    for (const [id, value] of this.pending) {
      if (!id.startsWith(prefix)) continue;
      const key = id.slice(prefix.length);
      if (value === DELETE) entries.delete(key);
      else entries.set(key, JSON.parse(value as string));
    }
    return entries;
  }

  namespace(name: string, encode: (key: string) => unknown): StateNamespace {
    return this.unsaved.open(name, encode);
  }

  flush(): void {
    this.unsaved.save();
    this.scheduled = false;
    if (this.pending.size === 0 || this.outage.retrying) return;
    this.write();
  }

  health(): StoreHealth {
    return this.outage.health();
  }

  close(): void {
    this.unsaved.save();
    this.outage.close();
    this.write();
    if (this.pending.size > 0)
      this.log.error(
        { file: this.file, entries: this.pending.size },
        'state store closed with changes the disk did not take; they are lost',
      );
    this.db.close();
  }

  private mark(namespace: string, key: string, value: unknown): void {
    this.pending.set(`${namespace}\u0000${key}`, value);
    if (this.scheduled || this.outage.retrying) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private write(): void {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    try {
      this.db.transaction(() => {
        for (const [id, value] of batch) {
          const cut = id.indexOf('\u0000');
          const namespace = id.slice(0, cut);
          const key = id.slice(cut + 1);
          if (value === DELETE) this.remove.run(namespace, key);
          else this.upsert.run(namespace, key, value);
        }
      })();
    } catch (e) {
      this.outage.failed(e, { entries: this.pending.size });
      return;
    }
    // Entries changed again while writing cannot happen (synchronous), so the whole batch is on disk.
    for (const [id, value] of batch) if (this.pending.get(id) === value) this.pending.delete(id);
    this.outage.succeeded();
  }
}
