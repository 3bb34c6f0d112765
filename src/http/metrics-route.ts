// GET /metrics: the Prometheus text exposition, read at scrape time.
import type { RelayMetrics } from '../metrics/relay-metrics.ts';
import type { HttpFeature } from './http-server.ts';

export function metricsRoute(metrics: RelayMetrics): HttpFeature {
  return (server) => {
    server.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.scrape()));
  };
}
