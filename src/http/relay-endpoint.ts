// The HTTP endpoint as `relay run` serves it: the server with its features, all reading the running relay.
// /events and /notify are served only when `http.tokens` holds a token: relay never takes anonymous input
// over HTTP. The probes (/metrics, /healthz, /readyz) need a token only with `http.probes: token`.
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import type { HttpConfig } from '../config/schema.ts';
import type { RelayEvent } from '../event.ts';
import type { Logger } from '../log.ts';
import { RelayMetrics } from '../metrics/relay-metrics.ts';
import type { RelayReadings } from '../metrics/relay-readings.ts';
import { eventsRoute } from './events-route.ts';
import { healthRoutes } from './health-routes.ts';
import { HttpServer } from './http-server.ts';
import { HttpStats } from './http-stats.ts';
import { metricsRoute } from './metrics-route.ts';
import { notifyRoute } from './notify-route.ts';
import { tokenAuth } from './token-auth.ts';

/** Where HTTP ingest hands what it takes: the same entry points as the listeners and the rules. */
export interface Ingest {
  accept(event: RelayEvent): void;
  enqueue(alert: Alert): void;
  /** Notifiers that can send, by name → their URL. */
  notifiers: ReadonlyMap<string, string>;
  clock: Clock;
}

const PROBES = ['/metrics', '/healthz', '/readyz'];

export function relayEndpoint(config: HttpConfig, readings: () => RelayReadings, log: Logger, ingest: Ingest): HttpServer {
  const server = new HttpServer(config.address, log, { bodyLimit: config.max_body, requestTimeoutMs: config.request_timeout });
  const stats = new HttpStats();
  server.register(stats.feature());
  server.register(tokenAuth(config.tokens, config.rate_limit, ingest.clock, log));
  if (config.probes === 'token') {
    server.register((s) =>
      s.addHook('onRoute', (route) => {
        if (PROBES.includes(route.url)) route.config = { ...route.config, auth: 'token' };
      }),
    );
  }
  server.register(metricsRoute(new RelayMetrics(() => ({ ...readings(), http: stats.reading() }))));
  server.register(healthRoutes(readings));
  if (config.ready_failing_after !== undefined) {
    log.warn('http.ready_failing_after is no longer read (/readyz does not depend on notifiers): remove it from the config');
  }
  if (Object.values(config.tokens).some((secret) => secret !== '')) {
    server.register(
      eventsRoute({ accept: ingest.accept, clock: ingest.clock, stats, maxItems: config.max_items, maxDepth: config.max_depth }),
    );
    const names = [...ingest.notifiers.keys()];
    const urls = new Map(config.notify.allow_urls ? [...ingest.notifiers].map(([name, url]) => [url, name]) : []);
    const tags = { notifiers: names, tags: config.notify.tags, default: config.notify.default, urls, allowUrls: config.notify.allow_urls };
    server.register(notifyRoute({ enqueue: ingest.enqueue, clock: ingest.clock, tags }));
  }
  return server;
}
