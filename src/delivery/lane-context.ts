// What a lane shares with the other lanes of its dispatcher: the delivery settings, the outbox, the totals,
// the shutdown, the batch that writes delivered rows' removal once per turn, the fallbacks in force, and the
// two things only the dispatcher can do (rows landed for some notifiers; a lane shrank below its cap).
import type { Clock } from '../clock.ts';
import type { DeliveryConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { DeliveredBatch } from './delivered-batch.ts';
import type { DeliveryStats } from './delivery-stats.ts';
import type { Fallbacks } from './fallback.ts';
import type { Shutdown } from './shutdown.ts';

/** The delivery settings the lanes read: all but sync_interval, which is the outbox's. */
export type DispatchConfig = Omit<DeliveryConfig, 'sync_interval'>;

export interface LaneContext {
  readonly config: DispatchConfig;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly log: Logger;
  /** The totals of every lane; each lane adds its own counts here too. */
  readonly totals: DeliveryStats;
  readonly shutdown: Shutdown;
  readonly delivered: DeliveredBatch;
  /** The fallbacks of the config in force (a reload replaces them). */
  fallbacks(): Fallbacks;
  /** Rows that reached the outbox, by notifier name (a reroute's copies). */
  landed(names: readonly string[]): void;
  /** Rows of `notifier` left the outbox; `pending` are left. */
  shrank(notifier: string, pending: number): void;
}
