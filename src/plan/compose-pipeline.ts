// The pipeline, composed from a plan in one place: its stages in the order an event flows through them.
//   sudo twins (sudo's syslog line of a call the plugin reports) → correlate (sudo calls) → route (match; frequency/change/sequence by kind) → silence → person (notify_person,
//   ask) → aggregate (group_wait/group_interval) → render → dedupe (repeat_interval) → rule throttle →
//   fan-out (one alert per notifier) → notifier throttle → deliver
// A person's alert leaves the person stage for delivery directly (its own fan-out): grouping and throttles
// fold alerts together, and one person's alert is never folded with another's.
import type { Alert } from '../alert.ts';
import type { RuleConfig } from '../config/schema.ts';
import type { Clock } from '../clock.ts';
import { severityLevel } from '../event.ts';
import { silentLogger, type Logger } from '../log.ts';
import { MemoryStateStore, type StateStore } from '../state/state-store.ts';
import { Correlate } from '../pipeline/correlate.ts';
import { SudoTwins } from '../pipeline/sudo-twins.ts';
import { Router, type RuleKinds } from '../pipeline/router.ts';
import { Frequency } from '../pipeline/frequency.ts';
import { Change } from '../pipeline/change.ts';
import { Sequence } from '../pipeline/sequence.ts';
import { stageLimits } from '../pipeline/key-limit.ts';
import { Silence } from '../pipeline/silence.ts';
import { Aggregate } from '../pipeline/aggregate.ts';
import { Render } from '../pipeline/render.ts';
import { Dedupe } from '../pipeline/dedupe.ts';
import { Throttle } from '../pipeline/throttle.ts';
import { FanOut } from '../pipeline/fan-out.ts';
import { Deliver, type AlertSink } from '../pipeline/deliver.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { Directed } from '../people/directed.ts';
import type { Plan } from './plan.ts';

export interface PipelineContext {
  clock: Clock;
  /** Where alerts go: the outbox's dispatcher (`relay run`), a list (`relay replay`, tests). */
  deliver: AlertSink;
  /** Where the stages keep what they hold; default: memory only (`relay replay`, tests that do not restart). */
  store?: StateStore;
  log?: Logger;
}

export interface ComposedPipeline {
  pipeline: Pipeline;
  /** The person stage, whose asker the HTTP endpoint's answer routes close questions on. */
  person: Directed;
}

export function composePipeline(plan: Plan, ctx: PipelineContext): ComposedPipeline {
  const { config } = plan;
  const { clock } = ctx;
  const store = ctx.store ?? new MemoryStateStore();
  const log = ctx.log ?? silentLogger;
  // Each stage's lines name it once: `stage` is bound here, never by the caller as well.
  const at = (stage: string) => log.child({ stage });
  const compiled = new Map(plan.rules.map((r) => [r.config.name, r]));
  const rule = (name: string) => compiled.get(name)?.config;
  const limits = stageLimits(config.limits, clock, at('limits'));
  const enabled = new Set(plan.notifiers.keys());
  const bypassLevel = severityLevel(config.throttle_bypass)!;
  const throttle = {
    clock,
    store,
    maxKeys: config.limits.keys_per_rule,
    log: at('throttle'),
    bypass: (a: Alert) => (a.severity !== undefined && a.severity <= bypassLevel) || rule(a.rule)?.priority === 'high',
  };

  const sudoTwins = new SudoTwins(
    config.correlate.sudo_line_wait,
    clock,
    { lines: limits.sudoLines, decisions: limits.sudoDecisions, hosts: limits.sudoPluginHosts },
    store,
    at('sudo-twins'),
  );
  const correlate = new Correlate(config.correlate.sudo_exit_timeout, clock, limits.correlate, store, at('correlate'));
  const route = new Router(plan.rules, ruleKinds(rule, limits, store, at('route')), clock);
  const silence = new Silence(config.silences, plan.silences, clock);
  const toPerson = new FanOut(enabled);
  const person = new Directed(config, plan.notifiers, clock, toPerson, at('people'));
  const aggregate = new Aggregate(clock, limits.aggregate, store, compiled, at('aggregate'));
  const render = new Render(clock);
  const dedupe = new Dedupe(
    (name) => rule(name)?.repeat_interval ?? 0,
    clock,
    limits.dedupe,
    store,
    (name) => rule(name) !== undefined,
    at('dedupe'),
  );
  const ruleThrottle = new Throttle({ ...throttle, scope: 'rule', limitOf: (name) => rule(name)?.throttle, bucketOf: (a) => a.rule });
  const fanOut = new FanOut(enabled);
  const notifierThrottle = new Throttle({
    ...throttle,
    scope: 'notifier',
    limitOf: (name) => config.throttle[name],
    bucketOf: (a) => a.notify[0]!,
  });
  const deliver = new Deliver(ctx.deliver);

  sudoTwins
    .to(correlate)
    .to(route)
    .to(silence)
    .to(person)
    .to(aggregate)
    .to(render)
    .to(dedupe)
    .to(ruleThrottle)
    .to(fanOut)
    .to(notifierThrottle)
    .to(deliver);
  toPerson.to(deliver);
  // Questions resume only now: one whose deadline passed while relay was down escalates at once.
  person.attach(store);

  const inFlowOrder = [
    sudoTwins,
    correlate,
    route,
    silence,
    person,
    aggregate,
    render,
    dedupe,
    ruleThrottle,
    fanOut,
    notifierThrottle,
    deliver,
  ];
  const pipeline = new Pipeline({
    first: sudoTwins,
    route,
    silence,
    dedupe,
    ruleThrottle,
    notifierThrottle,
    deliver,
    inFlowOrder,
    limits: Object.values(limits),
    prefilters: plan.prefilters,
  });
  return { pipeline, person };
}

/** The stages that keep the stateful rule kinds' per-key state, which the router dispatches to. */
function ruleKinds(
  rule: (name: string) => RuleConfig | undefined,
  limits: ReturnType<typeof stageLimits>,
  store: StateStore,
  log: Logger,
): RuleKinds {
  return {
    frequency: new Frequency(
      limits.frequency,
      store,
      (name) => (rule(name)?.kind === 'frequency' ? rule(name)?.threshold?.within : undefined),
      log,
    ),
    change: new Change(limits.change, store, (name) => rule(name)?.kind === 'change', log),
    sequence: new Sequence(limits.sequence, store, (name) => (rule(name)?.kind === 'sequence' ? rule(name)?.after : undefined), log),
  };
}
