// Delivered rows leave the outbox in one transaction with the other sends that finished in the same turn of
// the event loop: one commit for many. Each send hears when its rows' removal is written.
import type { Outbox, OutboxRow } from '../outbox/outbox.ts';

interface Done {
  rows: readonly OutboxRow[];
  /** Runs once the removal is written, before the send's promise settles. */
  written: () => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class DeliveredBatch {
  private readonly done: Done[] = [];

  constructor(private readonly outbox: Outbox) {}

  /** Resolves once the rows' removal is written; rejects when the outbox could not write it. */
  add(rows: readonly OutboxRow[], written: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.done.push({ rows, written, resolve, reject });
      if (this.done.length === 1) setImmediate(() => this.write());
    });
  }

  private write(): void {
    const done = this.done.splice(0);
    try {
      this.outbox.remove(done.flatMap((d) => d.rows));
    } catch (e) {
      for (const d of done) d.reject(e);
      return;
    }
    for (const d of done) {
      d.written();
      d.resolve();
    }
  }
}
