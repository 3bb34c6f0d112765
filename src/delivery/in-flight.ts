// A lane's sends under way: the rows being sent (or sent, until their removal is written), so none is sent
// twice at once; their alert keys, so a second alert of one key waits for the first and alerts of a key
// reach the receiver in the order they were raised; and the first failure to write a send's outcome, which
// stops the lane's loop.
import type { OutboxHead } from '../outbox/outbox.ts';

/** Two alerts with one key are never in flight together. */
export function keyOf(row: Pick<OutboxHead, 'rule' | 'key'>): string {
  return `${row.rule}\u0000${row.key}`;
}

export class InFlight {
  private readonly seqs = new Set<number>();
  private readonly keys = new Set<string>();
  private readonly sends = new Set<Promise<void>>();
  private broken: unknown;

  /** Rows in flight. */
  get size(): number {
    return this.seqs.size;
  }

  has(seq: number): boolean {
    return this.seqs.has(seq);
  }

  /** The seqs in flight (those a fold or a move must leave alone). */
  rows(): ReadonlySet<number> {
    return this.seqs;
  }

  /** The alert keys in flight, as a set the caller may add to. */
  heldKeys(): Set<string> {
    return new Set(this.keys);
  }

  /**
   * Runs `send` for `rows` in the background; `settled` is told when it ended, whichever way. A send that
   * throws could not write its outcome: `throwIfBroken` says so to the loop.
   */
  start(rows: readonly OutboxHead[], send: () => Promise<void>, settled: () => void): void {
    for (const r of rows) {
      this.seqs.add(r.seq);
      this.keys.add(keyOf(r));
    }
    const running = send()
      .catch((e: unknown) => {
        this.broken ??= e;
      })
      .finally(() => {
        for (const r of rows) {
          this.seqs.delete(r.seq);
          this.keys.delete(keyOf(r));
        }
        this.sends.delete(running);
        settled();
      });
    this.sends.add(running);
  }

  throwIfBroken(): void {
    if (this.broken !== undefined) throw this.broken;
  }

  /** Resolves once every send under way has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.sends]);
  }
}
