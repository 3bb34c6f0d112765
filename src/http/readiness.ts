// /readyz's verdict from the readings: not ready while a listener is down, a state store cannot write, or a
// notifier has kept failing for longer than `http.ready_failing_after`. A notifier failing for less is shown
// but tolerated: one 429 or a short provider blip should not page anyone through the readiness probe.
import { formatDuration } from '../config/duration.ts';
import type { RelayReadings } from '../metrics/relay-readings.ts';

export interface Readiness {
  ready: boolean;
  /** Why not ready, one sentence each; empty when ready. */
  problems: string[];
  listeners: { name: string; type: string; address: string; up: boolean }[];
  stores: { name: string; writable: boolean; since?: string; error?: string }[];
  notifiers: { name: string; failing: boolean; failingSince?: string; failingForSeconds?: number; waiting: number }[];
}

export function readiness(r: RelayReadings, failingAfterMs: number): Readiness {
  const problems: string[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const l of r.listeners) if (!l.up) problems.push(`listener ${l.name} is not listening on ${l.address}`);
  for (const s of r.stores) {
    if (!s.writable) problems.push(`state store ${s.name} cannot write${s.since === undefined ? '' : ` since ${iso(s.since)}`}: ${s.error ?? 'unknown error'}`);
  }
  for (const n of r.notifiers) {
    const since = n.delivery.failingSince;
    if (since !== undefined && r.now - since > failingAfterMs) {
      problems.push(`notifier ${n.name} has been failing since ${iso(since)}, longer than http.ready_failing_after (${formatDuration(failingAfterMs)})`);
    }
  }
  return {
    ready: problems.length === 0,
    problems,
    listeners: r.listeners.map(({ name, type, address, up }) => ({ name, type, address, up })),
    stores: r.stores.map((s) => ({
      name: s.name, writable: s.writable, ...(s.since === undefined ? {} : { since: iso(s.since) }), ...(s.error === undefined ? {} : { error: s.error }),
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
