// One alert per notifier it names, each on its own from here on (a notifier's throttle, its delivery lane).
// A notifier the plan left out (its URL is an unset optional secret: disabled) gets nothing, and nothing is
// counted for it.
import type { Alert } from '../alert.ts';
import { Stage } from './stage.ts';

export class FanOut extends Stage<Alert, Alert> {
  /** Alerts not made for a disabled notifier, per notifier name. */
  readonly disabled = new Map<string, number>();

  constructor(private readonly enabled: ReadonlySet<string>) {
    super();
  }

  push(alert: Alert): void {
    for (const name of alert.notify) {
      if (this.enabled.has(name)) this.next.push(alert.notify.length === 1 ? alert : { ...alert, notify: [name] });
      else this.disabled.set(name, (this.disabled.get(name) ?? 0) + 1);
    }
  }
}
