// Makes outbox.db's unsynced commits durable off the event loop: an fsync of its WAL (where every commit
// is, until a checkpoint copies it into outbox.db) on libuv's thread pool, so no disk sync stalls reading
// syslog or sending alerts: a checkpoint on the event loop stalled it for milliseconds under load, and a
// worker thread running it instead cost more RSS than the rest of the outbox. The first sync also syncs
// the directory: SQLite does that with its first sync of a new WAL file, which no commit does now.
import { closeSync, fstatSync, fsync, open, openSync } from 'node:fs';
import { dirname } from 'node:path';

export class OutboxSyncer {
  private fd: number | undefined;
  private dirSynced = false;
  /** A sync under way: its descriptor must stay open until it ends (a closed number may be reused). */
  private inFlight = 0;
  private closed = false;

  /** `wal`: the database's `-wal` file; it exists once the database has been written. */
  constructor(private readonly wal: string) {}

  /** Resolves once every commit written before the call is on the disk. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      const fd = (this.fd ??= openSync(this.wal, 'r'));
      this.inFlight++;
      fsync(fd, (e) => {
        if (e) return this.settle(() => reject(e));
        if (this.dirSynced) return this.settle(resolve);
        syncDirectory(dirname(this.wal), (dirError) => {
          this.dirSynced = dirError === null;
          this.settle(() => (dirError ? reject(dirError) : resolve()));
        });
      });
    });
  }

  /** Bytes in the WAL file: past SQLite's size limit for it, it holds more than that since its last checkpoint. */
  walBytes(): number {
    return this.fd === undefined ? 0 : fstatSync(this.fd).size;
  }

  close(): void {
    this.closed = true;
    if (this.inFlight === 0) this.release();
  }

  private settle(done: () => void): void {
    this.inFlight--;
    if (this.closed && this.inFlight === 0) this.release();
    done();
  }

  private release(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function syncDirectory(dir: string, done: (e: NodeJS.ErrnoException | null) => void): void {
  open(dir, 'r', (e, fd) => {
    if (e) return done(e);
    fsync(fd, (syncError) => {
      closeSync(fd);
      done(syncError);
    });
  });
}
