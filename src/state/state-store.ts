// The pipeline's state store: what the stages hold between events (open groups, repeat windows, throttle
// holds, pending sudo calls, frequency windows, change baselines) kept so that a restart, a SIGKILL or a
// reload resumes it. Each stage owns one namespace of entries (key → JSON value) and tells the store
// when an entry changed; the store is the only place that knows how they are kept. Writes are batched:
// every change made in one turn of the event loop is written in one transaction at its end, and only the
// entry's latest value is written, so a flood costs a write per key per turn, not per event.
import type { StoreHealth } from './store-health.ts';

export interface StateStore {
  /** Every entry of a namespace, as last written (at start and reload). */
  load(namespace: string): Map<string, unknown>;
  /** Set an entry; durable by the end of this turn. The value must survive JSON.stringify unchanged. */
  put(namespace: string, key: string, value: unknown): void;
  /** Remove an entry; durable by the end of this turn. */
  delete(namespace: string, key: string): void;
  /** Write what is pending now (shutdown, tests). */
  flush(): void;
  health(): StoreHealth;
  close(): void;
}

/** A store that keeps nothing across processes: `relay replay`, tests that do not restart. */
export class MemoryStateStore implements StateStore {
  private readonly entries = new Map<string, Map<string, unknown>>();

  load(namespace: string): Map<string, unknown> {
    return new Map(this.entries.get(namespace));
  }

  put(namespace: string, key: string, value: unknown): void {
    let ns = this.entries.get(namespace);
    if (!ns) this.entries.set(namespace, (ns = new Map()));
    ns.set(key, structuredClone(value));
  }

  delete(namespace: string, key: string): void {
    this.entries.get(namespace)?.delete(key);
  }

  flush(): void {}

  health(): StoreHealth {
    return { writable: true };
  }

  close(): void {}
}
