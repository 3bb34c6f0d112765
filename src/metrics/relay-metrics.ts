// relay's Prometheus registry: process metrics plus relay's own families, every value read at scrape time.
// One scrape takes the readings once, so all families in it come from the same moment (and the outbox is
// queried once per scrape, not once per family).
import { Registry } from 'prom-client';
import { registerBuildInfo } from './build-info.ts';
import { registerProcessMetrics } from './process-metrics.ts';
import type { RelayReadings } from './relay-readings.ts';
import { registerListenerMetrics } from './listener-metrics.ts';
import { registerPipelineMetrics } from './pipeline-metrics.ts';
import { registerNotifierMetrics } from './notifier-metrics.ts';
import { registerHttpMetrics } from './http-metrics.ts';
import { registerConfigMetrics } from './config-metrics.ts';
import { registerPeopleMetrics } from './people-metrics.ts';
import { registerSudoMetrics } from './sudo-metrics.ts';
import { registerParseMetrics } from './parse-metrics.ts';

export class RelayMetrics {
  private readonly registry = new Registry();
  private readings: RelayReadings | undefined;

  constructor(private readonly read: () => RelayReadings) {
    registerProcessMetrics(this.registry);
    registerBuildInfo(this.registry);
    const current = () => (this.readings ??= this.read());
    registerListenerMetrics(this.registry, current);
    registerPipelineMetrics(this.registry, current);
    registerNotifierMetrics(this.registry, current);
    registerHttpMetrics(this.registry, current);
    registerConfigMetrics(this.registry, current);
    registerSudoMetrics(this.registry, current);
    registerPeopleMetrics(this.registry, current);
    registerParseMetrics(this.registry, current);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text; readings are taken afresh for each scrape. */
  async scrape(): Promise<string> {
    this.readings = this.read();
    try {
      return await this.registry.metrics();
    } finally {
      this.readings = undefined;
    }
  }
}
