// Refused answers are logged, but someone posting garbage at /answer or /slack/actions must not fill the
// disk with log lines: up to BURST lines per minute, then one line a minute saying how many were held back
// (the count in the asker's stats includes every one).
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';

const WINDOW_MS = 60_000;
const BURST = 20;

export class RefusalLog {
  private windowStart = Number.NEGATIVE_INFINITY;
  private inWindow = 0;
  private heldBack = 0;

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
      return;
    }
    this.inWindow++;
    this.log.warn(this.heldBack > 0 ? { ...fields, heldBack: this.heldBack } : fields, msg);
    this.heldBack = 0;
  }
}
