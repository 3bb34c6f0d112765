// The running pipeline: its stages in flow order (composed by src/plan/compose-pipeline.ts), the events that
// enter it, the frames its pre-filters turn away, and the counters of every stage. `relay run` delivers to
// the outbox; `relay replay` collects.
import type { RelayEvent } from '../event.ts';
import type { Router } from './router.ts';
import type { Silence } from './silence.ts';
import type { SilenceStore } from '../state/silence-store.ts';
import type { Dedupe } from './dedupe.ts';
import type { Throttle } from './throttle.ts';
import type { Deliver } from './deliver.ts';
import type { KeyLimit } from './key-limit.ts';
import type { FrameTest } from './prefilter.ts';
import type { Inlet, Stage } from './stage.ts';

export interface PipelineStats {
  events: number;
  matched: Record<string, number>;
  /** Alerts per rule, counted like `alerts`: one per notifier an alert goes to. */
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

/** Counters of a pipeline that has seen nothing (a replay of an empty file). */
export function emptyPipelineStats(): PipelineStats {
  return {
    events: 0,
    matched: {},
    alertsByRule: {},
    unmatched: 0,
    prefiltered: 0,
    silenced: 0,
    repeatsHeld: 0,
    throttled: 0,
    throttleBypassed: 0,
    overflowed: {},
    alerts: 0,
  };
}

/** The stages whose counters the stats read, and every stage in flow order. */
export interface PipelineParts {
  /** Where events enter: the first stage in flow order. */
  readonly first: Inlet<RelayEvent>;
  readonly route: Router;
  readonly silence: Silence;
  readonly dedupe: Dedupe;
  readonly ruleThrottle: Throttle;
  readonly notifierThrottle: Throttle;
  readonly deliver: Deliver;
  readonly inFlowOrder: readonly Pick<Stage<never, unknown>, 'flush' | 'stop'>[];
  readonly limits: readonly KeyLimit[];
  /** Per syslog listener, the pre-filter of its frames; none where every frame must be parsed. */
  readonly prefilters: ReadonlyMap<string, FrameTest | undefined>;
}

export class Pipeline {
  private events = 0;
  private prefiltered = 0;

  constructor(private readonly parts: PipelineParts) {}

  /** One parsed event in. */
  push(event: RelayEvent): void {
    this.events++;
    this.parts.first.push(event);
  }

  /**
   * Whether a syslog frame received on `listener` may match a rule (prefilter.ts). One that cannot is
   * counted here as an event no rule took, and its listener drops it without parsing it.
   */
  admits(listener: string, frame: Buffer): boolean {
    const test = this.parts.prefilters.get(listener);
    if (test === undefined || test(frame)) return true;
    this.events++;
    this.prefiltered++;
    this.parts.route.passed();
    return false;
  }

  /** Run-time silences (opened at start; `relay replay` runs with config silences only). */
  useSilences(store: SilenceStore): void {
    this.parts.silence.attach(store);
  }

  /** Let everything held go out now, stage by stage in flow order (the end of `relay replay`). */
  flush(): void {
    for (const stage of this.parts.inFlowOrder) stage.flush();
  }

  /**
   * Stop (relay shutting down, or a reload replacing this pipeline): what the stages hold stays in the store,
   * to resume at its own deadlines, so a restart does not split a digest or release a throttle early.
   */
  stop(): void {
    for (const stage of this.parts.inFlowOrder) stage.stop();
  }

  stats(): PipelineStats {
    const { route, silence, dedupe, ruleThrottle, notifierThrottle, deliver, limits } = this.parts;
    const overflowed: Record<string, Record<string, number>> = Object.fromEntries(
      limits.map((l) => [l.stage, Object.fromEntries(l.overflowed)]),
    );
    overflowed.throttle = sumByKey(ruleThrottle.overflowed, notifierThrottle.overflowed);
    return {
      events: this.events,
      matched: Object.fromEntries(route.matched),
      alertsByRule: Object.fromEntries(deliver.alertsByRule),
      unmatched: route.unmatched,
      prefiltered: this.prefiltered,
      silenced: silence.silenced,
      repeatsHeld: dedupe.suppressed,
      throttled: ruleThrottle.heldBack + notifierThrottle.heldBack,
      throttleBypassed: ruleThrottle.bypassed + notifierThrottle.bypassed,
      overflowed,
      alerts: deliver.alerts,
    };
  }
}

function sumByKey(...maps: ReadonlyMap<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const m of maps) for (const [k, n] of m) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}
