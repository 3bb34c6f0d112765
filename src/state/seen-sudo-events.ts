// Which of the sudo plugin's events (one host's call id and sequence number) relay has already handed on,
// kept in the state store (namespace `sudo-seen`) so that the same event coming again is dropped also after
// a restart: a host's syslog-ng resends from its reliable disk buffer what it had sent just before the
// connection broke, and the plugin may have both sent and spooled a line relay read before it stopped.
// What is at risk is always the newest keys, so at the cap the oldest make room (said once per start);
// keys older than MAX_AGE go as well, so a quiet fleet's table shrinks. Each new key costs one map insert
// and one row, written with the turn's other changes.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { StateNamespace, StateStore } from './state-store.ts';

/** Longer than any outage after which a host's syslog-ng would still resend what it sent before it. */
export const MAX_AGE = 7 * 24 * 3_600_000;
/** Many times the events a fleet sends in the moments before a connection breaks. */
export const SEEN_CAP = 20_000;

export class SeenSudoEvents {
  /** Key → when relay first received it (epoch ms), oldest first. */
  private readonly seen = new Map<string, number>();
  private readonly state: StateNamespace;
  private capSaid = false;

  constructor(
    store: StateStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly cap = SEEN_CAP,
  ) {
    this.state = store.namespace('sudo-seen', (key) => this.seen.get(key));
    const saved = [...this.state.load()] as [string, number][];
    for (const [key, at] of saved.sort((a, b) => a[1] - b[1])) this.seen.set(key, at);
    this.prune();
  }

  /** Records the event's key; false when it was handed on before (this run or an earlier one). */
  firstTime(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.set(key, this.clock.now());
    this.state.changed(key);
    this.prune();
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(): void {
    const oldest = this.clock.now() - MAX_AGE;
    for (const [key, at] of this.seen) {
      const full = this.seen.size > this.cap;
      if (!full && at > oldest) break;
      if (full && !this.capSaid) {
        this.capSaid = true;
        this.log.warn(
          { stage: 'sudo-seen', cap: this.cap },
          'sudo events already received: table full, the oldest keys make room (a resend of those would alert again)',
        );
      }
      this.seen.delete(key);
      this.state.changed(key);
    }
  }
}
