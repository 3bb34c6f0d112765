// The stages between a parsed event and delivery, in the order data flows through them:
//   correlate (sudo calls) → route (match, rule kind) → silence → aggregate (group_wait/group_interval)
//   → render → dedupe (repeat_interval) → rule throttle → one alert per notifier → notifier throttle → deliver
// Each stage only ever calls the next one. `relay run` delivers to the dispatcher; `relay replay` collects.
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/schema.ts';
import type { RelayEvent } from '../event.ts';
import { Correlate } from './correlate.ts';
import { Router } from './router.ts';
import { Silence, type SilenceStore } from './silence.ts';
import { Aggregate } from './aggregate.ts';
import { renderBatch } from './render.ts';
import { Dedupe } from './dedupe.ts';
import { Throttle } from './throttle.ts';
import { MemoryStateStore, type StateStore } from '../state/state-store.ts';
import { silentLogger, type Logger } from '../log.ts';
import { severityLevel } from '../event.ts';

export interface PipelineOptions {
  /** Where stages keep what must survive a restart; a memory store keeps nothing across processes. */
  store?: StateStore;
  log?: Logger;
}

export interface PipelineStats {
  events: number;
  matched: Record<string, number>;
  /** Alerts per rule, counted like `alerts`: one per notifier an alert goes to. */
  alertsByRule: Record<string, number>;
  unmatched: number;
  silenced: number;
  repeatsHeld: number;
  throttled: number;
  /** Alerts that went past a rate limit because of their severity or `priority: high`. */
  throttleBypassed: number;
  /** Per stage, per rule: what went past a `limits:` cap and was counted in an overflow entry. */
  overflowed: Record<string, Record<string, number>>;
  alerts: number;
}

export class Pipeline {
  private readonly correlate: Correlate;
  private readonly router: Router;
  private readonly silence: Silence;
  private readonly aggregate: Aggregate;
  private readonly dedupe: Dedupe;
  private readonly ruleThrottle: Throttle;
  private readonly notifierThrottle: Throttle;
  private events = 0;
  private alerts = 0;
  private readonly alertsByRule = new Map<string, number>();

  constructor(config: Config, private readonly clock: Clock, deliver: (alert: Alert) => void, opts: PipelineOptions = {}) {
    const rules = new Map(config.rules.map((r) => [r.name, r]));
    this.correlate = new Correlate(config.correlate.sudo_exit_timeout, clock, (event) => this.route(event));
    this.router = new Router(config.rules);
    this.silence = new Silence(config.silences, clock, (hit) => this.aggregate.push(hit));
    this.aggregate = new Aggregate(clock, (batch) => this.dedupe.push(renderBatch(batch, clock.now())));
    this.dedupe = new Dedupe((a) => rules.get(a.rule)?.repeat_interval ?? 0, clock, (alert) => this.ruleThrottle.push(alert));
    const store = opts.store ?? new MemoryStateStore();
    const log = opts.log ?? silentLogger;
    const bypassLevel = severityLevel(config.throttle_bypass)!;
    const throttle = { clock, store, maxKeys: config.limits.keys_per_rule, log: log.child({ stage: 'throttle' }),
      bypass: (a: Alert) => (a.severity !== undefined && a.severity <= bypassLevel) || rules.get(a.rule)?.priority === 'high' };
    this.ruleThrottle = new Throttle({ ...throttle, scope: 'rule', limitOf: (name) => rules.get(name)?.throttle, bucketOf: (a) => a.rule, next: (alert) => {
      for (const name of alert.notify) this.notifierThrottle.push({ ...alert, notify: [name] });
    } });
    this.notifierThrottle = new Throttle({ ...throttle, scope: 'notifier', limitOf: (name) => config.throttle[name], bucketOf: (a) => a.notify[0]!, next: (alert) => {
      this.alerts++;
      this.alertsByRule.set(alert.rule, (this.alertsByRule.get(alert.rule) ?? 0) + 1);
      deliver(alert);
    } });
  }

  /** One parsed event in. */
  push(event: RelayEvent): void {
    this.events++;
    this.correlate.push(event);
  }

  /** Run-time silences (opened at start; `relay replay` runs with config silences only). */
  useSilences(store: SilenceStore): void {
    this.silence.attach(store);
  }

  /** Let everything held go out now, stage by stage in flow order, so nothing held is lost at shutdown. */
  flush(): void {
    this.correlate.flush();
    this.aggregate.flush();
    this.dedupe.flush();
    this.ruleThrottle.flush();
    this.notifierThrottle.flush();
    this.silence.flush();
  }

  stats(): PipelineStats {
    return {
      events: this.events,
      matched: Object.fromEntries(this.router.matched),
      alertsByRule: Object.fromEntries(this.alertsByRule),
      unmatched: this.router.unmatched,
      silenced: this.silence.silenced,
      repeatsHeld: this.dedupe.suppressed,
      throttled: this.ruleThrottle.heldBack + this.notifierThrottle.heldBack,
      throttleBypassed: this.ruleThrottle.bypassed + this.notifierThrottle.bypassed,
      overflowed: { throttle: sumByKey(this.ruleThrottle.overflowed, this.notifierThrottle.overflowed) },
      alerts: this.alerts,
    };
  }

  private route(event: RelayEvent): void {
    for (const hit of this.router.route(event, this.clock.now())) this.silence.push(hit);
  }
}

function sumByKey(...maps: ReadonlyMap<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const m of maps) for (const [k, n] of m) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}
