// GET /healthz: the process serves (a liveness probe restarts relay when this stops answering).
// GET /readyz: relay can take events in and keep them (see readiness.ts); 503 with the same JSON when it cannot.
import type { RelayReadings } from '../metrics/relay-readings.ts';
import type { HttpFeature } from './http-server.ts';
import { readiness } from './readiness.ts';

export function healthRoutes(readings: () => RelayReadings): HttpFeature {
  return (server) => {
    server.get('/healthz', async () => ({ status: 'ok' }));
    server.get('/readyz', async (_request, reply) => {
      const verdict = readiness(readings());
      return reply.code(verdict.ready ? 200 : 503).send(verdict);
    });
  };
}
