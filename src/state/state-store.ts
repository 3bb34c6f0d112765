// The pipeline's state store: what the stages hold between events (open groups, repeat windows, throttle
// holds, pending sudo calls, frequency windows, change baselines), the questions asked, and the sudo tables
// `relay test-sudo` reads, kept so that a restart, a SIGKILL or a reload resumes it. Each owner has its
// namespaces of entries (key → JSON value) and writes them one way: it says which key changed
// (state-namespace.ts), and the store writes every change of a turn in one transaction at its end, the
// entry's latest value only, so a flood costs a write per key per turn, not per event.
import { type StateNamespace, UnsavedNamespaces } from './state-namespace.ts';
import type { StoreHealth } from './store-health.ts';

export type { StateNamespace } from './state-namespace.ts';

export interface StateStore {
  /** Every entry of a namespace, as last written or handed over (at start and reload; another process). */
  load(namespace: string): Map<string, unknown>;
  /** An owner's namespace; `encode` gives a key's current value, undefined once the owner no longer holds it. */
  namespace(name: string, encode: (key: string) => unknown): StateNamespace;
  /** Write what is pending now (a reload, tests). */
  flush(): void;
  health(): StoreHealth;
  close(): void;
}

/** A store that keeps nothing across processes: `relay replay`, tests that do not restart. */
export class MemoryStateStore implements StateStore {
  private readonly entries = new Map<string, Map<string, unknown>>();
  private readonly unsaved = new UnsavedNamespaces({
    load: (namespace) => this.load(namespace),
    write: (namespace, key, value) => this.write(namespace, key, value),
  });

  load(namespace: string): Map<string, unknown> {
    this.unsaved.save(namespace);
    return new Map(this.entries.get(namespace));
  }

  namespace(name: string, encode: (key: string) => unknown): StateNamespace {
    return this.unsaved.open(name, encode);
  }

  flush(): void {
    this.unsaved.save();
  }

  health(): StoreHealth {
    return { writable: true };
  }

  close(): void {
    this.unsaved.save();
  }

  private write(namespace: string, key: string, value: unknown): void {
    let ns = this.entries.get(namespace);
    if (!ns) this.entries.set(namespace, (ns = new Map()));
    if (value === undefined) ns.delete(key);
    else ns.set(key, structuredClone(value));
  }
}
