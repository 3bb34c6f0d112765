// A lane's loop waiting: until a row becomes due (`at`), or, without one or sooner, until something wakes it
// (a send finished, new rows, shutdown).
import type { Clock } from '../clock.ts';

export class LaneWait {
  /** Set while the loop waits for its head to become due. */
  at: number | undefined;
  private done: (() => void) | undefined;

  constructor(private readonly clock: Clock) {}

  /** Whether the loop is waiting at all. */
  get waiting(): boolean {
    return this.done !== undefined;
  }

  /** Ends the wait early, if there is one. */
  wake(): void {
    this.done?.();
  }

  until(at: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        timer?.cancel();
        this.at = undefined;
        this.done = undefined;
        resolve();
      };
      const timer = at === undefined ? undefined : this.clock.setTimer(at - this.clock.now(), done);
      this.at = at;
      this.done = done;
    });
  }
}
