// Reading a running relay's state_dir/state.db from a test, to wait until relay holds what it was sent
// before killing it.
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The entries of one namespace as relay last committed them. */
export function storedState(stateDir: string, namespace: string): Map<string, unknown> {
  const db = new Database(join(stateDir, 'state.db'), { fileMustExist: true });
  try {
    const rows = db.prepare('SELECT key, value FROM state WHERE namespace = ?').all(namespace) as { key: string; value: string }[];
    return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  } finally {
    db.close();
  }
}
