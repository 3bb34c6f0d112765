// What /metrics and /readyz read from a running relay, taken once per request from the objects that already
// keep the numbers (listeners, pipeline, dispatcher, outbox): the shapes are declared here, so each part
// only has to keep counting what it counts.
import type { Clock } from '../clock.ts';
import type { NotifierDeliveryStats } from '../delivery/dispatcher.ts';
import type { OutboxWaiting } from '../outbox/outbox.ts';
import type { PipelineStats } from '../pipeline/pipeline.ts';
import type { SourceStats } from '../sources/source.ts';
import type { StoreHealth } from '../state/store-health.ts';

/** A listener's counters; each is exported when the listener keeps it (kernel drops: UDP only). */
/** A listener's counters, as every Source keeps them (src/sources/source.ts). */
export type ListenerStats = Partial<SourceStats>;

/** A listener as read here. */
export interface ObservedListener {
  readonly name: string;
  readonly type: string;
  stats(): Readonly<ListenerStats>;
  address(): string;
  /** relay's own certificate (tls listeners). */
  certificate?(): { serial: string; expiresAt: number } | undefined;
}

export interface ListenerReading {
  name: string;
  type: string;
  address: string;
  up: boolean;
  stats: ListenerStats;
  certificate?: { serial: string; expiresAt: number };
}

/** The pipeline's totals. */
export type PipelineReading = PipelineStats;

export interface NotifierReading {
  name: string;
  /** This process's counters (zero for a notifier that is not configured but still has rows). */
  delivery: NotifierDeliveryStats;
  /** What waits in the outbox, across restarts. */
  outbox: OutboxWaiting;
}

export interface StoreReading extends StoreHealth {
  name: string;
}

/** What the HTTP endpoint counted (src/http/http-stats.ts). */
export interface HttpReading {
  requests: { route: string; token: string; code: number; count: number }[];
  events: { token: string; outcome: 'accepted' | 'rejected'; count: number }[];
}

/** The config in force and the last reload's outcome. */
export interface ConfigReading {
  lastReloadSuccessful: boolean;
  /** Clock time the config in force was loaded: at start, or by the last successful reload. */
  loadedAt: number;
}

/** How "was this you?" questions went (the people asker's own counts). */
export type QuestionCounts = Record<'asked' | 'folded' | 'quieted' | 'yes' | 'no' | 'unanswered' | 'refused', number>;

export interface RelayReadings {
  /** The relay's clock: ages and failing durations are measured on it. */
  now: number;
  config: ConfigReading;
  listeners: ListenerReading[];
  /** sudo syslog lines relay could not verify, per listener (every listener, 0 included). */
  unverifiedSudoLines: Record<string, number>;
  /** Lines of a program parsers/ knows that no shape of it matched, per program. */
  parseUnknown: Record<string, number>;
  /** Every configured rule, so a rule that never matched shows 0 rather than nothing. */
  rules: readonly string[];
  pipeline: PipelineReading;
  notifiers: NotifierReading[];
  stores: StoreReading[];
  /** The HTTP endpoint's own counts, when it serves. */
  http?: HttpReading;
  /** "Was this you?" questions by how they went, when a rule asks. */
  questions?: QuestionCounts;
}

/** The running parts the readings come from. */
export interface RelayParts {
  clock: Clock;
  config: ConfigReading;
  listeners: readonly ObservedListener[];
  unverifiedSudoLines(): ReadonlyMap<string, number>;
  unparsedLines(): ReadonlyMap<string, number>;
  isUp(listener: ObservedListener): boolean;
  rules: readonly string[];
  pipeline: { stats(): PipelineReading };
  delivery: { notifierStats(): Map<string, NotifierDeliveryStats> };
  outbox: { waiting(): Map<string, OutboxWaiting> };
  /** Every store whose writes must succeed for relay to be ready, by name (`outbox`, …). */
  stores: Record<string, { health(): StoreHealth }>;
  /** The asker's counts since start, when a rule asks. */
  questions?(): QuestionCounts | undefined;
}

export function readRelay(parts: RelayParts): RelayReadings {
  const delivery = parts.delivery.notifierStats();
  const waiting = parts.outbox.waiting();
  // The outbox may hold rows for a notifier that is disabled now; its depth still shows.
  const names = [...new Set([...delivery.keys(), ...waiting.keys()])];
  return {
    now: parts.clock.now(),
    config: { ...parts.config },
    listeners: parts.listeners.map((l) => {
      const certificate = l.certificate?.();
      return {
        name: l.name,
        type: l.type,
        address: l.address(),
        up: parts.isUp(l),
        stats: l.stats(),
        ...(certificate ? { certificate } : {}),
      };
    }),
    unverifiedSudoLines: unverifiedPerListener(parts),
    parseUnknown: Object.fromEntries(parts.unparsedLines()),
    rules: parts.rules,
    pipeline: parts.pipeline.stats(),
    notifiers: names.map((name) => ({
      name,
      delivery: delivery.get(name) ?? { sent: 0, retried: 0, dead: 0, folded: 0 },
      outbox: waiting.get(name) ?? { pending: 0, oldestEnqueuedAt: undefined, dead: 0 },
    })),
    stores: Object.entries(parts.stores).map(([name, store]) => ({ name, ...store.health() })),
    ...(parts.questions?.() ? { questions: { ...parts.questions()! } } : {}),
  };
}

function unverifiedPerListener(parts: RelayParts): Record<string, number> {
  const counts = parts.unverifiedSudoLines();
  return Object.fromEntries(parts.listeners.map((l) => [l.name, counts.get(l.name) ?? 0]));
}
