// The composition root: the whole pipeline in one screen.
//   source → parseFields (parsers/) → Pipeline (correlate → route → silence → aggregate → render → dedupe
//   → throttle; see src/pipeline/pipeline.ts) → outbox (durable, src/outbox/) → dispatch (retry, fold) → notifier
// Sudo events hosts' syslog-ng forwards inside syslog become sudo events right after the source, if believed.
// Syslog frames no rule can match are counted and dropped before parsing (the pipeline's pre-filter, which
// each syslog listener asks through its screen).
import type { Config, ListenerConfig } from './config/schema.ts';
import type { Logger } from './log.ts';
import type { RelayEvent } from './event.ts';
import { systemClock, type Clock } from './clock.ts';
import { createSource } from './sources/index.ts';
import type { Source } from './sources/source.ts';
import { relayEndpoint } from './http/relay-endpoint.ts';
import type { HttpServer } from './http/http-server.ts';
import { readRelay, type RelayReadings } from './metrics/relay-readings.ts';
import { parseFields } from '../parsers/index.ts';
import { Pipeline, type PipelineStats } from './pipeline/pipeline.ts';
import { SilenceDb } from './state/silence-db.ts';
import { SqliteStateStore } from './state/sqlite-state-store.ts';
import { RecentSudoLog } from './state/recent-sudo.ts';
import { SudoHostsTable } from './state/sudo-hosts.ts';
import { SyslogWrappedSudo } from './sources/sudo/syslog-wrapped.ts';
import { Outbox } from './outbox/outbox.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { createNotifier } from '../notifiers/registry.ts';
import type { Notifier } from '../notifiers/types.ts';
import { notifierSettings } from './config/notifier-entry.ts';
import type { FallbackRoute } from './delivery/fallback.ts';
import { answerRoutes } from './people/answer-routes.ts';
import { diffConfig, type ConfigDiff } from './reload/config-diff.ts';
import { swapListeners, type ListenerSwap } from './reload/swap-listeners.ts';
import { addStats } from './reload/carried-stats.ts';

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
  notifiers: Notifier[];
  private running: Config;
  /** Counters of the pipelines that reloads replaced. */
  private carried: PipelineStats | undefined;
  private readonly clock: Clock;
  private silences: SilenceDb | undefined;
  private outbox: Outbox | undefined;
  /** state_dir/state.db: what the pipeline's stages hold (groups, repeats, throttles, pending questions). */
  private state: SqliteStateStore | undefined;
  private stages: Pipeline | undefined;
  private delivery: Dispatcher | undefined;
  /** /metrics, /healthz, /readyz when `http:` is configured; /events and /notify too when it has tokens. */
  private http: HttpServer | undefined;
  /** Names of the listeners bound now (what /readyz calls up). */
  private readonly listening = new Set<string>();
  /** What `relay test-sudo` shows: the last sudo events this relay received. */
  private recentSudo: RecentSudoLog | undefined;
  /** What `relay test-sudo --remote` shows: which hosts reported sudo events, and when last. */
  private sudoHosts: SudoHostsTable | undefined;
  /** Sudo events forwarded inside syslog by hosts' syslog-ng, believed only from trusted senders. */
  private syslogSudo: SyslogWrappedSudo;

  constructor(config: Config, private readonly opts: AppOptions) {
    this.running = config;
    this.clock = opts.clock ?? systemClock;
    this.syslogSudo = new SyslogWrappedSudo(config.listeners, opts.log.child({ stage: 'syslog-sudo' }));
    this.notifiers = buildNotifiers(config, [], opts.log);
    this.sources = config.listeners.map((l) => this.source(l));
  }

  /** The config in force: the one started with, or the last one a reload applied. */
  get config(): Config {
    return this.running;
  }

  private source(l: ListenerConfig): Source {
    return createSource(l, (e) => this.accept(e), this.opts.log.child({ listener: l.name }), {
      clock: this.clock, screen: (frame) => this.pipeline.admits(l.name, frame),
    });
  }

  /** The pipeline exists from `start()` on: it resumes what the state store holds. */
  get pipeline(): Pipeline {
    if (!this.stages) throw new Error('App.start() has not run: the pipeline has not loaded its state yet');
    return this.stages;
  }

  /** The pipeline's counters since start, across reloads. */
  pipelineStats(): PipelineStats {
    const now = this.pipeline.stats();
    return this.carried ? addStats(this.carried, now) : now;
  }

  /** Delivery exists from `start()` on: it needs the outbox on disk. */
  get dispatcher(): Dispatcher {
    if (!this.delivery) throw new Error('App.start() has not run: there is no outbox to deliver through yet');
    return this.delivery;
  }

  /** One event through the pipeline. */
  accept(received: RelayEvent): void {
    const event = this.syslogSudo.unwrap(received);
    if (event === undefined) return;
    if (event.kind === 'sudo') {
      this.recentSudo?.record(event);
      this.sudoHosts?.record(event);
    }
    this.pipeline.push(parseFields(event));
  }

  /** Where the HTTP endpoint listens (the bound port also when configured with port 0); undefined without `http:`. */
  get httpAddress(): string | undefined {
    return this.http?.address();
  }

  /** What /metrics and /readyz show, read from the running parts. */
  private readings(): RelayReadings {
    return readRelay({
      clock: this.clock,
      listeners: this.sources,
      isUp: (l) => this.listening.has(l.name),
      rules: this.config.rules.map((r) => r.name),
      pipeline: { stats: () => this.pipelineStats() },
      delivery: this.dispatcher,
      outbox: this.outbox!,
      stores: { outbox: this.outbox!, state: this.state! },
    });
  }

  async start(): Promise<void> {
    // State is opened here, not in the constructor, so building an App (tests, `check`) touches no disk.
    this.silences = SilenceDb.open(this.config.state_dir, this.opts.log.child({ store: 'silences' }));
    const deliveryLog = this.opts.log.child({ stage: 'delivery' });
    this.outbox = Outbox.open(this.config.state_dir, {
      clock: this.clock, log: deliveryLog, memoryBuffer: this.config.delivery.memory_buffer, syncInterval: this.config.delivery.sync_interval,
    });
    this.delivery = new Dispatcher(this.notifiers, this.config.delivery, this.outbox, this.clock, deliveryLog, fallbackRoutes(this.config));
    // After delivery: groups, windows and calls whose deadline passed while relay was down go out at once.
    this.state = SqliteStateStore.open(this.config.state_dir, this.clock, this.opts.log.child({ stage: 'state' }));
    this.recentSudo = new RecentSudoLog(this.state);
    this.sudoHosts = new SudoHostsTable(this.state, this.opts.log);
    this.stages = this.buildPipeline(this.config);
    const started: Source[] = [];
    try {
      for (const s of this.sources) {
        await s.start();
        started.push(s);
        this.listening.add(s.name);
        this.opts.log.info({ listener: s.name, type: s.type, address: s.address() }, 'listening');
      }
      await this.startHttp(this.config);
    } catch (e) {
      this.listening.clear();
      // The start's own error is the one to report.
      await this.http?.stop().catch(() => undefined);
      await Promise.allSettled(started.map((s) => s.stop()));
      this.pipeline.stop();
      this.state.close();
      await this.delivery.drain(0);
      this.outbox.close();
      throw e;
    }
    for (const n of this.notifiers) this.opts.log.info({ notifier: n.name, url: n.maskedUrl }, 'notifier ready');
  }

  /**
   * Applies a valid new config to the running relay (SIGHUP, `relay reload`); the caller runs one reload at a
   * time. In one synchronous step — so every event goes to exactly one pipeline — delivery's lanes follow the
   * notifiers, and the pipeline is rebuilt on the same state store: the old one stops without sending and
   * leaves what it holds in the store, the new one resumes it under the same rule names (entries of rules
   * that are gone are dropped). Then listeners are swapped by name (unchanged ones keep their sockets) and the
   * HTTP endpoint is built again when what it serves changed. state_dir, delivery and log stay as started.
   */
  async reload(next: Config): Promise<ReloadReport> {
    const previous = this.running;
    const diff = diffConfig(previous, next);
    const applied: Config = { ...next, state_dir: previous.state_dir, delivery: previous.delivery, log: previous.log };
    const hadAsker = this.pipeline.directed.asker !== undefined;
    this.notifiers = buildNotifiers(applied, this.notifiers.filter((n) => diff.notifiers.kept.includes(n.name)), this.opts.log);
    this.dispatcher.reconfigure(this.notifiers, fallbackRoutes(applied));
    const old = this.pipeline;
    old.stop();
    this.carried = this.carried ? addStats(this.carried, old.stats()) : old.stats();
    this.state!.flush();
    this.running = applied;
    this.stages = this.buildPipeline(applied);
    this.syslogSudo = new SyslogWrappedSudo(applied.listeners, this.opts.log.child({ stage: 'syslog-sudo' }));
    const listeners = await swapListeners(this.sources, previous.listeners, applied.listeners, diff.listeners, (l) => this.source(l), this.opts.log);
    this.sources = listeners.sources;
    this.listening.clear();
    for (const s of this.sources) this.listening.add(s.name);
    // A changed listener that kept its old settings is recorded with them, so the next reload tries again.
    const before = new Map(previous.listeners.map((l) => [l.name, l]));
    const running = new Set(this.sources.map((s) => s.name));
    this.running = { ...applied, listeners: applied.listeners.map((l) => (listeners.failed.includes(l.name) && running.has(l.name) ? before.get(l.name) ?? l : l)) };
    const http = diff.http || diff.changed.includes('notifiers') || diff.changed.includes('answers') || hadAsker !== (this.pipeline.directed.asker !== undefined);
    if (http) await this.restartHttp(previous);
    return { diff, listeners, http };
  }

  private buildPipeline(config: Config): Pipeline {
    const pipeline = new Pipeline(config, this.clock, (alert) => this.dispatcher.enqueue(alert), { store: this.state, log: this.opts.log.child({ stage: 'pipeline' }) });
    pipeline.useSilences(this.silences!);
    return pipeline;
  }

  private async startHttp(config: Config): Promise<void> {
    if (!config.http) return;
    this.http = relayEndpoint(config.http, () => this.readings(), this.opts.log.child({ component: 'http' }), {
      accept: (e) => this.accept(e), enqueue: (a) => this.dispatcher.enqueue(a), notifiers: notifierUrls(config), clock: this.clock,
    });
    if (this.pipeline.directed.asker) this.http.register(answerRoutes(() => this.pipeline.directed.asker!, this.clock, config.answers?.slack_signing_secret));
    await this.http.start();
  }

  private async stopHttp(): Promise<void> {
    await this.http?.stop().catch((err: unknown) => this.opts.log.warn({ err }, 'http endpoint did not close cleanly'));
  }

  /** The endpoint with the running config's settings; when it cannot bind, with the previous ones again. */
  private async restartHttp(previous: Config): Promise<void> {
    await this.stopHttp();
    this.http = undefined;
    try {
      await this.startHttp(this.config);
      if (this.http) this.opts.log.info({ address: this.httpAddress }, 'http endpoint started with the new settings');
    } catch (err) {
      this.http = undefined;
      this.opts.log.error({ err }, 'reload: the http endpoint could not start with the new settings; trying the previous ones');
      await this.startHttp({ ...this.config, http: previous.http }).catch((again: unknown) => {
        this.http = undefined;
        this.opts.log.error({ err: again }, 'reload: the http endpoint is down');
      });
    }
  }

  /**
   * Close listeners first (nothing new comes in); what the pipeline holds (open groups, counted repeats,
   * sudo calls awaiting their exit) stays in the state store and resumes at its own deadlines on the next
   * start; then alerts in hand get a bounded time to go out.
   */
  async stop(): Promise<void> {
    this.listening.clear();
    // The HTTP endpoint closes first, with the listeners: it is an input too (/events, /notify).
    await this.stopHttp();
    await Promise.allSettled(this.sources.map((s) => s.stop()));
    for (const s of this.sources) this.opts.log.info({ listener: s.name, type: s.type, ...s.stats() }, 'listener totals');
    if (this.stages) {
      this.stages.stop();
      this.opts.log.info({ ...this.pipelineStats() }, 'pipeline totals');
    }
    this.state?.close();
    this.silences?.close();
    // What is not delivered within the grace stays in the outbox; drain logs how much.
    await this.delivery?.drain(this.config.delivery.shutdown_grace);
    this.outbox?.close();
  }
}

/** The notifiers that can send, in config order; `keep`: running ones whose entry did not change, reused as they are. */
function buildNotifiers(config: Config, keep: readonly Notifier[], log: Logger): Notifier[] {
  const notifiers: Notifier[] = [];
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const kept = keep.find((n) => n.name === name);
    const { url, concurrency } = notifierSettings(entry);
    if (kept) notifiers.push(kept);
    else if (url === '') log.info({ notifier: name }, 'notifier disabled: its URL is empty');
    else notifiers.push(createNotifier(name, url, concurrency === undefined ? {} : { concurrency }));
  }
  return notifiers;
}

/** The notifiers that can send (URL not empty), name → URL. */
function notifierUrls(config: Config): Map<string, string> {
  const urls = new Map<string, string>();
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const { url } = notifierSettings(entry);
    if (url !== '') urls.set(name, url);
  }
  return urls;
}

function fallbackRoutes(config: Config): Map<string, FallbackRoute> {
  const routes = new Map<string, FallbackRoute>();
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const { fallback, fallbackAfter } = notifierSettings(entry);
    if (fallback !== undefined) routes.set(name, { to: fallback, ...(fallbackAfter === undefined ? {} : { after: fallbackAfter }) });
  }
  return routes;
}
