// The stages between a parsed event and delivery, in the order data flows through them:
//   correlate (sudo calls) → route (match, rule kind) → silence → aggregate (group_wait/group_interval)
//   → render → dedupe (repeat_interval) → rule throttle → one alert per notifier → notifier throttle → deliver
// Each stage only ever calls the next one. `relay run` delivers to the dispatcher; `relay replay` collects.
// Hits of rules with notify_person leave after silence for src/people/ (one person's alert or question each).
// What the stages hold between events lives in a StateStore (SQLite in state_dir for `relay run`), each
// keyed map capped by `limits:` so a flood of distinct values cannot grow memory.
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import { notifierSettings } from '../config/notifier-entry.ts';
import type { Config } from '../config/schema.ts';
import { severityLevel, type RelayEvent } from '../event.ts';
import { silentLogger, type Logger } from '../log.ts';
import { MemoryStateStore, type StateStore } from '../state/state-store.ts';
import { Directed } from '../people/directed.ts';
import { Correlate } from './correlate.ts';
import { Router } from './router.ts';
import { Frequency } from './frequency.ts';
import { Change } from './change.ts';
import { Sequence } from './sequence.ts';
import { KeyLimit } from './key-limit.ts';
import { Silence, type SilenceStore } from './silence.ts';
import { Aggregate } from './aggregate.ts';
import { renderBatch } from './render.ts';
import { Dedupe } from './dedupe.ts';
import { Throttle } from './throttle.ts';
import { compilePrefilter, type FrameTest } from './prefilter.ts';

export interface PipelineStats {
  events: number;
  matched: Record<string, number>;
  /** Alerts per rule, counted like `alerts`: one per enabled notifier an alert goes to. */
  alertsByRule: Record<string, number>;
  unmatched: number;
  /** Of `events` (and of `unmatched`): syslog frames the pre-filter showed no rule can match, never parsed. */
  prefiltered: number;
  silenced: number;
  repeatsHeld: number;
  throttled: number;
  /** Alerts that went past a rate limit because of their severity or `priority: high`. */
  throttleBypassed: number;
  /** Per stage, per rule: events (correlate: sudo calls, rule '') handled past a `limits:` cap. */
  overflowed: Record<string, Record<string, number>>;
  alerts: number;
}

export interface PipelineOptions {
  /** Where the stages keep what they hold; default: memory only (`relay replay`, tests that do not restart). */
  store?: StateStore;
  log?: Logger;
}

export class Pipeline {
  private readonly correlate: Correlate;
  private readonly router: Router;
  private readonly frequency: Frequency;
  private readonly change: Change;
  private readonly sequence: Sequence;
  private readonly limits: KeyLimit[];
  private readonly silence: Silence;
  /** Rules with notify_person: alerts to one person, and "was this you?" questions (src/people/). */
  readonly directed: Directed;
  private readonly aggregate: Aggregate;
  private readonly dedupe: Dedupe;
  private readonly ruleThrottle: Throttle;
  private readonly notifierThrottle: Throttle;
  /** Per syslog listener, the pre-filter of its frames; none where every frame must be parsed. */
  private readonly prefilters = new Map<string, FrameTest | undefined>();
  private events = 0;
  private prefiltered = 0;
  private alerts = 0;
  private readonly alertsByRule = new Map<string, number>();
  /** The clock's reading, for the router to take only when a rule matched. */
  private readonly now = () => this.clock.now();

  constructor(config: Config, private readonly clock: Clock, deliver: (alert: Alert) => void, opts: PipelineOptions = {}) {
    const store = opts.store ?? new MemoryStateStore();
    for (const l of config.listeners) if (l.type !== 'unix') this.prefilters.set(l.name, compilePrefilter(config.rules, l.name));
    const log = opts.log ?? silentLogger;
    const rules = new Map(config.rules.map((r) => [r.name, r]));
    // A notifier whose URL is empty is disabled: no alert is made for it, so none is counted for it either.
    const enabled = new Set(Object.keys(config.notifiers).filter((name) => notifierSettings(config.notifiers[name]!).url !== ''));
    const perRule = (stage: string, consequence: string) => new KeyLimit(stage, config.limits.keys_per_rule, 'limits.keys_per_rule', consequence, clock, log);
    const limits = {
      correlate: new KeyLimit('correlate', config.limits.pending_sudo_calls, 'limits.pending_sudo_calls', 'the oldest open sudo call goes on as "no exit seen"', clock, log),
      frequency: perRule('frequency', 'events of further keys count in the rule\'s one shared overflow window'),
      change: perRule('change', 'further keys get no baseline, so their changes cannot be seen'),
      sequence: perRule('sequence', 'events before of further keys count in the rule\'s one shared entry; a completing event that may have had them alerts, saying so'),
      aggregate: perRule('aggregate', 'hits of further groups go to the rule\'s overflow digest'),
      dedupe: perRule('dedupe', 'alerts of further keys go out without repeat_interval'),
    };
    this.limits = Object.values(limits);
    this.correlate = new Correlate(config.correlate.sudo_exit_timeout, clock, limits.correlate, store, log, (event) => this.route(event));
    const frequencyWithin = (name: string) => (rules.get(name)?.kind === 'frequency' ? rules.get(name)?.threshold?.within : undefined);
    this.frequency = new Frequency(limits.frequency, store, frequencyWithin, log);
    this.change = new Change(limits.change, store, (name) => rules.get(name)?.kind === 'change', log);
    const sequenceAfter = (name: string) => (rules.get(name)?.kind === 'sequence' ? rules.get(name)?.after : undefined);
    this.sequence = new Sequence(limits.sequence, store, sequenceAfter, log);
    this.router = new Router(config.rules, { frequency: this.frequency, change: this.change, sequence: this.sequence });
    this.silence = new Silence(config.silences, clock, (hit) => this.directed.push(hit));
    // A person's alerts skip grouping and throttles: those fold alerts together, and one person's alert is
    // never folded with another's. Each goes out on its own, counted like every alert.
    this.directed = new Directed(config, clock, (alert) => {
      for (const name of alert.notify) if (enabled.has(name)) this.deliver(deliver, { ...alert, notify: [name] });
    }, (hit) => this.aggregate.push(hit), log.child({ stage: 'people' }));
    this.directed.attach(store);
    const compiled = new Map(this.router.rules.map((r) => [r.config.name, r]));
    this.aggregate = new Aggregate(clock, limits.aggregate, store, compiled, log, (batch) => this.dedupe.push(renderBatch(batch, clock.now())));
    this.dedupe = new Dedupe((name) => rules.get(name)?.repeat_interval ?? 0, clock, limits.dedupe, store, (name) => rules.has(name), log,
      (alert) => this.ruleThrottle.push(alert));
    const bypassLevel = severityLevel(config.throttle_bypass)!;
    const throttle = { clock, store, maxKeys: config.limits.keys_per_rule, log: log.child({ stage: 'throttle' }),
      bypass: (a: Alert) => (a.severity !== undefined && a.severity <= bypassLevel) || rules.get(a.rule)?.priority === 'high' };
    this.ruleThrottle = new Throttle({ ...throttle, scope: 'rule', limitOf: (name) => rules.get(name)?.throttle, bucketOf: (a) => a.rule, next: (alert) => {
      for (const name of alert.notify) if (enabled.has(name)) this.notifierThrottle.push({ ...alert, notify: [name] });
    } });
    this.notifierThrottle = new Throttle({ ...throttle, scope: 'notifier', limitOf: (name) => config.throttle[name], bucketOf: (a) => a.notify[0]!,
      next: (alert) => this.deliver(deliver, alert) });
  }

  /** One parsed event in. */
  push(event: RelayEvent): void {
    this.events++;
    this.correlate.push(event);
  }

  /**
   * Whether a syslog frame received on `listener` may match a rule (prefilter.ts). One that cannot is
   * counted here as an event no rule took, and its listener drops it without parsing it.
   */
  admits(listener: string, frame: Buffer): boolean {
    const test = this.prefilters.get(listener);
    if (test === undefined || test(frame)) return true;
    this.events++;
    this.prefiltered++;
    this.router.passed();
    return false;
  }

  /** Run-time silences (opened at start; `relay replay` runs with config silences only). */
  useSilences(store: SilenceStore): void {
    this.silence.attach(store);
  }

  /** Let everything held go out now, stage by stage in flow order (the end of `relay replay`). */
  flush(): void {
    this.correlate.flush();
    this.aggregate.flush();
    this.dedupe.flush();
    this.ruleThrottle.flush();
    this.notifierThrottle.flush();
    this.silence.flush();
  }

  /**
   * Stop (relay shutting down): what the stages hold stays in the store, to resume at its own deadlines on
   * the next start, so a restart does not split a digest or release a throttle early.
   */
  stop(): void {
    this.correlate.stop();
    this.frequency.stop();
    this.change.stop();
    this.sequence.stop();
    this.aggregate.stop();
    this.dedupe.stop();
    this.ruleThrottle.stop();
    this.notifierThrottle.stop();
    this.silence.flush();
    this.directed.close();
  }

  stats(): PipelineStats {
    const overflowed: Record<string, Record<string, number>> = Object.fromEntries(this.limits.map((l) => [l.stage, Object.fromEntries(l.overflowed)]));
    overflowed.throttle = sumByKey(this.ruleThrottle.overflowed, this.notifierThrottle.overflowed);
    return {
      events: this.events,
      matched: Object.fromEntries(this.router.matched),
      alertsByRule: Object.fromEntries(this.alertsByRule),
      unmatched: this.router.unmatched,
      prefiltered: this.prefiltered,
      silenced: this.silence.silenced,
      repeatsHeld: this.dedupe.suppressed,
      throttled: this.ruleThrottle.heldBack + this.notifierThrottle.heldBack,
      throttleBypassed: this.ruleThrottle.bypassed + this.notifierThrottle.bypassed,
      overflowed,
      alerts: this.alerts,
    };
  }

  private route(event: RelayEvent): void {
    // Indexed: for-of made an iterator per event even when there was no hit.
    const hits = this.router.route(event, this.now);
    for (let i = 0; i < hits.length; i++) this.silence.push(hits[i]!);
  }

  private deliver(deliver: (alert: Alert) => void, alert: Alert): void {
    this.alerts++;
    this.alertsByRule.set(alert.rule, (this.alertsByRule.get(alert.rule) ?? 0) + 1);
    deliver(alert);
  }
}

function sumByKey(...maps: ReadonlyMap<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const m of maps) for (const [k, n] of m) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}
