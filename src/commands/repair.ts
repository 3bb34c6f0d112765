// `relay repair`: checks each SQLite file in state_dir (PRAGMA quick_check) and moves a damaged one aside,
// with its -wal and -shm, so relay starts with an empty one. It says what it checked, what it moved and
// what that costs; nothing is deleted, so the damaged file can still be inspected or salvaged. It holds
// state_dir's lock meanwhile: it refuses while a relay runs there, and no relay starts under its feet.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config/schema.ts';
import { ErrorCodes, isRelayError } from '../errors.ts';
import { StateDirLock } from '../state/state-dir-lock.ts';
import { ExitCodes } from './exit-codes.ts';

/** relay's SQLite files and what starting with an empty one means. */
const FILES: readonly { name: string; loses: string }[] = [
  { name: 'outbox.db', loses: 'alerts that waited for delivery in it are not sent, and its dead list is gone' },
  { name: 'relay.db', loses: 'silences added with `relay silence add` are gone; add them again' },
  { name: 'state.db', loses: 'open groups, held repeats and throttles, and frequency/change baselines start over' },
];

export function repairStateDir(config: Config, out: NodeJS.WritableStream, err: NodeJS.WritableStream, now = new Date()): number {
  if (!existsSync(config.state_dir)) return repair(config.state_dir, out, now);
  let lock: StateDirLock;
  try {
    lock = StateDirLock.acquire(config.state_dir);
  } catch (e) {
    if (!(isRelayError(e) && e.code === ErrorCodes.STATE_DIR_LOCKED)) throw e;
    err.write(`relay: not repairing while relay runs: ${e.message}; stop it first\n`);
    return ExitCodes.FAILED;
  }
  try {
    return repair(config.state_dir, out, now);
  } finally {
    lock.release();
  }
}

function repair(dir: string, out: NodeJS.WritableStream, now: Date): number {
  out.write(`checking the SQLite files in ${dir}\n`);
  let moved = 0;
  let failed = false;
  for (const { name, loses } of FILES) {
    const file = join(dir, name);
    if (!existsSync(file)) {
      out.write(`${name}: not there (relay creates it when it starts)\n`);
      continue;
    }
    const { problem, unchecked } = check(file);
    if (unchecked !== undefined) {
      out.write(`${name}: cannot check it (${unchecked}); left as it is\n`);
      failed = true;
      continue;
    }
    if (problem === undefined) {
      out.write(`${name}: ok\n`);
      continue;
    }
    const aside = `${file}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
    const movedFiles: string[] = [];
    for (const suffix of ['', '-wal', '-shm']) {
      if (!existsSync(file + suffix)) continue;
      renameSync(file + suffix, aside + suffix);
      movedFiles.push(`${file + suffix} → ${aside + suffix}`);
    }
    moved++;
    out.write(
      `${name}: damaged (${problem})\n  moved ${movedFiles.join('\n  moved ')}\n  relay will start with an empty ${name}: ${loses}.\n`,
    );
  }
  out.write(moved === 0 ? 'nothing to repair\n' : `${moved} damaged file${moved === 1 ? '' : 's'} moved aside\n`);
  return failed ? 1 : 0;
}

/**
 * `problem`: what is wrong with a damaged file (none when it is sound); `unchecked`: why it could not be
 * read at all for another reason (permissions, a lock), which is no reason to move it.
 */
function check(file: string): { problem?: string; unchecked?: string } {
  let db: Database.Database | undefined;
  try {
    // Read-only: a damaged file's -wal is evidence, and closing a writable connection may delete it.
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const bad = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    return bad.length === 0 ? {} : { problem: bad.slice(0, 3).join('; ') };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    const text = `${code ? `${code}: ` : ''}${(e as Error).message}`;
    return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') ? { problem: text } : { unchecked: text };
  } finally {
    db?.close();
  }
}
