// The HTTP endpoint: requests by route, token name and status code, and events taken in or rejected by token
// (present once relay serves HTTP; token "" is a request without a valid token).
import type { Registry } from 'prom-client';
import type { RelayReadings } from './relay-readings.ts';
import { scrapedCounter, type Sample } from './scraped.ts';

export function registerHttpMetrics(registry: Registry, readings: () => RelayReadings): void {
  scrapedCounter(registry, {
    name: 'relay_http_requests_total',
    help: 'HTTP requests answered, by route, token name ("" without a valid token) and status code.',
    labelNames: ['route', 'token', 'code'],
    read: () =>
      (readings().http?.requests ?? []).map(
        (r): Sample<'route' | 'token' | 'code'> => [{ route: r.route, token: r.token, code: String(r.code) }, r.count],
      ),
  });
  scrapedCounter(registry, {
    name: 'relay_http_events_total',
    help: 'Events posted to /events, by token name and outcome (accepted into the rules, or rejected as invalid).',
    labelNames: ['token', 'outcome'],
    read: () => (readings().http?.events ?? []).map((e): Sample<'token' | 'outcome'> => [{ token: e.token, outcome: e.outcome }, e.count]),
  });
}
