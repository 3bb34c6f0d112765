// The last sudo events the running relay received, kept in the state store (namespace `sudo-recent`), so
// `relay test-sudo` (another process) can show them. The newest KEEP, across restarts.
import type { RelayEvent } from '../event.ts';
import { readStateNamespace } from './sqlite-state-store.ts';
import type { StateNamespace, StateStore } from './state-store.ts';

export interface RecentSudoEvent {
  receivedAt: string;
  listener: string;
  peer?: string;
  host?: string;
  event: unknown;
  user: unknown;
  command: unknown;
  id: unknown;
}

const NAMESPACE = 'sudo-recent';
const KEEP = 20;

/** Keys number the events in the order received; padded, so they sort as strings in that order. */
const keyOf = (n: number): string => String(n).padStart(15, '0');

export class RecentSudoLog {
  /** Oldest first. */
  private readonly entries = new Map<string, RecentSudoEvent>();
  private next = 0;
  private readonly state: StateNamespace;

  constructor(store: StateStore) {
    this.state = store.namespace(NAMESPACE, (key) => this.entries.get(key));
    for (const [key, e] of [...this.state.load()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      this.entries.set(key, e as RecentSudoEvent);
      this.next = Number(key) + 1;
    }
    this.trim();
  }

  record(e: RelayEvent): void {
    const key = keyOf(this.next++);
    this.entries.set(key, {
      receivedAt: e.receivedAt.toISOString(),
      listener: e.listener,
      peer: e.peer,
      host: e.host,
      event: e.fields.event,
      user: e.fields.user,
      command: e.fields.command,
      id: e.fields.id,
    });
    this.state.changed(key);
    this.trim();
  }

  private trim(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= KEEP) break;
      this.entries.delete(key);
      this.state.changed(key);
    }
  }
}

/** What the running relay last wrote, oldest first; [] when it has written nothing yet. */
export function readRecentSudo(stateDir: string): RecentSudoEvent[] {
  return [...readStateNamespace(stateDir, NAMESPACE)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e as RecentSudoEvent);
}
