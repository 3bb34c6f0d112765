// One owner's namespace in the state store, and the one way anything writes there: the owner (a pipeline
// stage, the asker, the sudo tables) says which of its keys changed, and once per turn of the event loop (its
// check phase) each changed key's current value is encoded and handed to the store, which writes everything
// handed to it in that turn in one transaction (or puts it back when undefined: the owner no longer holds it).
// A flood touching one key costs one write per turn. A store saves a namespace's changes before anyone loads
// it, and when it is flushed or closed.
import type { Logger } from '../log.ts';

/** What a namespace needs of its store. */
export interface NamespaceHost {
  load(namespace: string): Map<string, unknown>;
  /** An entry's latest value, JSON-safe; undefined: the entry goes. */
  write(namespace: string, key: string, value: unknown): void;
  /** The namespace has changes it has not handed over yet (true), or none any more (false). */
  unsaved(ns: StateNamespace, pending: boolean): void;
}

export class StateNamespace {
  private readonly dirty = new Set<string>();
  private scheduled = false;
  /** Entries not restored because their rule is gone, per rule name. */
  private readonly gone = new Map<string, number>();

  /** @param encode a key's current value in plain JSON, undefined when the owner no longer holds it */
  constructor(
    readonly name: string,
    private readonly encode: (key: string) => unknown,
    private readonly host: NamespaceHost,
  ) {}

  load(): Map<string, unknown> {
    return this.host.load(this.name);
  }

  /** A loaded entry whose rule no longer exists (renamed or removed): removed from the store, said by `loaded`. */
  drop(key: string, rule: string): void {
    this.gone.set(rule, (this.gone.get(rule) ?? 0) + 1);
    this.changed(key);
  }

  /** One line saying what was not restored, when something was not. */
  loaded(log: Logger): void {
    if (this.gone.size === 0) return;
    log.info({ stage: this.name, rules: Object.fromEntries(this.gone) }, `${this.name}: state of rules that no longer exist was dropped`);
    this.gone.clear();
  }

  changed(key: string): void {
    this.dirty.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    this.host.unsaved(this, true);
    // At the end of the loop's turn, not of the current callback: a turn may read many chunks of a flood or
    // fire many timers, and a hot entry (an open group, a rule's overflow) is then encoded once, not per chunk.
    setImmediate(() => this.save());
  }

  /** Hand every changed key to the store now (end of a turn, stop, a load or flush of the store). */
  save(): void {
    if (this.scheduled) this.host.unsaved(this, false);
    this.scheduled = false;
    for (const key of this.dirty) this.host.write(this.name, key, this.encode(key));
    this.dirty.clear();
  }
}

/** The namespaces of one store with changes not handed over yet, saved before a load, a flush or a close. */
export class UnsavedNamespaces {
  private readonly pending = new Set<StateNamespace>();

  constructor(private readonly host: Omit<NamespaceHost, 'unsaved'>) {}

  open(name: string, encode: (key: string) => unknown): StateNamespace {
    return new StateNamespace(name, encode, {
      load: (namespace) => this.host.load(namespace),
      write: (namespace, key, value) => this.host.write(namespace, key, value),
      unsaved: (ns, pending) => (pending ? this.pending.add(ns) : this.pending.delete(ns)),
    });
  }

  /** Saves the namespaces called `name` (all without it). */
  save(name?: string): void {
    for (const ns of [...this.pending]) if (name === undefined || ns.name === name) ns.save();
  }
}
