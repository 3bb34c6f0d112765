// repeat_interval: an alert whose key was sent less than `repeat_interval` ago is not sent again; it is
// counted, and when the interval ends the latest of them goes out saying how often it repeated. An alert
// that keeps coming thus goes out once per interval; one that stops leaves no state behind.
import { countedTitle, type Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import { formatDuration } from '../config/duration.ts';

interface Window {
  timer: { cancel(): void };
  repeats: number;
  events: number;
  latest: Alert | undefined;
}

export class Dedupe {
  private readonly windows = new Map<string, Window>();
  /** Alerts held back as repeats so far (each is also said in a later message). */
  suppressed = 0;

  constructor(
    private readonly intervalOf: (alert: Alert) => number,
    private readonly clock: Clock,
    private readonly next: (alert: Alert) => void,
  ) {}

  push(alert: Alert): void {
    const interval = this.intervalOf(alert);
    if (interval === 0) return this.next(alert);
    const open = this.windows.get(alert.key);
    if (open) {
      open.repeats++;
      open.events += alert.count;
      open.latest = alert;
      this.suppressed++;
      return;
    }
    this.open(alert.key, interval);
    this.next(alert);
  }

  /** Say every repeat still held (shutdown, end of a replay). */
  flush(): void {
    for (const [key, w] of this.windows) {
      w.timer.cancel();
      this.windows.delete(key);
      if (w.latest) this.next(folded(w, w.latest, this.intervalOf(w.latest)));
    }
  }

  private open(key: string, interval: number): void {
    const w: Window = { repeats: 0, events: 0, latest: undefined, timer: { cancel() {} } };
    w.timer = this.clock.setTimer(interval, () => {
      this.windows.delete(key);
      if (!w.latest) return;
      this.open(key, interval);
      this.next(folded(w, w.latest, interval));
    });
    this.windows.set(key, w);
  }
}

function folded(w: Window, latest: Alert, interval: number): Alert {
  const events = w.events === w.repeats ? '' : ` (${w.events} events)`;
  return {
    ...latest,
    title: countedTitle(latest, w.events),
    count: w.events,
    body: `${latest.body}\n\n(repeated ${w.repeats} time${w.repeats === 1 ? '' : 's'}${events} in the last ${formatDuration(interval)})`,
  };
}
