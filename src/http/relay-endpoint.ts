// The HTTP endpoint as `relay run` serves it: the server with its features, all reading the running relay.
import type { HttpConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { RelayMetrics } from '../metrics/relay-metrics.ts';
import type { RelayReadings } from '../metrics/relay-readings.ts';
import { healthRoutes } from './health-routes.ts';
import { HttpServer } from './http-server.ts';
import { metricsRoute } from './metrics-route.ts';

export function relayEndpoint(config: HttpConfig, readings: () => RelayReadings, log: Logger): HttpServer {
  const server = new HttpServer(config.address, log);
  server.register(metricsRoute(new RelayMetrics(readings)));
  server.register(healthRoutes(readings, config.ready_failing_after));
  return server;
}
