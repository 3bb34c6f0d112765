// The composition root: a plan (src/plan/) made into a running relay.
//   listeners (src/sources/) → entry (syslog-wrapped sudo, parsers/) → pipeline (src/plan/compose-pipeline.ts:
//   correlate → route → silence → person → aggregate → render → dedupe → throttle → fan-out → notifier throttle
//   → deliver) → dispatcher (retry, fold, fallback; src/delivery/) over the outbox (src/outbox/) → notifiers/
// Each part is handed the next one itself, so an event never comes back through here on its way. A reload
// is a transaction: the next plan is built first and may fail with nothing touched.
import type { Config, ListenerConfig } from './config/schema.ts';
import type { Logger } from './log.ts';
import { systemClock, type Clock } from './clock.ts';
import { createSource } from './sources/index.ts';
import type { Source } from './sources/source.ts';
import { Entry } from './entry.ts';
import { asPlan, type Plan } from './plan/plan.ts';
import { composePipeline } from './plan/compose-pipeline.ts';
import type { AskStats } from './people/question.ts';
import type { Pipeline, PipelineStats } from './pipeline/pipeline.ts';
import type { Directed } from './people/directed.ts';
import type { Asker } from './people/ask.ts';
import { RunState } from './run-state.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import type { Notifier } from '../notifiers/types.ts';
import { RelayHttp } from './relay-http.ts';
import { diffConfig, type ConfigDiff } from './reload/config-diff.ts';
import { swapListeners, type ListenerSwap } from './reload/swap-listeners.ts';
import { addStats } from './reload/carried-stats.ts';
import { readRelay } from './metrics/relay-readings.ts';
import { SilentHosts } from './sources/sudo/silent-hosts.ts';

export interface AppOptions {
  log: Logger;
  clock?: Clock;
}

/** What a reload did (`App.reload`): the config's differences and what became of the listeners. */
export interface ReloadReport {
  diff: ConfigDiff;
  listeners: ListenerSwap;
  /** The HTTP endpoint was built again (its settings, the notifiers it names or the answer routes changed). */
  http: boolean;
}

export class App {
  /** The listeners running now (a reload replaces the changed ones). */
  sources: Source[];
  private plan: Plan;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** What lives in state_dir (outbox, state store, silences, sudo logs); opened by `start()`. */
  private state: RunState | undefined;
  private delivery: Dispatcher | undefined;
  /** Says when a host on the sudo path stops sending heartbeats; runs from `start()`. */
  private silentHosts: SilentHosts | undefined;
  private stages: { pipeline: Pipeline; person: Directed } | undefined;
  /** Counters of the pipelines that reloads replaced. */
  private carried: PipelineStats | undefined;
  private readonly http: RelayHttp;
  /** Names of the listeners bound now (what /readyz calls up). */
  private readonly listening = new Set<string>();
  /** Where listeners and POST /events hand their events. */
  private readonly entry: Entry;
  private readonly reloads = { lastReloadSuccessful: true, loadedAt: 0 };

  constructor(plan: Plan | Config, opts: AppOptions) {
    this.plan = asPlan(plan);
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log;
    this.reloads.loadedAt = this.clock.now();
    this.entry = new Entry(this.config.listeners, opts.log);
    this.sources = this.config.listeners.map((l) => this.source(l));
    this.http = new RelayHttp(this.clock, opts.log.child({ component: 'http' }), {
      readings: () => this.readings(),
      accept: this.entry.push,
      enqueue: (a) => this.dispatcher.enqueue(a),
      askerOf: () => this.asker,
    });
  }

  /** The config in force: the one started with, or the last one a reload applied. */
  get config(): Config {
    return this.plan.config;
  }

  /** The notifiers that can send, in config order. */
  get notifiers(): Notifier[] {
    return [...this.plan.notifiers.values()];
  }

  /** The pipeline exists from `start()` on: it resumes what the state store holds. */
  get pipeline(): Pipeline {
    if (!this.stages) throw new Error('App.start() has not run: the pipeline has not loaded its state yet');
    return this.stages.pipeline;
  }

  /** The running pipeline's asker ("was this you?" questions), when a rule asks. */
  get asker(): Asker | undefined {
    return this.stages?.person.asker;
  }

  /** Delivery exists from `start()` on: it needs the outbox on disk. */
  get dispatcher(): Dispatcher {
    if (!this.delivery) throw new Error('App.start() has not run: there is no outbox to deliver through yet');
    return this.delivery;
  }

  /** The pipeline's counters since start, across reloads. */
  pipelineStats(): PipelineStats {
    const now = this.pipeline.stats();
    return this.carried ? addStats(this.carried, now) : now;
  }

  /** Where the HTTP endpoint listens (the bound port also when configured with port 0); undefined without `http:`. */
  get httpAddress(): string | undefined {
    return this.http.address();
  }

  /** One event through the pipeline, as a listener hands it. */
  get accept(): Entry['push'] {
    return this.entry.push;
  }

  async start(): Promise<void> {
    // State is opened here, not in the constructor, so building an App (tests, `check`) touches no disk.
    this.state = RunState.open(this.config, this.clock, this.log);
    const deliveryLog = this.log.child({ stage: 'delivery' });
    this.delivery = new Dispatcher(this.notifiers, this.config.delivery, this.state.outbox, this.clock, deliveryLog, this.plan.fallbacks);
    // After delivery: groups, windows and calls whose deadline passed while relay was down go out at once.
    this.stages = this.compose(this.plan);
    this.silentHosts = new SilentHosts(this.state.sudoHosts, this.clock, this.entry.push, this.log.child({ stage: 'silent-hosts' }));
    this.silentHosts.follow(this.config.listeners);
    try {
      for (const s of this.sources) {
        await s.start();
        this.listening.add(s.name);
        this.log.info({ listener: s.name, type: s.type, address: s.address() }, 'listening');
      }
      await this.http.start(this.config);
    } catch (e) {
      // The start's own error is the one to report.
      await this.stop().catch(() => undefined);
      throw e;
    }
    for (const n of this.notifiers) this.log.info({ notifier: n.name, url: n.maskedUrl }, 'notifier ready');
  }

  /**
   * Applies a new config to the running relay (SIGHUP, `relay reload`), as a transaction; the caller runs one
   * reload at a time. The next plan is built first (`next` may throw: nothing is touched, the reload is
   * counted as refused). Then, in one synchronous step — so every event goes to exactly one pipeline — the old
   * pipeline stops and leaves what it holds in the store, the new one resumes it under the same rule names
   * (entries of rules that are gone are dropped), and delivery's lanes follow the notifiers. Then listeners
   * are swapped by name and the HTTP endpoint is built again when what it serves changed. state_dir,
   * delivery and log stay as started.
   */
  async reload(next: Plan | Config | ((running: Plan) => Plan)): Promise<ReloadReport> {
    const previous = this.plan;
    let plan: Plan;
    try {
      plan = typeof next === 'function' ? next(previous) : asPlan(next);
    } catch (e) {
      this.reloads.lastReloadSuccessful = false;
      throw e;
    }
    const diff = diffConfig(previous.config, plan.config);
    const applied: Plan = {
      ...plan,
      config: { ...plan.config, state_dir: previous.config.state_dir, delivery: previous.config.delivery, log: previous.config.log },
    };
    this.swapPipeline(applied);
    this.dispatcher.reconfigure([...applied.notifiers.values()], applied.fallbacks);
    this.plan = applied;
    const listeners = await swapListeners(this.sources, applied.config.listeners, diff.listeners, (l) => this.source(l), this.log);
    this.sources = listeners.sources;
    this.listening.clear();
    for (const s of this.sources) this.listening.add(s.name);
    // A changed listener that kept its old settings is recorded with them, so the next reload tries again.
    const before = new Map(previous.config.listeners.map((l) => [l.name, l]));
    const running = new Set(this.sources.map((s) => s.name));
    const kept = applied.config.listeners.map((l) =>
      listeners.failed.includes(l.name) && running.has(l.name) ? (before.get(l.name) ?? l) : l,
    );
    this.plan = { ...applied, config: { ...applied.config, listeners: kept } };
    this.silentHosts?.follow(kept);
    const http =
      diff.http ||
      diff.changed.includes('notifiers') ||
      diff.changed.includes('answers') ||
      this.http.servesAnswers() !== (this.asker !== undefined);
    if (http) await this.http.restart(this.config, previous.config);
    this.reloads.lastReloadSuccessful = true;
    this.reloads.loadedAt = this.clock.now();
    return { diff, listeners, http };
  }

  /**
   * Close listeners first (nothing new comes in); what the pipeline holds (open groups, counted repeats,
   * sudo calls awaiting their exit) stays in the state store and resumes at its own deadlines on the next
   * start; then alerts in hand get a bounded time to go out.
   */
  async stop(): Promise<void> {
    this.listening.clear();
    // The HTTP endpoint closes first, with the listeners: it is an input too (/events, /notify).
    await this.http.stop();
    await Promise.allSettled(this.sources.map((s) => s.stop()));
    this.silentHosts?.stop();
    for (const s of this.sources) this.log.info({ listener: s.name, type: s.type, ...s.stats() }, 'listener totals');
    if (this.stages) {
      this.stages.pipeline.stop();
      this.log.info({ ...this.pipelineStats() }, 'pipeline totals');
    }
    this.state?.closeStores();
    // What is not delivered within the grace stays in the outbox; drain logs how much.
    await this.delivery?.drain(this.config.delivery.shutdown_grace);
    this.state?.closeOutbox();
  }

  private source(l: ListenerConfig): Source {
    return createSource(l, this.entry.push, this.log.child({ listener: l.name }), { clock: this.clock, screen: this.entry.screen(l.name) });
  }

  private compose(plan: Plan): { pipeline: Pipeline; person: Directed } {
    const composed = composePipeline(plan, {
      clock: this.clock,
      store: this.state!.store,
      log: this.log,
      deliver: this.dispatcher,
    });
    composed.pipeline.useSilences(this.state!.silences);
    this.entry.use(composed.pipeline, plan.config.listeners, this.state!);
    return composed;
  }

  /** The old pipeline stops and leaves its state in the store; the new one resumes it (or, should it fail to, the old one does). */
  private swapPipeline(plan: Plan): void {
    const old = this.stages!;
    old.pipeline.stop();
    this.carried = this.carried ? addStats(this.carried, old.pipeline.stats()) : old.pipeline.stats();
    this.state!.store.flush();
    try {
      this.stages = this.compose(plan);
    } catch (e) {
      this.stages = this.compose(this.plan);
      this.reloads.lastReloadSuccessful = false;
      throw e;
    } finally {
      // The questions' counts go on across the new asker, as /metrics counters must.
      const asked = this.stages?.person.asker;
      if (asked && old.person.asker) for (const [k, n] of Object.entries(old.person.asker.stats)) asked.stats[k as keyof AskStats] += n;
    }
  }

  /** What /metrics and /readyz show, read from the running parts. */
  private readings() {
    return readRelay({
      clock: this.clock,
      config: this.reloads,
      unverifiedSudoLines: () => this.entry.unverifiedSudoLines(),
      unparsedLines: () => this.entry.unparsedLines(),
      listeners: this.sources,
      isUp: (l) => this.listening.has(l.name),
      rules: this.config.rules.map((r) => r.name),
      pipeline: { stats: () => this.pipelineStats() },
      delivery: this.dispatcher,
      outbox: this.state!.outbox,
      stores: { outbox: this.state!.outbox, state: this.state!.store },
      questions: () => this.asker?.stats,
    });
  }
}
