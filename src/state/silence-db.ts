// Run-time silences in a small SQLite file under state_dir (var/relay.db). SQLite rather than a JSON file:
// `relay silence add` (one process) writes while `relay run` (another) reads and writes counts, and SQLite's
// locking makes that safe without a lock file of our own; a write is atomic and survives a crash.
// The running relay notices another process's change through `PRAGMA data_version`. Counts the disk
// refuses (state_dir full) are kept in memory, said once, and added to the next write.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Match } from '../config/match-schema.ts';
import type { SilenceRecord, SilenceStore } from './silence-store.ts';
import { silentLogger, type Logger } from '../log.ts';
import { damaged, isDiskFull, openSqlite } from './sqlite-file.ts';

const REPAIR = 'relay repair';

export interface StoredSilence extends SilenceRecord {
  readonly createdAt: number;
  readonly createdBy: string;
  /** Events it muted, as last saved by a running relay. */
  readonly silenced: number;
}

interface Row {
  id: string;
  match: string;
  starts: number;
  ends: number;
  comment: string | null;
  created_at: number;
  created_by: string;
  silenced: number;
}

export class SilenceDb implements SilenceStore {
  private readonly db: Database.Database;
  /** Read for every event a rule matched: prepared once, not by each `db.pragma()` call. */
  private readonly dataVersion: Database.Statement<[], number>;
  private version = -1;
  private cached: SilenceRecord[] = [];
  /** Counts a write failed to save, added to the next one. */
  private readonly unsaved = new Map<string, number>();
  private failing = false;

  static open(stateDir: string, log?: Logger): SilenceDb {
    return new SilenceDb(join(stateDir, 'relay.db'), log);
  }

  constructor(
    readonly file: string,
    private readonly log: Logger = silentLogger,
  ) {
    this.db = openSqlite(file, { synchronous: 'NORMAL', repair: REPAIR });
    try {
      this.db.exec(`CREATE TABLE IF NOT EXISTS silences (
        id TEXT PRIMARY KEY, match TEXT NOT NULL, starts INTEGER NOT NULL, ends INTEGER NOT NULL, comment TEXT,
        created_at INTEGER NOT NULL, created_by TEXT NOT NULL, silenced INTEGER NOT NULL DEFAULT 0)`);
    } catch (e) {
      this.db.close();
      throw damaged(file, e, REPAIR) ?? e;
    }
    this.dataVersion = this.db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  add(s: { match: Match; starts: number; ends: number; comment?: string; createdBy: string }, now: number): string {
    const id = randomBytes(4).toString('hex');
    this.db
      .prepare('INSERT INTO silences (id, match, starts, ends, comment, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, JSON.stringify(s.match), s.starts, s.ends, s.comment ?? null, now, s.createdBy);
    this.version = -1; // data_version only moves for other connections' writes
    return id;
  }

  /** End a silence now; false when no silence has that id. */
  expire(id: string, now: number): boolean {
    this.version = -1;
    return this.db.prepare('UPDATE silences SET ends = MIN(ends, ?) WHERE id = ?').run(now, id).changes > 0;
  }

  /** Every silence, newest first (for `relay silence list`). */
  all(): StoredSilence[] {
    return (this.db.prepare('SELECT * FROM silences ORDER BY created_at DESC').all() as Row[]).map(fromRow);
  }

  list(now: number): readonly SilenceRecord[] {
    const version = this.dataVersion.get()!;
    if (version !== this.version) {
      this.version = version;
      // Rows only ever get closer to expiry, so what is still running now is a superset of later answers.
      this.cached = (this.db.prepare('SELECT * FROM silences WHERE ends > ?').all(now) as Row[]).map(fromRow);
    }
    return this.cached;
  }

  addCounts(counts: ReadonlyMap<string, number>): void {
    for (const [id, n] of counts) this.unsaved.set(id, (this.unsaved.get(id) ?? 0) + n);
    const update = this.db.prepare('UPDATE silences SET silenced = silenced + ? WHERE id = ?');
    try {
      this.db.transaction(() => {
        for (const [id, n] of this.unsaved) update.run(n, id);
      })();
    } catch (e) {
      if (!this.failing) {
        this.failing = true;
        this.log.error(
          { file: this.file, err: (e as Error).message, code: (e as { code?: string }).code },
          isDiskFull(e)
            ? 'cannot save silence counts: the disk is full; they are kept in memory and saved with the next write'
            : 'cannot save silence counts; they are kept in memory and saved with the next write',
        );
      }
      return;
    }
    this.unsaved.clear();
    if (this.failing) this.log.info({ file: this.file }, 'silence counts saved again');
    this.failing = false;
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(r: Row): StoredSilence {
  return {
    id: r.id,
    match: JSON.parse(r.match) as Match,
    starts: r.starts,
    ends: r.ends,
    ...(r.comment === null ? {} : { comment: r.comment }),
    createdAt: r.created_at,
    createdBy: r.created_by,
    silenced: r.silenced,
  };
}
