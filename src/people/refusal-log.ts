// Refused answers are logged, but someone posting garbage at /answer or /slack/actions must not fill the
// disk with log lines: up to BURST lines per minute; what was held back is said in one line when that minute
// ends (or when the asker closes: a stop, a reload), never left for a next refusal that may not come. The
// count of every refusal is in the asker's stats and /metrics (relay_questions_total{outcome="refused"}).
import type { Clock, Timer } from '../clock.ts';
import type { Logger } from '../log.ts';

const WINDOW_MS = 60_000;
const BURST = 20;

export class RefusalLog {
  private windowStart = Number.NEGATIVE_INFINITY;
  private inWindow = 0;
  private heldBack = 0;
  private timer: Timer | undefined;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  warn(fields: Record<string, unknown>, msg: string): void {
    const now = this.clock.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow >= BURST) {
      this.heldBack++;
      this.timer ??= this.clock.setTimer(this.windowStart + WINDOW_MS - now, () => this.flush());
      return;
    }
    this.inWindow++;
    this.log.warn(fields, msg);
  }

  /** Says how many refusals went unlogged since the last line that did. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.heldBack === 0) return;
    this.log.warn({ heldBack: this.heldBack }, `${this.heldBack} more answers refused in the last minute; not logged one by one`);
    this.heldBack = 0;
  }
}
