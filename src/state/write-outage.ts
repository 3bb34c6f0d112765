// What every store in state_dir does while its disk refuses writes (full, or failing otherwise): the store
// holds what it could not write, in its own way; this says so once, reports the store unwritable since when
// (health(): /readyz, relay_store_writable), retries every 5 s until a write goes through, and then says so
// once more. One module for the outbox and the state store, so both behave alike in a disk-full outage.
import type { Clock, Timer } from '../clock.ts';
import type { Logger } from '../log.ts';
import { isDiskFull } from './sqlite-file.ts';
import type { StoreHealth } from './store-health.ts';

const RETRY_MS = 5000;

export interface WriteOutageOptions {
  clock: Clock;
  log: Logger;
  /** The store's file, named in its log lines. */
  file: string;
  /** The store as log lines name it: `outbox`, `state store`. */
  name: string;
  /** What the store does with writes the disk refuses, ending with how they are retried ("… are retried"). */
  holds: string;
  /** What the store did once the disk took its writes again. */
  healed: string;
}

export class WriteOutage {
  private failure: { since: number; error: string } | undefined;
  private timer: Timer | undefined;
  private closed = false;

  /** `retry`: writes what the store holds, and says how that went (`failed` or `succeeded`). */
  constructor(
    private readonly o: WriteOutageOptions,
    private readonly retry: () => void,
  ) {}

  /** The disk refuses the store's writes now. */
  get failing(): boolean {
    return this.failure !== undefined;
  }

  /** A retry is due later: the store waits for it rather than writing on its own meanwhile. */
  get retrying(): boolean {
    return this.timer !== undefined;
  }

  health(): StoreHealth {
    return this.failure ? { writable: false, since: this.failure.since, error: this.failure.error } : { writable: true };
  }

  /** A write failed: the first failure of an outage is logged (with `fields`), and a retry is due in 5 s. */
  failed(e: unknown, fields: Record<string, unknown> = {}): void {
    if (!this.failure) {
      const err = e instanceof Error ? e.message : String(e);
      this.failure = { since: this.o.clock.now(), error: err };
      this.o.log.error(
        { file: this.o.file, err, code: (e as { code?: string } | null)?.code, ...fields },
        `${this.o.name} cannot write${isDiskFull(e) ? ': the disk is full' : ''}; ${this.o.holds} every ${RETRY_MS / 1000}s`,
      );
    }
    if (this.closed) return;
    this.timer ??= this.o.clock.setTimer(RETRY_MS, () => {
      this.timer = undefined;
      this.retry();
    });
  }

  /** What the store held is written: an outage ends, said once (with `fields`). */
  succeeded(fields: Record<string, unknown> = {}): void {
    if (!this.failure) return;
    const since = new Date(this.failure.since).toISOString();
    this.o.log.info({ file: this.o.file, since, ...fields }, `${this.o.name} writable again; ${this.o.healed}`);
    this.failure = undefined;
  }

  /** No retry any more: the store closes (it tries its held writes once more itself). */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
  }
}
