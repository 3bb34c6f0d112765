// Tells the operator when a notifier starts failing and when it recovers: one warning at the start, a
// reminder every few minutes while it lasts, one info line at the end. A line per retry per alert would,
// during an outage with an alert flood, bury everything else in the log.
import type { Logger } from '../log.ts';
import type { Notifier } from '../../notifiers/types.ts';

/** While a notifier keeps failing, how often the warning is repeated. */
const REMIND_EVERY = 600_000;

export interface FailureDetails {
  err: string;
  code?: string;
  providerAnswer?: string;
  retryInMs: number;
  queued: number;
}

export class LaneHealth {
  private downSince: number | undefined;
  private failures = 0;
  private lastWarnAt = 0;

  constructor(
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  failed(now: number, details: FailureDetails): void {
    this.failures++;
    const context = { notifier: this.notifier.name, url: this.notifier.maskedUrl, ...details };
    if (this.downSince === undefined) {
      this.downSince = now;
      this.lastWarnAt = now;
      this.log.warn(context, 'notifier failing; alerts are kept in the outbox and retried');
    } else if (now - this.lastWarnAt >= REMIND_EVERY) {
      this.lastWarnAt = now;
      this.log.warn({ ...context, failingForMs: now - this.downSince, failures: this.failures }, 'notifier still failing');
    } else {
      this.log.debug(context, 'delivery failed, will retry');
    }
  }

  /** When the current run of failures began; undefined while the notifier delivers. */
  get failingSince(): number | undefined {
    return this.downSince;
  }

  recovered(now: number, delivered: number): void {
    if (this.downSince === undefined) return;
    this.log.info(
      { notifier: this.notifier.name, downForMs: now - this.downSince, failures: this.failures, delivered },
      'notifier recovered',
    );
    this.downSince = undefined;
    this.failures = 0;
  }
}
