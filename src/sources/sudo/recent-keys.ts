// A bounded memory of recently handed-on event keys, so the same sudo event read twice (a re-read
// spool, or the socket and the spool) goes on once. The oldest keys are forgotten first.

export class RecentKeys {
  readonly #capacity: number;
  readonly #keys = new Set<string>();

  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('RecentKeys capacity must be a positive integer');
    this.#capacity = capacity;
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    this.#keys.delete(key);
    this.#keys.add(key);
    if (this.#keys.size > this.#capacity) {
      // A Set iterates in insertion order: the first key is the oldest.
      const oldest = this.#keys.values().next().value as string;
      this.#keys.delete(oldest);
    }
  }

  /** Records `key`; true if it was already among the recent keys (for the live listener). */
  seen(key: string): boolean {
    const had = this.#keys.has(key);
    this.add(key);
    return had;
  }

  get size(): number {
    return this.#keys.size;
  }
}
