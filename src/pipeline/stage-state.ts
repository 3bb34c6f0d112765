// One stage's namespace in the state store, written the cheap way: the stage says which of its keys
// changed, and once per turn of the event loop (its check phase) each changed key's current value is
// encoded and put (or deleted when the stage no longer holds it). A flood touching one group costs one
// write per turn.
import type { Logger } from '../log.ts';
import type { StateStore } from '../state/state-store.ts';

export class StageState {
  private readonly dirty = new Set<string>();
  private scheduled = false;
  /** Entries not restored because their rule is gone, per rule name. */
  private readonly gone = new Map<string, number>();

  /** @param encode a key's current value in plain JSON, undefined when the stage no longer holds it */
  constructor(
    private readonly store: StateStore,
    readonly namespace: string,
    private readonly encode: (key: string) => unknown,
  ) {}

  load(): Map<string, unknown> {
    return this.store.load(this.namespace);
  }

  /** A loaded entry whose rule no longer exists (renamed or removed): removed from the store, said by `loaded`. */
  drop(key: string, rule: string): void {
    this.gone.set(rule, (this.gone.get(rule) ?? 0) + 1);
    this.changed(key);
  }

  /** One line saying what was not restored, when something was not. */
  loaded(log: Logger): void {
    if (this.gone.size === 0) return;
    log.info({ stage: this.namespace, rules: Object.fromEntries(this.gone) }, `${this.namespace}: state of rules that no longer exist was dropped`);
    this.gone.clear();
  }

  changed(key: string): void {
    this.dirty.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    // At the end of the loop's turn, not of the current callback: a turn may read many chunks of a flood or
    // fire many timers, and a hot entry (an open group, a rule's overflow) is then encoded once, not per chunk.
    setImmediate(() => this.save());
  }

  /** Hand every changed key to the store now (end of a turn, stop). */
  save(): void {
    this.scheduled = false;
    for (const key of this.dirty) {
      const value = this.encode(key);
      if (value === undefined) this.store.delete(this.namespace, key);
      else this.store.put(this.namespace, key, value);
    }
    this.dirty.clear();
  }
}
