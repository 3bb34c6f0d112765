// /readyz's verdict from the readings: relay is ready while it can take events in and keep them — every
// listener bound, every state store (outbox, state) writable. A notifier that fails does not make it unready:
// relay then buffers in the outbox, which is exactly when a load balancer must keep sending to it (so do
// Alertmanager's and Vector's readiness, which never depend on downstream health). Failing notifiers are
// shown, for people and for alerts on /metrics (relay_notifier_failing_seconds).
import type { RelayReadings } from '../metrics/relay-readings.ts';

export interface Readiness {
  ready: boolean;
  /** Why not ready, one sentence each; empty when ready. */
  problems: string[];
  listeners: { name: string; type: string; address: string; up: boolean }[];
  stores: { name: string; writable: boolean; since?: string; error?: string }[];
  /** Shown, never a reason to be unready. */
  notifiers: { name: string; failing: boolean; failingSince?: string; failingForSeconds?: number; waiting: number }[];
}

export function readiness(r: RelayReadings): Readiness {
  const problems: string[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const l of r.listeners) if (!l.up) problems.push(`listener ${l.name} is not listening on ${l.address}`);
  for (const s of r.stores) {
    if (!s.writable)
      problems.push(
        `state store ${s.name} cannot write${s.since === undefined ? '' : ` since ${iso(s.since)}`}: ${s.error ?? 'unknown error'}`,
      );
  }
  return {
    ready: problems.length === 0,
    problems,
    listeners: r.listeners.map(({ name, type, address, up }) => ({ name, type, address, up })),
    stores: r.stores.map((s) => ({
      name: s.name,
      writable: s.writable,
      ...(s.since === undefined ? {} : { since: iso(s.since) }),
      ...(s.error === undefined ? {} : { error: s.error }),
    })),
    notifiers: r.notifiers.map((n) => {
      const since = n.delivery.failingSince;
      return {
        name: n.name,
        failing: since !== undefined,
        ...(since === undefined ? {} : { failingSince: iso(since), failingForSeconds: Math.max(0, r.now - since) / 1000 }),
        waiting: n.outbox.pending,
      };
    }),
  };
}
