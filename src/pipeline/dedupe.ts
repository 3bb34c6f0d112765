// repeat_interval: an alert whose key was sent less than `repeat_interval` ago is not sent again; it is
// counted, and when the interval ends the latest of them goes out saying how often it repeated. An alert
// that keeps coming thus goes out once per interval; one that stops leaves no state behind.
// Open windows live in the state store with their end, so a restart resumes them. A rule holds at most
// limits.keys_per_rule windows: an alert of a new key past that goes out un-deduplicated, saying so.
import { countedTitle, type Alert } from '../alert.ts';
import type { Clock, Timer } from '../clock.ts';
import { formatDuration } from '../config/duration.ts';
import type { Logger } from '../log.ts';
import type { StateNamespace, StateStore } from '../state/state-store.ts';
import type { KeyLimit } from './key-limit.ts';
import { Stage } from './stage.ts';

interface Window {
  readonly rule: string;
  readonly interval: number;
  /** Epoch ms the interval ends. */
  readonly end: number;
  timer: Timer;
  repeats: number;
  events: number;
  latest: Alert | undefined;
}

interface WindowJson {
  rule: string;
  interval: number;
  end: number;
  repeats: number;
  events: number;
  latest?: Alert;
}

export class Dedupe extends Stage<Alert, Alert> {
  private readonly windows = new Map<string, Window>();
  private readonly state: StateNamespace;
  /** Alerts held back as repeats so far (each is also said in a later message). */
  suppressed = 0;

  constructor(
    private readonly intervalOf: (rule: string) => number,
    private readonly clock: Clock,
    private readonly limit: KeyLimit,
    store: StateStore,
    ruleExists: (rule: string) => boolean,
    log: Logger,
  ) {
    super();
    this.state = store.namespace('dedupe', (key) => {
      const w = this.windows.get(key);
      return (
        w && {
          rule: w.rule,
          interval: w.interval,
          end: w.end,
          repeats: w.repeats,
          events: w.events,
          ...(w.latest ? { latest: w.latest } : {}),
        }
      );
    });
    this.restore(ruleExists, log);
  }

  push(alert: Alert): void {
    const interval = this.intervalOf(alert.rule);
    if (interval === 0) return this.next.push(alert);
    const open = this.windows.get(alert.key);
    if (open) {
      open.repeats++;
      open.events += alert.count;
      open.latest = alert;
      this.suppressed++;
      this.state.changed(alert.key);
      return;
    }
    if (!this.limit.take(alert.rule)) {
      this.limit.overflow(alert.rule, alert.count);
      return this.next.push({
        ...alert,
        body: `${alert.body}\n\n(sent without repeat_interval: the rule holds limits.keys_per_rule (${this.limit.max}) repeat windows)`,
      });
    }
    this.open(alert.key, alert.rule, interval);
    this.next.push(alert);
  }

  /** Say every repeat still held (end of a replay). */
  override flush(): void {
    for (const [key, w] of this.windows) {
      this.close(key, w);
      if (w.latest) this.next.push(folded(w, w.latest));
    }
  }

  /** Stop: open windows stay in the store and resume on the next start. */
  override stop(): void {
    for (const w of this.windows.values()) w.timer.cancel();
    this.state.save();
  }

  private open(key: string, rule: string, interval: number): void {
    this.arm(key, { rule, interval, end: this.clock.now() + interval, repeats: 0, events: 0, latest: undefined, timer: { cancel() {} } });
    this.state.changed(key);
  }

  private arm(key: string, w: Window): void {
    w.timer = this.clock.setTimer(Math.max(0, w.end - this.clock.now()), () => this.ended(key, w));
    this.windows.set(key, w);
  }

  private ended(key: string, w: Window): void {
    this.close(key, w);
    if (!w.latest) return;
    const interval = this.intervalOf(w.rule);
    // The window just ended holds a place under the cap again for the one this repeat opens.
    if (interval > 0 && this.limit.take(w.rule)) this.open(key, w.rule, interval);
    this.next.push(folded(w, w.latest));
  }

  private close(key: string, w: Window): void {
    w.timer.cancel();
    this.windows.delete(key);
    this.limit.release(w.rule);
    this.state.changed(key);
  }

  /** Windows from the store, in the order they end; one that ended while relay was down ends at once. */
  private restore(ruleExists: (rule: string) => boolean, log: Logger): void {
    const entries = [...this.state.load()] as [string, WindowJson][];
    entries.sort((a, b) => a[1].end - b[1].end);
    for (const [key, j] of entries) {
      if (!ruleExists(j.rule)) {
        this.state.drop(key, j.rule);
        continue;
      }
      this.limit.hold(j.rule);
      this.arm(key, {
        rule: j.rule,
        interval: j.interval,
        end: j.end,
        repeats: j.repeats,
        events: j.events,
        latest: j.latest,
        timer: { cancel() {} },
      });
    }
    this.state.loaded(log);
  }
}

function folded(w: Window, latest: Alert): Alert {
  const events = w.events === w.repeats ? '' : ` (${w.events} events)`;
  return {
    ...latest,
    title: countedTitle(latest, w.events),
    count: w.events,
    body: `${latest.body}\n\n(repeated ${w.repeats} time${w.repeats === 1 ? '' : 's'}${events} in the last ${formatDuration(w.interval)})`,
  };
}
