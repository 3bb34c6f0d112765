// Turns the sudo plugin's spool into sudo events for the listener: at start and then periodically,
// each event handed on once (spool-file.ts says what a crash can repeat; the key window drops it).
import { parseSudoEvent, sudoEventKey, type SudoEvent } from './event-schema.ts';
import { RecentKeys } from './recent-keys.ts';
import { drainSpoolFile, type DrainOptions } from './spool-file.ts';

export type SpoolRecord = { ok: true; event: SudoEvent } | { ok: false; reason: string; line: string };

/** Awaited before the next record is read: resolve once the record is safely handed on. */
export type RecordHandler = (record: SpoolRecord) => Promise<void> | void;

export interface CollectSpoolOptions extends DrainOptions {
  /** Keys already handed on; share it with the live socket listener to drop events seen on both. */
  recent?: RecentKeys;
}

export interface CollectStats {
  events: number;
  invalid: number;
  duplicates: number;
}

/** Hands every spooled event not seen recently, and every line that is not one, to `onRecord`. */
export async function collectSpool(path: string, onRecord: RecordHandler, opts: CollectSpoolOptions = {}): Promise<CollectStats> {
  const recent = opts.recent ?? new RecentKeys();
  const stats: CollectStats = { events: 0, invalid: 0, duplicates: 0 };
  await drainSpoolFile(
    path,
    async (l) => {
      if (!l.complete) {
        stats.invalid++;
        return onRecord({ ok: false, reason: 'incomplete spool line (torn write or over the size limit)', line: l.line });
      }
      if (l.line.trim() === '') return;
      const parsed = parseSudoEvent(l.line);
      if (!parsed.ok) {
        stats.invalid++;
        return onRecord({ ok: false, reason: parsed.reason, line: l.line });
      }
      const key = sudoEventKey(parsed.event);
      if (recent.has(key)) {
        stats.duplicates++;
        return;
      }
      await onRecord({ ok: true, event: parsed.event });
      // Remembered only once handed on, so a failed hand-over is retried rather than dropped as a repeat.
      recent.add(key);
      stats.events++;
    },
    opts,
  );
  return stats;
}

export interface SpoolCollectorOptions extends CollectSpoolOptions {
  path: string;
  /** Time between collections; the first runs at start(). */
  intervalMs?: number;
  onRecord: RecordHandler;
  /** A collection failed (permissions, I/O, onRecord threw); the next one retries. */
  onError: (error: unknown) => void;
}

/**
 * Collections of one spool path in this process, one after the other: for a moment during a reload that
 * replaces the sudo listener, the old and the new one both collect it, and two drains of one file at once
 * would hand its lines on twice.
 */
const collectionsOf = new Map<string, Promise<unknown>>();

/** Collects the spool at start() and every `intervalMs`, never two collections of one path at once. */
export class SpoolCollector {
  readonly #opts: SpoolCollectorOptions;
  readonly #recent: RecentKeys;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CollectStats> | undefined;
  #abort = new AbortController();

  constructor(opts: SpoolCollectorOptions) {
    this.#opts = opts;
    this.#recent = opts.recent ?? new RecentKeys();
  }

  start(): void {
    this.#abort = new AbortController();
    const tick = (): void => {
      this.collectOnce()
        .catch((e: unknown) => this.#opts.onError(e))
        .finally(() => {
          if (this.#abort.signal.aborted) return;
          this.#timer = setTimeout(tick, this.#opts.intervalMs ?? 60_000);
          this.#timer.unref();
        });
    };
    tick();
  }

  /** One collection now; joins the one in progress if there is one. */
  collectOnce(): Promise<CollectStats> {
    if (this.#running) return this.#running;
    const { path, onRecord } = this.#opts;
    const options = { ...this.#opts, recent: this.#recent, signal: this.#abort.signal };
    const before = collectionsOf.get(path) ?? Promise.resolve();
    const collection = before.catch(() => undefined).then(() => collectSpool(path, onRecord, options));
    collectionsOf.set(path, collection);
    this.#running = collection.finally(() => {
      this.#running = undefined;
      if (collectionsOf.get(path) === collection) collectionsOf.delete(path);
    });
    return this.#running;
  }

  /** Stops the schedule; a running collection stops after its current record, keeping the rest. */
  async stop(): Promise<void> {
    this.#abort.abort();
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
