// A lane: one notifier's queue as the dispatcher sees it (how many rows wait, which are being sent, how many
// may be at once, its pace), and how it is made and handed a changed notifier. One place for its state, so the
// loop, the sends and the failure handling read and change the same fields.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Notifier } from '../../notifiers/types.ts';
import type { OutboxRow } from '../outbox/outbox.ts';
import { AdaptiveConcurrency } from './adaptive-concurrency.ts';
import type { NotifierCapStats } from './delivery-stats.ts';
import { LaneHealth } from './lane-health.ts';
import { Pacer } from './pacer.ts';

export interface Lane {
  notifier: Notifier;
  health: LaneHealth;
  /** Rows of this notifier in the outbox. */
  pending: number;
  running: boolean;
  loop: Promise<void>;
  /** Seqs of the rows being sent (or sent, until their removal is written): none is sent twice at once. */
  sending: Set<number>;
  /** Alert keys (rule and key) being sent: a second alert of one key waits for the first. */
  sendingKeys: Set<string>;
  /** The sends under way, each settled once its outcome is written. */
  sends: Set<Promise<void>>;
  /** How many sends may be in flight now. */
  arc: AdaptiveConcurrency;
  pacer: Pacer;
  /** The lane had nothing to send before this send: the first alert after a quiet spell goes alone. */
  idle: boolean;
  /** A send's outcome could not be written to the outbox: the loop stops with it. */
  broken: unknown;
  /** Rows admitted in the current turn, not yet counted in `pending`. */
  admitted: number;
  counters: NotifierCapStats;
  /** Set while the lane waits for its head to become due; `wake` ends the wait early (shutdown). */
  wakeAt: number | undefined;
  wake: (() => void) | undefined;
  /** Its notifier left the config (a reload): the loop ends after the send in flight. */
  retired: boolean;
}

export function newLane(notifier: Notifier, log: Logger, clock: Clock): Lane {
  return {
    notifier, health: new LaneHealth(notifier, log), pending: 0, running: false, loop: Promise.resolve(),
    sending: new Set(), sendingKeys: new Set(), sends: new Set(), arc: new AdaptiveConcurrency(notifier.concurrency), pacer: new Pacer(notifier.pace, clock),
    idle: true, broken: undefined, admitted: 0, counters: { dropped: 0, foldedByCap: 0, rerouted: 0 }, wakeAt: undefined, wake: undefined, retired: false,
  };
}

/** A lane goes on with a changed notifier: its health, concurrency and pacing start afresh with it. */
export function renotify(lane: Lane, n: Notifier, log: Logger, clock: Clock): void {
  lane.notifier = n;
  lane.health = new LaneHealth(n, log);
  lane.arc = new AdaptiveConcurrency(n.concurrency);
  lane.pacer = new Pacer(n.pace, clock);
}

/** Two alerts with one key are never in flight together: they reach the receiver in the order they were raised. */
export function keyOf(row: Pick<OutboxRow, 'rule' | 'key'>): string {
  return `${row.rule}\u0000${row.key}`;
}

/**
 * A provider's limits are per channel: a message for one person goes to that person's own channel (a DM,
 * their address), not the one the notifier's pace and bucket count.
 */
export function paced(row: Pick<OutboxRow, 'recipient'>): boolean {
  return row.recipient === undefined;
}
