// What the HTTP endpoint counts for /metrics: requests by route, token name and status, and events taken in
// or rejected by token. Labels are bounded by config (routes, token names) and by the status codes HTTP has;
// a path that matches no route counts as route "unmatched", so a scanner cannot grow the label set.
import type { FastifyInstance } from 'fastify';
import type { HttpReading } from '../metrics/relay-readings.ts';

export class HttpStats {
  private readonly requests = new Map<string, { route: string; token: string; code: number; count: number }>();
  private readonly events = new Map<string, { token: string; outcome: 'accepted' | 'rejected'; count: number }>();

  request(route: string, token: string, code: number): void {
    const key = `${route}\u0000${token}\u0000${code}`;
    const entry = this.requests.get(key);
    if (entry) entry.count++;
    else this.requests.set(key, { route, token, code, count: 1 });
  }

  event(token: string, outcome: 'accepted' | 'rejected', n: number): void {
    if (n === 0) return;
    const key = `${token}\u0000${outcome}`;
    const entry = this.events.get(key);
    if (entry) entry.count += n;
    else this.events.set(key, { token, outcome, count: n });
  }

  reading(): HttpReading {
    return { requests: [...this.requests.values()].map((r) => ({ ...r })), events: [...this.events.values()].map((e) => ({ ...e })) };
  }

  /** Counts every answered request, including 401, 413 and 429. */
  feature() {
    return (server: FastifyInstance): void => {
      server.addHook('onResponse', async (request, reply) => {
        this.request(request.routeOptions.url ?? 'unmatched', request.tokenName ?? '', reply.statusCode);
      });
    };
  }
}
