// A flood of garbage must not become a flood of log lines: at most one warning per interval, and the
// next one that gets through says how many were held back (the stats count every one of them anyway).
import type { Logger } from '../log.ts';

export class WarnLimiter {
  #last = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(fields: Record<string, unknown>, msg: string): void {
    const t = this.now();
    if (t - this.#last < this.intervalMs) {
      this.#suppressed++;
      return;
    }
    this.log.warn(this.#suppressed > 0 ? { ...fields, suppressed: this.#suppressed } : fields, msg);
    this.#last = t;
    this.#suppressed = 0;
  }
}
