// What the dispatcher's parts share: its settings and outbox, its counters, whether it is stopping, and the
// two ways a lane's row count changes (rows gone, rows landed). Passed to the loop, send and failure
// functions, so each of those files does its one job without reaching into the Dispatcher class.
import type { Clock } from '../clock.ts';
import type { DeliveryConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Outbox, OutboxRow } from '../outbox/outbox.ts';
import type { DeliveryStats, NotifierStatsBook } from './delivery-stats.ts';
import type { Fallbacks } from './fallback.ts';
import type { Lane } from './lane.ts';

/** The delivery settings the lanes read: all but sync_interval, which is the outbox's. */
export type DispatchConfig = Omit<DeliveryConfig, 'sync_interval'>;

/** A send that succeeded, waiting for its rows' removal to be written. */
export interface DoneSend {
  lane: Lane;
  rows: OutboxRow[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface DeliveryState {
  readonly config: DispatchConfig;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly log: Logger;
  readonly stats: DeliveryStats;
  readonly byNotifier: NotifierStatsBook;
  fallbacks: Fallbacks;
  stopped: boolean;
  /** One per send in flight, each aborted at its timeout or at shutdown, which cuts it short (see lane-send.ts). */
  readonly aborts: Set<AbortController>;
  /** Set by `drain`: told whenever a lane finishes a send or starts to wait. */
  onProgress: (() => void) | undefined;
  /** Sends that succeeded, waiting for their rows' removal to be written (writeDelivered). */
  readonly done: DoneSend[];
  /** `n` rows of the lane left the outbox (sent, dead, moved or folded). */
  forget(lane: Lane, n: number): void;
  /** Rows that reached the outbox, by notifier name. */
  landed(names: readonly string[]): void;
}
