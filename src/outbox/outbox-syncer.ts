// Makes outbox.db's unsynced commits durable off the event loop: a worker thread with its own SQLite
// connection runs the PASSIVE checkpoint (a sync of the WAL, the copy into outbox.db, a sync of that), so
// neither the disk syncs nor the copying stall reading syslog or sending alerts. Measured on the bench
// machine under load: one checkpoint on the event loop took 0.8–16 ms (most 1–5 ms), twice a second while
// alerts flow. The worker costs about 2 MB and starts at the first sync. Should it fail, syncing goes on,
// on the event loop, with one warning.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { describeError } from '../describe-error.ts';
import type { Logger } from '../log.ts';

/**
 * Slots of the state shared with the worker: a checkpoint is under way; the outbox is closing (start
 * none); the worker closed its connection.
 */
const BUSY = 0;
const CLOSING = 1;
const CLOSED = 2;
/** Longest close waits for a checkpoint under way in the worker, and then for the worker to close the file. */
const CLOSE_WAIT_MS = 5000;

// Plain CommonJS run with `eval`, so it loads the same way from the TypeScript source, the tests and dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const state = new Int32Array(workerData.state);
let db;
function open() {
  try {
    const opened = new Database(workerData.file, { fileMustExist: true });
    opened.pragma('busy_timeout = 5000');
    opened.pragma('synchronous = NORMAL');
    return opened;
  } catch (e) {
    e.fatal = true;
    throw e;
  }
}
parentPort.on('message', (op) => {
  if (op === 'close') {
    db?.close();
    Atomics.store(state, ${CLOSED}, 1);
    Atomics.notify(state, ${CLOSED});
    parentPort.close();
    return;
  }
  Atomics.store(state, ${BUSY}, 1);
  try {
    if (Atomics.load(state, ${CLOSING}) === 1) return parentPort.postMessage({ done: false });
    db ??= open();
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ done: r === undefined || r.checkpointed >= r.log });
  } catch (e) {
    parentPort.postMessage({ error: String(e.message), code: e.code, fatal: e.fatal === true });
  } finally {
    Atomics.store(state, ${BUSY}, 0);
    Atomics.notify(state, ${BUSY});
  }
});
`;

/** A sync's outcome; `fatal`: the worker cannot open the file, so it cannot sync at all. */
type Reply = { done: boolean } | { error: string; code?: string; fatal: boolean };

/** A sync the worker refused: the error SQLite gave, with its code. */
class SyncError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

export class OutboxSyncer {
  private worker: Worker | undefined;
  /** The worker failed: syncs run on the event loop (`fallback`) from then on. */
  private broken = false;
  private readonly state = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private readonly waiting: { resolve: (done: boolean) => void; reject: (e: unknown) => void }[] = [];

  /** `fallback` syncs on the calling thread (OutboxDb.sync). */
  constructor(private readonly file: string, private readonly fallback: () => boolean, private readonly log: Logger) {}

  /** Resolves true once every commit so far is durable, false when part of the WAL could not be copied yet. */
  sync(): Promise<boolean> {
    if (!this.broken) {
      try {
        const worker = (this.worker ??= this.start());
        return new Promise((resolve, reject) => {
          this.waiting.push({ resolve, reject });
          worker.postMessage('sync');
        });
      } catch (e) {
        this.fail(e);
      }
    }
    return new Promise((resolve) => resolve(this.fallback()));
  }

  /**
   * Lets a checkpoint under way in the worker finish (so the caller's last sync is not refused as busy),
   * starts none after it, and waits for the worker to close the file (its descriptors are the process's).
   */
  close(): void {
    Atomics.store(this.state, CLOSING, 1);
    // No worker (never started, or failed and terminated): nothing to wait for.
    if (!this.worker) return;
    Atomics.wait(this.state, BUSY, 1, CLOSE_WAIT_MS);
    this.worker.postMessage('close');
    Atomics.wait(this.state, CLOSED, 0, CLOSE_WAIT_MS);
  }

  private start(): Worker {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { file: this.file, sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), state: this.state.buffer },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    // Never what keeps relay running: close() and the final sync belong to the outbox.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      if ('error' in reply && reply.fatal) return this.fail(new SyncError(reply.error, reply.code));
      const waiter = this.waiting.shift();
      if ('error' in reply) waiter?.reject(new SyncError(reply.error, reply.code));
      else waiter?.resolve(reply.done);
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (Atomics.load(this.state, CLOSING) === 0) this.fail(new Error(`the sync thread exited (${code})`));
    });
    return worker;
  }

  private fail(e: unknown): void {
    if (this.broken) return;
    this.broken = true;
    void this.worker?.terminate();
    this.worker = undefined;
    this.log.warn({ file: this.file, err: describeError(e) }, 'outbox sync thread failed; syncing on the main thread from now on');
    for (const waiter of this.waiting.splice(0)) {
      try {
        waiter.resolve(this.fallback());
      } catch (fallbackError) {
        waiter.reject(fallbackError);
      }
    }
  }
}
